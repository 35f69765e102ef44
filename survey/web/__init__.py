"""Thin Flask blueprints over the rule packages."""
