"""Every image the capture page's manifest names is served, is a PNG, and has the size it declares."""

import io

import pytest
from PIL import Image


@pytest.fixture
def manifest(client) -> dict:
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200 and response.mimetype == "application/manifest+json"
    return response.json


def images(manifest: dict) -> list[dict]:
    return [*manifest["icons"], *manifest["screenshots"]]


def test_every_manifest_image_exists_with_its_declared_size_and_type(client, manifest):
    assert len(images(manifest)) >= 6
    for entry in images(manifest):
        response = client.get(entry["src"])
        assert response.status_code == 200, entry["src"]
        assert response.mimetype == entry["type"] == "image/png"
        image = Image.open(io.BytesIO(response.data))
        assert image.format == "PNG"
        assert f"{image.width}x{image.height}" == entry["sizes"], entry["src"]


def test_screenshots_cover_narrow_and_wide_screens_as_install_dialogs_want(manifest):
    shots = manifest["screenshots"]
    assert {shot["form_factor"] for shot in shots} == {"narrow", "wide"}
    for shot in shots:
        width, height = map(int, shot["sizes"].split("x"))
        # Chrome shows a screenshot only between 320 and 3840 px a side, at most 2.3 times longer than wide.
        assert min(width, height) >= 320 and max(width, height) <= 3840
        assert max(width, height) / min(width, height) <= 2.3
        assert (width < height) == (shot["form_factor"] == "narrow")
        assert shot["label"]  # read out by screen readers in the install dialog
