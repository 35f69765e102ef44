"""The filters every public view of the cameras shares: downloads, the OGC API and the CLI."""

from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import UTC, date, datetime, time

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate
from sqlalchemy import func

from survey import vocab
from survey.errors import BadQuery
from survey.geo import BBox, parse_bbox, within
from survey.models import Camera

# Every camera status the public never sees (withdrawn): defined as "not public", so a new status stays hidden.
HIDDEN_STATUSES = tuple(s for s in vocab.CAMERA_STATUSES if s not in vocab.PUBLIC_CAMERA_STATUSES)


@dataclass(frozen=True)
class CameraFilter:
    bbox: BBox | None = None
    manufacturer: str | None = None
    operator: str | None = None
    camera_type: str | None = None
    status: str = vocab.ACTIVE
    updated_since: datetime | None = None

    def clauses(self) -> list:
        """SQL conditions on the cameras table; text filters ignore case."""
        table = Camera.__table__.c
        # "all" as NOT IN: an IN list would make SQLite read the status index and sort the whole table by id.
        found = [
            table.status.not_in(HIDDEN_STATUSES) if self.status == vocab.ALL_PUBLIC else table.status == self.status
        ]
        if self.bbox:
            found.append(within(table.lat, table.lon, self.bbox))
        for name in ("manufacturer", "operator", "camera_type"):
            if (value := getattr(self, name)) is not None:
                found.append(func.lower(table[name]) == value.lower())
        if self.updated_since is not None:
            found.append(Camera.updated_at >= self.updated_since)
        return found

    def query_args(self) -> dict[str, str]:
        """The filter as URL query parameters (defaults left out), for links and cache keys."""
        args = {}
        for field in dataclass_fields(self):
            value = getattr(self, field.name)
            if value is None or (field.name == "status" and value == vocab.ACTIVE):
                continue
            if field.name == "bbox":
                value = value.as_text()
            elif field.name == "updated_since":
                value = value.isoformat()
            args[field.name] = str(value)
        return args


def parse_moment(text: str) -> datetime:
    """An ISO 8601 date (midnight UTC) or date-time (UTC when no offset is given)."""
    try:
        moment = datetime.fromisoformat(text) if "T" in text or " " in text else None
        moment = moment or datetime.combine(date.fromisoformat(text), time.min)
    except ValueError:
        raise ValueError("Use an ISO 8601 date or date-time, e.g. 2026-05-01.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class _Parsed(fields.String):
    """A string field turned into a value by a parse function that raises ValueError."""

    def __init__(self, parse, **kwargs):
        super().__init__(**kwargs)
        self.parse = parse

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return self.parse(super()._deserialize(value, attr, data, **kwargs))
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class CameraQuery(Schema):
    """The filters as query parameters; loads into a CameraFilter."""

    class Meta:
        unknown = EXCLUDE  # cache-busting parameters must not break a download

    bbox = _Parsed(
        parse_bbox,
        metadata={
            "description": "minLon,minLat,maxLon,maxLat (WGS84); minLon > maxLon crosses the antimeridian",
            "example": "-0.2,51.4,0.1,51.6",
        },
    )
    manufacturer = fields.String(validate=validate.Length(min=1, max=80))
    operator = fields.String(validate=validate.Length(min=1, max=200))
    camera_type = fields.String(validate=validate.OneOf(vocab.CAMERA_TYPES))
    status = fields.String(
        validate=validate.OneOf(vocab.CAMERA_STATUS_FILTERS),
        metadata={"description": "active (default), removed or all"},
    )
    updated_since = _Parsed(parse_moment, metadata={"description": "ISO 8601 date or date-time"})

    @post_load
    def _result(self, data, **kwargs):
        return self.make_result(data)

    def make_result(self, data: dict):
        return CameraFilter(**data)


def load_query(args, schema: Schema | None = None):
    """Parse query arguments (a CameraFilter by default), or raise BadQuery (400) naming each bad one."""
    try:
        return (schema or CameraQuery()).load(args)
    except ValidationError as exc:
        raise BadQuery("Some query parameters are not valid.", errors=exc.messages) from None
