"""Configuration: the only module that reads the environment, and only when asked."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def _int(env, name: str, default: int) -> int:
    value = env.get(name)
    return int(value) if value not in (None, "") else default


def from_environment(env=None) -> dict:
    """Build the app's settings from environment variables, with embedded defaults."""
    env = os.environ if env is None else env
    instance = Path(env.get("INSTANCE_DIR") or ROOT / "instance")
    data_dir = Path(env.get("DATA_DIR") or instance / "photos")
    return {
        "SECRET_KEY": env.get("SECRET_KEY") or _dev_secret(instance),
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL") or f"sqlite:///{instance / 'survey.db'}",
        "DATA_DIR": str(data_dir),
        # A request holds at most 5 photos; 25 MB each is generous for phone photos.
        "MAX_PHOTOS": _int(env, "MAX_PHOTOS", 5),
        "MAX_PHOTO_BYTES": _int(env, "MAX_PHOTO_BYTES", 25 * 1024 * 1024),
        "MAX_CONTENT_LENGTH": _int(env, "MAX_CONTENT_LENGTH", 5 * 25 * 1024 * 1024 + 64 * 1024),
        # Longer URLs get a JSON 414; gunicorn's own limit (--limit-request-line, 4094) must be above it.
        "MAX_URL_LENGTH": _int(env, "MAX_URL_LENGTH", 4000),
        "MAX_IMAGE_PIXELS": _int(env, "MAX_IMAGE_PIXELS", 60_000_000),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI") or "memory://",
        "RATELIMIT_ENABLED": env.get("RATELIMIT_ENABLED", "1") != "0",
        # A brisk volunteer sends a camera every 20 s or so (180 an hour); the address limit, above
        # the device limit so a shared address still fits one such volunteer and more, stops floods.
        "UPLOAD_RATE_LIMIT": env.get("UPLOAD_RATE_LIMIT") or "600 per hour;60 per minute",
        "DEVICE_UPLOAD_RATE_LIMIT": env.get("DEVICE_UPLOAD_RATE_LIMIT") or "300 per hour;30 per minute",
        "RATELIMIT_KEY_PREFIX": env.get("RATELIMIT_KEY_PREFIX") or "cctv-survey",
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT") or "10 per minute",
        "TOKEN_RATE_LIMIT": env.get("TOKEN_RATE_LIMIT") or "20 per hour",
        # API tokens end after TOKEN_MAX_AGE seconds (90 days), or after TOKEN_IDLE_DAYS unused.
        "TOKEN_MAX_AGE": _int(env, "TOKEN_MAX_AGE", 90 * 24 * 3600),
        "TOKEN_IDLE_DAYS": _int(env, "TOKEN_IDLE_DAYS", 30),
        "TILE_URL": env.get("TILE_URL") or "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "TILE_ATTRIBUTION": env.get("TILE_ATTRIBUTION")
        or '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
        # Where the capture page's map opens with no fix and no survey area: "lat,lon" (default central London).
        "DEFAULT_MAP_CENTRE": _centre(env.get("DEFAULT_MAP_CENTRE") or "51.5074,-0.1278"),
        "DATA_LICENSE": env.get("DATA_LICENSE") or "ODbL-1.0",
        "DATA_ATTRIBUTION": env.get("DATA_ATTRIBUTION") or "cctv-survey volunteers",
        "SESSION_COOKIE_SECURE": env.get("SESSION_COOKIE_SECURE", "1") != "0",
        # The public root URL for links in exports (e.g. https://cameras.example.org/); else the request's.
        "PUBLIC_URL": env.get("PUBLIC_URL") or "",
        # A street walked longer ago than this is due to be walked again (StreetComplete asks again too).
        "RESURVEY_AFTER_DAYS": _int(env, "RESURVEY_AFTER_DAYS", 365),
    }


def _centre(text: str) -> tuple[float, float]:
    lat, lon = (float(part) for part in text.split(","))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"DEFAULT_MAP_CENTRE out of range: {text}")
    return lat, lon


def _dev_secret(instance: Path) -> str:
    """A per-install random key kept under instance/, so no secret lives in the repo."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(os.urandom(32).hex())
        path.chmod(0o600)
    return path.read_text().strip()
