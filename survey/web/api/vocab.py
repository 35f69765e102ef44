"""The vocabularies for pages and clients: GET /api/v1/vocab, and the `vocab` global in every template."""

from flask_smorest import Blueprint

from survey import vocab
from survey.schemas.vocab import VocabOut

blp = Blueprint("vocab", __name__, url_prefix="/api/v1", description="Statuses, reasons and attribute values")


@blp.app_context_processor
def _vocabulary():
    """Templates read the terms and labels here; scripts read the same JSON from the page's meta name="vocab"."""
    return {
        "vocab": vocab.served(),
        "public_vocab": vocab.served(vocab.PUBLIC_VOCABULARIES),
        "vocab_label": vocab.label,
    }


@blp.route("/vocab", methods=["GET"])
@blp.response(200, VocabOut)
def vocabularies():
    """Every enumeration the API uses, each value with its human label, in the order pages offer them."""
    return vocab.served()
