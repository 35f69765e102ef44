"""OGC API - Features, Part 1 (Core, GeoJSON, HTML, OpenAPI 3.0) and Part 3 (queryables, CQL2
filters): the documents and the cameras collection, built without HTTP.

`ogc` is the API's root URL (…/ogcapi) and `site` the site's root, for photo and permalink URLs.
"""

import json
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from urllib.parse import urlencode

from flask import current_app
from sqlalchemy import Select, bindparam, func, select

from survey import dataset_version, vocab
from survey.errors import BadQuery, NotFound
from survey.extensions import db
from survey.publish import cql2, snapshots
from survey.publish.camera import camera_feature
from survey.publish.columns import CAMERAS, feature_query
from survey.publish.downloads import collection_members
from survey.publish.filters import CameraFilter
from survey.publish.queryables import CAMERA_GEOMETRY, camera_queryables, queryables_doc

COLLECTION = "cameras"
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


def collection_doc(ogc: str) -> dict:
    """The cameras collection: what it is, where its data lies, and links to its items."""
    return collection_entry(
        ogc,
        COLLECTION,
        "Surveillance cameras",
        "Confirmed cameras with OpenStreetMap-style attributes. "
        f"Licence {current_app.config['DATA_LICENSE']}, © {current_app.config['DATA_ATTRIBUTION']}.",
        spatial_extent(),
    )


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


def queryables(ogc: str) -> dict:
    url = f"{ogc}/collections/{COLLECTION}/queryables"
    return queryables_doc(url, "Surveillance cameras", camera_queryables(), points=True)


def spatial_extent() -> list[float]:
    """[minLon, minLat, maxLon, maxLat] of the active cameras; the whole world when there are none."""
    c = CAMERAS.c
    query = select(func.min(c.lon), func.min(c.lat), func.max(c.lon), func.max(c.lat)).where(c.status == vocab.ACTIVE)
    box = cached("extent", lambda: tuple(db.session.execute(query).one()))
    return [-180.0, -90.0, 180.0, 90.0] if box[0] is None else [round(float(v), 7) for v in box]


def data_stamp() -> tuple:
    """The data version: counts and extents are kept per version, so a check is one primary-key read."""
    version = dataset_version.current(db.session)
    return (version.number, version.changed_at)


def cached(key, compute):
    """A per-app cache of slow aggregates (counts, extents), valid until the cameras change."""
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


def time_clauses(interval) -> list:
    """A camera's time is [first_seen, last_confirmed]; it matches when that meets the interval."""
    if interval is None:
        return []
    start, end = interval
    c = CAMERAS.c
    return ([c.last_confirmed >= start] if start else []) + ([c.first_seen <= end] if end else [])


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


def items_page(ogc: str, site: str, query: ItemsQuery) -> ItemsPage:
    """One page of cameras, by id. A next link's `after` and a previous link's `before` are keyset
    cursors; a bare `offset` is found from cached marks along the id index, so no page scans what it skips."""
    mode, paging = _seek(query)
    rows = []
    if mode is not None:
        result = db.session.execute(_page_statement(query.filter, site, query.interval, query.cql, mode), paging)
        rows = result.cursor.fetchall()  # plain tuples (JSON text, id): a thousand Row objects cost ~0.4 ms
        result.close()
    rows = rows[::-1] if mode == "before" else rows
    matched = cached(("count", _args(query, paging=False)), lambda: _count(query))
    ids = (rows[0][1], rows[-1][1]) if rows else None
    return ItemsPage([row[0] for row in rows], matched, page_links(ogc, COLLECTION, query, len(rows), matched, ids))


def _seek(query: ItemsQuery) -> tuple[str | None, dict]:
    """How the page is found: after or before a cursor, from the id at the offset, or the first page."""
    limit = {"limit": query.limit}
    if query.after is not None:
        return "after", limit | {"cursor": query.after}
    if query.before is not None:
        return "before", limit | {"cursor": query.before}
    if query.offset == 0:
        return "first", limit
    # The id at the offset: the cached mark before it, then a short index-only step (in the page query).
    marks = cached(("marks", _args(query, paging=False)), lambda: _marks(query))
    slot, rest = divmod(query.offset, MARK_EVERY)
    return ("from", limit | {"mark": marks[slot], "rest": rest}) if slot < len(marks) else (None, limit)


