"""Volunteer routes: send a sighting, then follow it with the receipt."""

from flask import request
from flask_smorest import Blueprint

from survey.accounts.volunteers import sighting_for_receipt
from survey.errors import NotFound
from survey.extensions import limiter
from survey.intake.submit import Receipt, record_nearby_answer, submit_sighting
from survey.privacy import stable_hash
from survey.review.decisions import add_from_volunteer
from survey.schemas.intake import (
    AdditionIn,
    NearbyAnswerIn,
    PhotosIn,
    ReceiptQuery,
    SightingIn,
    SightingOut,
    SightingUpload,
)
from survey.web.ratelimits import device_key, device_upload_limit, upload_limit, without_device

blp = Blueprint("sightings", __name__, url_prefix="/api/v1/sightings", description="Volunteers' sightings")


@blp.route("", methods=["POST"])
@limiter.limit(upload_limit)
@limiter.limit(device_upload_limit, key_func=device_key, exempt_when=without_device)
@blp.arguments(SightingIn, location="form")
@blp.arguments(PhotosIn, location="files")
@blp.doc(requestBody={"content": {"multipart/form-data": {"schema": SightingUpload}}})
@blp.response(201, SightingOut)
@blp.alt_response(200, schema=SightingOut, description="A retry: the sighting already stored for this client_id.")
@blp.alt_response(409, description="The client_id was used for different photos.")
@blp.alt_response(413, description="A photo is too large (bytes or pixels).")
@blp.alt_response(415, description="A file is not a supported image.")
def create_sighting(fields, files):
    """Send a sighting: up to 5 photos and what the volunteer noted."""
    photos = [upload.read() for upload in files["photo"]]
    volunteer = stable_hash(fields["device_id"]) if fields.get("device_id") else None
    sighting, created = submit_sighting(fields, photos, volunteer_key=volunteer)
    return Receipt.with_nearby(sighting), 201 if created else 200


@blp.route("/<int:sighting_id>", methods=["GET"])
@blp.arguments(ReceiptQuery, location="query", error_status_code=400)
@blp.response(200, SightingOut)
def get_sighting(query, sighting_id):
    """A volunteer's own sighting, shown to whoever holds its receipt (X-Receipt header only)."""
    sighting = sighting_for_receipt(sighting_id, request.headers.get("X-Receipt"))
    if sighting is None:
        raise NotFound("No sighting with that id and receipt.")
    return Receipt(sighting)


@blp.route("/<int:sighting_id>/nearby", methods=["POST"])
@blp.arguments(NearbyAnswerIn)
@blp.response(200, SightingOut)
@blp.alt_response(404, description="No sighting with that id and receipt (X-Receipt header).")
@blp.alt_response(409, description="The sighting was already reviewed.")
def answer_nearby(answer, sighting_id):
    """Say whether a confirmed camera nearby is the same camera or a different one. Nothing is merged."""
    sighting = record_nearby_answer(sighting_id, request.headers.get("X-Receipt"), **answer)
    return Receipt(sighting)


@blp.route("/<int:sighting_id>/additions", methods=["POST"])
@limiter.limit(upload_limit)
@blp.arguments(AdditionIn)
@blp.response(200, SightingOut)
@blp.alt_response(409, description="The sighting is not waiting for more information.")
def add_to_sighting(data, sighting_id):
    """Answer a moderator's request for more information (X-Receipt header); it goes back to the queue."""
    sighting = add_from_volunteer(sighting_id, request.headers.get("X-Receipt"), data["notes"])
    return Receipt(sighting)
