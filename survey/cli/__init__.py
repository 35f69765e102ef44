"""Flask commands."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register command groups; each rule module brings its own."""
    from survey.cli import areas, export, findings, operations, photos, signs, users

    export.init_app(app)
    operations.init_app(app)
    users.init_app(app)
    areas.init_app(app)
    photos.init_app(app)
    signs.init_app(app)
    findings.init_app(app)
