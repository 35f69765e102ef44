"""The error family and the one JSON error shape: {code, status, message, errors}."""

import logging

from flask import Flask, jsonify
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import HTTPException

from survey.photos.images import ImageError

log = logging.getLogger(__name__)


class SurveyError(Exception):
    """A domain error that carries its own HTTP status."""

    status = 400
    name = "Bad Request"

    def __init__(self, message: str, errors: dict | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors
        self.extra = extra or {}


class Invalid(SurveyError):
    status, name = 422, "Unprocessable Entity"


class NoPosition(Invalid):
    """The photo has no usable position and none was sent."""


class NotFound(SurveyError):
    status, name = 404, "Not Found"


class Conflict(SurveyError):
    status, name = 409, "Conflict"


class Forbidden(SurveyError):
    status, name = 403, "Forbidden"


class Unauthorized(SurveyError):
    status, name = 401, "Unauthorized"


class StorageFull(SurveyError):
    status, name = 507, "Insufficient Storage"


class Unavailable(SurveyError):
    status, name = 503, "Service Unavailable"


def error_body(status: int, name: str, message: str, errors=None, **extra):
    body = {"code": status, "status": name, "message": message, **extra}
    if errors:
        body["errors"] = errors
    return body


def _http_error(exc: HTTPException):
    data = getattr(exc, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    message = data.get("message") or exc.description or exc.name
    if exc.code in (400, 422) and errors and "message" not in data:
        message = "Some fields are not valid."
    response = jsonify(error_body(exc.code or 500, exc.name, message, errors))
    response.status_code = exc.code or 500
    for key, value in (data.get("headers") or {}).items():
        response.headers[key] = value
    return response


def _survey_error(exc: SurveyError):
    response = jsonify(error_body(exc.status, exc.name, exc.message, exc.errors, **exc.extra))
    response.status_code = exc.status
    if exc.status == 503:
        response.headers["Retry-After"] = "5"
    return response


def _image_error(exc: ImageError):
    names = {413: "Payload Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Entity"}
    response = jsonify(error_body(exc.status, names.get(exc.status, "Bad Request"), str(exc), code_name=exc.code))
    response.status_code = exc.status
    return response


def _database_down(exc: OperationalError):
    log.warning("database unavailable: %s", exc)
    return _survey_error(
        Unavailable("The database is unavailable. Please retry in a few seconds.", extra={"retry": True})
    )


def _unstorable_value(exc: DataError):
    """A value the schema let through but the database refuses (a NUL byte, a number out of range)."""
    log.info("database refused a value: %s", exc.orig)
    return _survey_error(Invalid("A value in this request cannot be stored (out of range or invalid characters)."))


def _overflow(exc: OverflowError):
    """A number too large for a date or a database column, that a schema let through."""
    log.warning("value out of range: %s", exc)
    return _survey_error(Invalid("A number in this request is out of range."))


def init_app(app: Flask) -> None:
    """Every error, from any layer, leaves as the same JSON shape."""
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(SurveyError, _survey_error)
    app.register_error_handler(ImageError, _image_error)
    app.register_error_handler(OperationalError, _database_down)
    app.register_error_handler(DataError, _unstorable_value)
    app.register_error_handler(OverflowError, _overflow)
