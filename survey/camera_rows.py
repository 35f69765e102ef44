"""The public face of a camera: the columns that may leave the database, as plain rows or as GeoJSON.

Only the cameras table and its chosen photo's public copies are read here; nothing about sightings or
volunteers can reach an export through these queries.
"""
from itertools import chain

from sqlalchemy import Float, Integer, Numeric, Select, String, Text, cast, func, literal, literal_column, select

from survey.camera_filters import CameraFilter
from survey.models import Camera, Photo

CAMERAS = Camera.__table__
PHOTOS = Photo.__table__

# Every format publishes these, in this order, after the position.
PROPERTIES = (
    "manufacturer", "model", "camera_type", "mount", "surveillance_type", "zone", "operator", "direction",
    "signage", "status", "first_seen", "last_confirmed", "sightings_count", "volunteers_count",
    "photo_url", "thumbnail_url", "url",
)
COORDINATE_DECIMALS = 7  # about 1 cm: more would only publish GPS noise


def media_url(base: str, kind: str, digest) -> object:
    """`{base}media/{kind}/{sha256}.jpg`, NULL when there is no photo."""
    return cast(literal(base, String), String) + f"media/{kind}/" + digest + ".jpg"


def public_columns(base: str) -> dict:
    """Named SQL expressions for id, lon, lat and every public property."""
    c = CAMERAS.c
    # PostgreSQL rounds numerics only; the cast back to float drops the trailing zeros.
    rounded = {name: cast(func.round(cast(c[name], Numeric), COORDINATE_DECIMALS), Float) for name in ("lon", "lat")}
    columns = {"id": c.id, **rounded}
    columns.update({name: c[name] for name in PROPERTIES if name in c})
    columns["direction"] = cast(func.round(c.direction), Integer) % 360  # whole degrees, as OSM has them
    columns["photo_url"] = media_url(base, "display", PHOTOS.c.display_sha256)
    columns["thumbnail_url"] = media_url(base, "thumbs", PHOTOS.c.thumb_sha256)
    columns["url"] = cast(literal(base, String), String) + "api/v1/cameras/" + cast(c.id, String)
    return columns


def _from(query: Select, flt: CameraFilter) -> Select:
    joined = CAMERAS.outerjoin(PHOTOS, PHOTOS.c.id == CAMERAS.c.photo_id)
    return query.select_from(joined).where(*flt.clauses()).order_by(CAMERAS.c.id)


def row_query(flt: CameraFilter, base: str) -> Select:
    """Plain rows: id, lon, lat, then PROPERTIES, ordered by id."""
    columns = public_columns(base)
    return _from(select(*(columns[name].label(name) for name in ("id", "lon", "lat", *PROPERTIES))), flt)


def _key(text: str):
    # Constant SQL text rather than bind parameters: PostgreSQL cannot type a parameter given to json_build_object.
    return literal_column(f"'{text}'")


def feature_expression(base: str, dialect: str):
    """One GeoJSON Feature as text, built by the database itself (the fast path for big exports)."""
    build, array = (
        (func.json_build_object, func.json_build_array) if dialect == "postgresql" else (func.json_object, func.json_array)
    )
    columns = public_columns(base)
    properties = build(*chain.from_iterable((_key(name), columns[name]) for name in PROPERTIES))
    geometry = build(_key("type"), _key("Point"), _key("coordinates"), array(columns["lon"], columns["lat"]))
    feature = build(
        _key("type"), _key("Feature"), _key("id"), columns["id"], _key("geometry"), geometry,
        _key("properties"), properties,
    )
    return cast(feature, Text)


def feature_query(flt: CameraFilter, base: str, dialect: str) -> Select:
    """GeoJSON Feature texts for the filtered cameras, ordered by id."""
    return _from(select(feature_expression(base, dialect)), flt)
