"""Operator commands: `flask storage check [--repair]`, `flask backup PATH`, `flask restore PATH`."""

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from survey.errors import SurveyError
from survey.storage import backup as backups
from survey.storage.check import DEFAULT_MIN_AGE_S, check_storage

storage_cli = AppGroup("storage", help="Check the photo files against the database.")


@storage_cli.command("check")
@click.option("--repair", is_flag=True, help="Delete unreferenced files and crash leftovers.")
@click.option(
    "--min-age",
    type=float,
    default=DEFAULT_MIN_AGE_S,
    show_default=True,
    help="Only delete files older than this many seconds (uploads in flight are younger).",
)
def storage_check_command(repair: bool, min_age: float) -> None:
    """Report files no row references and rows whose files are missing or altered."""
    report = check_storage(repair=repair, min_age_s=min_age)
    for key in report.unreferenced:
        click.echo(f"unreferenced {key}")
    for key in report.temporaries:
        click.echo(f"temporary {key}")
    for photo_id, key in report.missing:
        click.echo(f"missing photo={photo_id} {key}")
    for photo_id, key in report.corrupt:
        click.echo(f"hash-mismatch photo={photo_id} {key}")
    for key in report.removed:
        click.echo(f"removed {key}")
    click.echo(
        f"checked={report.checked} unreferenced={len(report.unreferenced)} temporaries={len(report.temporaries)} "
        f"missing={len(report.missing)} corrupt={len(report.corrupt)} removed={len(report.removed)}"
    )
    if report.missing or report.corrupt or (len(report.removed) < len(report.unreferenced) + len(report.temporaries)):
        raise SystemExit(1)


@click.command("backup")
@click.argument("path", type=click.Path(file_okay=False))
@click.option("--allow-missing", is_flag=True, help="Go on past missing photo files, listing them in the manifest.")
@with_appcontext
def backup_command(path: str, allow_missing: bool) -> None:
    """Write a consistent snapshot of the database and the photos it references to PATH."""
    manifest = _operator_errors(backups.backup, path, allow_missing)
    click.echo(f"backup {path}: {manifest['rows']} rows, {len(manifest['files'])} files")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, file_okay=False))
@with_appcontext
def restore_command(path: str) -> None:
    """Rebuild an empty database and photo directory from a backup made by `flask backup`."""
    manifest = _operator_errors(backups.restore, path)
    click.echo(f"restored {path}: {manifest['rows']} rows, {len(manifest['files'])} files")


def _operator_errors(action, *args):
    """Domain errors end the command with their message, not a traceback."""
    try:
        return action(*args)
    except SurveyError as exc:
        raise click.ClickException(exc.message) from exc


def init_app(app: Flask) -> None:
    app.cli.add_command(storage_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
