"""`flask findings evidence OPERATOR OUT.zip` and `flask findings summary`: the findings from a shell."""

import os
import shutil
import tempfile
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from survey.errors import BadQuery, SurveyError
from survey.findings.evidence import evidence_pack
from survey.findings.report import findings_for
from survey.publish.downloads import public_base_url
from survey.schemas.findings import EvidenceQuery, FindingsQuery
from survey.schemas.publish import load_query

group = AppGroup("findings", help="What the survey found: the summary, and an operator's evidence pack.")


def _load(args: dict, schema):
    try:
        return load_query({k: v for k, v in args.items() if v is not None}, schema)
    except BadQuery as exc:
        raise click.UsageError(f"{exc.message} {exc.errors}") from None


@group.command("evidence")
@click.argument("operator")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@click.option("--status", help="active (default), removed or all, as the downloads take it.")
def evidence(operator, path, status):
    """Write OPERATOR's evidence pack (a zip) to PATH."""
    flt = _load({"operator": operator, "status": status}, EvidenceQuery())
    try:
        pack = evidence_pack(flt, public_base_url())
    except SurveyError as exc:
        raise click.ClickException(exc.message) from None
    target = Path(path)
    # Written beside the target and renamed, so a failure never leaves half a zip.
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "wb") as out, pack.file:
            shutil.copyfileobj(pack.file, out)
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise
    click.echo(f"Wrote {target}: {pack.cameras} cameras", err=True)


@group.command("summary")
@click.option("--operator")
@click.option("--manufacturer")
@click.option("--status")
@click.option("--bbox")
@click.option("--area", help="A survey area's id.")
def summary(**options):
    """Print the sentence to quote for these filters."""
    try:
        click.echo(findings_for(_load(options, FindingsQuery())).summary)
    except SurveyError as exc:
        raise click.ClickException(exc.message) from None


def init_app(app: Flask) -> None:
    app.cli.add_command(group)
