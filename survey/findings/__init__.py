"""Findings a campaign publishes: counts by maker, operator and signage, the share without a sign,
cameras by street, and an evidence pack per operator. Read-only: nothing here writes a row."""
