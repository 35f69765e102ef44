"""The position trust order over HTTP: the volunteer's confirmed choice, the API's older order, 0,0 refused."""

import pytest
from sqlalchemy import func, select

from survey import vocab
from survey.extensions import db
from survey.models import Sighting
from tests.factories import new_client_id, photo, upload

PHOTO_AT = (51.5041, -0.1183)  # the photo's own GPS
PHONE_AT = (51.5033, -0.1196)  # about 130 m away: the phone's fix
PIN_AT = (51.50335, -0.11975)  # the volunteer's pin, 10 m from the phone


def stored(app) -> Sighting:
    with app.app_context():
        row = db.session.scalars(select(Sighting)).one()
        db.session.expunge(row)
        return row


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Sighting))


def pin_fields(**extra) -> dict:
    return {
        "lat": PIN_AT[0],
        "lon": PIN_AT[1],
        "location_source": "manual",
        "device_lat": PHONE_AT[0],
        "device_lon": PHONE_AT[1],
        "device_accuracy_m": 8,
        "client_id": new_client_id(),
        **extra,
    }


def test_a_pin_the_volunteer_confirmed_outranks_the_photos_gps_and_every_candidate_is_kept(client, app):
    response = upload(client, photo(*PHOTO_AT, accuracy=5), **pin_fields(position_choice="manual"))
    assert response.status_code == 201, response.json
    assert response.json["location"] == {"lat": PIN_AT[0], "lon": PIN_AT[1], "accuracy_m": None, "source": "manual"}
    row = stored(app)
    assert (row.manual_lat, row.manual_lon) == PIN_AT
    assert (row.exif_lat, row.exif_lon, row.exif_accuracy_m) == (
        pytest.approx(PHOTO_AT[0], abs=1e-6),
        pytest.approx(PHOTO_AT[1], abs=1e-6),
        5,
    )
    assert (row.device_lat, row.device_lon, row.device_accuracy_m) == (*PHONE_AT, 8)
    codes = {w["code"]: vocab.warning_message(w) for w in row.warnings}  # stored as code and values
    # 130 m from the photo's GPS is more than its ±5 m and a street's width; 10 m from the phone is not.
    assert "pin_far_from_photo" in codes and "pin_far_from_device" not in codes
    assert (
        codes["pin_far_from_photo"].startswith("The pin is 130 m from the photo's GPS")
        and "(35 m)" in codes["pin_far_from_photo"]
    )


def test_without_a_choice_an_api_client_keeps_the_photo_first_order(client, app):
    response = upload(client, photo(*PHOTO_AT), **pin_fields())
    assert response.status_code == 201, response.json
    assert response.json["location"]["source"] == "exif"
    assert response.json["location"]["lat"] == pytest.approx(PHOTO_AT[0], abs=1e-6)
    assert (stored(app).manual_lat, stored(app).manual_lon) == PIN_AT


def test_choosing_the_photos_gps_stores_it_and_keeps_the_phones_fix(client, app):
    fields = {"lat": PHONE_AT[0], "lon": PHONE_AT[1], "accuracy_m": 8, "position_choice": "exif"}
    response = upload(client, photo(*PHOTO_AT, accuracy=4), client_id=new_client_id(), **fields)
    assert response.status_code == 201, response.json
    assert response.json["location"]["source"] == "exif" and response.json["location"]["accuracy_m"] == 4
    row = stored(app)
    assert (row.device_lat, row.device_lon, row.device_accuracy_m) == (*PHONE_AT, 8)
    assert [w["code"] for w in row.warnings] == ["position_mismatch"]


def test_choosing_the_phone_over_a_far_photo_gps_stores_the_phones_fix(client, app):
    fields = {"lat": PHONE_AT[0], "lon": PHONE_AT[1], "accuracy_m": 8, "position_choice": "device"}
    response = upload(client, photo(41.9, 12.5), client_id=new_client_id(), **fields)  # a photo from Rome
    assert response.status_code == 201, response.json
    assert response.json["location"] == {"lat": PHONE_AT[0], "lon": PHONE_AT[1], "accuracy_m": 8.0, "source": "device"}
    assert stored(app).exif_lat == pytest.approx(41.9, abs=1e-6)


def test_choosing_the_photos_gps_when_it_has_none_is_refused(client, app):
    fields = {"lat": PHONE_AT[0], "lon": PHONE_AT[1], "position_choice": "exif"}
    response = upload(client, photo(), client_id=new_client_id(), **fields)
    assert response.status_code == 422
    assert response.json["code_name"] == "no_position" and "position_choice" in response.json["errors"]
    assert count(app) == 0


def test_a_choice_without_its_position_is_refused(client, app):
    response = upload(client, photo(*PHOTO_AT), client_id=new_client_id(), position_choice="manual")
    assert response.status_code == 422
    assert "position_choice" in response.json["errors"]
    assert count(app) == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"lat": 0, "lon": 0, "location_source": "manual", "position_choice": "manual"},
        {"lat": "0.0", "lon": "-0.0", "capture": "camera"},
        {**pin_fields(), "device_lat": 0, "device_lon": 0},
    ],
    ids=["pin", "device", "device-candidate"],
)
def test_zero_zero_from_the_page_is_refused(client, app, fields):
    response = upload(client, photo(), **{"client_id": new_client_id(), **fields})
    assert response.status_code == 422
    assert response.json["code"] == 422 and "0, 0 is not a position" in str(response.json["errors"])
    assert count(app) == 0


def test_an_unknown_choice_is_refused(client, app):
    response = upload(client, photo(*PHOTO_AT), client_id=new_client_id(), position_choice="reviewer")
    assert response.status_code == 422 and "position_choice" in response.json["errors"]
