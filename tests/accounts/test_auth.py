"""Accounts from the CLI, API tokens, console sessions with CSRF, and the login rate limit."""

import hashlib
import re

import pytest
from sqlalchemy import func, select

from survey import create_app
from survey.extensions import db
from survey.models import ApiToken, User
from tests.conftest import test_config as config_for_tests
from tests.support import PASSWORD, bearer, make_user, submit


def accounts(app) -> dict:
    with app.app_context():
        return {u.email: (u.role, u.active, u.password_hash) for u in db.session.scalars(select(User))}


def test_users_cli(app, runner):
    result = runner.invoke(
        args=["users", "create", "Mod@Example.org", "--role", "moderator", "--password-stdin"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0 and "created moderator mod@example.org" in result.output
    result = runner.invoke(
        args=["users", "create", "admin@example.org", "--role", "admin"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    role, active, password_hash = accounts(app)["mod@example.org"]
    assert (role, active) == ("moderator", True) and password_hash.startswith("$argon2id$")
    assert PASSWORD not in password_hash
    duplicate = runner.invoke(args=["users", "create", "mod@example.org", "--password-stdin"], input=PASSWORD + "\n")
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output
    short = runner.invoke(args=["users", "create", "x@example.org", "--password-stdin"], input="short\n")
    assert short.exit_code != 0 and "at least" in short.output
    assert runner.invoke(args=["users", "set-role", "mod@example.org", "admin"]).exit_code == 0
    assert runner.invoke(args=["users", "disable", "mod@example.org"]).exit_code == 0
    assert accounts(app)["mod@example.org"][:2] == ("admin", False)
    listing = runner.invoke(args=["users", "list"]).output
    assert re.search(r"mod@example.org\tadmin\tdisabled", listing) and "admin@example.org\tadmin\tactive" in listing
    assert runner.invoke(args=["users", "enable", "mod@example.org"]).exit_code == 0
    assert runner.invoke(args=["users", "disable", "nobody@example.org"]).exit_code != 0
    assert runner.invoke(args=["users", "set-role", "mod@example.org", "king"]).exit_code != 0


def test_token_is_issued_stored_hashed_and_revoked(app, client):
    make_user(app, "mod@example.org")
    response = client.post("/api/v1/auth/token", json={"email": "MOD@example.org ", "password": PASSWORD})
    assert response.status_code == 201, response.json
    token = response.json["token"]
    assert response.json["user"]["email"] == "mod@example.org" and "password" not in response.json["user"]
    with app.app_context():
        stored = db.session.scalars(select(ApiToken.token_hash)).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    headers = bearer(token)
    me = client.get("/api/v1/auth/me", headers=headers)
    assert me.status_code == 200 and me.json == {
        "id": 1,
        "email": "mod@example.org",
        "role": "moderator",
        "via": "token",
    }
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_wrong_logins_all_get_the_same_401(app, client):
    make_user(app, "mod@example.org")
    make_user(app, "off@example.org", active=False)
    answers = [
        client.post("/api/v1/auth/token", json={"email": "mod@example.org", "password": "wrong password"}),
        client.post("/api/v1/auth/token", json={"email": "nobody@example.org", "password": PASSWORD}),
        client.post("/api/v1/auth/token", json={"email": "off@example.org", "password": PASSWORD}),
    ]
    assert [a.status_code for a in answers] == [401, 401, 401]
    assert len({a.json["message"] for a in answers}) == 1
    missing = client.post("/api/v1/auth/token", json={"email": "mod@example.org"})
    assert missing.status_code == 422 and missing.json["code"] == 422


@pytest.fixture
def limited_app(database_url, tmp_path):
    app = create_app(config_for_tests(database_url, tmp_path / "photos") | {"RATELIMIT_ENABLED": True})
    yield app
    with app.app_context():
        db.session.remove()
        for model in (ApiToken, User):
            db.session.execute(model.__table__.delete())
        db.session.commit()
        db.engine.dispose()


def test_ten_failed_logins_a_minute_then_429(limited_app):
    client = limited_app.test_client()
    make_user(limited_app, "mod@example.org")
    ok = client.post("/api/v1/auth/token", json={"email": "mod@example.org", "password": PASSWORD})
    assert ok.status_code == 201  # successes do not count
    for _ in range(10):
        assert (
            client.post("/api/v1/auth/token", json={"email": "mod@example.org", "password": "bad"}).status_code == 401
        )
    blocked = client.post("/api/v1/auth/token", json={"email": "mod@example.org", "password": PASSWORD})
    assert blocked.status_code == 429 and blocked.json["code"] == 429
    assert 1 <= int(blocked.headers["Retry-After"]) <= 60
    # The console form shares the budget.
    form = client.post("/console/login", data={"email": "mod@example.org", "password": PASSWORD})
    assert form.status_code == 429


def test_tokens_issued_are_limited_per_client(limited_app):
    limited_app.config["TOKEN_RATE_LIMIT"] = "3 per hour"  # read on each request
    client, other = limited_app.test_client(), limited_app.test_client()
    other.environ_base["REMOTE_ADDR"] = "198.51.100.9"
    make_user(limited_app, "mod@example.org")
    login = {"email": "mod@example.org", "password": PASSWORD}
    assert client.post("/api/v1/auth/token", json=login | {"password": "bad"}).status_code == 401  # not a token
    assert [client.post("/api/v1/auth/token", json=login).status_code for _ in range(3)] == [201, 201, 201]
    blocked = client.post("/api/v1/auth/token", json=login)
    assert blocked.status_code == 429 and blocked.json["code"] == 429 and blocked.json["status"] == "Too Many Requests"
    wait = int(blocked.headers["Retry-After"])
    assert 0 < wait <= 3600 and blocked.json["retry_after"] == wait
    with limited_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 3  # the refusal made none
    assert other.post("/api/v1/auth/token", json=login).status_code == 201  # another address has its own budget


def test_successful_logins_do_not_use_the_failed_login_budget(limited_app):
    limited_app.config["TOKEN_RATE_LIMIT"] = "50 per hour"
    client = limited_app.test_client()
    make_user(limited_app, "mod@example.org")
    login = {"email": "mod@example.org", "password": PASSWORD}
    assert {client.post("/api/v1/auth/token", json=login).status_code for _ in range(12)} == {201}  # LOGIN: 10/min
    assert client.post("/api/v1/auth/token", json=login | {"password": "bad"}).status_code == 401


def csrf_from(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_console_session_login_needs_csrf_and_guards_writes(app, client):
    make_user(app, "mod@example.org")
    s = submit(client, 51.5, -0.12)
    assert client.get("/console").status_code == 302
    page = client.get("/console/login?next=/console?status=pending")
    token = csrf_from(page.get_data(as_text=True))
    forged = client.post("/console/login", data={"email": "mod@example.org", "password": PASSWORD, "csrf_token": "x"})
    assert forged.status_code == 403 and forged.json["code_name"] == "csrf"
    wrong = client.post("/console/login", data={"email": "mod@example.org", "password": "nope", "csrf_token": token})
    assert wrong.status_code == 401 and "Wrong email or password" in wrong.get_data(as_text=True)
    login = client.post(
        "/console/login",
        data={"email": "mod@example.org", "password": PASSWORD, "csrf_token": token, "next": "https://evil.example/"},
    )
    assert login.status_code == 302 and login.location == "/console"
    cookie = login.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    html = client.get("/console").get_data(as_text=True)
    session_token = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
    assert session_token != token  # a fresh session, with a fresh token
    path = f"/api/v1/moderation/sightings/{s['id']}/reject"
    no_token = client.post(path, json={"reason": "other"})
    assert no_token.status_code == 403 and no_token.json["code_name"] == "csrf"
    assert client.get("/api/v1/auth/me").json["via"] == "session"  # reads need no token
    done = client.post(path, json={"reason": "other"}, headers={"X-CSRF-Token": session_token})
    assert done.status_code == 200 and done.json["sighting"]["status"] == "rejected"
    assert client.post("/console/logout", data={"csrf_token": session_token}).status_code == 302
    assert client.get("/api/v1/auth/me").status_code == 401


def test_disabling_an_account_ends_its_session(app, client):
    make_user(app, "mod@example.org")
    token = csrf_from(client.get("/console/login").get_data(as_text=True))
    client.post("/console/login", data={"email": "mod@example.org", "password": PASSWORD, "csrf_token": token})
    assert client.get("/console").status_code == 200
    from survey.accounts import users

    with app.app_context():
        users.set_active("mod@example.org", False)
    assert client.get("/console").status_code == 302
    assert client.get("/api/v1/moderation/sightings").status_code == 401


def test_session_cookie_is_secure_outside_development(database_url, tmp_path):
    app = create_app(config_for_tests(database_url, tmp_path / "photos") | {"SESSION_COOKIE_SECURE": True})
    response = app.test_client().get("/console/login")
    assert "Secure" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
