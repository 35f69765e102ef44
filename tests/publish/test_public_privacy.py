"""No public response, in any route or format, carries anything that could identify a volunteer."""

import re
from datetime import UTC, datetime

import pytest

from survey.extensions import db
from survey.models import Sighting
from tests.areas.osmdata import walked_area
from tests.factories import photo
from tests.signs.flow import approve_sign, log_sign
from tests.support import camera_from_upload, pending_photo

VOLUNTEER_IP = "203.0.113.77"
TAKEN = datetime(2026, 4, 3, 14, 37, 21, tzinfo=UTC)


@pytest.fixture
def secrets(client, app, tmp_path, mod):
    """Sightings full of distinctive private values: one approved into a camera, one pending, one rejected,
    and a sign approved from its report."""
    client.environ_base["REMOTE_ADDR"] = VOLUNTEER_IP
    exif = photo(51.4234567, -0.3345678, heading=77.7, taken=TAKEN, size=(320, 240), seed=5)
    shown = camera_from_upload(
        client,
        app,
        jpeg=exif,
        camera_fields={"lat": 51.5011111, "lon": -0.1222222},
        notes="NOTE-secret-walked-home-via-elm-street",
        device_id="DEVICE-secret-abcdef",
        location_source="manual",
        lat=51.5011111,
        lon=-0.1222222,
        device_lat=51.4123457,
        device_lon=-0.2987654,
        device_accuracy_m=17.25,
    )
    pending = pending_photo(client, app, notes="NOTE-secret-pending", device_id="DEVICE-secret-pending")
    rejected = camera_from_upload(client, app, seed=6, notes="NOTE-secret-rejected", lat=51.52, lon=-0.14)
    # Approved, then reopened: its camera is withdrawn and must vanish from every public view.
    withdrawn = camera_from_upload(
        client,
        app,
        seed=7,
        lat=51.53,
        lon=-0.15,
        camera_fields={
            "status": "withdrawn",
            "operator": "WITHDRAWN-secret-operator",
            "model": "WITHDRAWN-secret-model",
        },
    )
    sign = log_sign(
        client, 51.5012, -0.1223, 8, operator="Lambeth Council", sign_has_contact="true",
        sign_camera_id=shown["camera_id"], notes="NOTE-secret-sign", device_id="DEVICE-secret-sign",
    )  # fmt: skip
    shown["sign_id"] = approve_sign(client, mod, sign["id"])["sign"]["id"]
    with app.app_context():
        sighting = db.session.get(Sighting, shown["sighting_id"])
        sighting.moderator_note = "MODNOTE-secret-check-again"
        db.session.get(Sighting, rejected["sighting_id"]).status = "rejected"
        reopened = db.session.get(Sighting, withdrawn["sighting_id"])
        reopened.status, reopened.camera_id = "pending", None
        db.session.commit()
        rows = db.session.query(Sighting).all()
        private = (
            {s.client_id for s in rows if s.client_id}
            | {s.receipt for s in rows}
            | {s.volunteer_key for s in rows if s.volunteer_key}
        )
        private |= {s.submitted_at.isoformat()[:16] for s in rows} | {s.submitted_at.strftime("%H:%M") for s in rows}
    private |= {
        "NOTE-secret",
        "DEVICE-secret",
        "MODNOTE-secret",
        VOLUNTEER_IP,
        shown["original_sha256"],
        pending["display_sha256"],
        "WITHDRAWN-secret",
        withdrawn["display_sha256"],
        *(f'"id"{gap}:{space}{withdrawn["camera_id"]},' for gap in ("", " ") for space in ("", " ")),  # either database
        "51.4123457",
        "51.412345",
        "0.2987654",
        "0.298765",
        "17.25",  # the device fix
        "51.4234567",
        "51.423456",
        "0.3345678",
        "0.334567",  # where the photo's EXIF says the volunteer stood
        "14:37",
        "77.7",  # time of day and compass heading of the photo
    }
    shown["withdrawn_camera_id"] = withdrawn["camera_id"]
    shown["area_id"], walked = walked_area(client, app, tmp_path)
    private |= walked
    return shown, private


WIDE = "-1,51,1,53"


