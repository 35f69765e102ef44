"""Moderators' decisions, camera merges, the queue, bulk actions and the audit trail."""
