"""OGC API - Features, Part 1 (Core, GeoJSON, HTML, OpenAPI 3.0) and Part 3 (queryables, CQL2
filters): the documents every collection shares, and the pieces its items pages are made of (links,
keyset cursors, time intervals, CQL2 clauses). Each collection is its own module: ogc_cameras,
ogc_streets, ogc_signs.

`ogc` is the API's root URL (…/ogcapi) and `site` the site's root, for photo and permalink URLs.
"""

import json
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from flask import current_app
from sqlalchemy import bindparam

from survey import dataset_version
from survey.errors import BadQuery, NotFound
from survey.extensions import db
from survey.publish import cql2
from survey.publish.downloads import collection_members
from survey.publish.filters import CameraFilter

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
JSON, GEOJSON, HTML = "application/json", "application/geo+json", "text/html"
SCHEMA = "application/schema+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
DEFAULT_LIMIT, MAX_LIMIT = 100, 10_000
CONFORMANCE = [
    *(f"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/{c}" for c in ("core", "geojson", "html", "oas30")),
    *(
        f"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/{c}"
        for c in ("queryables", "filter", "features-filter")
    ),
    *(
        f"http://www.opengis.net/spec/cql2/1.0/conf/{c}"
        for c in ("basic-cql2", "advanced-comparison-operators", "basic-spatial-functions", "cql2-text", "cql2-json")
    ),
]
QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"


def link(href: str, rel: str, type_: str, title: str) -> dict:
    return {"href": href, "rel": rel, "type": type_, "title": title}


def self_links(url: str, json_type: str = JSON, args: dict | None = None) -> list[dict]:
    """This document as JSON (self) and as HTML (alternate)."""
    query = urlencode(args or {})
    sep = "&" if query else ""
    return [
        link(f"{url}?{query}{sep}f=json", "self", json_type, "This document as JSON"),
        link(f"{url}?{query}{sep}f=html", "alternate", HTML, "This document as HTML"),
    ]


def landing_page(ogc: str) -> dict:
    return {
        "title": "cctv-survey",
        "description": "Public-space surveillance cameras confirmed by the survey's moderators.",
        "links": self_links(ogc)
        + [
            link(f"{ogc}/api", "service-desc", OPENAPI, "The API definition (OpenAPI 3.0)"),
            link(f"{ogc}/api?f=html", "service-doc", HTML, "The API documentation"),
            link(f"{ogc}/conformance", "conformance", JSON, "Conformance classes implemented"),
            link(f"{ogc}/collections", "data", JSON, "The feature collections"),
        ],
    }


def conformance() -> dict:
    return {"conformsTo": CONFORMANCE}


def collection_entry(ogc: str, collection_id: str, title: str, description: str, box: list[float]) -> dict:
    """A collection document: its extent and links to its items and queryables."""
    url = f"{ogc}/collections/{collection_id}"
    return {
        "id": collection_id,
        "title": title,
        "description": description,
        "itemType": "feature",
        "crs": [CRS84],
        "extent": {"spatial": {"bbox": [box], "crs": CRS84}},
        "links": self_links(url)
        + [
            # No query string: GDAL fetches one feature by appending /{fid} to this href.
            link(f"{url}/items", "items", GEOJSON, f"{title} as GeoJSON"),
            link(f"{url}/items?f=html", "items", HTML, f"{title} as HTML"),
            link(f"{url}/queryables", QUERYABLES_REL, SCHEMA, "What a filter may name"),
            link(f"{url}/queryables", "queryables", JSON, "What a filter may name (for GDAL 3.6)"),
        ],
    }


def collections_doc(ogc: str, collections: list[dict]) -> dict:
    return {"links": self_links(f"{ogc}/collections"), "collections": collections}


def extent_box(box: tuple) -> list[float]:
    """(minLon, minLat, maxLon, maxLat) from SQL as a rounded extent; the whole world when there is no data."""
    return [-180.0, -90.0, 180.0, 90.0] if box[0] is None else [round(float(v), 7) for v in box]


def data_stamp() -> tuple:
    """The data version: counts and extents are kept per version, so a check is one primary-key read."""
    version = dataset_version.current(db.session)
    return (version.number, version.changed_at)


def cached(key, compute):
    """A per-app cache of slow aggregates (counts, extents), valid until the public data changes."""
    store = current_app.extensions.setdefault("ogcapi_cache", {})
    stamp = data_stamp()
    entry = store.get(key)  # one read: another thread may clear the store meanwhile
    if entry is None or entry[0] != stamp:
        if len(store) > 256:
            store.clear()
        entry = store[key] = (stamp, compute())
    return entry[1]


@dataclass(frozen=True)
class ItemsQuery:
    filter: CameraFilter = field(default_factory=CameraFilter)
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    after: int | None = None
    before: int | None = None
    interval: tuple[date | None, date | None] | None = None
    raw_datetime: str | None = None
    cql: cql2.CqlFilter | None = None


