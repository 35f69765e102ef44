"""Published snapshots: the unfiltered downloads built once per data version and served as files.

Under SNAPSHOT_DIR (default: `snapshots` beside the photo folder, never inside it: `storage check`
owns every file there):
  v<N>-<t>/cameras.geojson(.br, .gz), cameras.csv(…), cameras.osm(…), cameras.gpkg   one complete build
  current.json    the build being served: its data version, links' base URL, licence and timeStamp
  .lock           flock held by the one process that builds; the kernel releases it if that process dies
A build writes into a hidden folder, fsyncs it and renames it into place, then replaces current.json:
a download sees the previous build or the new one, never part of one, and a crash mid-build leaves
the previous one served (the next build clears the hidden leftovers).

Who builds: the first download that finds current.json behind the data version starts a background
thread; that download and all others meanwhile get the previous complete build, so no request and no
decision waits for one. The thread lets the data settle for SNAPSHOT_SETTLE_S, builds what one read
transaction sees, and repeats until it has caught up: a burst of decisions costs one or two builds.
`flask export snapshots` builds in the foreground (after a deploy or a restore, or from cron).
"""

import fcntl
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app

from survey import dataset_version
from survey.dataset_version import Version
from survey.extensions import db
from survey.models import utcnow
from survey.publish import snapshot_files
from survey.publish.downloads import STREAMS, download_tag, public_base_url
from survey.publish.filters import UNFILTERED, CameraFilter
from survey.publish.geopackage import geopackage_bytes

FILES = {"geojson": "cameras.geojson", "csv": "cameras.csv", "osm": "cameras.osm", "gpkg": "cameras.gpkg"}
TEXT = ("geojson", "csv", "osm")  # each with a copy per coding of snapshot_files.CODINGS
MANIFEST = "current.json"
KEEP = 2  # the build served and the one before it, which a download that began earlier may still read
MAX_SETTLE_WAIT_S = 10.0  # a steady stream of decisions still gets a build this often


@dataclass(frozen=True)
class Published:
    folder: Path
    version: Version
    base: str
    license: str
    attribution: str
    stamp: datetime
    count: int  # the active cameras: the unfiltered GeoJSON's numberReturned
    codings: tuple[str, ...] = tuple(snapshot_files.CODINGS)  # the copies beside each text file


LEGACY_CODINGS = ["gzip"]  # a build's manifest from before brotli names none: it has only the .gz


@dataclass(frozen=True)
class SnapshotFile:
    """One file to send: its path, Content-Encoding, strong ETag (unquoted) and its data's version.

    `plain` is the identity file's path under the snapshot root: a proxy is named that one and picks
    the copy for the client's Accept-Encoding itself.
    """

    path: Path
    plain: str
    encoding: str | None
    etag: str
    version: Version


def snapshot_root() -> Path:
    configured = current_app.config.get("SNAPSHOT_DIR")
    return Path(configured) if configured else Path(current_app.config["DATA_DIR"]).parent / "snapshots"


def enabled() -> bool:
    """Snapshots carry absolute links, so they need PUBLIC_URL: a request's own Host could be anything."""
    config = current_app.config
    return bool(config.get("PUBLIC_URL")) and config.get("SNAPSHOTS", True)


def published() -> Published | None:
    """The build current.json points at, or None before the first one."""
    root = snapshot_root()
    try:
        data = json.loads((root / MANIFEST).read_text())
    except FileNotFoundError:
        return None
    changed_at = datetime.fromisoformat(data["changed_at"]) if data["changed_at"] else None
    return Published(
        folder=root / data["folder"],
        version=Version(data["number"], changed_at),
        base=data["base"],
        license=data["license"],
        attribution=data["attribution"],
        stamp=datetime.fromisoformat(data["stamp"]),
        count=data["count"],
        codings=tuple(data.get("codings", LEGACY_CODINGS)),
    )


def snapshot_for(fmt: str, flt: CameraFilter, base: str, codings: Sequence[str] = ()) -> SnapshotFile | None:
    """The file that answers an unfiltered download, or None to stream it; starts a build when behind.

    `codings` are the client's acceptable content codings, best first: the first one made is sent.
    """
    if flt != UNFILTERED or fmt not in FILES or not enabled():
        return None
    build = published()
    current = build is not None and _matches_config(build, base)
    # Throttled even with no usable build: a build that keeps failing is retried once an interval.
    if _check_due() and (not current or not _up_to_date(build, dataset_version.current(db.session))):
        start_build()
    if not current:
        return None
    made = build.codings if fmt in TEXT else ()
    encoding = next((coding for coding in codings if coding in made), None)
    suffix = snapshot_files.CODINGS[encoding] if encoding else ""
    # Strong validators: each coding's bytes get their own tag ("-br", "-gz").
    tag = download_tag(fmt, flt, base, build.version) + suffix.replace(".", "-")
    name = FILES[fmt]
    return SnapshotFile(build.folder / (name + suffix), f"{build.folder.name}/{name}", encoding, tag, build.version)


