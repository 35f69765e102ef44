"""What the public /findings page shows: the findings, their charts, and links to the same data."""

from dataclasses import replace
from urllib.parse import urlencode

from sqlalchemy import select

from survey import vocab
from survey.extensions import db
from survey.findings.charts import bar_chart, month_chart, stacked_chart
from survey.findings.report import Findings, findings_for
from survey.findings.scope import FindingsFilter
from survey.geo import BBox
from survey.models import SurveyArea

SIGN_LEGEND = (("bar-alert", "no sign within 50 m"), ("bar-muted", "a sign within 50 m"))


def charts_for(found: Findings) -> dict:
    counts = lambda rows: [(row.label, row.cameras) for row in rows]  # noqa: E731
    operators = [(row.label, row.without_sign, row.cameras - row.without_sign) for row in found.by_operator]
    return {
        "operator": stacked_chart("No sign within 50 m, by operator", operators, SIGN_LEGEND),
        "signage": bar_chart("Cameras by signage", counts(found.by_signage_class)),
        "manufacturer": bar_chart("Cameras by maker", counts(found.by_manufacturer)),
        "watch": bar_chart("Cameras by watched makers", counts(found.watch_list)),
        "camera_type": bar_chart("Cameras by type", counts(found.by_camera_type)),
        "zone": bar_chart("Cameras by zone", counts(found.by_zone)),
        "months": month_chart("Cameras first seen and removed, by month", found.by_month),
    }


def _url(path: str, args: dict) -> str:
    return f"{path}?{urlencode(args)}" if args else path


def links_for(flt: FindingsFilter, found: Findings) -> dict:
    """The same data elsewhere: the JSON, the downloads for the same cameras, each operator's pack."""
    cameras = flt.cameras
    if found.area is not None and cameras.bbox is None:  # the downloads know boxes, not areas
        area = db.session.get(SurveyArea, found.area.area_id)
        cameras = replace(cameras, bbox=BBox(area.min_lon, area.min_lat, area.max_lon, area.max_lat))
    plain = cameras.query_args()
    status = {"status": cameras.status} if cameras.status != vocab.ACTIVE else {}
    return {
        "json": _url("/api/v1/findings", flt.query_args()),
        "geojson": _url("/api/v1/cameras.geojson", plain),
        "csv": _url("/api/v1/cameras.csv", plain),
        "evidence": {
            row.value: _url("/api/v1/findings/evidence.zip", {"operator": row.value, **status})
            for row in found.by_operator
            if row.value
        },
    }


def area_choices() -> list[tuple[int, str]]:
    return list(db.session.execute(select(SurveyArea.id, SurveyArea.name).order_by(SurveyArea.name)).tuples())


def findings_page(flt: FindingsFilter) -> dict:
    """Everything the page template needs, from one filter."""
    found = findings_for(flt)
    return {
        "findings": found,
        "charts": charts_for(found),
        "links": links_for(flt, found),
        "areas": area_choices(),
        "chosen": flt.query_args(),
    }
