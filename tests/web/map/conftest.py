"""Fixtures of the map's browser tests."""

import pytest


@pytest.fixture
def phone(browser, live_server, app):
    """A 360x640 touch page that records its errors and the map's answers: views (cameras) and signs."""
    app.config["TILE_URL"] = live_server.url + "/no-tiles/{z}/{x}/{y}.png"  # never the internet
    context = browser.new_context(viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.problems, page.views, page.signs = [], [], []
    page.on("pageerror", lambda exc: page.problems.append(str(exc)))
    page.on("response", lambda r: "/map/cameras.json" in r.url and page.views.append(r))
    page.on("response", lambda r: "/map/signs.json" in r.url and page.signs.append(r))
    yield page
    context.close()
