"""`flask areas ...`: create survey areas and import their streets from OpenStreetMap data."""

import click
from flask import Flask
from flask.cli import AppGroup

from survey.areas import osm, streets
from survey.errors import SurveyError

group = AppGroup("areas", help="Survey areas and their streets.")


def _run(action, *args, **kwargs):
    try:
        return action(*args, **kwargs)
    except SurveyError as exc:
        raise click.ClickException(exc.message) from None


def _centre(_ctx, _param, value):
    if value is None:
        return None
    try:
        lat, lon = (float(part) for part in value.split(","))
    except ValueError:
        raise click.BadParameter("give the centre as lat,lon, e.g. 52.2053,0.1218") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise click.BadParameter("lat must be within -90..90 and lon within -180..180")
    return lat, lon


@group.command("create")
@click.argument("name")
@click.option("--boundary", type=click.File("r", encoding="utf-8"), required=True, help="GeoJSON Polygon/MultiPolygon.")
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), help="First day of the survey (YYYY-MM-DD).")
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), help="Last day of the survey (YYYY-MM-DD).")
@click.option("--centre", callback=_centre, help="Default map centre for the capture page: lat,lon.")
def create(name, boundary, start, end, centre):
    """Create a survey area from a GeoJSON boundary."""
    day = lambda value: value.date() if value else None  # noqa: E731
    area = _run(streets.create_area, name, boundary.read(), day(start), day(end), centre)
    click.echo(f"created area {area.name} (id {area.id})")


@group.command("import-streets")
@click.argument("name")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def import_streets(name, file):
    """Import an area's walkable streets from an .osm/.osm.pbf extract or a GeoJSON of LineStrings."""
    area = _run(streets.area_by_name, name)
    try:
        ways = osm.read_ways(file)
    except osm.UnreadableFile as exc:
        raise click.ClickException(str(exc)) from None
    with click.progressbar(ways, label=f"{len(ways)} walkable ways", show_pos=True) as bar:
        result = _run(streets.import_streets, area, bar)
    click.echo(
        f"{result.ways_inside} of {result.ways_read} ways inside {area.name}: "
        f"{result.added} streets added, {result.updated} updated, {result.unchanged} unchanged"
    )


def init_app(app: Flask) -> None:
    app.cli.add_command(group)
