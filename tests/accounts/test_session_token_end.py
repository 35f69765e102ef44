"""Sessions and tokens end: logout kills every copy of a cookie; tokens expire by age and idleness; admins
list and revoke tokens from the CLI."""

import re
from datetime import timedelta

from sqlalchemy import update

from survey.extensions import db
from survey.models import ApiToken, utcnow
from tests.support import PASSWORD, bearer, make_user, token_for


def _login(client) -> str:
    page = client.get("/console/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/console/login", data={"email": "mod@example.org", "password": PASSWORD, "csrf_token": csrf})
    html = client.get("/console").get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def test_a_cookie_copied_before_logout_stops_working(app, client):
    make_user(app, "mod@example.org")
    session_csrf = _login(client)
    copied = client.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/api/v1/moderation/sightings").status_code == 200
    assert client.post("/console/logout", data={"csrf_token": session_csrf}).status_code == 302
    stolen = thief.get("/api/v1/moderation/sightings")
    assert stolen.status_code == 401 and stolen.json["code"] == 401
    assert thief.get("/console").status_code == 302  # back to the login form
    # Logging in again works, with a new session that the old cookie does not share.
    _login(client)
    assert client.get("/api/v1/auth/me").json["via"] == "session"
    assert thief.get("/api/v1/auth/me").status_code == 401


def _age_token(app, **values) -> None:
    with app.app_context():
        db.session.execute(update(ApiToken).values(**values))
        db.session.commit()


def test_a_token_older_than_token_max_age_is_refused(app, client):
    make_user(app, "mod@example.org")
    headers = bearer(token_for(app, "mod@example.org"))
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    now = utcnow()
    # Used an hour ago, so only the age can be what ends it.
    _age_token(app, created_at=now - timedelta(days=91), last_used_at=now - timedelta(hours=1))
    old = client.get("/api/v1/auth/me", headers=headers)
    assert old.status_code == 401 and "API token" in old.json["message"]
    _age_token(app, created_at=now - timedelta(days=89))
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200


def test_a_token_unused_for_token_idle_days_is_refused(app, client):
    make_user(app, "mod@example.org")
    headers = bearer(token_for(app, "mod@example.org"))
    now = utcnow()
    _age_token(app, created_at=now - timedelta(days=40), last_used_at=now - timedelta(days=31))
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
    _age_token(app, last_used_at=now - timedelta(days=29))
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    app.config["TOKEN_IDLE_DAYS"] = 7
    _age_token(app, last_used_at=now - timedelta(days=8))
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_a_token_from_2020_is_refused(app, client):
    make_user(app, "mod@example.org")
    headers = bearer(token_for(app, "mod@example.org"))
    _age_token(app, created_at=utcnow().replace(year=2020), last_used_at=None)
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_admins_list_and_revoke_tokens_from_the_cli(app, client, runner):
    make_user(app, "mod@example.org")
    first, second = token_for(app, "mod@example.org"), token_for(app, "mod@example.org")
    listing = runner.invoke(args=["users", "tokens", "mod@example.org"])
    assert listing.exit_code == 0, listing.output
    ids = [int(line.split("\t")[0]) for line in listing.output.splitlines()]
    assert len(ids) == 2 and listing.output.count("\tlive") == 2
    assert first not in listing.output and second not in listing.output
    revoked = runner.invoke(args=["users", "revoke-token", str(min(ids))])
    assert revoked.exit_code == 0 and f"revoked token {min(ids)}" in revoked.output
    assert client.get("/api/v1/auth/me", headers=bearer(first)).status_code == 401
    assert client.get("/api/v1/auth/me", headers=bearer(second)).status_code == 200
    assert "revoked " in runner.invoke(args=["users", "tokens", "mod@example.org"]).output
    assert runner.invoke(args=["users", "revoke-token", "999999"]).exit_code != 0
    assert runner.invoke(args=["users", "tokens", "nobody@example.org"]).exit_code != 0
