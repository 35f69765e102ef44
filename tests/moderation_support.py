"""Helpers for moderation tests: accounts, tokens and sightings made through the real intake."""

from survey.accounts import auth, users
from survey.extensions import db
from tests.factories import new_client_id, photo, upload

PASSWORD = "correct horse battery"


def make_user(app, email="mod@example.org", role="moderator", password=PASSWORD, active=True) -> int:
    with app.app_context():
        user = users.create_user(email, password, role)
        if not active:
            users.set_active(email, False)
        return user.id


def token_for(app, email) -> str:
    with app.app_context():
        return auth.issue_token(users.user_by_email(email))


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def moderator(app, email="mod@example.org", role="moderator") -> dict:
    """Headers of a new account's API token."""
    make_user(app, email, role)
    return bearer(token_for(app, email))


def submit(client, lat=51.5033, lon=-0.1196, seed=1, device="volunteer-device-1", **fields) -> dict:
    """A pending sighting sent the way the capture page sends it; returns the receipt view."""
    jpeg = photo(
        lat,
        lon,
        size=(160, 120),
        seed=seed,
        **{k: fields.pop(k) for k in ("heading", "heading_ref", "taken") if k in fields},
    )
    response = upload(client, jpeg, client_id=new_client_id(), device_id=device, **fields)
    assert response.status_code == 201, response.json
    return response.json


def receipt(client, sighting: dict) -> dict:
    response = client.get(f"/api/v1/sightings/{sighting['id']}", headers={"X-Receipt": sighting["receipt"]})
    assert response.status_code == 200
    return response.json


def fetch(app, model, ident):
    with app.app_context():
        obj = db.session.get(model, ident)
        if obj is not None:
            db.session.expunge(obj)
        return obj


def all_pages(client, headers, max_pages=100, **params) -> list[int]:
    """Every id the queue lists, page by page through next_cursor; a cursor that never ends fails."""
    seen, cursor = [], None
    for _ in range(max_pages):
        query = params | ({"cursor": cursor} if cursor else {})
        body = client.get("/api/v1/moderation/sightings", query_string=query, headers=headers).json
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError(f"the queue was still paging after {max_pages} pages")
