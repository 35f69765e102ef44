"""`flask signs recompute`: measure every public camera's signage again from all signs and walks."""

import click
from flask import Flask
from flask.cli import AppGroup

from survey import dataset_version
from survey.extensions import db
from survey.signage import recompute_all

signs = AppGroup("signs", help="Signs and the signage measured from them.")


@signs.command("recompute")
def recompute():
    """Re-measure every public camera (after an import, a migration, or walks recorded since)."""
    done = recompute_all()
    if done.changed:  # the exports carry the classes: their snapshots are behind
        dataset_version.bump(db.session)
        db.session.commit()
    click.echo(f"{done.considered} cameras measured, {len(done.changed)} changed.")


def init_app(app: Flask) -> None:
    app.cli.add_command(signs)
