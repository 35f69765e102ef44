"""Survey areas: volunteers record walks, moderators undo them, anyone reads the coverage."""

from flask import Response
from flask_smorest import Blueprint

from survey.accounts.auth import require_role
from survey.areas import coverage, streets, walks
from survey.extensions import limiter
from survey.privacy import stable_hash
from survey.schemas.areas import AreaOut, CoverageOut, WalkIn, WalkOut, WalksQuery
from survey.web.ratelimits import upload_limit

blp = Blueprint("areas", __name__, url_prefix="/api/v1/areas", description="Survey areas, walks and coverage")


@blp.route("", methods=["GET"])
@blp.response(200, AreaOut(many=True))
def list_areas():
    """Every survey area with its boundary, so the capture page can offer them or find the one it is in."""
    return streets.list_areas()


@blp.route("/<int:area_id>/walks", methods=["POST"])
@limiter.limit(upload_limit)
@blp.arguments(WalkIn)
@blp.response(201, WalkOut)
@blp.alt_response(200, schema=WalkOut, description="A retry: the walk already stored for this client_id.")
@blp.alt_response(409, description="The client_id was used for another walk.")
def record_walk(fields, area_id):
    """Say that a street, or a part of it, was walked on a day.

    Only the street, the part (two fractions along it), the day and a salted device key are kept."""
    volunteer = stable_hash(fields["device_id"]) if fields.get("device_id") else None
    walk, created = walks.record_walk(area_id, fields, volunteer)
    return walk, 201 if created else 200


@blp.route("/<int:area_id>/walks", methods=["GET"])
@require_role()
@blp.arguments(WalksQuery, location="query", error_status_code=400)
@blp.response(200, WalkOut(many=True))
@blp.doc(security=[{"bearerAuth": []}, {"cookieAuth": []}])
def list_walks(query, area_id):
    """A moderator's list of the area's walks (up to 1,000, newest first), to find one to undo."""
    return walks.walks_of(area_id, query.get("street_id"))


@blp.route("/<int:area_id>/walks/<int:walk_id>", methods=["DELETE"])
@require_role()
@blp.response(204)
@blp.doc(security=[{"bearerAuth": []}, {"cookieAuth": []}])
def undo_walk(area_id, walk_id):
    """A moderator removes a walk."""
    walks.undo_walk(area_id, walk_id)


@blp.route("/<int:area_id>/coverage", methods=["GET"])
@blp.response(200, CoverageOut)
def area_coverage(area_id):
    """Share of street length walked, each street's state, and the public cameras on each street."""
    return coverage.area_coverage(area_id)


@blp.route("/<int:area_id>/streets.geojson", methods=["GET"])
@blp.response(200, description="GeoJSON FeatureCollection of the streets, their state and last-walked month.")
def streets_geojson(area_id):
    """The public coverage layer."""
    return Response(coverage.streets_layer(area_id), mimetype="application/geo+json")
