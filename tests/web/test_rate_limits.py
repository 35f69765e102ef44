"""Upload limits per address and per device: 429 JSON with Retry-After, in memory or in Redis."""

import os
import uuid

import pytest
from limits import parse_many

from config import from_environment
from survey import create_app
from survey.privacy import client_key
from tests.conftest import test_config as settings_for
from tests.factories import new_client_id, photo, upload

LONDON = (51.5033, -0.1196)
REDIS_URL = "redis://127.0.0.1:6379"


def limited_app(database_url, data_dir, **overrides):
    config = settings_for(database_url, data_dir) | {"RATELIMIT_ENABLED": True}
    return create_app(config | overrides)


def send(app, ip="198.51.100.7", device=None, seed=1):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    return upload(client, photo(*LONDON, seed=seed), client_id=new_client_id(), device_id=device)


def assert_429(response):
    assert response.status_code == 429, response.json
    assert response.json["code"] == 429 and response.json["status"] == "Too Many Requests"
    wait = int(response.headers["Retry-After"])
    assert 0 < wait <= 61 and response.json["retry_after"] == wait


def test_address_limit_429s_that_address_only(app, database_url, tmp_path):
    limited = limited_app(
        database_url,
        tmp_path / "photos",
        UPLOAD_RATE_LIMIT="3 per minute",
        RATELIMIT_KEY_PREFIX=f"t-{uuid.uuid4().hex}",
    )
    assert [send(limited, seed=i).status_code for i in range(3)] == [201, 201, 201]
    refused = send(limited, seed=9)
    assert_429(refused)
    assert send(limited, ip="198.51.100.8", seed=10).status_code == 201


def test_device_limit_429s_that_device_only(app, database_url, tmp_path):
    limited = limited_app(
        database_url,
        tmp_path / "photos",
        UPLOAD_RATE_LIMIT="50 per minute",
        DEVICE_UPLOAD_RATE_LIMIT="2 per minute",
        RATELIMIT_KEY_PREFIX=f"t-{uuid.uuid4().hex}",
    )
    phone, other = "phone-aaaa-1111", "phone-bbbb-2222"
    assert [send(limited, device=phone, seed=i).status_code for i in range(2)] == [201, 201]
    assert_429(send(limited, device=phone, seed=3))
    assert send(limited, device=other, seed=4).status_code == 201  # same address, other phone
    assert send(limited, seed=5).status_code == 201  # no device_id: the address limit alone


def per_hour(setting: str) -> float:
    """The most a limit such as '300 per hour;30 per minute' lets through in a steady hour."""
    return min(item.amount * 3600 / item.get_expiry() for item in parse_many(setting))


def test_default_limits_fit_a_brisk_survey_but_not_a_flood():
    defaults = from_environment({"SECRET_KEY": "x"})
    device, address = per_hour(defaults["DEVICE_UPLOAD_RATE_LIMIT"]), per_hour(defaults["UPLOAD_RATE_LIMIT"])
    assert device >= 270  # the capture page's target, a camera every 20 s, with room to spare
    assert device <= address <= 1000  # one such volunteer fits the address limit, which still stops floods


def test_default_limits_let_one_phone_send_a_burst(app, database_url, tmp_path):
    limited = limited_app(database_url, tmp_path / "photos", RATELIMIT_KEY_PREFIX=f"t-{uuid.uuid4().hex}")
    answers = [send(limited, device="phone-brisk-1", seed=i).status_code for i in range(25)]
    assert answers == [201] * 25  # e.g. a station forecourt: 25 cameras in a few minutes


def _redis():
    import redis

    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.RedisError:
        message = f"Redis not reachable at {REDIS_URL}: install and start the Debian package redis-server"
        if os.environ.get("SURVEY_REQUIRE_TOOLS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return connection


@pytest.mark.parametrize("storage", ["memory://", REDIS_URL])
def test_counts_survive_a_new_process_only_in_redis(app, database_url, tmp_path, storage):
    ip = "10.{}.{}.{}".format(*uuid.uuid4().bytes[:3])  # unique, so parallel runs never share a counter
    redis = _redis() if storage.startswith("redis") else None
    settings = {"UPLOAD_RATE_LIMIT": "2 per minute", "RATELIMIT_STORAGE_URI": storage}
    first = limited_app(database_url, tmp_path / "photos", **settings)
    assert [send(first, ip=ip, seed=i).status_code for i in range(2)] == [201, 201]
    restarted = limited_app(database_url, tmp_path / "photos", **settings)  # a new worker or a restart
    if redis is None:
        assert send(restarted, ip=ip, seed=3).status_code == 201  # memory forgets
        return
    with restarted.test_request_context(environ_base={"REMOTE_ADDR": ip}):
        hashed = client_key()
    try:
        assert_429(send(restarted, ip=ip, seed=3))
        keys = [key.decode() for key in redis.scan_iter(match=f"*{hashed}*")]
        assert keys and not list(redis.scan_iter(match=f"*{ip}*"))  # only the hash is kept
    finally:
        for key in redis.scan_iter(match=f"*{hashed}*"):
            redis.delete(key)