def parse_interval(text: str) -> tuple[date | None, date | None]:
    """RFC 3339 date or interval ('a/b', '../b', 'a/..'), at day precision: our dates are days."""
    parts = text.split("/")
    if len(parts) > 2 or text in ("..", "../.."):
        raise ValueError("datetime is a date or an interval such as 2026-01-01/2026-06-30 or 2026-01-01/..")
    try:
        days = [None if p in ("", "..") else date.fromisoformat(p[:10]) for p in parts]
    except ValueError:
        raise ValueError("datetime needs RFC 3339 dates, e.g. 2026-05-01.") from None
    start, end = days if len(days) == 2 else (days[0], days[0])
    if start and end and start > end:
        raise ValueError("datetime interval ends before it starts.")
    return start, end


@dataclass
class ItemsPage:
    features: list[str]  # GeoJSON Feature texts, as the database wrote them
    number_matched: int
    links: list[dict]
    members: dict = field(default_factory=collection_members)

    def tail(self) -> dict:
        return {
            "numberMatched": self.number_matched,
            "numberReturned": len(self.features),
            "links": self.links,
            **self.members,
        }

    def to_json(self) -> str:
        features = ",\n".join(self.features)
        return "".join(('{"type":"FeatureCollection","features":[', features, "],", json.dumps(self.tail())[1:]))

    def to_dict(self) -> dict:
        return {"type": "FeatureCollection", "features": [json.loads(f) for f in self.features], **self.tail()}


def query_args(query: ItemsQuery, paging: bool = True, **changes) -> tuple:
    """The query as URL arguments, for links and (without paging) cache keys; changes override paging."""
    args = dict(query.filter.query_args())
    if query.raw_datetime:
        args["datetime"] = query.raw_datetime
    if query.cql is not None:
        args.update({"filter": query.cql.text, "filter-lang": query.cql.lang})
    if paging:
        args.update({"limit": query.limit, "offset": query.offset, "after": query.after, "before": query.before})
        args.update(changes)
    return tuple((k, v) for k, v in args.items() if v is not None)


def page_links(ogc: str, collection_id: str, query, returned: int, matched: int, ids: tuple | None) -> list[dict]:
    """self, alternate, collection, and next/prev with keyset cursors (ids: the page's first and last)."""
    url = f"{ogc}/collections/{collection_id}/items"
    links = self_links(url, GEOJSON, dict(query_args(query)))
    links.append(link(f"{ogc}/collections/{collection_id}?f=json", "collection", JSON, "The collection"))
    if ids and query.offset + returned < matched:
        after = query_args(query, offset=query.offset + returned, after=ids[1], before=None)
        links.append(link(f"{url}?{urlencode(after)}&f=json", "next", GEOJSON, "Next page"))
    if query.offset > 0:
        # The first page needs no cursor; a page before a cursor needs one, where there is one.
        start, cursor = max(0, query.offset - query.limit), ids[0] if ids else None
        before = query_args(query, offset=start, after=None, before=cursor if start else None)
        links.append(link(f"{url}?{urlencode(before)}&f=json", "prev", GEOJSON, "Previous page"))
    return links


def interval_clauses(interval, first_seen, last_confirmed) -> list:
    """A feature's time is [first_seen, last_confirmed]; it matches when that meets the interval."""
    if interval is None:
        return []
    start, end = interval
    return ([last_confirmed >= start] if start else []) + ([first_seen <= end] if end else [])


def cql_clauses(flt: cql2.CqlFilter | None, queryables: dict, geometry: cql2.Points | None = None) -> list:
    """The CQL2 filter over a collection's queryables; a 400 naming what it cannot use."""
    if flt is None:
        return []
    try:
        return [cql2.to_sql(flt, queryables, geometry)]
    except cql2.BadFilter as exc:
        raise BadQuery("The filter is not valid.", errors={"filter": [str(exc)]}) from None


def keyset(statement, id_column, query: ItemsQuery):
    """A statement ordered by id, paged: after or before a cursor, or a plain offset. The plain offset is for
    collections of a few thousand features; the cameras seek an offset from marks instead."""
    if query.after is not None:
        statement = statement.where(id_column > query.after)
    elif query.before is not None:
        statement = statement.where(id_column < query.before).order_by(None).order_by(id_column.desc())
    else:
        statement = statement.offset(query.offset)
    return statement.limit(bindparam("limit"))


def keyset_page(ogc: str, collection_id: str, query: ItemsQuery, rows: list, matched: int, feature) -> ItemsPage:
    """The page of rows a keyset() statement fetched (the id first in each row), each made a Feature text."""
    rows = rows[::-1] if query.before is not None else rows
    ids = (rows[0][0], rows[-1][0]) if rows else None
    features = [feature(row) for row in rows]
    return ItemsPage(features, matched, page_links(ogc, collection_id, query, len(rows), matched, ids))


def feature_id(text: str, what: str) -> int:
    """An item's id from its URL; 404 for anything that cannot be one."""
    if not (text.isascii() and text.isdigit() and len(text) <= 10):
        raise NotFound(f"No {what} with that id.")
    return int(text)


def with_links(ogc: str, collection_id: str, item_id: int, feature: dict) -> dict:
    """One item's Feature with its self, alternate and collection links."""
    url = f"{ogc}/collections/{collection_id}/items/{item_id}"
    feature["links"] = self_links(url, GEOJSON) + [
        link(f"{ogc}/collections/{collection_id}?f=json", "collection", JSON, "The collection"),
    ]
    return feature
