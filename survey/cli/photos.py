"""`flask photos reblur`: redo the public copies of photos blurred with an older model, or never."""

import click
from flask import Flask
from flask.cli import AppGroup

from survey.photos.blur import DEFAULT_THRESHOLD, MODEL_NAME
from survey.review.reblur import photos_to_reblur, reblur_photos

photos_cli = AppGroup("photos", help="Maintain the photos' public copies.")


@photos_cli.command("reblur")
@click.option(
    "--threshold", type=click.FloatRange(0.01, 0.99), default=DEFAULT_THRESHOLD, show_default=True, help="Face score."
)
@click.option("--all", "everything", is_flag=True, help="Redo every photo, not only those blurred otherwise.")
@click.option("--dry-run", is_flag=True, help="Only count the photos that would be redone.")
def reblur_command(threshold: float, everything: bool, dry_run: bool) -> None:
    """Rebuild display and thumbnail copies from the originals with today's face blur."""
    if dry_run:
        click.echo(f"to redo={len(photos_to_reblur(threshold, everything))} model={MODEL_NAME!r}")
        return
    report = reblur_photos(threshold, everything)
    for photo_id, why in report.failed:
        click.echo(f"failed photo={photo_id} {why}", err=True)
    click.echo(f"redone={len(report.redone)} faces={report.faces} failed={len(report.failed)} model={MODEL_NAME!r}")
    if report.failed:
        raise SystemExit(1)


def init_app(app: Flask) -> None:
    app.cli.add_command(photos_cli)
