"""OGC API - Features, Part 1 (Core, GeoJSON, HTML, OpenAPI 3.0): the documents, built without HTTP.

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
from survey.errors import NotFound
from survey.extensions import db
from survey.publish import snapshots
from survey.publish.camera import camera_feature
from survey.publish.columns import CAMERAS, feature_query
from survey.publish.downloads import collection_members
from survey.publish.filters import CameraFilter

COLLECTION = "cameras"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
JSON, GEOJSON, HTML = "application/json", "application/geo+json", "text/html"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
DEFAULT_LIMIT, MAX_LIMIT = 100, 10_000
CONFORMANCE = [
    f"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/{name}" for name in ("core", "geojson", "html", "oas30")
]


def link(href: str, rel: str, type_: str, title: str) -> dict:
    return {"href": href, "rel": rel, "type": type_, "title": title}


def _self_links(url: str, json_type: str = JSON, args: dict | None = None) -> list[dict]:
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
        "links": _self_links(ogc)
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
    url = f"{ogc}/collections/{COLLECTION}"
    return {
        "id": COLLECTION,
        "title": "Surveillance cameras",
        "description": "Confirmed cameras with OpenStreetMap-style attributes. "
        f"Licence {current_app.config['DATA_LICENSE']}, © {current_app.config['DATA_ATTRIBUTION']}.",
        "itemType": "feature",
        "crs": [CRS84],
        "extent": {"spatial": {"bbox": [spatial_extent()], "crs": CRS84}},
        "links": _self_links(url)
        + [
            # No query string: GDAL fetches one feature by appending /{fid} to this href.
            link(f"{url}/items", "items", GEOJSON, "The cameras as GeoJSON"),
            link(f"{url}/items?f=html", "items", HTML, "The cameras as HTML"),
        ],
    }


def collections_doc(ogc: str) -> dict:
    return {"links": _self_links(f"{ogc}/collections"), "collections": [collection_doc(ogc)]}


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
    interval: tuple[date | None, date | None] | None = None
    raw_datetime: str | None = None


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
    """One page of cameras, by id; follows `after` (keyset) when the next link gave it, else offset."""
    keyset = query.after is not None
    paging = {"limit": query.limit, **({"after": query.after} if keyset else {"offset": query.offset})}
    result = db.session.execute(_page_statement(query.filter, site, query.interval, keyset), paging)
    rows = result.cursor.fetchall()  # plain tuples (JSON text, id): a thousand Row objects cost ~0.4 ms
    result.close()
    matched = cached(("count", _args(query, paging=False)), lambda: _count(query))
    last_id = rows[-1][1] if rows else None
    return ItemsPage([row[0] for row in rows], matched, page_links(ogc, query, len(rows), matched, last_id))


@lru_cache(maxsize=64)
def _page_statement(flt: CameraFilter, site: str, interval, keyset: bool) -> Select:
    """The items query of one filter, paging left as parameters: built once, then reused.

    Building the nested JSON expression and its cache key on every request took longer than
    SQLite took to answer a page of 1,000 (bench/, case 2).
    """
    statement = feature_query(flt, site).add_columns(CAMERAS.c.id).where(*time_clauses(interval))
    if keyset:
        statement = statement.where(CAMERAS.c.id > bindparam("after"))
    else:
        statement = statement.offset(bindparam("offset"))
    return statement.limit(bindparam("limit"))


def _count(query: ItemsQuery) -> int:
    """The unfiltered count is the published snapshot's when it is of this data version: no scan at all."""
    if query.interval is None and (known := snapshots.count_if_current(query.filter)) is not None:
        return known
    clauses = (*query.filter.clauses(), *time_clauses(query.interval))
    return db.session.scalar(select(func.count()).select_from(CAMERAS).where(*clauses))


def _args(query: ItemsQuery, paging: bool = True, **changes) -> tuple:
    args = dict(query.filter.query_args())
    if query.raw_datetime:
        args["datetime"] = query.raw_datetime
    if paging:
        args.update({"limit": query.limit, "offset": query.offset})
        if query.after is not None:
            args["after"] = query.after
        args.update(changes)
    return tuple((k, v) for k, v in args.items() if v is not None)


def page_links(ogc: str, query: ItemsQuery, returned: int, matched: int, last_id: int | None) -> list[dict]:
    url = f"{ogc}/collections/{COLLECTION}/items"
    links = _self_links(url, GEOJSON, dict(_args(query)))
    links.append(link(f"{ogc}/collections/{COLLECTION}?f=json", "collection", JSON, "The collection"))
    if query.offset + returned < matched and returned:
        after = _args(query, offset=query.offset + returned, after=last_id)
        links.append(link(f"{url}?{urlencode(after)}&f=json", "next", GEOJSON, "Next page"))
    if query.offset > 0:
        before = _args(query, offset=max(0, query.offset - query.limit), after=None)
        links.append(link(f"{url}?{urlencode(before)}&f=json", "prev", GEOJSON, "Previous page"))
    return links


def item_doc(ogc: str, site: str, feature_id: str) -> dict:
    """One camera as a Feature with its links; 404 for anything that is not a known id."""
    if not (feature_id.isascii() and feature_id.isdigit() and len(feature_id) <= 10):
        raise NotFound("No camera with that id.")
    feature = camera_feature(int(feature_id), site)
    url = f"{ogc}/collections/{COLLECTION}/items/{feature_id}"
    feature["links"] = _self_links(url, GEOJSON) + [
        link(f"{ogc}/collections/{COLLECTION}?f=json", "collection", JSON, "The collection"),
    ]
    return feature
