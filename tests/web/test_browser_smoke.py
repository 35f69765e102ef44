"""The browser fixture drives Debian's chromium against the live server."""


def test_chromium_fetches_the_openapi_spec(browser, live_server):
    page = browser.new_page()
    response = page.goto(f"{live_server.url}/api/v1/openapi.json")
    assert response.status == 200
    assert response.headers["x-content-type-options"] == "nosniff"
    assert '"/api/v1/sightings"' in page.content()
    page.close()
