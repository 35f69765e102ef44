"""The `streets` collection of the OGC API: every survey area's streets with their walk state and the
month they were last walked (never the day, nor who walked), from the public coverage layer's query."""

import json
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import and_, bindparam, func, or_, select

from survey.areas.coverage import LAYER_PROPERTIES, STREETS, street_columns, street_feature, street_rows, street_select
from survey.errors import BadQuery, NotFound
from survey.extensions import db
from survey.geo import BBox
from survey.publish import cql2
from survey.publish.ogcapi import GEOJSON, JSON, ItemsPage, ItemsQuery, collection_entry, link, page_links, self_links
from survey.publish.queryables import queryables_doc, street_queryables

COLLECTION = "streets"
PROPERTIES = ("area_id", *LAYER_PROPERTIES)
TITLE = "Surveyed streets"


def collection_doc(ogc: str) -> dict:
    description = (
        "The streets of the survey areas, with their state (not walked, walked, due again) and the month "
        "they were last walked, so 'walked, no camera' can be told from 'not looked at'."
    )
    return collection_entry(ogc, COLLECTION, TITLE, description, _extent())


def _extent() -> list[float]:
    s = STREETS.c
    box = db.session.execute(select(func.min(s.min_lon), func.min(s.min_lat), func.max(s.max_lon), func.max(s.max_lat)))
    box = box.one()
    return [-180.0, -90.0, 180.0, 90.0] if box[0] is None else [round(float(v), 7) for v in box]


def _columns() -> dict:
    return street_columns(datetime.now(UTC).date(), current_app.config["RESURVEY_AFTER_DAYS"])


def queryables(ogc: str) -> dict:
    url = f"{ogc}/collections/{COLLECTION}/queryables"
    return queryables_doc(url, TITLE, street_queryables(_columns()), points=False)


def items_page(ogc: str, _site: str, query: ItemsQuery) -> ItemsPage:
    """A page of streets: bbox (their boxes overlap it), the CQL2 filter, keyset cursors or offset.
    The cameras' own filters (status, manufacturer...) are checked and ignored, as GDAL repeats them."""
    columns = _columns()
    where = [*_box_clauses(query.filter.bbox), *_filter(query.cql, columns)]
    rows = street_rows(_paged(street_select(columns, *where), query), {"limit": query.limit})
    rows = rows[::-1] if query.before is not None else rows
    matched = db.session.scalar(select(func.count()).select_from(street_select(columns, *where).subquery()))
    ids = (rows[0][0], rows[-1][0]) if rows else None
    features = [street_feature(row, PROPERTIES) for row in rows]
    return ItemsPage(features, matched, page_links(ogc, COLLECTION, query, len(rows), matched, ids))


def _paged(statement, query: ItemsQuery):
    s = STREETS.c
    if query.after is not None:
        statement = statement.where(s.id > query.after)
    elif query.before is not None:
        statement = statement.where(s.id < query.before).order_by(None).order_by(s.id.desc())
    else:
        statement = statement.offset(query.offset)  # a few thousand streets an area: no marks needed
    return statement.limit(bindparam("limit"))


def _box_clauses(box: BBox | None) -> list:
    """Streets whose bounding box overlaps the box (a box test, not the exact line)."""
    if box is None:
        return []
    s = STREETS.c
    lons = [and_(s.min_lon <= east, s.max_lon >= west) for west, east in box.lon_ranges()]
    return [s.min_lat <= box.max_lat, s.max_lat >= box.min_lat, or_(*lons)]


def _filter(flt: cql2.CqlFilter | None, columns: dict) -> list:
    if flt is None:
        return []
    try:
        return [cql2.to_sql(flt, street_queryables(columns))]
    except cql2.BadFilter as exc:
        raise BadQuery("The filter is not valid.", errors={"filter": [str(exc)]}) from None


def item_doc(ogc: str, _site: str, feature_id: str) -> dict:
    """One street as a Feature with its links; 404 for anything that is not a known id."""
    if not (feature_id.isascii() and feature_id.isdigit() and len(feature_id) <= 10):
        raise NotFound("No street with that id.")
    rows = street_rows(street_select(_columns(), STREETS.c.id == int(feature_id)))
    if not rows:
        raise NotFound("No street with that id.")
    feature = json.loads(street_feature(rows[0], PROPERTIES))
    url = f"{ogc}/collections/{COLLECTION}/items/{feature_id}"
    feature["links"] = self_links(url, GEOJSON) + [
        link(f"{ogc}/collections/{COLLECTION}?f=json", "collection", JSON, "The collection"),
    ]
    return feature
