"""A volunteer's sighting arrives: checks, idempotency, plausibility warnings, receipts."""
