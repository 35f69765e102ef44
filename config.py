"""Configuration: the only module that reads the environment, and only when asked."""

import os
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def _int(env, name: str, default: int) -> int:
    value = env.get(name)
    return int(value) if value not in (None, "") else default


def _names(env, name: str) -> list[str] | None:
    names = [part.strip() for part in (env.get(name) or "").split(",") if part.strip()]
    return names or None


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
        # Memory decoding may take (survey.photos.images.decode_cost), per photo and per request: a
        # 233 KB PNG can decode to 480 MB, and decode time follows these bytes, so they bound CPU too.
        "MAX_DECODE_BYTES": _int(env, "MAX_DECODE_BYTES", 256 * 2**20),
        "MAX_REQUEST_DECODE_BYTES": _int(env, "MAX_REQUEST_DECODE_BYTES", 320 * 2**20),
        # A stuck database is a 503 within seconds, not a hung worker: PostgreSQL's connect (and pool
        # wait), statement and lock timeouts; SQLite's busy timeout for a held write lock.
        "DB_CONNECT_TIMEOUT_S": _int(env, "DB_CONNECT_TIMEOUT_S", 2),
        "DB_STATEMENT_TIMEOUT_MS": _int(env, "DB_STATEMENT_TIMEOUT_MS", 5000),
        "DB_LOCK_TIMEOUT_MS": _int(env, "DB_LOCK_TIMEOUT_MS", 3000),
        "SQLITE_BUSY_TIMEOUT_S": _int(env, "SQLITE_BUSY_TIMEOUT_S", 5),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI") or "memory://",
        "RATELIMIT_ENABLED": env.get("RATELIMIT_ENABLED", "1") != "0",
        # Redis down: count in this worker's memory until it is back, rather than answer 500; and give
        # up on an unanswering Redis in half a second, not the socket's default of never.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        # How many reverse proxies in front of the app set X-Forwarded-For/-Proto (0: none, trust no header).
        # Limits key on the address the nearest trusted proxy saw, so clients behind it stay apart.
        "TRUSTED_PROXIES": _int(env, "TRUSTED_PROXIES", 0),
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
        # Host names the app answers to (comma-separated, e.g. cameras.example.org); Flask refuses a
        # request whose Host header is another with a 400. Unset: any Host, as make run needs.
        "TRUSTED_HOSTS": _names(env, "TRUSTED_HOSTS"),
        # SURVEY_PRODUCTION=1 where the public reaches the app: then PUBLIC_URL or TRUSTED_HOSTS is required.
        "PRODUCTION": env.get("SURVEY_PRODUCTION", "") not in ("", "0"),
        # A street walked longer ago than this is due to be walked again (StreetComplete asks again too).
        "RESURVEY_AFTER_DAYS": _int(env, "RESURVEY_AFTER_DAYS", 365),
        # The public map's maker and operator lists may lag a change by this long: they cost a scan.
        "MAP_CHOICES_STALE_S": _int(env, "MAP_CHOICES_STALE_S", 300),
        # Unfiltered downloads served from files built once per data version (needs PUBLIC_URL); "0" streams.
        "SNAPSHOTS": env.get("SNAPSHOTS", "1") != "0",
        # Empty: "snapshots" beside DATA_DIR, decided when used (tests and benches move DATA_DIR).
        "SNAPSHOT_DIR": env.get("SNAPSHOT_DIR") or "",
        # Behind nginx or Caddy: an internal location that maps onto SNAPSHOT_DIR (e.g. /_snapshots/).
        "SNAPSHOT_ACCEL_PREFIX": env.get("SNAPSHOT_ACCEL_PREFIX") or "",
        # The makers the findings count apart, comma-separated: by default the two the campaigns' sources name.
        "WATCH_MANUFACTURERS": env.get("WATCH_MANUFACTURERS") or "Hikvision,Dahua",
        # A self-hosted basemap for the capture page's map: the path of one .pmtiles archive, served
        # by byte ranges at /basemap.pmtiles and savable on the phone for offline use. Unset: TILE_URL's tiles.
        "BASEMAP_PMTILES": env.get("BASEMAP_PMTILES") or "",
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


def check_public_origin(config, environ=None) -> None:
    """Links in exports and the OGC API must not come from whatever Host a request claims.

    In production (SURVEY_PRODUCTION set, not TESTING or DEBUG) that needs PUBLIC_URL or TRUSTED_HOSTS,
    else start-up fails. Under gunicorn without the flag, a warning says so instead."""
    if config.get("PUBLIC_URL") or config.get("TRUSTED_HOSTS") or config.get("TESTING") or config.get("DEBUG"):
        return
    message = "neither PUBLIC_URL nor TRUSTED_HOSTS is set, so links would follow the request's Host header."
    if config.get("PRODUCTION"):
        raise RuntimeError(f"SURVEY_PRODUCTION is set but {message}")
    if ((os.environ if environ is None else environ).get("SERVER_SOFTWARE") or "").startswith("gunicorn"):
        warnings.warn(f"Served by gunicorn, but {message} Set SURVEY_PRODUCTION=1 to make this an error.", stacklevel=2)
