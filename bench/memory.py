"""Case 5: peak RSS growth while ingesting a 50-megapixel JPEG, measured in fresh subprocesses.

Each run is a new interpreter: it sets up the app and warms up with a small upload; then, for
an over-limit photo and for the 50 MP one, it resets the peak (bench.rss), sends the upload and
reads how far the peak rose.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import rss
from bench.harness import Context, Row, Target, Timing

CASE = "5 memory 50 MP"
SIZE_50MP = (8160, 6120)
OVER_LIMIT = (9000, 7000)  # 63 MP, over the default MAX_IMAGE_PIXELS of 60 MP
ROOT = Path(__file__).resolve().parents[1]


def claim_size(jpeg: bytes, size: tuple[int, int]) -> bytes:
    """The same JPEG with a start-of-frame header that claims another size (nothing is re-encoded)."""
    at = 2
    while jpeg[at + 1] != 0xC0:  # walk the segments; the EXIF thumbnail has an SOF of its own
        at += 2 + struct.unpack_from(">H", jpeg, at + 2)[0]
    return jpeg[: at + 5] + struct.pack(">HH", size[1], size[0]) + jpeg[at + 9 :]


def _upload(client, environ) -> dict:
    """One upload; the peak RSS growth it caused (MB), measured from a freshly reset peak."""
    before = rss.reset_peak()
    start = time.perf_counter()
    response = client.open(environ)
    elapsed = time.perf_counter() - start
    return {
        "status": response.status_code,
        "code": (response.get_json() or {}).get("code_name"),
        "growth_mb": rss.growth_mb(before),
        "seconds": elapsed,
    }


def child(workdir: str) -> dict:
    """In this fresh process: a small warm-up upload, the over-limit photo, then the 50 MP one."""
    from bench.apps import migrated_app, sqlite_url
    from bench.ingest import request_environ
    from bench.photos import phone_jpeg

    app = migrated_app(sqlite_url(workdir, "memory.db"), Path(workdir) / "photos")
    client = app.test_client()
    if client.open(request_environ(phone_jpeg((1600, 1200)), 1)).status_code != 201:
        raise AssertionError("warm-up upload failed")
    photos = Path(workdir).parent
    over = request_environ((photos / "over.jpg").read_bytes(), 2)
    refused = _upload(client, over)
    del over
    accepted = _upload(client, request_environ((photos / "50mp.jpg").read_bytes(), 3))
    return {"refused": refused, "accepted": accepted}


def _measure(workdir: Path) -> dict:
    with tempfile.TemporaryDirectory(dir=workdir) as run_dir:
        out = subprocess.run(
            [sys.executable, "-m", "bench.memory", run_dir], cwd=ROOT, capture_output=True, text=True, timeout=300
        )
    if out.returncode != 0:
        raise RuntimeError(f"memory child failed: {out.stderr[-2000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    for name, status, code in (("accepted", 201, None), ("refused", 413, "image_too_large")):
        if (result[name]["status"], result[name]["code"]) != (status, code):
            raise AssertionError(f"{name}: expected {status} {code or ''}, got {result[name]}")
    return result


def run(ctx: Context) -> list[Row]:
    from bench.photos import phone_jpeg

    work = Path(ctx.workdir) / "memory"
    work.mkdir()
    big = phone_jpeg(SIZE_50MP)
    (work / "50mp.jpg").write_bytes(big)
    (work / "over.jpg").write_bytes(claim_size(big, OVER_LIMIT))
    ctx.log(f"  photo: {SIZE_50MP[0]}x{SIZE_50MP[1]} JPEG, {len(big) / 1e6:.1f} MB")
    # Each a fresh process, warmed up inside; peak RSS varies by under 1 MB, so quick runs three.
    results = [_measure(work) for _ in range(3 if ctx.quick else ctx.runs)]
    accepted, rejected = [r["accepted"] for r in results], [r["refused"] for r in results]
    return [
        Row(
            CASE,
            "peak RSS growth",
            Timing(tuple(r["growth_mb"] for r in accepted)),
            unit="MB",
            target=Target("value", 200, "< 200 MB"),
            note=f"{len(big) / 1e6:.0f} MB JPEG, fresh process per run",
        ),
        Row(CASE, "upload time", Timing(tuple(r["seconds"] * 1000 for r in accepted)), note="same runs"),
        # The upload's own bytes are in memory either way; anything decoded would come on top.
        Row(
            CASE,
            "63 MP refused (413)",
            Timing(tuple(r["growth_mb"] - len(big) / 2**20 for r in rejected)),
            unit="MB",
            target=Target("value", 10, "< 10 MB: no decode"),
            note="peak RSS growth beyond the upload's bytes; header says 9000x7000",
        ),
        Row(CASE, "63 MP refused (413)", Timing(tuple(r["seconds"] * 1000 for r in rejected)), note="time"),
    ]


if __name__ == "__main__":
    print(json.dumps(child(sys.argv[1])))
