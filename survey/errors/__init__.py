"""The error family and the one JSON error shape: {code, status, message, errors}.

Nothing here imports Flask or the database, so every room can raise these errors, the pure
photos/ code included. survey.errors.handlers turns them, and every library's errors, into the
shape on the app.
"""

FieldErrors = dict[str, list | dict]


class SurveyError(Exception):
    """A domain error that carries its own HTTP status and, when a client may branch on it, a code_name."""

    status = 400
    name = "Bad Request"
    code_name: str | None = None

    def __init__(self, message: str, errors: FieldErrors | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors
        self.extra = extra or {}

    def body(self) -> dict:
        """This error in the one shape."""
        named = {"code_name": self.code_name} if self.code_name else {}
        return error_body(self.status, self.name, self.message, self.errors, **(named | self.extra))


class BadQuery(SurveyError):
    """A query parameter that cannot be understood: 400 on every route, as OGC API asks."""


class Invalid(SurveyError):
    status, name = 422, "Unprocessable Entity"


class NoPosition(Invalid):
    """The photo has no usable position and none was sent."""

    code_name = "no_position"


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


class UriTooLong(SurveyError):
    status, name = 414, "URI Too Long"


class Unavailable(SurveyError):
    status, name = 503, "Service Unavailable"


def error_body(status: int, name: str, message: str, errors: FieldErrors | None = None, **extra) -> dict:
    """The one shape; `errors` is flat, {field: [messages]}, and left out when there are none."""
    body = {"code": status, "status": name, "message": message, **extra}
    if errors:
        body["errors"] = errors
    return body
