"""Who is asking: password and token checks, session login, role checks and CSRF."""

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, g, request, session
from sqlalchemy import func, select, update

from survey import vocab
from survey.database import begin_write
from survey.errors import Forbidden, Unauthorized
from survey.extensions import db, limiter
from survey.models import ApiToken, User, utcnow

MODERATORS = (vocab.MODERATOR, vocab.ADMIN)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
TOKEN_TOUCH_INTERVAL = timedelta(hours=1)
WRONG_LOGIN = "Wrong email or password, or the account is disabled."

_hasher = PasswordHasher()
_dummy_hash: list[str] = []


@dataclass(frozen=True)
class Actor:
    """The signed-in person for this request, detached from any database session."""

    id: int
    email: str
    role: str
    via: str  # 'session' or 'token'


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def normal_email(email: str) -> str:
    return email.strip().lower()


def _password_matches(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(email: str, password: str) -> User:
    """The active user with this email and password, else 401 (the same answer for every failure)."""
    user = db.session.scalar(select(User).where(User.email == normal_email(email)))
    if user is None:
        # Spend the same time as a real check, so response times do not reveal which emails exist.
        if not _dummy_hash:
            _dummy_hash.append(hash_password(secrets.token_hex(8)))
        _password_matches(_dummy_hash[0], password)
        raise Unauthorized(WRONG_LOGIN)
    if not _password_matches(user.password_hash, password) or not user.active:
        raise Unauthorized(WRONG_LOGIN)
    return user


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> str:
    """A new API token for the user; only its hash is stored, so it is shown once."""
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=token_hash(token)))
    db.session.commit()
    return token


def revoke_token(token: str) -> bool:
    """Revoke a token; True if it was live."""
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    db.session.commit()
    return True


def login_session(user: User) -> None:
    """Start a fresh session (no fixation) with a new CSRF token."""
    session.clear()
    session["user_id"] = user.id
    session["session_version"] = user.session_version
    session["csrf"] = secrets.token_urlsafe(32)


def logout_session() -> None:
    """End the session here and server-side: every copy of its cookie stops working."""
    user_id = session.get("user_id")
    session.clear()
    if user_id is None:
        return
    db.session.rollback()
    begin_write()
    db.session.execute(update(User).where(User.id == user_id).values(session_version=User.session_version + 1))
    db.session.commit()


def csrf_token() -> str:
    """The session's synchronizer token, made on first use."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def check_csrf() -> None:
    """Cookie-authenticated writes must echo the session's token (header or form field)."""
    sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token") or ""
    expected = session.get("csrf") or ""
    if not expected or not secrets.compare_digest(sent.encode(), expected.encode()):
        raise Forbidden("Missing or wrong CSRF token: reload the page.", extra={"code_name": "csrf"})


def current_actor() -> Actor | None:
    """The active user behind the Bearer token or the session cookie, or None."""
    if "survey_actor" not in g:
        g.survey_actor = _resolve_actor()
    return g.survey_actor


def _resolve_actor() -> Actor | None:
    header = request.headers.get("Authorization")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Send the API token as 'Authorization: Bearer <token>'.")
        user = _user_for_token(token.strip())
        via = "token"
    elif "user_id" in session:
        user, via = db.session.get(User, session["user_id"]), "session"
        if user is not None and session.get("session_version") != user.session_version:
            return None  # logged out since this cookie was issued
    else:
        return None
    if user is None or not user.active:
        if via == "token":
            raise Unauthorized("This API token is unknown, revoked, or its account is disabled.")
        return None
    return Actor(id=user.id, email=user.email, role=user.role, via=via)


def _user_for_token(token: str) -> User | None:
    # The user comes with the token, in one query: every moderator API request starts here.
    now = utcnow()
    found = (
        select(User, ApiToken.id, ApiToken.last_used_at)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == token_hash(token), ApiToken.revoked_at.is_(None), *token_alive(now))
    )
    row = db.session.execute(found).first()
    if row is None:
        return None
    user, token_id, last_used_at = row
    # Record use hourly, not on every request: a write per read would serialise SQLite.
    if last_used_at is None or now - last_used_at > TOKEN_TOUCH_INTERVAL:
        _touch_token(token_id, now)
    return user


def token_alive(now) -> tuple:
    """Conditions a live token meets: younger than TOKEN_MAX_AGE and used within TOKEN_IDLE_DAYS."""
    config = current_app.config
    max_age = timedelta(seconds=config["TOKEN_MAX_AGE"])
    idle = timedelta(days=config["TOKEN_IDLE_DAYS"])
    last_seen = func.coalesce(ApiToken.last_used_at, ApiToken.created_at)
    return (ApiToken.created_at > now - max_age, last_seen > now - idle)


def _touch_token(token_id: int, now) -> None:
    # A fresh write transaction: on SQLite a read cannot turn into a write once another writer committed.
    db.session.rollback()
    begin_write()
    db.session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
    db.session.commit()


def authorize(roles=MODERATORS) -> Actor:
    """The current actor if they hold one of `roles`: 401 when nobody is signed in, 403 otherwise."""
    actor = current_actor()
    # A write ends the read transaction: its rule function starts its own write transaction. A read
    # keeps it, and its pooled connection: a second checkout is another ping, a round trip on
    # PostgreSQL (begin_write still upgrades a plain read on SQLite, should a GET write).
    if request.method not in SAFE_METHODS:
        db.session.rollback()
    if actor is None:
        raise Unauthorized("Log in, or send an API token as 'Authorization: Bearer <token>'.")
    if actor.via == "session" and request.method not in SAFE_METHODS:
        check_csrf()
    if actor.role not in roles:
        raise Forbidden(f"This needs the role {' or '.join(roles)}.")
    return actor


def require_role(*roles: str):
    """Decorator for every moderator route: require_role() allows moderators and admins."""
    allowed = roles or MODERATORS

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            authorize(allowed)
            return view(*args, **kwargs)

        wrapped.required_roles = allowed
        return wrapped

    return decorator


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _token_limit() -> str:
    return current_app.config["TOKEN_RATE_LIMIT"]


# Only failed attempts count, and the token and console logins share one budget per client.
login_limit = limiter.shared_limit(
    _login_limit, scope="login", deduct_when=lambda response: response.status_code == 401
)
# Only tokens issued count: a stolen password must not mint tokens without end.
token_limit = limiter.shared_limit(
    _token_limit, scope="token", deduct_when=lambda response: response.status_code == 201
)
