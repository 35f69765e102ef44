"""What a CQL2 filter may name in each OGC API collection (Part 3): the published properties, each with
the SQL it is compared through and its JSON Schema type. Nothing else in a filter reaches SQL."""

from sqlalchemy import case

from survey import vocab
from survey.models import Sign
from survey.publish.columns import CAMERAS, public_columns
from survey.publish.cql2 import Points, Queryable
from survey.publish.signs import FIXED_TO

SIGNS = Sign.__table__
CAMERA_GEOMETRY = Points(CAMERAS.c.lat, CAMERAS.c.lon)
SIGN_GEOMETRY = Points(SIGNS.c.lat, SIGNS.c.lon)
JSON_SCHEMA = "https://json-schema.org/draft/2020-12/schema"


def _text(column, title: str, enum: tuple[str, ...] = ()) -> Queryable:
    return Queryable(column, "string", title, enum=enum)


def camera_queryables() -> dict[str, Queryable]:
    """The cameras' published properties (not the derived URLs), compared as they are published."""
    c = CAMERAS.c
    return {
        "manufacturer": _text(c.manufacturer, "Manufacturer"),
        "model": _text(c.model, "Model"),
        "camera_type": _text(c.camera_type, "camera:type", vocab.CAMERA_TYPES),
        "mount": _text(c.mount, "camera:mount", vocab.MOUNTS),
        "surveillance_type": _text(c.surveillance_type, "surveillance:type", vocab.SURVEILLANCE_TYPES),
        "zone": _text(c.zone, "surveillance:zone", vocab.ZONES),
        "operator": _text(c.operator, "Operator"),
        # Whole degrees, as published: a filter sees the value a client reads.
        "direction": Queryable(public_columns("")["direction"], "integer", "Direction (degrees from true north)"),
        "signage": _text(c.signage, "Signage", vocab.SIGNAGE),
        "status": _text(c.status, "Status, within what the status parameter selects", vocab.PUBLIC_CAMERA_STATUSES),
        "first_seen": Queryable(c.first_seen, "string", "First seen", format="date"),
        "last_confirmed": Queryable(c.last_confirmed, "string", "Last confirmed", format="date"),
        "sightings_count": Queryable(c.sightings_count, "integer", "Approved sightings"),
        "volunteers_count": Queryable(c.volunteers_count, "integer", "Distinct volunteers"),
    }


def sign_queryables() -> dict[str, Queryable]:
    """The signs' published properties, over signs.sign_query (which joins the camera a sign names)."""
    c = SIGNS.c
    # The camera is named only while the public can see it, as sign_properties publishes it.
    camera_id = case((FIXED_TO.status.in_(vocab.PUBLIC_CAMERA_STATUSES), c.camera_id), else_=None)
    return {
        "operator": _text(c.operator, "Operator named on the sign"),
        "purpose": _text(c.purpose, "Purpose stated on the sign"),
        "has_contact": Queryable(c.has_contact, "boolean", "Gives a contact (phone, email or web)"),
        "camera_id": Queryable(camera_id, "integer", "The camera the sign is fixed to"),
        "status": _text(c.status, "Status, within what the status parameter selects", vocab.PUBLIC_CAMERA_STATUSES),
        "first_seen": Queryable(c.first_seen, "string", "First seen", format="date"),
        "last_confirmed": Queryable(c.last_confirmed, "string", "Last confirmed", format="date"),
        "sightings_count": Queryable(c.sightings_count, "integer", "Approved sightings"),
    }


def street_queryables(columns: dict) -> dict[str, Queryable]:
    """The public street layer's properties, from coverage.street_columns (state is worked out in SQL)."""
    return {
        "area_id": Queryable(columns["area_id"], "integer", "Survey area"),
        "name": _text(columns["name"], "Street name"),
        "highway": _text(columns["highway"], "OSM highway", tuple(sorted(vocab.WALKABLE_HIGHWAYS))),
        "length_m": Queryable(columns["length_m"], "number", "Length (m)"),
        "state": _text(columns["state"], "Walk state", vocab.STREET_STATES),
        "last_walked_month": _text(columns["last_walked_month"], "Month last walked (YYYY-MM)"),
    }


def queryables_doc(url: str, title: str, queryables: dict[str, Queryable], points: bool) -> dict:
    """The JSON Schema of the queryables (Part 3), plus the draft's `queryables` list GDAL 3.6 reads."""
    properties = {name: _property(q) for name, q in queryables.items()}
    if points:
        properties["geometry"] = {"title": "Position", "format": "geometry-point", "x-ogc-role": "primary-geometry"}
    return {
        "$schema": JSON_SCHEMA,
        "$id": url,
        "type": "object",
        "title": title,
        "properties": properties,
        "additionalProperties": False,
        "queryables": [{"id": name, "type": p.get("type", "geometry")} for name, p in properties.items()],
    }


def _property(queryable: Queryable) -> dict:
    found = {"title": queryable.title, "type": queryable.type}
    if queryable.format:
        found["format"] = queryable.format
    if queryable.enum:
        found["enum"] = list(queryable.enum)
    return found
