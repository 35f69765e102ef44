"""Volunteers have no accounts: a sighting's receipt is the only proof of who sent it."""

import secrets

from survey.extensions import db
from survey.models import Sighting


def sighting_for_receipt(sighting_id: int, receipt: str | None) -> Sighting | None:
    """The sighting, only for whoever holds its receipt."""
    sighting = db.session.get(Sighting, sighting_id)
    # As bytes: compare_digest raises TypeError on non-ASCII str, and a receipt is whatever was sent.
    if sighting is None or not receipt or not secrets.compare_digest(sighting.receipt.encode(), receipt.encode()):
        return None
    return sighting
