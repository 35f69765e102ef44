"""Signs: the public downloads and one sign for anyone; a sign report's approval and merge candidates for moderators."""

import json

from flask import Response, request
from flask_smorest import Blueprint
from werkzeug.http import is_resource_modified

from survey.accounts.auth import current_actor, require_role
from survey.publish import map_data
from survey.publish.downloads import gzipped, public_base_url, started
from survey.publish.signs import FORMATS, STREAMS, SignFilter, public_sign, sign_freshness
from survey.review import sign_edits, signs
from survey.schemas.signs import (
    OperatorNamesOut,
    SignApproveIn,
    SignCandidateOut,
    SignDecisionOut,
    SignEditIn,
    SignEditOut,
    SignOut,
    SignQuery,
)
from survey.web.api.cameras import download_headers

blp = Blueprint("signs", __name__, url_prefix="/api/v1", description="Approved signs, for anyone")
moderation = Blueprint(
    "sign_moderation", __name__, url_prefix="/api/v1/moderation", description="Moderators' review of sign reports"
)
SECURITY = [{"bearerAuth": []}, {"cookieAuth": []}]


def send_signs(fmt: str, flt: SignFilter) -> Response:
    """Stream one format, with 304 for a client that has it and gzip when asked."""
    base = public_base_url()
    fresh = sign_freshness(fmt, flt, base)
    headers = download_headers(fmt, fresh.etag, fresh.last_modified, name="signs")
    if not is_resource_modified(request.environ, etag=fresh.etag, last_modified=fresh.last_modified):
        return Response(status=304, headers=headers)
    chunks = started(STREAMS[fmt](flt, base))
    if request.accept_encodings["gzip"] > 0:
        headers["Content-Encoding"] = "gzip"
        chunks = gzipped(chunks)
    return Response(chunks, mimetype=FORMATS[fmt], headers=headers)


@blp.route("/signs.geojson")
@blp.arguments(SignQuery, location="query", error_status_code=400)
@blp.response(200, content_type="application/geo+json", description="An RFC 7946 FeatureCollection, streamed.")
def signs_geojson(flt):
    """All approved signs as GeoJSON: operator named, purpose, contact given, camera fixed to."""
    return send_signs("geojson", flt)


@blp.route("/signs.csv")
@blp.arguments(SignQuery, location="query", error_status_code=400)
@blp.response(200, content_type="text/csv", description="UTF-8 CSV, lat and lon first, streamed.")
def signs_csv(flt):
    """All approved signs as CSV, for spreadsheets."""
    return send_signs("csv", flt)


@blp.route("/signs/<int:sign_id>")
@blp.response(200, content_type="application/geo+json", description="A Feature with the download's properties.")
@blp.alt_response(404, description="No sign with that id.")
def sign(sign_id):
    """One approved sign."""
    return Response(json.dumps(public_sign(sign_id, public_base_url())), mimetype="application/geo+json")


@blp.route("/operators")
@blp.response(200, OperatorNamesOut)
def operator_names():
    """The operator names of the public cameras, for suggestions when a volunteer logs a sign."""
    return {"operators": map_data.filter_choices()["operator"]}


@moderation.route("/sightings/<int:sighting_id>/approve-sign", methods=["POST"])
@require_role()
@moderation.arguments(SignApproveIn)
@moderation.response(200, SignDecisionOut)
@moderation.alt_response(409, description="Decided already, a camera report, or changed since `version`.")
@moderation.doc(security=SECURITY)
def approve_sign(data, sighting_id):
    """Approve a sign report as a new sign, or with sign_id as one more confirmation of that sign."""
    return signs.approve_sign(sighting_id, data, current_actor().id)


@moderation.route("/sightings/<int:sighting_id>/sign-candidates", methods=["GET"])
@require_role()
@moderation.response(200, SignCandidateOut(many=True))
@moderation.doc(security=SECURITY)
def sign_candidates(sighting_id):
    """The known signs within 50 m of a sign report, nearest first: what it may be merged into."""
    return signs.sign_candidates(sighting_id)


@moderation.route("/signs/<int:sign_id>", methods=["GET"])
@require_role()
@moderation.response(200, SignOut)
@moderation.alt_response(404, description="No sign with that id.")
@moderation.doc(security=SECURITY)
def moderator_sign(sign_id):
    """One sign as moderators see it, whatever its status."""
    return sign_edits.sign_for_moderator(sign_id)


@moderation.route("/signs/<int:sign_id>", methods=["PATCH"])
@require_role()
@moderation.arguments(SignEditIn)
@moderation.response(200, SignEditOut)
@moderation.alt_response(404, description="No sign with that id.")
@moderation.alt_response(409, description="Withdrawn, or changed by someone else since `version`.")
@moderation.doc(security=SECURITY)
def edit_sign(data, sign_id):
    """Correct a sign (operator, purpose, contact, camera, position), mark it removed, or restore it."""
    return sign_edits.edit_sign(sign_id, data, current_actor().id)
