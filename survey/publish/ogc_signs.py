"""The `signs` collection of the OGC API: the approved signs with the same public properties as
signs.geojson (who the sign names, why, whether it gives a contact; days, never times; nothing about who
reported it), paged with keyset cursors and filtered by bbox, datetime, updated_since and CQL2."""

import json

from flask import current_app
from sqlalchemy import func, select

from survey import dataset_version, vocab
from survey.extensions import db
from survey.models import Sign
from survey.publish import ogcapi
from survey.publish.queryables import SIGN_GEOMETRY, queryables_doc, sign_queryables
from survey.publish.signs import SignFilter, public_sign, sign_feature, sign_query, signs_filter

COLLECTION = "signs"
TITLE = "Camera signs"
SIGNS = Sign.__table__
UNFILTERED = SignFilter()


def collection_doc(ogc: str) -> dict:
    description = (
        "Confirmed signs beside surveillance cameras: the operator they name, the purpose they state and "
        f"whether they give a contact. Licence {current_app.config['DATA_LICENSE']}, "
        f"© {current_app.config['DATA_ATTRIBUTION']}."
    )
    return ogcapi.collection_entry(ogc, COLLECTION, TITLE, description, _extent())


def _extent() -> list[float]:
    c = SIGNS.c
    query = select(func.min(c.lon), func.min(c.lat), func.max(c.lon), func.max(c.lat)).where(c.status == vocab.ACTIVE)
    return ogcapi.extent_box(ogcapi.cached((COLLECTION, "extent"), lambda: tuple(db.session.execute(query).one())))


def queryables(ogc: str) -> dict:
    return queryables_doc(f"{ogc}/collections/{COLLECTION}/queryables", TITLE, sign_queryables(), points=True)


def _statement(query: ogcapi.ItemsQuery):
    statement = sign_query(signs_filter(query.filter))  # a maker or camera type is ignored
    statement = statement.where(*ogcapi.interval_clauses(query.interval, SIGNS.c.first_seen, SIGNS.c.last_confirmed))
    return statement.where(*ogcapi.cql_clauses(query.cql, sign_queryables(), SIGN_GEOMETRY))


def items_page(ogc: str, site: str, query: ogcapi.ItemsQuery) -> ogcapi.ItemsPage:
    """A page of signs by id: the signs' own filters, the time interval and the CQL2 filter."""
    statement = _statement(query)
    rows = db.session.execute(ogcapi.keyset(statement, SIGNS.c.id, query), {"limit": query.limit}).all()
    matched = ogcapi.cached(
        (COLLECTION, "count", ogcapi.query_args(query, paging=False)), lambda: _count(query, statement)
    )
    return ogcapi.keyset_page(ogc, COLLECTION, query, rows, matched, lambda row: json.dumps(sign_feature(row, site)))


def _count(query: ogcapi.ItemsQuery, statement) -> int:
    """The unfiltered count is the data-version row's (kept by triggers); a filtered one is counted."""
    unfiltered = query.interval is None and query.cql is None and signs_filter(query.filter) == UNFILTERED
    if unfiltered and (known := dataset_version.active_counts(db.session)[1]) is not None:
        return known
    return db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))


def item_doc(ogc: str, site: str, text_id: str) -> dict:
    """One public sign as a Feature with its links; 404 for an unknown or withdrawn one."""
    sign_id = ogcapi.feature_id(text_id, "sign")
    return ogcapi.with_links(ogc, COLLECTION, sign_id, public_sign(sign_id, site))
