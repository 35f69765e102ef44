"""`flask export geojson|csv|osm PATH`: the public downloads written to a file, with a progress bar."""

import os
import sys
import tempfile
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from survey.errors import BadQuery
from survey.publish import snapshots
from survey.publish.downloads import STREAMS, count_matching, public_base_url
from survey.schemas.publish import load_query

export = AppGroup("export", help="Write the confirmed cameras to a file, as the public downloads do.")


def _filter_options(command):
    for name in ("updated-since", "status", "camera-type", "operator", "manufacturer", "bbox"):
        command = click.option(f"--{name}", help=f"The same as the download's `{name.replace('-', '_')}`.")(command)
    return command


def _write(fmt: str, path: str, options: dict) -> None:
    try:
        flt = load_query({k: v for k, v in options.items() if v is not None})
    except BadQuery as exc:
        raise click.UsageError(f"{exc.message} {exc.errors}") from None
    chunks_for = STREAMS[fmt]
    if not current_app.config.get("PUBLIC_URL"):
        click.echo(f"Warning: PUBLIC_URL is not set, so the links in this export say {public_base_url()}.", err=True)
    if path == "-":
        for chunk in chunks_for(flt, public_base_url()):
            sys.stdout.write(chunk)
        return
    target = Path(path)
    # Written beside the target and renamed at the end, so a failed export never leaves half a file.
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with (
            os.fdopen(fd, "w", encoding="utf-8", newline="") as out,
            click.progressbar(length=count_matching(flt), label=f"Exporting {fmt}", file=sys.stderr) as bar,
        ):
            for chunk in chunks_for(flt, public_base_url(), progress=bar.update):
                out.write(chunk)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; an export is for sharing
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise
    click.echo(f"Wrote {target}", err=True)


def _umask() -> int:
    mask = os.umask(0)  # the only way to read it; set straight back
    os.umask(mask)
    return mask


def _command(fmt: str):
    @export.command(fmt, help=f"Export the cameras as {fmt.upper()} to PATH ('-' for standard output).")
    @click.argument("path")
    @_filter_options
    def command(path, **options):
        _write(fmt, path, options)

    return command


for _fmt in STREAMS:
    _command(_fmt)


@export.command("snapshots", help="Build the published snapshots of the current data now, if they are behind.")
def build_snapshots():
    if not snapshots.enabled():
        raise click.UsageError("Snapshots need PUBLIC_URL (their links cannot follow each request's host).")
    build = snapshots.refresh()
    click.echo(f"Snapshot of data version {build.version.number} ({build.count} cameras) in {build.folder}", err=True)


def init_app(app: Flask) -> None:
    app.cli.add_command(export)
