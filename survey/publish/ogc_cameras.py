"""The `cameras` collection of the OGC API: the confirmed cameras, paged along the id index with
keyset cursors and cached marks, their JSON written by the database."""

from functools import lru_cache

from flask import current_app
from sqlalchemy import Select, bindparam, func, select

from survey import dataset_version, vocab
from survey.extensions import db
from survey.publish.camera import camera_feature
from survey.publish.columns import CAMERAS, feature_query
from survey.publish.filters import UNFILTERED, CameraFilter
from survey.publish.ogcapi import (
    ItemsPage,
    ItemsQuery,
    cached,
    collection_entry,
    cql_clauses,
    extent_box,
    feature_id,
    interval_clauses,
    page_links,
    query_args,
    with_links,
)
from survey.publish.queryables import CAMERA_GEOMETRY, camera_queryables, queryables_doc

COLLECTION = "cameras"
TITLE = "Surveillance cameras"
MARK_EVERY = 1000


def collection_doc(ogc: str) -> dict:
    """The cameras collection: what it is, where its data lies, and links to its items."""
    return collection_entry(
        ogc,
        COLLECTION,
        TITLE,
        "Confirmed cameras with OpenStreetMap-style attributes. "
        f"Licence {current_app.config['DATA_LICENSE']}, © {current_app.config['DATA_ATTRIBUTION']}.",
        spatial_extent(),
    )


def queryables(ogc: str) -> dict:
    url = f"{ogc}/collections/{COLLECTION}/queryables"
    return queryables_doc(url, TITLE, camera_queryables(), points=True)


def spatial_extent() -> list[float]:
    """[minLon, minLat, maxLon, maxLat] of the active cameras; the whole world when there are none."""
    c = CAMERAS.c
    query = select(func.min(c.lon), func.min(c.lat), func.max(c.lon), func.max(c.lat)).where(c.status == vocab.ACTIVE)
    return extent_box(cached("extent", lambda: tuple(db.session.execute(query).one())))


def time_clauses(interval) -> list:
    return interval_clauses(interval, CAMERAS.c.first_seen, CAMERAS.c.last_confirmed)


def filter_clauses(flt) -> list:
    return cql_clauses(flt, camera_queryables(), CAMERA_GEOMETRY)


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
    matched = cached(("count", query_args(query, paging=False)), lambda: _count(query))
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
    marks = cached(("marks", query_args(query, paging=False)), lambda: _marks(query))
    slot, rest = divmod(query.offset, MARK_EVERY)
    return ("from", limit | {"mark": marks[slot], "rest": rest}) if slot < len(marks) else (None, limit)


def _marks(query: ItemsQuery) -> list[int]:
    ranked = select(CAMERAS.c.id, func.row_number().over(order_by=CAMERAS.c.id).label("n"))
    ranked = ranked.where(*camera_clauses(query)).subquery()
    every = select(ranked.c.id).where((ranked.c.n - 1) % MARK_EVERY == 0).order_by(ranked.c.id)
    return list(db.session.scalars(every))


def camera_clauses(query: ItemsQuery) -> list:
    """SQL conditions of the shared filters, the time interval and the CQL2 filter."""
    return [*query.filter.clauses(), *time_clauses(query.interval), *filter_clauses(query.cql)]


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
    """The unfiltered count is the data-version row's (kept by triggers): no scan, even after a decision."""
    unfiltered = query.interval is None and query.cql is None and query.filter == UNFILTERED
    if unfiltered and (known := dataset_version.active_counts(db.session)[0]) is not None:
        return known
    clauses = camera_clauses(query)
    return db.session.scalar(select(func.count()).select_from(CAMERAS).where(*clauses))


def item_doc(ogc: str, site: str, text_id: str) -> dict:
    """One camera as a Feature with its links; 404 for anything that is not a known id."""
    camera_id = feature_id(text_id, "camera")
    return with_links(ogc, COLLECTION, camera_id, camera_feature(camera_id, site))
