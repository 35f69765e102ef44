"""Sign reports in the console at 1280x800 in chromium: their own fields, `a` approves a new sign with the
moderator's corrections, a number and `m` merge into a known sign nearby, and rejection as for cameras."""

from playwright.sync_api import expect

from tests.conftest import screenshot_path
from tests.signs.flow import approve_sign, camera_signage, log_sign, offset
from tests.support import camera, moderator
from tests.web.test_console_review import laptop  # noqa: F401  (a fixture, used by name)

KNOWN = (51.5200, -0.1000)  # an approved sign
NEAR_KNOWN = offset(*KNOWN, 10, 90)  # a report 10 m from it: the same sign, seen again
ELSEWHERE = offset(*KNOWN, 150, 0)  # a report with no known sign within 50 m
API = "/api/v1/moderation/sightings"


def known_sign(client, app) -> tuple[int, dict]:
    headers = moderator(app, "boss@example.org")
    first = log_sign(client, *KNOWN, seed=1, operator="Lambeth Council", sign_purpose="Crime prevention")
    return approve_sign(client, headers, first["id"])["sign"]["id"], headers


def decision(page, key):
    """Press a deciding key and return the decision's answer (status, body), read before the page moves on."""
    answers = []

    def keep(route):
        response = route.fetch()
        answers.append((response.status, response.json()))
        route.fulfill(response=response)

    page.route("**/api/v1/moderation/sightings/*/*", keep)
    with page.expect_navigation():  # decided: the console goes on to the next report
        page.keyboard.press(key)
    page.unroute("**/api/v1/moderation/sightings/*/*")
    [answer] = answers
    return answer


def test_a_number_and_m_merge_a_sign_report_into_the_known_sign_nearby(laptop, live_server, app, client):  # noqa: F811
    sign_id, headers = known_sign(client, app)
    report = log_sign(client, *NEAR_KNOWN, seed=2, operator="Lambeth Council", sign_has_contact="true")
    page = laptop
    page.goto(f"{live_server.url}/console?id={report['id']}")
    expect(page.locator(f"#queue a[data-id='{report['id']}'] .badge.kind.sign")).to_have_text("Sign")
    rows = page.locator("#sign-candidates li")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-sign", str(sign_id))
    expect(rows.first).to_contain_text("Lambeth Council · Crime prevention")
    expect(page.locator("#attributes select[name=camera_type]")).to_be_hidden()  # a camera's questions
    expect(page.locator("#attributes input[name=operator]")).to_have_value("Lambeth Council")
    expect(page.locator("#attributes select[name=sign_has_contact]")).to_have_value("yes")
    expect(page.locator("button[data-action=merge]")).to_be_enabled()
    expect(page.locator("#detail h1")).to_contain_text(f"Sign report #{report['id']}")
    page.screenshot(path=str(screenshot_path("console-sign-report.png")))
    page.keyboard.press("1")
    expect(page.locator("#message")).to_have_text(f"Sign #{sign_id} selected: press m to merge.")
    status, body = decision(page, "m")
    assert status == 200 and body["sign"]["id"] == sign_id and body["sign"]["sightings_count"] == 2
    stored = client.get(f"{API}/{report['id']}", headers=headers).json
    assert (stored["status"], stored["sign_id"]) == ("approved", sign_id)
    assert page.problems == []


def test_a_approves_a_sign_report_as_a_new_sign_with_corrections(laptop, live_server, app, client):  # noqa: F811
    _, headers = known_sign(client, app)
    fixed_to = camera(app, lat=offset(*ELSEWHERE, 6, 90)[0], lon=offset(*ELSEWHERE, 6, 90)[1])
    report = log_sign(client, *ELSEWHERE, seed=3, operator="Lambeth Council", sign_purpose="CCTV in operation")
    page = laptop
    page.goto(f"{live_server.url}/console?id={report['id']}")
    expect(page.locator("#sign-candidates-none")).to_have_text("None within 50 m: approve as a new sign.")
    expect(page.locator("button[data-action=merge]")).to_be_disabled()
    expect(page.locator("#attributes input[name=sign_purpose]")).to_have_value("CCTV in operation")
    page.fill("#attributes input[name=sign_purpose]", "Crime prevention")
    page.select_option("#attributes select[name=sign_has_contact]", "no")
    page.locator(f"#sign-cameras li[data-camera='{fixed_to}'] input").check()  # the camera it is fixed to
    expect(page.locator("#attributes input[name=sign_camera_id]")).to_have_value(str(fixed_to))
    page.locator("#detail h1").click()  # out of the fields: keys decide again
    status, body = decision(page, "a")
    assert status == 200, body
    sign = body["sign"]
    assert (sign["purpose"], sign["has_contact"], sign["camera_id"], sign["operator"]) == (
        "Crime prevention",
        False,
        fixed_to,
        "Lambeth Council",
    )
    assert fixed_to in body["cameras_changed"]
    assert camera_signage(client, fixed_to)["signage_class"] == "on_structure"
    public = client.get(f"/api/v1/signs/{sign['id']}").json["properties"]
    assert (public["purpose"], public["camera_id"]) == ("Crime prevention", fixed_to)
    stored = client.get(f"{API}/{report['id']}", headers=headers).json
    assert (stored["status"], stored["sign_id"]) == ("approved", sign["id"])
    assert page.problems == []


def test_a_sign_report_is_rejected_as_a_camera_report_is(laptop, live_server, app, client):  # noqa: F811
    _, headers = known_sign(client, app)
    report = log_sign(client, *ELSEWHERE, seed=4, operator="Somebody")
    page = laptop
    page.goto(f"{live_server.url}/console?id={report['id']}")
    expect(page.locator("#sign-candidates-none")).to_be_visible()
    page.keyboard.press("r")
    page.keyboard.press("1")
    status, body = decision(page, "Enter")
    assert status == 200 and body["sighting"]["status"] == "rejected"
    stored = client.get(f"{API}/{report['id']}", headers=headers).json
    assert stored["status"] == "rejected" and stored["sign_id"] is None
    assert page.problems == []
