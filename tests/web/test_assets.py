"""Front-end files: our modules are revalidated on every load, vendor files are cached, nothing else is served."""

import pytest

import config as settings

MODULES = sorted(
    f"/static/{p.relative_to(settings.ROOT / 'static').as_posix()}" for p in (settings.ROOT / "static").rglob("*.js")
)


@pytest.mark.parametrize("path", MODULES)
def test_our_modules_are_revalidated_not_cached_for_a_while(client, path):
    # A page of ES modules must never run a mix of old and new files after a deploy.
    response = client.get(path)
    assert response.status_code == 200 and "javascript" in response.mimetype
    assert "no-cache" in response.headers["Cache-Control"] and "max-age" not in response.headers["Cache-Control"]
    again = client.get(path, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_vendor_files_are_cached_and_only_known_packages_served(client):
    leaflet = client.get("/vendor/leaflet/leaflet.js")
    assert leaflet.status_code == 200 and "max-age=86400" in leaflet.headers["Cache-Control"]
    assert client.get("/vendor/left-pad/index.js").status_code == 404
    assert client.get("/static/../config.py").status_code == 404
