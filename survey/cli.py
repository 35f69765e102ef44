"""Flask commands."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register command groups; each rule module brings its own."""
    from survey import export_cli, maintenance, users_cli

    export_cli.init_app(app)
    maintenance.init_app(app)
    users_cli.init_app(app)
