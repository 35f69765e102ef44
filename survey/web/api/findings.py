"""Findings for anyone: the figures for a filter, and an operator's evidence pack. No volunteer data."""

from flask import send_file
from flask_smorest import Blueprint

from survey.findings.evidence import evidence_pack
from survey.findings.report import findings_for
from survey.publish.downloads import public_base_url
from survey.schemas.findings import EvidenceQuery, FindingsOut, FindingsQuery

blp = Blueprint("findings", __name__, url_prefix="/api/v1/findings", description="What the survey found, to quote")


@blp.route("")
@blp.arguments(FindingsQuery, location="query", error_status_code=400)
@blp.response(200, FindingsOut)
@blp.alt_response(404, description="No survey area with that id.")
def findings(flt):
    """Counts by maker, operator, type, zone and signage; the share without a sign within 50 m; a summary."""
    return findings_for(flt)


@blp.route("/evidence.zip")
@blp.arguments(EvidenceQuery, location="query", error_status_code=400)
@blp.response(
    200, content_type="application/zip", description="A zip: report.pdf, CSV, GeoJSON, photos, README, FOI draft."
)
@blp.alt_response(404, description="No public camera names that operator.")
def evidence_zip(flt):
    """One operator's evidence pack, checked before its first byte."""
    pack = evidence_pack(flt, public_base_url())
    return send_file(pack.file, mimetype="application/zip", as_attachment=True, download_name=pack.filename)
