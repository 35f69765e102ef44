"""The moderator's blur tool: a photo's blurred regions, and a moderator's correction of them."""

from flask_smorest import Blueprint

from survey.accounts.auth import current_actor, require_role
from survey.review import blur
from survey.schemas.blur import BlurIn, PhotoBlurOut

blp = Blueprint("blur", __name__, url_prefix="/api/v1/moderation", description="Blurring faces and plates")
SECURITY = [{"bearerAuth": []}, {"cookieAuth": []}]


@blp.route("/photos/<int:photo_id>/blur", methods=["GET"])
@require_role()
@blp.response(200, PhotoBlurOut)
@blp.doc(security=SECURITY)
def get_blur(photo_id):
    """What the photo's public copies blur; faces are detected first if they were not yet."""
    return blur.photo_blur(photo_id)


@blp.route("/photos/<int:photo_id>/blur", methods=["PUT"])
@require_role()
@blp.arguments(BlurIn)
@blp.response(200, PhotoBlurOut)
@blp.alt_response(409, description="Changed by someone else since `display_sha256`; the blur now is in `current`.")
@blp.doc(security=SECURITY)
def put_blur(data, photo_id):
    """Blur exactly these boxes (or the whole photo): the public copies are rebuilt from the original."""
    return blur.save_blur(photo_id, data, current_actor().id)