def _check_due() -> bool:
    """At most one data-version read per SNAPSHOT_CHECK_S and process: a file download needs no database.

    The file served meanwhile carries its own version's validators, so being a second late is honest.
    """
    interval = float(current_app.config.get("SNAPSHOT_CHECK_S", 1.0))
    now, store = time.monotonic(), current_app.extensions
    if now - store.get("snapshot_checked_at", -interval) < interval:
        return False
    store["snapshot_checked_at"] = now
    return True


def _up_to_date(build: Published, version: Version) -> bool:
    """Of this data version, with every coding this code makes (a build from before brotli is redone)."""
    return build.version == version and build.codings == tuple(snapshot_files.CODINGS)


def _matches_config(build: Published, base: str) -> bool:
    config = current_app.config
    return (build.base, build.license, build.attribution) == (base, config["DATA_LICENSE"], config["DATA_ATTRIBUTION"])


def start_build() -> threading.Thread:
    """A background build for this app, unless one is already running in this process."""
    app = current_app._get_current_object()
    with _START_LOCK:
        running = app.extensions.get("snapshot_builder")
        if running is not None and running.is_alive():
            return running
        thread = threading.Thread(target=_build_in_background, args=(app,), name="snapshot-build", daemon=True)
        app.extensions["snapshot_builder"] = thread
        thread.start()
        return thread


_START_LOCK = threading.Lock()


def wait_for_build(timeout: float = 120.0) -> None:
    """Wait for this process's background build, if any (tests, and the CLI before it exits)."""
    thread = current_app.extensions.get("snapshot_builder")
    if thread is not None:
        thread.join(timeout)


def _build_in_background(app) -> None:
    with app.app_context():
        try:
            refresh(block=False)
        except Exception:
            app.logger.exception("Snapshot build failed; the previous snapshot is still served.")
        finally:
            db.session.remove()


def refresh(block: bool = True) -> Published | None:
    """Build until the published snapshot matches the data version; None if another process builds."""
    root = snapshot_root()
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if block else fcntl.LOCK_NB))
        except BlockingIOError:
            return None
        snapshot_files.clear_leftovers(root)  # only a dead builder leaves them, and we hold its lock
        while True:
            target = _settled_version()
            build = published()
            if build is not None and _up_to_date(build, target) and _matches_config(build, public_base_url()):
                return build
            build = _build(root)
            snapshot_files.prune(root, build.folder, KEEP)


def _settled_version() -> Version:
    """The data version once no decision has come for SNAPSHOT_SETTLE_S (waiting at most a few seconds)."""
    settle = float(current_app.config.get("SNAPSHOT_SETTLE_S", 1.0))
    deadline = time.monotonic() + MAX_SETTLE_WAIT_S
    while True:
        db.session.rollback()  # a new read: the last one may predate the decisions we wait for
        version = dataset_version.current(db.session)
        quiet = (utcnow() - version.changed_at).total_seconds() if version.changed_at else settle
        if quiet >= settle or time.monotonic() >= deadline:
            db.session.rollback()
            return version
        time.sleep(min(settle - quiet, max(deadline - time.monotonic(), 0)))


def _build(root: Path) -> Published:
    """Write every format from one read transaction into a hidden folder, then publish it."""
    base, config = public_base_url(), current_app.config
    work = Path(tempfile.mkdtemp(dir=root, prefix=".build-"))
    work.chmod(0o755)  # mkdtemp makes it 0700: a proxy running as its own user sends these files
    try:
        with db.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                # Read in the same transaction as the rows: the label is exactly the data written.
                version, stamp = dataset_version.current(conn), utcnow()
                count = _write_formats(work, conn, base, stamp)
        folder = root / f"v{version.number}-{stamp:%Y%m%dT%H%M%S%f}"
        os.replace(work, folder)
        snapshot_files.fsync_dir(root)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    build = Published(folder, version, base, config["DATA_LICENSE"], config["DATA_ATTRIBUTION"], stamp, count)
    _write_manifest(root, build)
    return build


def _write_formats(work: Path, conn, base: str, stamp: datetime) -> int:
    """Each format by the same stream functions the filtered downloads use; returns the GeoJSON's count."""
    counted = []
    for fmt in TEXT:
        progress = counted.append if fmt == "geojson" else None
        snapshot_files.write_text(work / FILES[fmt], STREAMS[fmt](UNFILTERED, base, progress, conn=conn, stamp=stamp))
    snapshot_files.write_bytes(work / FILES["gpkg"], [geopackage_bytes(UNFILTERED, base, conn=conn, stamp=stamp)])
    return sum(counted)


def _write_manifest(root: Path, build: Published) -> None:
    """current.json by temporary file and os.replace: the switch to the new build is one rename."""
    changed_at = build.version.changed_at.isoformat() if build.version.changed_at else None
    body = {
        "folder": build.folder.name,
        "number": build.version.number,
        "changed_at": changed_at,
        "base": build.base,
        "license": build.license,
        "attribution": build.attribution,
        "stamp": build.stamp.isoformat(),
        "count": build.count,
        "codings": list(build.codings),
    }
    snapshot_files.replace_json(root / MANIFEST, body)
