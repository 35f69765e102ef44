"""The `streets` collection of the OGC API: every survey area's streets with their walk state and the
month they were last walked (never the day, nor who walked), from the public coverage layer's query."""

import json
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import and_, func, or_, select

from survey.areas.coverage import LAYER_PROPERTIES, STREETS, street_columns, street_feature, street_rows, street_select
from survey.errors import NotFound
from survey.extensions import db
from survey.geo import BBox
from survey.publish.ogcapi import (
    ItemsPage,
    ItemsQuery,
    collection_entry,
    cql_clauses,
    extent_box,
    feature_id,
    keyset,
    keyset_page,
    with_links,
)
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
    return extent_box(tuple(box.one()))


def _columns() -> dict:
    return street_columns(datetime.now(UTC).date(), current_app.config["RESURVEY_AFTER_DAYS"])


def queryables(ogc: str) -> dict:
    url = f"{ogc}/collections/{COLLECTION}/queryables"
    return queryables_doc(url, TITLE, street_queryables(_columns()), points=False)


def items_page(ogc: str, _site: str, query: ItemsQuery) -> ItemsPage:
    """A page of streets: bbox (their boxes overlap it), the CQL2 filter, keyset cursors or offset.
    The cameras' own filters (status, manufacturer...) are checked and ignored, as GDAL repeats them."""
    columns = _columns()
    where = [*_box_clauses(query.filter.bbox), *cql_clauses(query.cql, street_queryables(columns))]
    statement = street_select(columns, *where)
    rows = street_rows(keyset(statement, STREETS.c.id, query), {"limit": query.limit})
    matched = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    return keyset_page(ogc, COLLECTION, query, rows, matched, lambda row: street_feature(row, PROPERTIES))


def _box_clauses(box: BBox | None) -> list:
    """Streets whose bounding box overlaps the box (a box test, not the exact line)."""
    if box is None:
        return []
    s = STREETS.c
    lons = [and_(s.min_lon <= east, s.max_lon >= west) for west, east in box.lon_ranges()]
    return [s.min_lat <= box.max_lat, s.max_lat >= box.min_lat, or_(*lons)]


def item_doc(ogc: str, _site: str, text_id: str) -> dict:
    """One street as a Feature with its links; 404 for anything that is not a known id."""
    street_id = feature_id(text_id, "street")
    rows = street_rows(street_select(_columns(), STREETS.c.id == street_id))
    if not rows:
        raise NotFound("No street with that id.")
    return with_links(ogc, COLLECTION, street_id, json.loads(street_feature(rows[0], PROPERTIES)))
