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
    """Re-measure every public camera (after an import, a migration, or walks recorded since).

    One transaction: decisions wait while it runs (about 2.5 s per 100,000 cameras), so run it at a
    quiet time.
    """
    dataset_version.begin_change()  # it may end on the version row: take it first, as decisions do
    # The exports carry the classes: a change makes their snapshots stale, in the same commit.
    done = recompute_all(before_commit=lambda: dataset_version.bump(db.session))
    click.echo(f"{done.considered} cameras measured, {len(done.changed)} changed.")


def init_app(app: Flask) -> None:
    app.cli.add_command(signs)
