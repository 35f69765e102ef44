"""An operator's approved signs as CSV and GeoJSON, for the evidence pack.

A minimal writer of our own: the public sign downloads (survey/publish/signs.py) arrive with the
signs feature, and this should then use their columns and writers instead.
"""

import csv
import io
import json

from sqlalchemy import func, select

from survey import vocab
from survey.extensions import db
from survey.models import Sign
from survey.publish.downloads import spreadsheet_safe

COLUMNS = ("id", "lat", "lon", "operator", "purpose", "has_contact", "camera_id", "first_seen", "last_confirmed")
TEXT = ("operator", "purpose")


def operator_signs(operator: str) -> list:
    """Approved signs naming this operator (any case), oldest id first."""
    columns = [getattr(Sign, name) for name in COLUMNS]
    query = select(*columns).where(Sign.status == vocab.ACTIVE, func.lower(Sign.operator) == operator.lower())
    return list(db.session.execute(query.order_by(Sign.id)))


def _value(row, name: str):
    value = getattr(row, name)
    if name in ("lat", "lon") and value is not None:
        return round(value, 7)
    if name in ("first_seen", "last_confirmed") and value is not None:
        return value.isoformat()
    return value


def signs_csv(rows: list) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(
            [spreadsheet_safe(_value(row, name)) if name in TEXT else _value(row, name) for name in COLUMNS]
        )
    return buffer.getvalue()


def signs_geojson(rows: list, members: dict) -> str:
    """An RFC 7946 FeatureCollection with the downloads' licence members."""
    features = [
        {
            "type": "Feature",
            "id": row.id,
            "geometry": {"type": "Point", "coordinates": [_value(row, "lon"), _value(row, "lat")]},
            "properties": {name: _value(row, name) for name in COLUMNS if name not in ("id", "lat", "lon")},
        }
        for row in rows
    ]
    return json.dumps({"type": "FeatureCollection", **members, "features": features, "numberReturned": len(features)})
