"""The cameras, and the signs in a second layer, as a GeoPackage (OGC 12-128, version 1.3), written with
sqlite3 alone.

QGIS users prefer it to CSV: one file, typed fields, the camera or sign id kept as the feature id (FID). GDAL's
wheels would cost 50-180 MB and the smaller one drops the FID, so the few tables the standard requires
are written here. No spatial index: QGIS or GDAL add one in a click if a user wants it.
"""

import sqlite3
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Select, func, select

from survey.extensions import db
from survey.models import Sign
from survey.publish.columns import CAMERAS, PROPERTIES, row_query
from survey.publish.filters import CameraFilter
from survey.publish.signs import SIGN_PROPERTIES, sign_properties, sign_query, signs_filter

MEDIA_TYPE = "application/geopackage+sqlite3"
GPKG_APPLICATION_ID = 0x47504B47  # "GPKG"
GPKG_VERSION = 10300
WGS84 = 4326
# GeoPackage column types; MEDIUMINT reads in GDAL as a 32-bit Integer, DATE as a Date.
TYPES = {
    "direction": "MEDIUMINT",
    "sightings_count": "MEDIUMINT",
    "volunteers_count": "MEDIUMINT",
    "first_seen": "DATE",
    "last_confirmed": "DATE",
    "nearest_sign_m": "REAL",
    "operator_sign_m": "REAL",
}
# A sign's fields: BOOLEAN reads in GDAL as Integer(Boolean), true or false.
SIGN_TYPES = {
    "has_contact": "BOOLEAN",
    "camera_id": "MEDIUMINT",
    "sightings_count": "MEDIUMINT",
    "first_seen": "DATE",
    "last_confirmed": "DATE",
}
WGS84_WKT = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],'
    'AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],'
    'UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]]'
)
METADATA_TABLES = """
CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,
  organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL,
  description TEXT);
CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
  identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL,
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
  srs_id INTEGER REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL UNIQUE REFERENCES gpkg_contents(table_name),
  column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL REFERENCES gpkg_spatial_ref_sys(srs_id), z TINYINT NOT NULL, m TINYINT NOT NULL,
  PRIMARY KEY (table_name, column_name));
"""
SPATIAL_REFS = [
    ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian coordinate reference system"),
    ("Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate reference system"),
    ("WGS 84 geodetic", WGS84, "EPSG", WGS84, WGS84_WKT, "longitude/latitude in decimal degrees on WGS 84"),
]


def point_blob(lon: float, lat: float) -> bytes:
    """GeoPackage binary: 'GP', version 0, flags (little-endian, no envelope), srs id, then a WKB point."""
    return struct.pack("<2sBBi", b"GP", 0, 0x01, WGS84) + struct.pack("<BIdd", 1, 1, lon, lat)


def _cell(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


@dataclass(frozen=True)
class Layer:
    """One feature table: its name, description, typed fields, and (fid, lon, lat, *fields) rows."""

    name: str
    description: str
    fields: tuple[str, ...]
    types: dict[str, str]
    rows: Iterable[tuple]
    extent: Select


def geopackage_bytes(flt: CameraFilter, base: str, *, conn=None, stamp: datetime | None = None) -> bytes:
    """The filtered cameras, and the signs the filter's bbox, operator, status and updated_since pick, as one
    GeoPackage file, built in memory (in `conn`'s transaction if given)."""
    source = conn if conn is not None else db.session
    con = sqlite3.connect(":memory:")
    try:
        con.execute(f"PRAGMA application_id = {GPKG_APPLICATION_ID}")
        con.execute(f"PRAGMA user_version = {GPKG_VERSION}")
        con.executescript(METADATA_TABLES)
        con.executemany("INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)", SPATIAL_REFS)
        # The day only: a time of day here could be matched to a sighting just sent (exports carry days).
        day = (stamp or datetime.now(UTC)).strftime("%Y-%m-%dT00:00:00.000Z")
        for layer in (_cameras, _signs):  # one after the other: one open result at a time
            _write(con, layer(flt, base, source), source, day)
        con.commit()
        return con.serialize()
    finally:
        con.close()


def _cameras(flt: CameraFilter, base: str, source) -> Layer:
    rows = (
        (r.id, r.lon, r.lat, *(_cell(r._mapping[n]) for n in PROPERTIES)) for r in source.execute(row_query(flt, base))
    )
    c = CAMERAS.c
    extent = select(func.min(c.lon), func.min(c.lat), func.max(c.lon), func.max(c.lat)).where(*flt.clauses())
    return Layer("cameras", "Surveyed CCTV cameras", PROPERTIES, TYPES, rows, extent)


def _signs(flt: CameraFilter, base: str, source) -> Layer:
    picked = signs_filter(flt)
    found = source.execute(sign_query(picked))
    rows = ((r.id, r.lon, r.lat, *_in_order(sign_properties(r, base))) for r in found)
    c = Sign.__table__.c
    extent = select(func.min(c.lon), func.min(c.lat), func.max(c.lon), func.max(c.lat)).where(*picked.clauses())
    return Layer("signs", "Signs beside surveyed cameras", SIGN_PROPERTIES, SIGN_TYPES, rows, extent)


def _in_order(properties: dict) -> list:
    return [properties[name] for name in SIGN_PROPERTIES]


def _write(con, layer: Layer, source, day: str) -> None:
    """The layer's table and rows, then its entries in gpkg_contents and gpkg_geometry_columns."""
    columns = ", ".join(f'"{name}" {layer.types.get(name, "TEXT")}' for name in layer.fields)
    con.execute(f"CREATE TABLE {layer.name} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom POINT, {columns})")
    placeholders = ", ".join("?" * (len(layer.fields) + 2))
    con.executemany(
        f"INSERT INTO {layer.name} VALUES ({placeholders})",
        ((fid, point_blob(lon, lat), *values) for fid, lon, lat, *values in layer.rows),
    )
    count = con.execute(f"SELECT count(*) FROM {layer.name}").fetchone()[0]
    box = source.execute(layer.extent).one() if count else (None,) * 4
    con.execute(
        "INSERT INTO gpkg_contents VALUES (?, 'features', ?, ?, ?, ?, ?, ?, ?, ?)",
        (layer.name, layer.name, layer.description, day, *box, WGS84),
    )
    con.execute("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', 'POINT', ?, 0, 0)", (layer.name, WGS84))
