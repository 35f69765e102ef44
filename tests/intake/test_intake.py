"""POST /api/v1/sightings and the receipt view, over HTTP, against a real database."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Photo, Sighting
from tests.factories import new_client_id, photo, upload

LONDON = (51.5033, -0.1196)


def count(app, model=Sighting) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def stored_files(app) -> list:
    from pathlib import Path

    root = Path(app.config["DATA_DIR"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_exif_position_heading_and_time_are_used(client, app):
    taken = datetime(2026, 5, 1, 14, 30, tzinfo=UTC)
    jpeg = photo(*LONDON, heading=123.5, heading_ref="M", taken=taken, accuracy=4.5)
    response = upload(client, jpeg, client_id=new_client_id(), manufacturer="hikvision", signage="none")
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "pending"
    assert body["location"]["source"] == "exif"
    assert body["location"]["lat"] == pytest.approx(LONDON[0], abs=1e-6)
    assert body["location"]["lon"] == pytest.approx(LONDON[1], abs=1e-6)
    assert body["location"]["accuracy_m"] == pytest.approx(4.5)
    assert body["heading"] == {"degrees": pytest.approx(123.5), "ref": "M", "source": "exif"}
    assert body["captured_at"].startswith("2026-05-01T14:30:00")
    assert body["attributes"]["manufacturer"] == "Hikvision"
    assert len(body["receipt"]) >= 24


def test_device_position_used_when_photo_has_none(client, app):
    response = upload(client, photo(), lat=48.8584, lon=2.2945, accuracy_m=12, client_id=new_client_id())
    assert response.status_code == 201, response.json
    assert response.json["location"] == {"lat": 48.8584, "lon": 2.2945, "accuracy_m": 12.0, "source": "device"}
    assert response.json["captured_at"] is None  # never the server's clock


def test_manual_pin_keeps_the_device_fix(client, app):
    response = upload(
        client,
        photo(),
        lat=48.85,
        lon=2.29,
        location_source="manual",
        device_lat=48.851,
        device_lon=2.291,
        device_accuracy_m=30,
    )
    assert response.status_code == 201, response.json
    assert response.json["location"]["source"] == "manual"
    with app.app_context():
        s = db.session.get(Sighting, response.json["id"])
        assert (s.manual_lat, s.manual_lon, s.device_lat, s.device_accuracy_m) == (48.85, 2.29, 48.851, 30.0)


def test_exif_wins_over_device_and_both_are_kept(client, app):
    response = upload(client, photo(*LONDON), lat=LONDON[0] + 0.01, lon=LONDON[1], accuracy_m=5)
    assert response.json["location"]["source"] == "exif"
    codes = [w["code"] for w in response.json["warnings"]]
    assert "position_mismatch" in codes  # about 1.1 km apart
    with app.app_context():
        s = db.session.get(Sighting, response.json["id"])
        assert s.device_lat == pytest.approx(LONDON[0] + 0.01) and s.exif_lat == pytest.approx(LONDON[0])


@pytest.mark.parametrize("lat,lon", [(0.0, 0.0)])
def test_null_island_is_no_position(client, app, lat, lon):
    response = upload(client, photo(lat, lon), client_id=new_client_id())
    assert response.status_code == 422
    assert "allow location access or place a pin" in response.json["message"]
    assert count(app) == 0 and stored_files(app) == []


def test_no_position_anywhere_is_422_and_stores_nothing(client, app):
    response = upload(client, photo())
    assert response.status_code == 422
    assert response.json["code"] == 422
    assert response.json["message"].startswith("This photo has no location")
    assert count(app) == 0 and stored_files(app) == []


def test_warnings_for_accuracy_time_and_duplicate(client, app):
    old = datetime.now(UTC) - timedelta(days=400)
    jpeg = photo(*LONDON, taken=old, accuracy=75)
    first = upload(client, jpeg)
    codes = {w["code"] for w in first.json["warnings"]}
    assert codes == {"low_accuracy", "time_old"}
    second = upload(client, jpeg)
    assert second.status_code == 201
    assert "duplicate_photo" not in {w["code"] for w in second.json["warnings"]}  # for moderators only
    future = photo(*LONDON, taken=datetime.now(UTC) + timedelta(days=3), seed=7)
    assert "time_in_future" in {w["code"] for w in upload(client, future).json["warnings"]}


def codes_of(response) -> set[str]:
    return {w["code"] for w in response.json["warnings"]}


def test_gallery_photo_with_a_device_position_is_flagged(client, app):
    response = upload(client, photo(), lat=48.8584, lon=2.2945, accuracy_m=12, heading=90, capture="gallery")
    assert response.status_code == 201, response.json
    assert response.json["location"]["source"] == "device"  # still stored: a moderator decides
    [warning] = [w for w in response.json["warnings"] if w["code"] == "position_not_from_photo"]
    assert "position and heading is the phone's" in warning["message"]
    with app.app_context():
        stored = db.session.get(Sighting, response.json["id"])
        assert "position_not_from_photo" in {w["code"] for w in stored.warnings} and stored.warning_count >= 1


@pytest.mark.parametrize(
    "fields",
    [
        {"capture": "gallery", "location_source": "manual"},  # the volunteer placed the pin
        {"capture": "camera"},  # taken just now: the fix is where the photo was taken
        {},  # an older page that does not say
    ],
)
def test_no_gallery_warning_for_a_pin_a_fresh_photo_or_an_older_page(client, app, fields):
    response = upload(client, photo(), lat=48.8584, lon=2.2945, accuracy_m=12, **fields)
    assert response.status_code == 201, response.json
    assert "position_not_from_photo" not in codes_of(response)


def test_gallery_photo_with_its_own_gps_uses_it_without_the_warning(client, app):
    response = upload(client, photo(*LONDON), lat=LONDON[0], lon=LONDON[1], capture="gallery")
    assert response.status_code == 201, response.json
    assert response.json["location"]["source"] == "exif"
    assert "position_not_from_photo" not in codes_of(response)


def test_gallery_photo_with_no_position_at_all_is_422(client, app):
    response = upload(client, photo(), capture="gallery", client_id=new_client_id())
    assert response.status_code == 422 and response.json["code_name"] == "no_position"
    assert count(app) == 0 and stored_files(app) == []


def test_files_are_stored_under_hash_names(client, app):
    jpeg = photo(*LONDON)
    response = upload(client, jpeg)
    assert response.status_code == 201
    names = [p.relative_to(app.config["DATA_DIR"]).as_posix() for p in stored_files(app)]
    assert len(names) == 3
    assert any(n.startswith("originals/") for n in names)
    with app.app_context():
        p = db.session.scalars(select(Photo)).one()
        assert p.original_key.split("/")[-1].startswith(p.sha256)


def test_receipt_shows_status_only_to_its_holder(client, app):
    created = upload(client, photo(*LONDON)).json
    ok = client.get(f"/api/v1/sightings/{created['id']}", headers={"X-Receipt": created["receipt"]})
    assert ok.status_code == 200 and ok.json["status"] == "pending"
    via_query = client.get(f"/api/v1/sightings/{created['id']}?receipt={created['receipt']}")
    assert via_query.status_code == 400  # receipts only in the header, never in a URL
    wrong = client.get(f"/api/v1/sightings/{created['id']}", headers={"X-Receipt": "nope"})
    assert wrong.status_code == 404 and wrong.json["code"] == 404
    assert client.get("/api/v1/sightings/999999").status_code == 404


def test_idempotent_retry_returns_the_stored_sighting(client, app):
    cid, jpeg = new_client_id(), photo(*LONDON)
    first = upload(client, jpeg, client_id=cid)
    files_after_first = stored_files(app)
    again = upload(client, jpeg, client_id=cid)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["id"] == first.json["id"] and again.json["receipt"] == first.json["receipt"]
    assert count(app) == 1 and count(app, Photo) == 1
    assert stored_files(app) == files_after_first


def test_same_client_id_with_other_photo_is_409(client, app):
    cid = new_client_id()
    first = upload(client, photo(*LONDON), client_id=cid)
    other = upload(client, photo(*LONDON, seed=2), client_id=cid)
    assert other.status_code == 409
    assert other.json["code"] == 409 and "sighting_id" not in other.json
    assert str(first.json["id"]) not in other.json["message"]
    assert count(app) == 1 and len(stored_files(app)) == 3


def test_concurrent_retries_make_exactly_one_sighting(app):
    cid, jpeg = new_client_id(), photo(*LONDON, size=(1600, 1200))
    results, barrier = [], threading.Barrier(6)

    def send():
        barrier.wait()
        results.append(upload(app.test_client(), jpeg, client_id=cid))

    threads = [threading.Thread(target=send) for _ in range(6)]
    [t.start() for t in threads]
    [t.join(60) for t in threads]
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200] * 5 + [201], [r.json for r in results]
    assert len({r.json["id"] for r in results}) == 1
    assert count(app) == 1 and count(app, Photo) == 1
    assert len(stored_files(app)) == 3


def test_unsupported_content_is_415_whatever_the_name(client, app):
    response = upload(client, b"%PDF-1.4\n" + b"x" * 500, lat=1, lon=1)
    assert response.status_code == 415
    assert response.json["code"] == 415 and response.json["message"]
    assert count(app) == 0 and stored_files(app) == []


def test_truncated_image_is_422(client, app):
    jpeg = photo(*LONDON, size=(1200, 900))
    response = upload(client, jpeg[: len(jpeg) // 2], lat=1, lon=1)
    assert response.status_code == 422
    assert response.json["code"] == 422
    assert count(app) == 0 and stored_files(app) == []


def test_oversized_request_is_413(client, app):
    app.config["MAX_CONTENT_LENGTH"] = 50_000
    response = upload(client, photo(*LONDON, size=(1600, 1200)) + b"\0" * 60_000)
    assert response.status_code == 413
    assert response.json["code"] == 413
    assert count(app) == 0


def test_photo_over_byte_limit_is_413(client, app):
    app.config["MAX_PHOTO_BYTES"] = 10_000
    response = upload(client, photo(*LONDON, size=(1600, 1200)))
    assert response.status_code == 413 and "at most" in response.json["message"]
    assert count(app) == 0


def test_pixel_bomb_is_413(client, app):
    app.config["MAX_IMAGE_PIXELS"] = 1000 * 1000
    response = upload(client, photo(*LONDON, size=(1200, 1000)))
    assert response.status_code == 413 and response.json["code"] == 413
    assert count(app) == 0 and stored_files(app) == []


@pytest.mark.parametrize(
    "fields,bad",
    [
        ({"lat": "91", "lon": "0"}, "lat"),
        ({"lat": "10"}, "lon"),
        ({"lat": "nan", "lon": "1"}, "lat"),
        ({"client_id": "not-a-uuid"}, "client_id"),
        ({"camera_type": "laser"}, "camera_type"),
        ({"signage": "maybe"}, "signage"),
        ({"heading": "400"}, "heading"),
        ({"lat": "1", "lon": "1", "capture": "scanner"}, "capture"),
    ],
)
def test_bad_fields_are_422_with_field_errors(client, app, fields, bad):
    response = upload(client, photo(*LONDON), **fields)
    assert response.status_code == 422
    assert bad in str(response.json["errors"])
    assert count(app) == 0


def test_missing_photo_is_422(client, app):
    response = client.post("/api/v1/sightings", data={"lat": "1", "lon": "1"}, content_type="multipart/form-data")
    assert response.status_code == 422 and "photo" in str(response.json["errors"])


def test_too_many_photos_is_422(client, app):
    response = upload(client, [photo(*LONDON, seed=i, size=(64, 48)) for i in range(6)])
    assert response.status_code == 422 and "At most 5" in response.json["message"]
    assert count(app) == 0


def test_several_photos_in_one_sighting(client, app):
    response = upload(client, [photo(size=(64, 48), seed=1), photo(*LONDON, size=(64, 48), seed=2)])
    assert response.status_code == 201 and response.json["photos"] == 2
    assert response.json["location"]["source"] == "exif"


def test_failed_commit_leaves_no_files(client, app, monkeypatch):
    from sqlalchemy.orm import Session

    def broken_commit(self):
        raise RuntimeError("disk went away")

    monkeypatch.setattr(Session, "commit", broken_commit)
    with pytest.raises(RuntimeError), app.app_context():
        from survey.intake.submit import submit_sighting

        submit_sighting({"lat": 1.0, "lon": 1.0, "location_source": "device", "heading_source": "device"}, [photo()])
    assert stored_files(app) == []
    monkeypatch.undo()
    assert count(app) == 0


def test_openapi_documents_the_intake(client):
    spec = client.get("/api/v1/openapi.json").json
    post = spec["paths"]["/api/v1/sightings"]["post"]
    assert "multipart/form-data" in post["requestBody"]["content"]
    assert {"201", "200", "409", "413", "415", "422"} <= set(post["responses"])
    assert "/api/v1/sightings/{sighting_id}" in spec["paths"]
    form = post["requestBody"]["content"]["multipart/form-data"]["schema"]
    form = spec["components"]["schemas"][form["$ref"].split("/")[-1]] if "$ref" in form else form
    assert form["properties"]["capture"]["enum"] == ["camera", "gallery"]