def public_urls(shown: dict) -> list[str]:
    camera_id = shown["camera_id"]
    items = "/ogcapi/collections/cameras/items"
    urls = [
        "/api/v1/cameras.geojson",
        "/api/v1/cameras.csv",
        "/api/v1/cameras.osm",
        "/api/v1/cameras.gpkg?status=all",
        f"/api/v1/cameras/{camera_id}",
        "/ogcapi",
        "/ogcapi/conformance",
        "/ogcapi/api",
        "/ogcapi/collections",
        "/ogcapi/collections/cameras",
        items,
        f"{items}/{camera_id}",
        "/ogcapi/collections/cameras/queryables",
        "/ogcapi/collections/streets",
        "/ogcapi/collections/streets/queryables",
        "/ogcapi/collections/streets/items",
        f"/ogcapi/collections/streets/items?filter=state%3D'walked'&bbox={WIDE}",
        "/ogcapi/collections/signs",
        "/ogcapi/collections/signs/queryables",
        "/ogcapi/collections/signs/items",
        f"/ogcapi/collections/signs/items/{shown['sign_id']}",
        "/ogcapi/collections/signs/items?status=all&filter=has_contact%3DTRUE",
        "/map",
        "/map/cameras.json?bbox=-1,51,1,52&zoom=12",
        "/map/cameras.json?bbox=-1,51,1,52&zoom=12&status=all",
        "/map/signs.json?bbox=-1,51,1,52&status=all",
        "/api/v1/openapi.json",
        f"/api/v1/areas/{shown['area_id']}/streets.geojson",
        f"/api/v1/areas/{shown['area_id']}/coverage",
        "/api/v1/signs.geojson?status=all",
        "/api/v1/signs.csv?status=all",
        "/api/v1/findings?status=all",
        f"/api/v1/findings?area={shown['area_id']}",
        f"/findings?status=all&area={shown['area_id']}",
    ]
    urls += [f"/api/v1/cameras.{fmt}?status=all" for fmt in ("geojson", "csv", "osm")]
    urls += [f"{u}{'&' if '?' in u else '?'}f=html" for u in urls if u.startswith("/ogcapi")]
    return urls + [f"{items}?status=all", f"{items}?status=all&f=html"]


def test_no_volunteer_data_in_any_public_response(client, app, secrets):
    shown, private = secrets
    seen_photos = set()
    for url in public_urls(shown):
        response = client.get(url)
        assert response.status_code == 200, url
        # timeStamp says when the response was made (now), which says nothing about anyone.
        text = re.sub(r'"timeStamp": ?"[^"]*"', "", response.data.decode("utf-8", "replace"))  # gpkg is binary
        # A street's feature id may equal the withdrawn camera's id; the coverage test checks that camera is absent.
        streets = "/areas/" in url or "/streets" in url
        scanned = {v for v in private if not v.startswith('"id"')} if streets else private
        leaks = sorted(value for value in scanned if value in text)
        assert leaks == [], f"{url} leaks {leaks}"
        if "openapi" not in url:  # the API description names the intake's fields, of course
            assert not re.search(
                r"client_id|receipt|notes|volunteer_key|device_|exif_|accuracy|captured_at|submitted", text
            ), url
        seen_photos |= set(re.findall(r"/media/(?:display|thumbs)/[0-9a-f]{64}\.jpg", text))
    assert seen_photos  # the camera's photo is published, and its copies carry no metadata
    signs = client.get("/ogcapi/collections/signs/items").json["features"]
    assert [f["id"] for f in signs] == [shown["sign_id"]]  # the scan above read a real sign
    assert signs[0]["properties"]["thumbnail_url"].split("localhost", 1)[1] in seen_photos
    for path in seen_photos:
        data = client.get(path).data
        assert data[:3] == b"\xff\xd8\xff" and b"Exif" not in data and b"TestPhone" not in data and b"GPS" not in data


def test_exports_name_only_public_fields(client, app, secrets):
    shown, _ = secrets
    feature = client.get(f"/api/v1/cameras/{shown['camera_id']}").json
    assert set(feature) == {"type", "id", "geometry", "properties", "history", "photos"}
    assert set(feature["history"][0]) == {"date", "sightings"}
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", feature["history"][0]["date"])
    header = client.get("/api/v1/cameras.csv").get_data(as_text=True).splitlines()[0]
    assert header.split(",")[:3] == ["lat", "lon", "id"] and len(header.split(",")) == 23


def test_cli_export_has_no_volunteer_data(runner, app, secrets):
    _, private = secrets
    for fmt in ("geojson", "csv", "osm"):
        output = re.sub(
            r'"timeStamp": ?"[^"]*"', "", runner.invoke(args=["export", fmt, "-", "--status", "all"]).stdout
        )
        assert [value for value in private if value in output] == []


def test_withdrawn_camera_is_not_found_by_id(client, secrets):
    shown, _ = secrets
    camera_id = shown["withdrawn_camera_id"]
    for url in (f"/api/v1/cameras/{camera_id}", f"/ogcapi/collections/cameras/items/{camera_id}?f=json"):
        response = client.get(url)
        assert response.status_code == 404 and response.json["code"] == 404, url
