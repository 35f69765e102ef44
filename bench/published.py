"""Case 2b: the published downloads against the copy floor, and the 304 at a small and a big size.

The floor is the same snapshot file served by the same app and client through a bare send_file
route: what serving those bytes costs at least. The download routes add the data-version lookup,
Accept-Encoding negotiation, validators and headers (the streamed, filtered downloads are case 2's),
for the identity file, its .gz and its .br. A 304 at the big size is timed interleaved with a 304 at
10,000 cameras, on SQLite and PostgreSQL. The brotli step of a rebuild is timed against its gzip step
on the same files, so what brotli adds to a rebuild is a ratio measured in the same run.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, send_file

from bench.apps import dispose, migrated_app, postgres_database, sqlite_url
from bench.camera_data import load_postgres, load_sqlite
from bench.harness import Context, Row, Target, measure, ms, with_ratios
from survey import dataset_version
from survey.extensions import db
from survey.publish import snapshot_files, snapshots

CASE = "2b published"
SITE = "http://localhost/"
SMALL = 10_000
COPY_TARGET = Target("ratio", 1.5, "<= 1.5x copy floor")
FRESH_TARGET = Target("ratio", 1.2, "<= 1.2x 304 at 10k")
FILTERED = "bbox=-180,-90,180,90"  # every camera, but a filter: streamed from the database
GZIP = {"Accept-Encoding": "gzip"}
BROTLI = {"Accept-Encoding": "br"}
CODED = {".gz": "gzip", ".br": "br"}
STEP_TARGET = Target("ratio", 2.0, "<= 2x gzip step")  # quality 5 measured 0.9-1.8x; 6 about 1.9x
PIECE = 1 << 20  # about one stream batch of GeoJSON (2,000 features)


def published_app(url: str, data_dir: Path, count: int, loader) -> Flask:
    """A migrated app with `count` cameras, PUBLIC_URL set, its snapshot built, and the copy route."""
    app = migrated_app(url, data_dir)
    app.config["PUBLIC_URL"] = SITE
    app.config["SNAPSHOT_DIR"] = f"{data_dir}-snapshots"  # the two apps of a case share the workdir

    def copy(name: str):
        # The floor: the snapshot's own file, sent as a static file is.
        build = snapshots.published()
        response = send_file(build.folder / name, conditional=True, max_age=60)
        if coding := CODED.get(Path(name).suffix):
            response.headers["Content-Encoding"] = coding
        return response

    app.add_url_rule("/bench-copy/<name>", "bench_copy", copy)
    loader(url, count)
    with app.app_context():
        dataset_version.bump(db.session)  # the bulk load stands in for decisions
        db.session.commit()
        snapshots.refresh()
    return app


def _get(client, url: str, headers: dict | None = None) -> int:
    response = client.get(url, base_url=SITE.rstrip("/"), headers=headers or {})
    if response.status_code != 200:
        raise AssertionError(f"{url} answered {response.status_code}")
    size = sum(len(chunk) for chunk in response.iter_encoded())
    response.close()
    return size


def _not_modified(client, url: str, etag: str) -> None:
    response = client.get(url, base_url=SITE.rstrip("/"), headers={"If-None-Match": etag})
    if response.status_code != 304:
        raise AssertionError(f"{url} answered {response.status_code} to its own ETag")


def _files(app: Flask, label: str, count: int, runs: int) -> list[Row]:
    """Each format, identity, gzip and brotli, against the same file through the copy route."""
    client, case = app.test_client(), f"{CASE} {label} {count:,}"
    fns, rows = {}, []
    for fmt, name in (("GeoJSON", "cameras.geojson"), ("CSV", "cameras.csv")):
        path = f"/api/v1/{name}"
        for coding, suffix, headers in (("", "", None), (" gzip", ".gz", GZIP), (" brotli", ".br", BROTLI)):
            same = _get(client, path, headers) == _get(client, f"/bench-copy/{name}{suffix}")
            if not same:
                raise AssertionError(f"{path}{coding} is not the snapshot's bytes")
            floor, ours = f"{fmt}{coding} copy floor", f"{fmt}{coding} download"
            fns[floor] = lambda u=f"/bench-copy/{name}{suffix}": _get(client, u)
            fns[ours] = lambda u=path, h=headers: _get(client, u, h)
            rows.append(Row(case, floor, note="same file, bare send_file"))
            rows.append(Row(case, ours, baseline=floor, target=COPY_TARGET, note="snapshot file", paired=True))
    # Small files take milliseconds, where a burst of load elsewhere weighs most: more pairs.
    timings = measure(fns, runs=max(runs, 15))
    for row in rows:
        row.timing = ms(timings[row.name])
    return with_ratios(rows)


def _build_time(app: Flask, label: str, count: int, runs: int) -> Row:
    """One full rebuild (every format, gzip included) after a decision: what a change costs, off-request."""

    def bump():
        with app.app_context():
            dataset_version.bump(db.session)
            db.session.commit()

    def build():
        with app.app_context():
            snapshots.refresh()

    timing = measure({"build": build}, runs=runs, warmup=0, setup=bump)["build"]
    note = "4 formats + 3 gzip + 3 brotli, background"
    return Row(f"{CASE} {label} {count:,}", "snapshot rebuild", ms(timing), note=note)


def _compress_steps(app: Flask, label: str, count: int, runs: int) -> list[Row]:
    """A rebuild's gzip step and its brotli step alone, on the three text files it writes, piece by piece."""
    with app.app_context():
        folder = snapshots.published().folder
    paths = [folder / snapshots.FILES[fmt] for fmt in snapshots.TEXT]

    def step(coding: str) -> None:
        # Read from the page cache inside the timing, the same for both sides: far cheaper than either.
        for path in paths:
            pack = snapshot_files.packer(coding)
            with open(path, "rb") as source:
                while piece := source.read(PIECE):
                    pack.compress(piece)
            pack.flush()

    timings = measure({"gzip step": lambda: step("gzip"), "brotli step": lambda: step("br")}, runs=runs)
    case, size = f"{CASE} {label} {count:,}", sum(path.stat().st_size for path in paths) / 1e6
    rows = [
        Row(
            case,
            "gzip step",
            ms(timings["gzip step"]),
            note=f"level {snapshot_files.GZIP_LEVEL}, {size:.0f} MB of text",
        ),
        Row(
            case,
            "brotli step",
            ms(timings["brotli step"]),
            baseline="gzip step",
            target=STEP_TARGET,
            note=f"quality {snapshot_files.BROTLI_QUALITY}, the same files",
            paired=True,
        ),
    ]
    return with_ratios(rows)


