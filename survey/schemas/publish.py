"""Query schemas of the public views: the shared camera filters, and the OGC API's paging and formats."""

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, post_load, validate, validates_schema

from survey import vocab
from survey.errors import BadQuery
from survey.geo import parse_bbox
from survey.publish import cql2
from survey.publish.filters import CameraFilter, parse_moment
from survey.publish.ogcapi import CRS84, DEFAULT_LIMIT, MAX_LIMIT, ItemsQuery, parse_interval

FORMATS = ("json", "html")


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


class ItemsQueryArgs(CameraQuery):
    """The OGC API items parameters: the shared filters plus paging and `datetime`; anything else is a 400."""

    class Meta:
        unknown = RAISE

    f = fields.String(validate=validate.OneOf(FORMATS))
    limit = fields.Integer(validate=validate.Range(min=1))
    offset = fields.Integer(validate=validate.Range(min=0, max=vocab.MAX_ID))
    after = fields.Integer(validate=validate.Range(min=0, max=vocab.MAX_ID), metadata={"description": "Keyset cursor"})
    before = fields.Integer(validate=validate.Range(min=0, max=vocab.MAX_ID), metadata={"description": "Keyset cursor"})
    datetime = fields.String(validate=validate.Length(max=64))
    filter = fields.String(validate=validate.Length(min=1, max=4000), metadata={"description": "A CQL2 filter"})
    filter_lang = fields.String(data_key="filter-lang", validate=validate.OneOf((*cql2.LANGUAGES, *cql2.ALIASES)))
    filter_crs = fields.String(data_key="filter-crs", validate=validate.Equal(CRS84))

    @validates_schema
    def _datetime(self, data, **kwargs):
        if "datetime" in data:
            try:
                parse_interval(data["datetime"])
            except ValueError as exc:
                raise ValidationError(str(exc), field_name="datetime") from None
        if "after" in data and "before" in data:
            raise ValidationError("Give one cursor: after or before.", field_name="before")

    @validates_schema
    def _filter(self, data, **kwargs):
        if "filter" in data:
            try:
                data["filter"] = cql2.parse(data["filter"], data.get("filter_lang"))
            except cql2.BadFilter as exc:
                raise ValidationError(str(exc), field_name="filter") from None

    def make_result(self, data: dict) -> ItemsQuery:
        """Paging, time and the CQL2 filter apart from the shared filter; a limit above the maximum is lowered."""
        paging = {name: data.pop(name) for name in ("limit", "offset", "after", "before") if name in data}
        for name in ("f", "filter_lang", "filter_crs"):
            data.pop(name, None)
        raw, cql = data.pop("datetime", None), data.pop("filter", None)
        paging["limit"] = min(paging.get("limit", DEFAULT_LIMIT), MAX_LIMIT)
        interval = parse_interval(raw) if raw else None
        return ItemsQuery(filter=CameraFilter(**data), interval=interval, raw_datetime=raw, cql=cql, **paging)


class DocumentQuery(CameraQuery):
    """The documents above items (landing page, conformance, collections, one item) take `f` and the
    shared filters too, checked and otherwise unused: GDAL sends a connection string's parameters
    (`OAPIF:https://host/ogcapi?status=all`) with every request. Anything else is still a 400."""

    class Meta:
        unknown = RAISE

    f = fields.String(validate=validate.OneOf(FORMATS))

    def make_result(self, data: dict) -> dict:
        return data


def load_query(args, schema: Schema | None = None):
    """Parse query arguments (a CameraFilter by default), or raise BadQuery (400) naming each bad one."""
    try:
        return (schema or CameraQuery()).load(args)
    except ValidationError as exc:
        raise BadQuery("Some query parameters are not valid.", errors=exc.messages) from None
