"""Heavy fuzz: `python -m bench.fuzz [--cases 10000] [--http 1000]`.

Random hostile photos and pixel bombs (tests/hostile.py) through survey.photos.exif.read_photo_meta and
survey.photos.images.make_public_copies, then over HTTP. The code under test runs in a child
process, so its memory is measured apart from Hypothesis's own bookkeeping, and a hang can be
cut off. Fails on any unhandled exception, more than 2 s of CPU for one case, a case still
running after 10 s, or a peak resident memory over 500 MB in the child. Prints the outcomes.
"""

import argparse
import json
import multiprocessing
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from bench import rss
from tests.hostile import corpus_files, hostile_photos, pixel_bombs

CPU_LIMIT_S, WALL_LIMIT_S, LIMIT_MB = 2.0, 10.0, 500
# Pixel bombs are held to the decode budget's own target: no case raises the peak by more than this.
BOMB_GROWTH_LIMIT_MB = 300


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _targets():
    from survey.photos.exif import read_photo_meta
    from survey.photos.images import ImageError, make_public_copies
    from tests.hostile import valid_position

    def exif(data: bytes) -> str:
        meta = read_photo_meta(data)
        assert valid_position(meta), meta
        return "position" if meta.has_position else "no position"

    def image(data: bytes) -> str:
        try:
            copies = make_public_copies(data)
        except ImageError as exc:
            return f"{exc.status} {exc.code}"
        assert copies.display != data and copies.display.startswith(b"\xff\xd8")
        return "re-encoded copies"

    http = _http_target()
    return {"exif": exif, "image": image, "http": http, "http bombs": http}


def _http_target():
    import io
    import tempfile

    from survey import create_app
    from tests.dbtools import migrate

    tmp = Path(tempfile.mkdtemp(prefix="fuzz-http-"))
    url = f"sqlite:///{tmp / 'fuzz.db'}"
    migrate(url)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "DATA_DIR": str(tmp / "photos"),
            "SECRET_KEY": "fuzz",
            "RATELIMIT_ENABLED": False,
            "TESTING": True,
        }
    )
    client = app.test_client()

    def post(data: bytes) -> str:
        form = {"photo": [(io.BytesIO(data), "hostile.jpg")], "lat": "51.5", "lon": "-0.12"}
        response = client.post("/api/v1/sightings", data=form, content_type="multipart/form-data")
        assert response.status_code == 201 or 400 <= response.status_code < 500, response.get_data(as_text=True)
        assert response.is_json
        return str(response.status_code)

    # Warm up, as a worker is after its first upload: the face detector's session is built once.
    from tests.factories import photo

    post(photo(51.5, -0.12))
    return post


def _worker(connection) -> None:
    """Run cases sent by the parent; answer (outcome or error, CPU s, wall s, peak MB)."""
    warnings.simplefilter("ignore")
    targets = _targets()
    while True:
        message = connection.recv()
        if message is None:
            return
        name, data = message
        # Bombs report how far the peak rose from a fresh reset (bench.rss), the others the peak itself.
        start_kib = rss.reset_peak() if name == "http bombs" else None
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            outcome = targets[name](data)
        except BaseException as exc:  # reported to the parent, which fails the case
            outcome = f"ERROR {exc!r}"[:300]
        peak = _peak_mb() if start_kib is None else rss.growth_mb(start_kib)
        connection.send((outcome, time.process_time() - cpu, time.perf_counter() - wall, peak))


class Child:
    def __init__(self):
        self.parent, child = multiprocessing.Pipe()
        self.process = multiprocessing.get_context("fork").Process(target=_worker, args=(child,), daemon=True)
        self.process.start()

    def run(self, name: str, data: bytes) -> tuple[str, float, float, float]:
        self.parent.send((name, data))
        if not self.parent.poll(WALL_LIMIT_S):
            self.process.kill()
            raise AssertionError(f"{name}: no answer within {WALL_LIMIT_S} s on {len(data)} bytes (a hang)")
        return self.parent.recv()

    def close(self) -> None:
        self.parent.send(None)
        self.process.join(10)


def run(child: Child, name: str, cases: int, files, strategy=hostile_photos) -> dict:
    counter, worst = Counter(), {"cpu_s": 0.0, "wall_s": 0.0, "peak_mb": 0.0}

    @given(strategy(files))
    @settings(
        max_examples=cases, deadline=None, database=None, suppress_health_check=list(HealthCheck), print_blob=False
    )
    def case(data):
        outcome, cpu, wall, peak = child.run(name, data)
        if cpu > CPU_LIMIT_S:  # shared cores: a slow case counts only if it is slow twice
            counter["retimed"] += 1
            outcome, cpu, wall, peak = child.run(name, data)
        for key, value in (("cpu_s", cpu), ("wall_s", wall), ("peak_mb", peak)):
            worst[key] = round(max(worst[key], value), 3)
        assert not outcome.startswith("ERROR"), outcome
        assert cpu <= CPU_LIMIT_S, f"{cpu:.2f} s CPU on {len(data)} bytes, twice"
        limit = BOMB_GROWTH_LIMIT_MB if name == "http bombs" else LIMIT_MB
        assert peak <= limit, f"peak {peak:.0f} MB (limit {limit}) after a {len(data)}-byte case"
        counter[outcome] += 1

    started = time.monotonic()
    case()
    retimed = counter.pop("retimed", 0)
    return {
        "target": name,
        "cases": sum(counter.values()),
        "retimed": retimed,
        "seconds": round(time.monotonic() - started, 1),
        **worst,
        "outcomes": dict(counter.most_common()),
    }


def pixel_bomb_files() -> list[tuple[str, bytes]]:
    from tests.hostile import bomb_files

    return bomb_files()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000, help="cases for each of EXIF and image")
    parser.add_argument("--http", type=int, default=1_000, help="cases over HTTP")
    parser.add_argument("--bombs", type=int, default=200, help="pixel bombs (tests/hostile.py) over HTTP")
    parser.add_argument("--max-bytes", type=int, default=1_500_000, help="skip corpus files larger than this")
    args = parser.parse_args(argv)
    files = corpus_files(max_bytes=args.max_bytes)
    child = Child()
    try:
        plan = [("exif", args.cases), ("image", args.cases), ("http", args.http)]
        results = [run(child, name, cases, files) for name, cases in plan if cases]
        if args.bombs:  # highly compressed images up to the pixel limit, in every mode: the decode budget
            results.append(run(child, "http bombs", args.bombs, pixel_bomb_files(), pixel_bombs))
    finally:
        child.close()
    summary = {
        "results": results,
        "total_cases": sum(r["cases"] for r in results),
        "limits": {
            "cpu_s": CPU_LIMIT_S,
            "wall_s": WALL_LIMIT_S,
            "peak_mb": LIMIT_MB,
            "bomb_growth_mb": BOMB_GROWTH_LIMIT_MB,
        },
    }
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    (out / "fuzz.json").write_text(json.dumps(summary, indent=1))
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