MARK_EVERY = 1000


def _marks(query: ItemsQuery) -> list[int]:
    ranked = select(CAMERAS.c.id, func.row_number().over(order_by=CAMERAS.c.id).label("n"))
    ranked = ranked.where(*camera_clauses(query)).subquery()
    every = select(ranked.c.id).where((ranked.c.n - 1) % MARK_EVERY == 0).order_by(ranked.c.id)
    return list(db.session.scalars(every))


def camera_clauses(query: ItemsQuery) -> list:
    """SQL conditions of the shared filters, the time interval and the CQL2 filter."""
    return [*query.filter.clauses(), *time_clauses(query.interval), *filter_clauses(query.cql)]


def filter_clauses(flt: cql2.CqlFilter | None) -> list:
    """The CQL2 filter over the cameras' queryables; a 400 naming what it cannot use."""
    if flt is None:
        return []
    try:
        return [cql2.to_sql(flt, camera_queryables(), CAMERA_GEOMETRY)]
    except cql2.BadFilter as exc:
        raise BadQuery("The filter is not valid.", errors={"filter": [str(exc)]}) from None


@lru_cache(maxsize=64)
def _page_statement(flt: CameraFilter, site: str, interval, cql, mode: str) -> Select:
    """The items query of one filter, paging left as parameters: built once, then reused.

    Building the nested JSON expression and its cache key on every request took longer than
    SQLite took to answer a page of 1,000 (bench/, case 2).
    """
    statement = feature_query(flt, site).add_columns(CAMERAS.c.id).where(*time_clauses(interval))
    statement = statement.where(*filter_clauses(cql))
    cursor, c = bindparam("cursor"), CAMERAS.c
    if mode == "before":
        statement = statement.where(c.id < cursor).order_by(None).order_by(c.id.desc())
    elif mode == "after":
        statement = statement.where(c.id > cursor)
    elif mode == "from":
        ids = select(c.id).where(
            *flt.clauses(), *time_clauses(interval), *filter_clauses(cql), c.id >= bindparam("mark")
        )
        start = ids.order_by(c.id).offset(bindparam("rest")).limit(1).scalar_subquery()
        statement = statement.where(c.id >= start)
    return statement.limit(bindparam("limit"))


def _count(query: ItemsQuery) -> int:
    """The unfiltered count is the published snapshot's when it is of this data version: no scan at all."""
    if query.interval is None and query.cql is None and (known := snapshots.count_if_current(query.filter)) is not None:
        return known
    clauses = camera_clauses(query)
    return db.session.scalar(select(func.count()).select_from(CAMERAS).where(*clauses))


def _args(query: ItemsQuery, paging: bool = True, **changes) -> tuple:
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
    links = self_links(url, GEOJSON, dict(_args(query)))
    links.append(link(f"{ogc}/collections/{collection_id}?f=json", "collection", JSON, "The collection"))
    if ids and query.offset + returned < matched:
        after = _args(query, offset=query.offset + returned, after=ids[1], before=None)
        links.append(link(f"{url}?{urlencode(after)}&f=json", "next", GEOJSON, "Next page"))
    if query.offset > 0:
        # The first page needs no cursor; a page before a cursor needs one, where there is one.
        start, cursor = max(0, query.offset - query.limit), ids[0] if ids else None
        before = _args(query, offset=start, after=None, before=cursor if start else None)
        links.append(link(f"{url}?{urlencode(before)}&f=json", "prev", GEOJSON, "Previous page"))
    return links


def item_doc(ogc: str, site: str, feature_id: str) -> dict:
    """One camera as a Feature with its links; 404 for anything that is not a known id."""
    if not (feature_id.isascii() and feature_id.isdigit() and len(feature_id) <= 10):
        raise NotFound("No camera with that id.")
    feature = camera_feature(int(feature_id), site)
    url = f"{ogc}/collections/{COLLECTION}/items/{feature_id}"
    feature["links"] = self_links(url, GEOJSON) + [
        link(f"{ogc}/collections/{COLLECTION}?f=json", "collection", JSON, "The collection"),
    ]
    return feature
