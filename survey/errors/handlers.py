"""Every error handler on the app, so every error leaves as the one JSON shape.

Ours (SurveyError, the photo errors among them) carry their status; werkzeug's, webargs' and
Flask-Limiter's are HTTPExceptions; the database's are translated here. flask-smorest answers
HTTPExceptions itself as well: survey.extensions.SurveyApi hands those to `http_error`, so the
same function answers whichever of the two registrations Flask keeps.
"""

import logging
from collections.abc import Callable
from functools import partial

from flask import Flask, jsonify
from flask_limiter.errors import RateLimitExceeded
from sqlalchemy.exc import DataError, OperationalError, StatementError
from werkzeug.exceptions import HTTPException

from survey.errors import FieldErrors, Invalid, SurveyError, Unavailable, error_body

log = logging.getLogger(__name__)


def by_field(messages: dict) -> FieldErrors:
    """webargs' {location: {field: [...]}} as {field: [...]}.

    Flat by field, like the errors our rules raise, so a client reads one layout everywhere and maps
    each message onto its form by name; which part of the request a field is in, the route's
    documentation says. Should a name ever come in two locations, its messages are joined, not lost.
    A whole part that cannot be read (a JSON body that is not JSON) goes under "_schema", as marshmallow
    files errors about no one field.
    """
    flat: dict = {}
    for fields in messages.values():
        for field, problems in (fields if isinstance(fields, dict) else {"_schema": fields}).items():
            if field in flat and isinstance(flat[field], list) and isinstance(problems, list):
                flat[field] = flat[field] + problems
            else:
                flat[field] = problems
    return flat


def _respond(body: dict, headers: dict | None = None):
    response = jsonify(body)
    response.status_code = body["code"]
    response.headers.update(headers or {})
    return response


def http_error(exc: HTTPException):
    """Werkzeug's errors (404, 405, 413...) and flask-smorest's validation errors (422, or 400 for queries)."""
    code = exc.code or 500
    data = getattr(exc, "data", None) or {}
    errors = data.get("errors") or by_field(data.get("messages") or {})
    message = data.get("message") or exc.description or exc.name
    if errors and "message" not in data:
        in_query = set(data.get("messages") or {}) == {"query"}
        message = "Some query parameters are not valid." if in_query else "Some fields are not valid."
    return _respond(error_body(code, exc.name, message, errors), data.get("headers"))


def survey_error(exc: SurveyError):
    """Our own errors, the photo errors among them: each carries its status."""
    return _respond(exc.body(), {"Retry-After": "5"} if exc.status == 503 else None)


def _too_many_requests(seconds_until_free: Callable[[], int], exc: RateLimitExceeded):
    """429 with Retry-After: the seconds until the breached window frees a slot."""
    wait = seconds_until_free()
    message = f"Too many requests: please wait {wait} seconds and try again."
    return _respond(error_body(429, "Too Many Requests", message, retry_after=wait), {"Retry-After": str(wait)})


def _database_down(exc: OperationalError):
    log.warning("database unavailable: %s", exc)
    return survey_error(
        Unavailable("The database is unavailable. Please retry in a few seconds.", extra={"retry": True})
    )


def _unstorable_value(exc: DataError):
    """A value the schema let through but the database refuses (a NUL byte, a number out of range)."""
    log.info("database refused a value: %s", exc.orig)
    return survey_error(Invalid("A value in this request cannot be stored (out of range or invalid characters)."))


def _overflow(exc: OverflowError):
    """A number too large for a date or a database column, that a schema let through."""
    log.warning("value out of range: %s", exc)
    return survey_error(Invalid("A number in this request is out of range."))


def _unbindable_value(exc: StatementError):
    """A value SQLAlchemy could not bind (a date past year 9999 in UTC) that a schema let through."""
    if not isinstance(exc.orig, OverflowError | ValueError):
        raise exc
    log.warning("value could not be bound: %s", exc.orig)
    return survey_error(Invalid("A value in this request is out of range."))


def init_app(app: Flask, seconds_until_free: Callable[[], int]) -> None:
    """Register every handler; seconds_until_free is the rate limiter's wait, for 429's Retry-After."""
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(RateLimitExceeded, partial(_too_many_requests, seconds_until_free))
    app.register_error_handler(SurveyError, survey_error)
    app.register_error_handler(OperationalError, _database_down)
    app.register_error_handler(DataError, _unstorable_value)
    app.register_error_handler(OverflowError, _overflow)
    app.register_error_handler(StatementError, _unbindable_value)
