"""The cameras as a GeoPackage (OGC 12-128, version 1.3), written with sqlite3 alone.

QGIS users prefer it to CSV: one file, typed fields, the camera id kept as the feature id (FID). GDAL's
wheels would cost 50-180 MB and the smaller one drops the FID, so the few tables the standard requires
are written here. No spatial index: QGIS or GDAL add one in a click if a user wants it.
"""

import sqlite3
import struct
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from survey.extensions import db
from survey.publish.columns import CAMERAS, PROPERTIES, row_query
from survey.publish.filters import CameraFilter

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


def geopackage_bytes(flt: CameraFilter, base: str, *, conn=None, stamp: datetime | None = None) -> bytes:
    """The filtered cameras as one GeoPackage file, built in memory (in `conn`'s transaction if given)."""
    source = conn if conn is not None else db.session
    con = sqlite3.connect(":memory:")
    try:
        con.execute(f"PRAGMA application_id = {GPKG_APPLICATION_ID}")
        con.execute(f"PRAGMA user_version = {GPKG_VERSION}")
        con.executescript(METADATA_TABLES)
        con.executemany("INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)", SPATIAL_REFS)
        columns = ", ".join(f'"{name}" {TYPES.get(name, "TEXT")}' for name in PROPERTIES)
        con.execute(f"CREATE TABLE cameras (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom POINT, {columns})")
        placeholders = ", ".join("?" * (len(PROPERTIES) + 2))
        rows = source.execute(row_query(flt, base))
        con.executemany(
            f"INSERT INTO cameras VALUES ({placeholders})",
            ((r.id, point_blob(r.lon, r.lat), *(_cell(r._mapping[n]) for n in PROPERTIES)) for r in rows),
        )
        _register(con, flt, con.execute("SELECT count(*) FROM cameras").fetchone()[0], source, stamp)
        con.commit()
        return con.serialize()
    finally:
        con.close()


def _register(con, flt: CameraFilter, count: int, source, stamp: datetime | None) -> None:
    box = source.execute(_extent_query(flt)).one() if count else (None,) * 4
    # The day only: a time of day here could be matched to a sighting just sent (exports carry days).
    now = (stamp or datetime.now(UTC)).strftime("%Y-%m-%dT00:00:00.000Z")
    con.execute(
        "INSERT INTO gpkg_contents VALUES ('cameras', 'features', 'cameras', 'Surveyed CCTV cameras', ?, ?, ?, ?, ?, ?)",
        (now, *box, WGS84),
    )
    con.execute("INSERT INTO gpkg_geometry_columns VALUES ('cameras', 'geom', 'POINT', ?, 0, 0)", (WGS84,))


def _extent_query(flt: CameraFilter):
    c = CAMERAS.c
    return select(func.min(c.lon), func.min(c.lat), func.max(c.lon), func.max(c.lat)).where(*flt.clauses())
