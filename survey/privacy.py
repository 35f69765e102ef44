"""Keeping volunteers unidentifiable: hashed client keys and rounded public times."""

import hashlib
import hmac
from datetime import UTC, date, datetime

from flask import current_app, request


def daily_hash(value: str, day: date | None = None) -> str:
    """A salted hash of `value` that changes every day, so it cannot follow a person."""
    day = day or datetime.now(UTC).date()
    key = f"{current_app.config['SECRET_KEY']}:{day.isoformat()}".encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def stable_hash(value: str) -> str:
    """A salted hash that stays the same, for counting distinct volunteers."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"volunteer:" + value.encode(), hashlib.sha256).hexdigest()[:32]


def client_key() -> str:
    """Rate-limit key: the day's hash of the client address; the plain IP is never stored."""
    return daily_hash(request.remote_addr or "unknown")


def public_day(moment: datetime | None) -> str | None:
    """Public responses carry dates, never times of day."""
    return moment.date().isoformat() if moment else None
