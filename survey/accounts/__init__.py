"""Moderator accounts, passwords, sessions and API tokens."""
