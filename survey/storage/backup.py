"""Backups: a consistent database snapshot plus exactly the photo files that snapshot references.

SQLite is copied with its online backup API; PostgreSQL with pg_dump inside an exported snapshot,
so the list of files to copy comes from the very same point in time as the dump.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import make_url

from survey.errors import Conflict, Invalid, NotFound
from survey.extensions import db
from survey.models import Photo
from survey.storage import photo_files

MANIFEST, SQLITE_FILE, PG_FILE, PHOTOS = "manifest.json", "survey.sqlite", "survey.pgdump", "photos"
KEY_COLUMNS = (Photo.original_key, Photo.display_key, Photo.thumb_key)


def backup(path: str | Path, allow_missing: bool = False) -> dict:
    """Write PATH/manifest.json, the database snapshot and PATH/photos/<key>; return the manifest.

    Everything is written to a temporary folder beside PATH and renamed at the end, so a backup
    either finishes or leaves nothing. A missing photo stops it, naming the file, unless
    allow_missing, which lists it in the manifest's "missing".
    """
    target = Path(path)
    if target.exists() and any(target.iterdir()):
        raise Conflict(f"{target} is not empty.")
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    try:
        manifest = _write_backup(work, allow_missing)
        if target.exists():
            target.rmdir()
        work.rename(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return manifest


def _write_backup(target: Path, allow_missing: bool) -> dict:
    dialect = db.engine.dialect.name
    rows, keys = _snapshot_sqlite(target) if dialect == "sqlite" else _snapshot_postgres(target)
    store, files, missing = photo_files.get_storage(), {}, []
    for key in sorted(keys):
        try:
            data = store.read(key)
        except FileNotFoundError:
            if not allow_missing:
                raise NotFound(
                    f"Photo file {key} is missing; nothing was written (--allow-missing to go on)."
                ) from None
            missing.append(key)
            continue
        files[key] = photo_files.sha256(data)
        destination = target / PHOTOS / key
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(data)
    manifest = {"format": 1, "dialect": dialect, "rows": sum(rows.values()), "tables": rows, "files": files}
    if missing:
        manifest["missing"] = missing
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


def _snapshot_sqlite(target: Path) -> tuple[dict, set[str]]:
    source = sqlite3.connect(make_url(db.engine.url).database)
    snapshot = sqlite3.connect(target / SQLITE_FILE)
    try:
        source.backup(snapshot)  # a consistent copy even while others write
    finally:
        source.close()
    try:
        tables = _user_tables()
        rows = {t: snapshot.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        keys = {
            k
            for c in ("original_key", "display_key", "thumb_key")
            for (k,) in snapshot.execute(f"SELECT {c} FROM photos")
        }
    finally:
        snapshot.close()
    return rows, keys


def _snapshot_postgres(target: Path) -> tuple[dict, set[str]]:
    with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn, conn.begin():
        snapshot_id = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        rows = {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in _user_tables()}
        keys = {k for column in KEY_COLUMNS for k in conn.scalars(select(column))}
        _run(["pg_dump", "--format=custom", f"--snapshot={snapshot_id}", "--no-owner", f"--file={target / PG_FILE}"])
    return rows, keys


def restore(path: str | Path) -> dict:
    """Load a backup into the configured, empty database and photo directory; verify it."""
    source = Path(path)
    manifest = json.loads((source / MANIFEST).read_text())
    if manifest["dialect"] != db.engine.dialect.name:
        raise Invalid(f"This backup is of a {manifest['dialect']} database.")
    if _user_tables():
        raise Conflict("Restore needs an empty database: this one already has tables.")
    for key in manifest["files"]:
        _backup_file(source, manifest, key)  # all verified before anything is written
    db.session.remove()
    db.engine.dispose()
    if manifest["dialect"] == "sqlite":
        _restore_sqlite(source / SQLITE_FILE)
    else:
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                "--dbname",
                "{url}",
                str(source / PG_FILE),
            ]
        )
    store = photo_files.get_storage()
    for key in manifest["files"]:
        store.put(key, _backup_file(source, manifest, key))
    _verify(manifest)
    return manifest


def _backup_file(source: Path, manifest: dict, key: str) -> bytes:
    data = (source / PHOTOS / key).read_bytes()
    if photo_files.sha256(data) != manifest["files"][key]:
        raise Invalid(f"The backup's copy of {key} is damaged.")
    return data


def _restore_sqlite(snapshot_file: Path) -> None:
    snapshot = sqlite3.connect(snapshot_file)
    target = sqlite3.connect(make_url(db.engine.url).database)
    try:
        snapshot.backup(target)
    finally:
        snapshot.close()
        target.close()


def _verify(manifest: dict) -> None:
    counts = {t: db.session.scalar(select(func.count()).select_from(text(f'"{t}"'))) for t in manifest["tables"]}
    db.session.rollback()
    if counts != manifest["tables"]:
        raise Invalid(f"Restored row counts {counts} differ from the backup's {manifest['tables']}.")


def _user_tables() -> list[str]:
    return sorted(inspect(db.engine).get_table_names())


def _run(command: list[str]) -> None:
    """Run a PostgreSQL client tool against the app's database; the password goes by environment."""
    url = make_url(db.engine.url)
    env = {**os.environ, "PGPASSWORD": url.password or ""}
    libpq = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    command = [libpq if part == "{url}" else part for part in command]
    if command[0] == "pg_dump":
        command.append(libpq)
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        raise Invalid(f"{command[0]} failed: {result.stderr.strip()[:500]}")