def _fresh(small: Flask, big: Flask, label: str, count: int, runs: int) -> list[Row]:
    """304s interleaved at 10,000 and at `count` cameras, unfiltered (a file) and filtered (a stream)."""
    case, fns, rows = f"{CASE} {label} 304", {}, []
    for kind, query in (("unfiltered", ""), ("filtered", f"?{FILTERED}")):
        url = f"/api/v1/cameras.geojson{query}"
        for size, app in ((SMALL, small), (count, big)):
            client = app.test_client()
            etag = client.get(url, base_url=SITE.rstrip("/")).headers["ETag"]
            name = f"304 {kind} at {size // 1000:,}k"
            fns[name] = lambda c=client, e=etag, u=url: _not_modified(c, u, e)
            if size == SMALL:
                rows.append(Row(case, name, note="If-None-Match"))
            else:
                baseline = f"304 {kind} at {SMALL // 1000:,}k"
                rows.append(Row(case, name, baseline=baseline, target=FRESH_TARGET, paired=True))
    timings = measure(fns, runs=max(runs, 25))  # each takes a fraction of a millisecond
    for row in rows:
        row.timing = ms(timings[row.name])
    return with_ratios(rows)


def _sqlite(ctx: Context, count: int) -> list[Row]:
    work = Path(ctx.workdir)
    small = published_app(sqlite_url(work, "published-small.db"), work / "pub-small", SMALL, load_sqlite)
    big = published_app(sqlite_url(work, "published.db"), work / "pub", count, load_sqlite)
    rows = _files(big, "SQLite", count, ctx.runs) + [_build_time(big, "SQLite", count, 1 if ctx.quick else 3)]
    rows += _compress_steps(big, "SQLite", count, 3 if ctx.quick else 5)
    rows += _fresh(small, big, "SQLite", count, ctx.runs)
    dispose(small), dispose(big)
    return rows


def _postgres(ctx: Context, count: int) -> list[Row]:
    work = Path(ctx.workdir)
    with postgres_database(ctx.pg_url) as small_url, postgres_database(ctx.pg_url) as big_url:
        small = published_app(small_url, work / "pub-pg-small", SMALL, load_postgres)
        big = published_app(big_url, work / "pub-pg", count, load_postgres)
        rows = _files(big, "PostgreSQL", count, ctx.runs) + [
            _build_time(big, "PostgreSQL", count, 1 if ctx.quick else 3)
        ]
        rows += _fresh(small, big, "PostgreSQL", count, ctx.runs)
        dispose(small), dispose(big)
    return rows


def run(ctx: Context) -> list[Row]:
    count = 1_000_000 if not ctx.quick else 30_000 if ctx.ci else 100_000
    return _sqlite(ctx, count) + _postgres(ctx, count)
