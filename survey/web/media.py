"""Public photos: the EXIF-free display and thumbnail copies of published pictures. Originals never."""

from flask import Blueprint, Response

from survey.publish.photos import public_photo

blp = Blueprint("media", __name__)


@blp.route("/media/<kind>/<name>")
def photo_copy(kind, name):
    """A published photo copy, e.g. /media/display/<sha256>.jpg."""
    response = Response(public_photo(kind, name), mimetype="image/jpeg")
    # The name is the content's hash, so the bytes never change; a day lets an unpublished photo go.
    response.headers["Cache-Control"] = "public, max-age=86400"
    response.set_etag(name[:-4])
    return response
