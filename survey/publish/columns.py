"""The public face of a camera: the columns that may leave the database, as plain rows or as GeoJSON.

Only the cameras table and its chosen photo's public copies are read here; nothing about sightings or
volunteers can reach an export through these queries.
"""

from itertools import chain

from sqlalchemy import (
    Boolean,
    Float,
    Integer,
    Select,
    String,
    Text,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from survey.models import Camera, Photo
from survey.publish.filters import CameraFilter

CAMERAS = Camera.__table__
PHOTOS = Photo.__table__

# Every format publishes these, in this order, after the position.
PROPERTIES = (
    "manufacturer",
    "model",
    "camera_type",
    "mount",
    "surveillance_type",
    "zone",
    "operator",
    "direction",
    "signage",  # the volunteer's answer; the measured signage beside it (survey.signage)
    "signage_class",
    "nearest_sign_m",
    "operator_sign_m",
    "status",
    "first_seen",
    "last_confirmed",
    "sightings_count",
    "volunteers_count",
    "photo_url",
    "thumbnail_url",
    "url",
)
COORDINATE_DECIMALS = 7  # about 1 cm: more would only publish GPS noise


class rounded_degrees(FunctionElement):
    """A coordinate rounded to COORDINATE_DECIMALS, as a float, on either database."""

    type = Float()
    inherit_cache = True


class json_object(FunctionElement):
    """A JSON object from key, value, ... pairs: json_object (SQLite) or json_build_object (PostgreSQL)."""

    type = Text()
    inherit_cache = True


class json_array(FunctionElement):
    type = Text()
    inherit_cache = True


class json_text(FunctionElement):
    """JSON as text: PostgreSQL's driver would otherwise parse json values into Python objects."""

    type = Text()
    inherit_cache = True


@compiles(rounded_degrees)
def _round_sqlite(element, compiler, **kw):
    return f"round({compiler.process(element.clauses, **kw)}, {COORDINATE_DECIMALS})"


@compiles(rounded_degrees, "postgresql")
def _round_postgresql(element, compiler, **kw):
    # PostgreSQL rounds numerics only; float8 again drops the trailing zeros.
    return f"CAST(round(CAST({compiler.process(element.clauses, **kw)} AS NUMERIC), {COORDINATE_DECIMALS}) AS FLOAT8)"


@compiles(json_object)
def _object_sqlite(element, compiler, **kw):
    return f"json_object({compiler.process(element.clauses, **kw)})"


@compiles(json_object, "postgresql")
def _object_postgresql(element, compiler, **kw):
    return f"json_build_object({compiler.process(element.clauses, **kw)})"


@compiles(json_array)
def _array_sqlite(element, compiler, **kw):
    return f"json_array({compiler.process(element.clauses, **kw)})"


@compiles(json_array, "postgresql")
def _array_postgresql(element, compiler, **kw):
    return f"json_build_array({compiler.process(element.clauses, **kw)})"


@compiles(json_text)
def _text_sqlite(element, compiler, **kw):
    return compiler.process(element.clauses, **kw)


@compiles(json_text, "postgresql")
def _text_postgresql(element, compiler, **kw):
    return f"CAST({compiler.process(element.clauses, **kw)} AS TEXT)"


class sorts_before_letters(FunctionElement):
    """True when text sorts before "A" by code point, where every spreadsheet formula start lies."""

    type = Boolean()
    inherit_cache = True


@compiles(sorts_before_letters)
def _before_sqlite(element, compiler, **kw):
    return f"({compiler.process(element.clauses, **kw)} < 'A')"


@compiles(sorts_before_letters, "postgresql")
def _before_postgresql(element, compiler, **kw):
    # The default collation ignores punctuation when it sorts; "C" compares code points.
    return f"({compiler.process(element.clauses, **kw)} COLLATE \"C\" < 'A')"


def media_url(base: str, kind: str, digest) -> object:
    """`{base}media/{kind}/{sha256}.jpg`, NULL when there is no photo."""
    return _text(f"{base}media/{kind}/") + digest + ".jpg"


def _text(value: str):
    # A typed parameter: PostgreSQL cannot guess the type of a bare one beside ||.
    return cast(literal(value, String), String)


def public_columns(base: str) -> dict:
    """Named SQL expressions for id, lon, lat and every public property."""
    c = CAMERAS.c
    columns = {"id": c.id, "lon": rounded_degrees(c.lon), "lat": rounded_degrees(c.lat)}
    columns.update({name: c[name] for name in PROPERTIES if name in c})
    columns["direction"] = cast(func.round(c.direction), Integer) % 360  # whole degrees, as OSM has them
    columns["photo_url"] = media_url(base, "display", PHOTOS.c.display_sha256)
    columns["thumbnail_url"] = media_url(base, "thumbs", PHOTOS.c.thumb_sha256)
    columns["url"] = _text(f"{base}api/v1/cameras/") + cast(c.id, String)
    return columns


def _from(query: Select, flt: CameraFilter) -> Select:
    joined = CAMERAS.outerjoin(PHOTOS, PHOTOS.c.id == CAMERAS.c.photo_id)
    return query.select_from(joined).where(*flt.clauses()).order_by(CAMERAS.c.id)


def row_query(flt: CameraFilter, base: str) -> Select:
    """Plain rows: id, lon, lat, then PROPERTIES, ordered by id."""
    columns = public_columns(base)
    return _from(select(*(columns[name].label(name) for name in ("id", "lon", "lat", *PROPERTIES))), flt)


def csv_query(flt: CameraFilter, base: str, formula_starts: tuple[str, ...]) -> Select:
    """Plain rows in CSV order (lat, lon, id, PROPERTIES); text a spreadsheet would run gets a leading '."""
    columns = public_columns(base)
    names = ("lat", "lon", "id", *PROPERTIES)
    return _from(select(*(_formula_safe(columns[name], formula_starts).label(name) for name in names)), flt)


def _formula_safe(column, formula_starts: tuple[str, ...]):
    """exports.spreadsheet_safe() done by the database: a CASE per text cell rather than a Python call.

    The cheap code-point test comes first, so most cells never reach the IN list.
    """
    if not isinstance(column.type, String):
        return column
    risky = and_(sorts_before_letters(column), func.substr(column, 1, 1).in_(formula_starts))
    return case((risky, _text("'") + column), else_=column)


def _key(text: str):
    # Constant SQL text rather than bind parameters: PostgreSQL cannot type a parameter given to json_build_object.
    return literal_column(f"'{text}'")


def feature_expression(base: str):
    """One GeoJSON Feature as text, built by the database itself (the fast path for big exports)."""
    columns = public_columns(base)
    properties = json_object(*chain.from_iterable((_key(name), columns[name]) for name in PROPERTIES))
    geometry = json_object(_key("type"), _key("Point"), _key("coordinates"), json_array(columns["lon"], columns["lat"]))
    return json_text(
        json_object(
            _key("type"),
            _key("Feature"),
            _key("id"),
            columns["id"],
            _key("geometry"),
            geometry,
            _key("properties"),
            properties,
        )
    )


def feature_query(flt: CameraFilter, base: str) -> Select:
    """GeoJSON Feature texts for the filtered cameras, ordered by id."""
    return _from(select(feature_expression(base)), flt)
