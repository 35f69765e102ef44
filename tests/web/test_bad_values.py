"""Every bad date, cursor and header value is a 4xx JSON error, never a 500, on both databases."""

import base64
import json

import pytest

from tests.factories import new_client_id, photo, upload
from tests.support import submit

FAR_FUTURE = "9999-12-31T23:59:59-14:00"  # one second before year 10000 once moved to UTC
FAR_PAST = "0001-01-01T00:00:00+14:00"  # before year 1 in UTC


@pytest.mark.parametrize("when", [FAR_FUTURE, FAR_PAST])
def test_an_upload_with_an_out_of_range_captured_at_is_422(client, when):
    response = upload(
        client,
        photo(51.5, -0.12, size=(160, 120)),
        client_id=new_client_id(),
        device_id="device-0001",
        captured_at=when,
    )
    assert response.status_code == 422, response.data[:300]
    assert response.json["code"] == 422 and "captured_at" in response.json["errors"]


def _cursor(sort: str, keys: list) -> str:
    return base64.urlsafe_b64encode(json.dumps({"s": sort, "k": keys}).encode()).decode().rstrip("=")


@pytest.mark.parametrize("when", [FAR_FUTURE, FAR_PAST])
def test_a_queue_cursor_with_an_out_of_range_date_is_400(client, mod, when):
    submit(client)
    response = client.get(
        "/api/v1/moderation/sightings",
        query_string={"sort": "oldest", "cursor": _cursor("oldest", [when, 1])},
        headers=mod,
    )
    assert response.status_code == 400, response.data[:300]
    assert response.json["errors"] == {"cursor": ["Invalid cursor."]}


@pytest.mark.parametrize("target", ["/console\r\nSet-Cookie: x=1", "/console\nLocation: //evil.example", "/console\r"])
def test_a_raw_cr_lf_in_the_login_next_field_is_never_a_500(app, client, target):
    from tests.accounts.test_auth import csrf_from
    from tests.support import PASSWORD, make_user

    make_user(app, "mod@example.org")
    csrf = csrf_from(client.get("/console/login").get_data(as_text=True))
    response = client.post(
        "/console/login",
        data={"email": "mod@example.org", "password": PASSWORD, "csrf_token": csrf, "next": target},
    )
    assert response.status_code == 302 and response.location == "/console"
    assert "x=1" not in response.headers.get("Set-Cookie", "")
    page = client.get("/console/login", query_string={"next": target})
    assert page.status_code == 200 and 'value="/console"' in page.get_data(as_text=True)


def test_a_nul_byte_in_an_upload_field_is_422_on_every_database(client, app):
    response = upload(
        client, photo(51.5, -0.12, size=(160, 120)), client_id=new_client_id(), device_id="device-0001", notes="a\x00b"
    )
    assert response.status_code == 422, response.data[:300]
    assert response.json["errors"] == {"notes": ["NUL characters are not allowed."]}


def test_a_nul_byte_in_json_is_422_and_in_a_query_400(client, mod):
    sighting = submit(client)
    answer = client.post(
        f"/api/v1/moderation/sightings/{sighting['id']}/reject", json={"reason": "other", "note": "x\x00"}, headers=mod
    )
    assert answer.status_code == 422 and answer.json["errors"] == {"note": ["NUL characters are not allowed."]}
    query = client.get("/api/v1/moderation/sightings?status=pending%00", headers=mod)
    assert query.status_code == 400 and query.json["errors"] == {"status": ["NUL characters are not allowed."]}


def test_an_over_long_url_is_a_json_414(client):
    response = client.get("/api/v1/cameras.geojson?operator=" + "a" * 9000)
    assert response.status_code == 414 and response.json["code"] == 414
    assert "URL" in response.json["message"]
