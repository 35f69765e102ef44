"""kind=sign through POST /api/v1/sightings: the sign's own fields, the same idempotency, each kind
refusing the other's fields, and "fixed to" only a public camera."""

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Photo, Sighting
from tests.factories import new_client_id, photo, upload
from tests.signs.flow import approve_camera, report
from tests.support import receipt

AT = {"lat": 51.5033, "lon": -0.1196, "accuracy_m": 6}


def _counts(app) -> tuple[int, int]:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Sighting)), db.session.scalar(
            select(func.count()).select_from(Photo)
        )


def test_a_sign_is_stored_with_what_it_says(client, app, mod):
    camera_id = approve_camera(client, mod, report(client, 51.5034, -0.1196, 1)["id"])
    sent = report(
        client, 51.5033, -0.1196, 2, kind="sign", operator="Lambeth Council", sign_purpose="Public safety",
        sign_has_contact="true", sign_camera_id=camera_id, heading=90,
    )  # fmt: skip
    assert (sent["kind"], sent["sign_purpose"], sent["sign_has_contact"]) == ("sign", "Public safety", True)
    assert sent["sign_camera_id"] == camera_id and sent["attributes"]["operator"] == "Lambeth Council"
    assert [c["id"] for c in sent["nearby_cameras"]] == [camera_id]  # what the page offers to fix it to
    assert receipt(client, sent)["kind"] == "sign"
    with app.app_context():
        stored = db.session.get(Sighting, sent["id"])
        assert (stored.kind, stored.status, stored.sign_id, stored.manufacturer) == ("sign", "pending", None, None)


def test_a_camera_report_is_still_a_camera_by_default(client):
    sent = report(client, 51.5, -0.12, 3, manufacturer="hikvision")
    assert sent["kind"] == "camera" and sent["sign_purpose"] is None and sent["sign_camera_id"] is None
    assert sent["attributes"]["manufacturer"] == "Hikvision"


def test_a_retried_sign_returns_the_stored_one(client, app):
    fields = {**AT, "client_id": new_client_id(), "kind": "sign", "operator": "Acme", "sign_has_contact": "false"}
    jpeg = photo(size=(160, 120), seed=4)
    first = upload(client, jpeg, **fields)
    again = upload(client, jpeg, **fields)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["id"] == first.json["id"] and again.json["sign_has_contact"] is False
    other = upload(client, photo(size=(160, 120), seed=5), **fields)
    assert other.status_code == 409 and "sighting_id" not in other.json
    assert _counts(app) == (1, 1)


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"kind": "sign", "manufacturer": "Hikvision"}, "manufacturer"),
        ({"kind": "sign", "mount": "pole"}, "mount"),
        ({"kind": "sign", "signage": "none"}, "signage"),
        ({"sign_purpose": "Crime prevention"}, "sign_purpose"),  # a camera report
        ({"kind": "camera", "sign_has_contact": "true"}, "sign_has_contact"),
        ({"kind": "poster"}, "kind"),
        ({"kind": "sign", "sign_has_contact": "perhaps"}, "sign_has_contact"),
        ({"kind": "sign", "sign_camera_id": "0"}, "sign_camera_id"),
        ({"kind": "sign", "sign_camera_id": "99999999999"}, "sign_camera_id"),
        ({"kind": "sign", "sign_purpose": "x" * 201}, "sign_purpose"),
    ],
)
def test_fields_of_the_other_kind_are_refused(client, app, fields, bad):
    response = upload(client, photo(size=(160, 120), seed=6), client_id=new_client_id(), **AT, **fields)
    assert response.status_code == 422, response.json
    assert bad in str(response.json["errors"])
    assert _counts(app) == (0, 0)


def test_fixed_to_must_be_a_public_camera(client, app, mod):
    kept = report(client, 51.51, -0.12, 7)
    gone = approve_camera(client, mod, kept["id"])
    assert client.post(f"/api/v1/moderation/sightings/{kept['id']}/reopen", json={}, headers=mod).status_code == 200
    before = _counts(app)
    for camera_id in (gone, 424242):  # withdrawn, unknown
        response = upload(
            client,
            photo(size=(160, 120), seed=8),
            client_id=new_client_id(),
            **AT,
            kind="sign",
            sign_camera_id=camera_id,
        )
        assert response.status_code == 422 and response.json["errors"] == {"sign_camera_id": ["Not a public camera."]}
    assert _counts(app) == before  # nothing stored, not even the photo files' rows
