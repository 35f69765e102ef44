"""Rate limits that mean what they say: keyed on the client behind a trusted proxy, alive when Redis is not."""

import socket
import uuid

import pytest

from survey import create_app
from tests.conftest import test_config as settings_for
from tests.factories import new_client_id, photo, upload

BAD_LOGIN = {"email": "nobody@example.org", "password": "wrong-password"}
LONDON = (51.5033, -0.1196)


def limited(database_url, tmp_path, **overrides):
    config = settings_for(database_url, tmp_path / "photos") | {
        "RATELIMIT_ENABLED": True,
        "LOGIN_RATE_LIMIT": "2 per minute",
        "RATELIMIT_KEY_PREFIX": f"t-{uuid.uuid4().hex}",
    }
    return create_app(config | overrides)


def bad_login(app, forwarded_for: str | None = None) -> int:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.0.0.2"  # the proxy: every request arrives from it
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    response = client.post("/api/v1/auth/token", json=BAD_LOGIN, headers=headers)
    assert response.is_json and response.json["code"] == response.status_code
    return response.status_code


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


def test_behind_one_trusted_proxy_each_client_has_its_own_count(database_url, tmp_path):
    app = limited(database_url, tmp_path, TRUSTED_PROXIES=1)
    assert [bad_login(app, "203.0.113.5") for _ in range(3)] == [401, 401, 429]
    assert bad_login(app, "203.0.113.6") == 401  # a moderator elsewhere is not locked out
    # A client cannot pick its own address: only the hop the proxy appended is read.
    assert bad_login(app, "198.51.100.1, 203.0.113.5") == 429


def test_with_no_trusted_proxy_forwarded_headers_are_ignored(database_url, tmp_path):
    app = limited(database_url, tmp_path)  # TRUSTED_PROXIES defaults to 0
    assert app.config["TRUSTED_PROXIES"] == 0
    assert [bad_login(app, f"203.0.113.{n}") for n in range(3)] == [401, 401, 429]


@pytest.mark.parametrize("route", ["login", "upload"])
def test_redis_down_falls_back_to_memory_without_a_500(database_url, tmp_path, route):
    app = limited(
        database_url,
        tmp_path,
        RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{closed_port()}",
        UPLOAD_RATE_LIMIT="2 per minute",
    )
    if route == "login":
        assert [bad_login(app) for _ in range(3)] == [401, 401, 429]  # still limited, in this worker
        return
    client = app.test_client()
    answers = [upload(client, photo(*LONDON, seed=n), client_id=new_client_id()) for n in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 429]
    assert int(answers[2].headers["Retry-After"]) > 0
