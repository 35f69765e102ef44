"""The role matrix: every moderation route, for anonymous, moderator, admin, disabled and revoked."""

import re

import pytest

from survey.accounts import users
from tests.support import moderator, submit

ADMIN_ONLY = {"/api/v1/moderation/users"}
GUARDED_PREFIXES = ("/api/v1/moderation", "/api/v1/auth/me", "/console")
PUBLIC = {"/console/login", "/console/logout", "/api/v1/auth/token"}
# Let in, a route either serves the request or refuses it by its own rule (gone, out of date, invalid).
SERVED, REFUSED = {200, 201, 204}, {404, 409, 422}


def guarded_routes(app) -> list[tuple[str, str]]:
    """(method, path) of every route that needs a role, read from the app so new routes are covered too."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(GUARDED_PREFIXES) or rule.rule in PUBLIC:
            continue
        path = re.sub(r"<any\([^)]*\):variant>", "thumb", rule.rule)
        path = re.sub(r"<int:\w+>", "1", path)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((method, path))
    routes.append(("DELETE", "/api/v1/auth/token"))
    return routes


@pytest.fixture
def world(app, client, mod, admin):
    """Sighting 1 with photo 1, camera 1, and one account of each kind."""
    s1 = submit(client, 51.5033, -0.1196, seed=1)
    submit(client, 51.5033, -0.1196, seed=2)
    assert client.post(f"/api/v1/moderation/sightings/{s1['id']}/approve", json={}, headers=admin).status_code == 200
    gone = moderator(app, "gone@example.org")
    with app.app_context():
        users.set_active("gone@example.org", False)
    return {"admin": admin, "moderator": mod, "disabled": gone}


def call(client, method, path, headers):
    body = {"reason": "other", "note": "n"} if path.endswith(("/reject", "/needs-info")) else {}
    if path.endswith("/bulk"):
        body = {"action": "reject", "ids": [2], "reason": "other"}
    return client.open(path, method=method, json=body if method in ("POST", "PATCH") else None, headers=headers)


def test_the_matrix_covers_every_moderation_route(app):
    routes = guarded_routes(app)
    paths = {path for _, path in routes}
    assert {
        "/api/v1/moderation/sightings",
        "/api/v1/moderation/bulk",
        "/api/v1/moderation/audit",
        "/api/v1/moderation/sightings/1/approve",
        "/api/v1/moderation/cameras/1",
        "/console",
    } <= paths
    assert len(routes) >= 15
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(GUARDED_PREFIXES) and rule.rule not in PUBLIC:
            view = app.view_functions[rule.endpoint]
            assert getattr(view, "required_roles", None), f"{rule.rule} has no role check"


def test_role_matrix(app, client, world):
    for method, path in guarded_routes(app):
        for who, headers in (("anonymous", {}), ("disabled", world["disabled"])):
            response = call(client, method, path, headers)
            if path.startswith("/console"):  # pages send people to the login form
                assert response.status_code == 302 and "/console/login" in response.location, (who, path)
            else:
                assert response.status_code == 401 and response.json["code"] == 401, (who, method, path)
        for who in ("moderator", "admin"):
            response = call(client, method, path, world[who])
            if path in ADMIN_ONLY and who == "moderator":
                assert response.status_code == 403 and response.json["code"] == 403, (method, path)
            else:
                assert response.status_code in SERVED | REFUSED, (who, method, path, response.status_code)
                if response.status_code in REFUSED:
                    assert response.json["code"] == response.status_code, (who, method, path)
                elif response.status_code != 204:
                    assert response.data, (who, method, path)


def test_admin_lists_accounts(client, world):
    response = client.get("/api/v1/moderation/users", headers=world["admin"])
    assert response.status_code == 200
    accounts = {u["email"]: (u["role"], u["active"]) for u in response.json}
    assert accounts["gone@example.org"] == ("moderator", False)
    assert "password_hash" not in response.json[0]


def test_bad_and_revoked_tokens_are_401(app, client, world):
    for header in ("Bearer nope", "Basic bW9kOnB3", "Bearer ", "token"):
        response = client.get("/api/v1/moderation/sightings", headers={"Authorization": header})
        assert response.status_code == 401 and response.json["code"] == 401, header
    assert client.delete("/api/v1/auth/token", headers=world["moderator"]).status_code == 204
    response = client.get("/api/v1/moderation/sightings", headers=world["moderator"])
    assert response.status_code == 401
