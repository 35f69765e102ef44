"""The capture page's shell over HTTP: the page, its service worker and manifest, and what they cache."""

import json
import re
from html.parser import HTMLParser

from survey.web.capture import shell_version


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def shell_urls(client) -> list[str]:
    source = client.get("/sw.js").get_data(as_text=True)
    return re.findall(r'^  "(/[^"]*)",$', source, flags=re.M)


def test_page_is_served_at_the_root_with_no_inline_script(client, app):
    response = client.get("/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.headers["Cache-Control"] == "no-cache"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    found = tags(response.get_data(as_text=True))
    scripts = [attrs for tag, attrs in found if tag == "script"]
    assert scripts and all(attrs.get("src") for attrs in scripts)  # CSP would block inline code
    assert not any(name.startswith("on") for _, attrs in found for name in attrs)
    meta = {attrs.get("name"): attrs.get("content") for tag, attrs in found if tag == "meta"}
    assert meta["tile-url"] == app.config["TILE_URL"] and meta["viewport"].startswith("width=device-width")


def test_every_control_has_a_label(client):
    found = tags(client.get("/").get_data(as_text=True))
    labelled = {attrs["for"] for tag, attrs in found if tag == "label" and "for" in attrs}
    inputs = [attrs for tag, attrs in found if tag in ("input", "textarea", "select")]
    assert inputs and all(attrs["id"] in labelled for attrs in inputs)
    camera = next(attrs for attrs in inputs if attrs["id"] == "camera-input")
    assert (camera["type"], camera["accept"], camera["capture"]) == ("file", "image/*", "environment")


def test_service_worker_is_served_from_the_root_uncached_and_versioned(client, app):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.get_data(as_text=True)
    assert "__SHELL_VERSION__" not in body
    with app.test_request_context():
        version = shell_version()
        assert f'const VERSION = "{version}"' in body
        app.config["TILE_URL"] = "https://tiles.example.org/{z}/{x}/{y}.png"
        assert shell_version() != version  # the shell embeds the tile settings


def test_everything_the_service_worker_caches_exists(client):
    urls = shell_urls(client)
    assert "/" in urls and "/vendor/leaflet/leaflet.js" in urls and len(urls) > 10
    for url in urls:
        assert client.get(url).status_code == 200, url
    html = client.get("/").get_data(as_text=True)
    for tag, attrs in tags(html):
        local = attrs.get("src") or (attrs.get("href") if tag == "link" else None)
        assert local is None or local in urls, f"{local} is used by the page but not cached for offline use"


def test_every_module_of_the_page_is_cached(client):
    from survey.web.capture import CAPTURE

    modules = {f"/static/capture/{p.name}" for p in CAPTURE.glob("*.js") if p.name != "sw.js"}
    assert modules <= set(shell_urls(client))


def test_manifest_makes_the_page_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200 and response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data())
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/", "/", "standalone")
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200
