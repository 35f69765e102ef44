"""Uploads per second: gunicorn with 2 workers, 8 concurrent clients on loopback, against 2 processes of
bare Pillow making the same copies (the floor), in rounds that take turns."""

from __future__ import annotations

import http.client
import multiprocessing
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from bench.apps import dispose, migrated_app, sqlite_url
from bench.harness import Context, Row, Target, Timing, with_ratios
from bench.photos import variant

ROOT = Path(__file__).resolve().parents[1]
CASE = "1 ingest 12 MP"
WORKERS, CLIENTS = 2, 8


def multipart(fields: dict, photo: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body as a browser sends it, and its content type."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="IMG.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n".encode()
        + photo
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _post(port: int, body: bytes, content_type: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("POST", "/api/v1/sightings", body, {"Content-Type": content_type})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _wait_ready(port: int, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/openapi.json")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within a minute")


def _load(port: int, bodies: list[tuple[bytes, str]], seconds: float) -> tuple[list[float], list[int]]:
    """CLIENTS threads post the bodies until all are sent or time is up; (latencies, statuses)."""
    lock, queue = threading.Lock(), list(reversed(bodies))
    latencies, statuses = [], []
    deadline = time.monotonic() + seconds

    def client():
        while time.monotonic() < deadline:
            with lock:
                if not queue:
                    return
                body, content_type = queue.pop()
            start = time.perf_counter()
            status = _post(port, body, content_type)
            with lock:
                latencies.append(time.perf_counter() - start)
                statuses.append(status)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses


def _server_env(url: str, data_dir: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_", "DATA_"))}
    env.update(
        DATABASE_URL=url,
        DATA_DIR=str(data_dir),
        SECRET_KEY="bench-secret",
        RATELIMIT_ENABLED="0",
        SESSION_COOKIE_SECURE="0",
        INSTANCE_DIR=str(data_dir.parent),
    )
    return env


def _floor_one(job: tuple[bytes, str]) -> None:
    from bench.ingest import floor_exact

    data, out_dir = job
    floor_exact(data, Path(out_dir))


def _floor_round(pool, photos: list[bytes], out_dir: Path) -> float:
    """Seconds for WORKERS processes of bare Pillow to make the service's exact copies of these photos."""
    start = time.perf_counter()
    pool.map(_floor_one, [(data, str(out_dir)) for data in photos], chunksize=1)
    return time.perf_counter() - start


def run(ctx: Context, photo: bytes) -> list[Row]:
    """Rounds taking turns: the floor (WORKERS processes running bench.ingest.floor_exact on the same
    photos: the service's exact copies, scrubbed original, files synced) and gunicorn with WORKERS
    workers under CLIENTS clients; the ratio is the median of the rounds' throughput ratios."""
    count, seconds = (16, 300) if ctx.quick else (64, 600)  # quick: two uploads per client; a round must finish
    rounds = 2 if ctx.quick else 3
    url, data_dir = sqlite_url(ctx.workdir, "throughput.db"), Path(ctx.workdir) / "throughput" / "photos"
    floor_dir = Path(ctx.workdir) / "throughput" / "floor"
    floor_dir.mkdir(parents=True, exist_ok=True)
    dispose(migrated_app(url, data_dir))
    from bench.ingest import upload_fields

    photos = [[variant(photo, 10_000 + r * count + n) for n in range(count)] for r in range(rounds)]
    bodies = [[multipart(upload_fields(r * count + n), p) for n, p in enumerate(ps)] for r, ps in enumerate(photos)]
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "120",
        "wsgi:app",
    ]
    served, floors, latencies, statuses = [], [], [], []
    with (
        multiprocessing.get_context("fork").Pool(WORKERS) as pool,
        open(Path(ctx.workdir) / "gunicorn.log", "wb") as log,
    ):
        _floor_round(pool, photos[0][: WORKERS * 2], floor_dir)  # warm: imports and the face model
        proc = subprocess.Popen(command, cwd=ROOT, env=_server_env(url, data_dir), stdout=log, stderr=log)
        try:
            _wait_ready(port, proc)
            _load(port, [multipart(upload_fields(90_000 + n), photo) for n in range(WORKERS * 2)], seconds)  # warm
            for r in range(rounds):
                floors.append(count / _floor_round(pool, photos[r], floor_dir))
                start = time.perf_counter()
                took, answered = _load(port, bodies[r], seconds)
                served.append(len(answered) / (time.perf_counter() - start))
                latencies += took
                statuses += answered
        finally:
            proc.terminate()
            proc.wait(30)
    bad = [s for s in statuses if s != 201]
    if bad or len(statuses) != rounds * count:
        raise AssertionError(f"{len(bad)} of {len(statuses)} uploads failed: {sorted(set(bad))}")
    note = f"gunicorn {WORKERS} workers, {CLIENTS} clients, {rounds} rounds of {count} uploads"
    rows = [
        Row(
            CASE,
            "throughput floor",
            Timing(tuple(floors)),
            unit="uploads/s",
            note=f"{WORKERS} processes of bare Pillow, exact copies",
        ),
        Row(
            CASE,
            "throughput",
            Timing(tuple(served)),
            unit="uploads/s",
            note=note,
            baseline="throughput floor",
            target=Target("ratio_min", 0.85, ">= 0.85x the floor"),
            paired=True,
        ),
        Row(CASE, "latency under load", Timing(tuple(x * 1000 for x in latencies)), note="same runs"),
    ]
    return with_ratios(rows)
