"""`/map` while slow clients hold connections: `python -m bench.slow_clients [--slow 20] [--seconds 20]`.

Each slow client sends an upload's headers and then its body at 1 byte a second, as the hostile
afternoon did; meanwhile four readers fetch /map and a camera download in a loop. Run once with
the production settings (gunicorn.conf.py: gthread workers) and once with the README's old
command (sync workers), and print p50/p99 and failures of each. Target: p99 under 1 s with
gunicorn.conf.py. Also importable: run(ctx) for `python -m bench --only slow`.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

from bench.harness import Context, Row, Target, Timing
from tests.dbtools import empty_database, migrate
from tests.load.harness import Gunicorn

CASE = "7 slow clients"
SETUPS = {
    "gunicorn.conf.py (gthread)": ("-c", "gunicorn.conf.py", "--workers", "2"),
    # gunicorn reads ./gunicorn.conf.py unless told otherwise: an empty file gives its defaults back.
    "sync workers (old README)": ("-c", "/dev/null", "--workers", "2", "--worker-class", "sync", "--timeout", "30"),
}


def slow_client(url: str, stop: threading.Event) -> None:
    """An upload whose body trickles in at one byte a second until told to stop."""
    host, port = url.removeprefix("http://").split(":")
    head = (
        f"POST /api/v1/sightings HTTP/1.1\r\nHost: {host}\r\nContent-Type: multipart/form-data; boundary=slow\r\n"
        "Content-Length: 100000\r\n\r\n--slow\r\n"
        'Content-Disposition: form-data; name="photo"; filename="IMG_0001.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
    )
    try:
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            sock.sendall(head.encode())
            while not stop.wait(1.0):
                sock.sendall(b"\xff")
    except OSError:
        pass  # dropped by the server: that is allowed, and frees what it held


def readers(url: str, seconds: float, count: int = 4) -> dict:
    """Latencies of GET /map and GET cameras.csv from `count` loops; failures and timeouts counted."""
    latencies, failures, lock = [], [], threading.Lock()
    deadline = time.monotonic() + seconds

    def loop() -> None:
        session = requests.Session()
        paths = ("/map", "/api/v1/cameras.csv")
        n = 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                response = session.get(url + paths[n % 2], timeout=10)
                ok = response.status_code == 200
            except requests.RequestException:
                ok = False
            with lock:
                (latencies if ok else failures).append(time.perf_counter() - started)
            n += 1

    threads = [threading.Thread(target=loop) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    pick = lambda p: latencies[min(len(latencies) - 1, int(len(latencies) * p))] if latencies else float("inf")  # noqa: E731
    return {"answered": len(latencies), "failed": len(failures), "p50_s": pick(0.5), "p99_s": pick(0.99)}


def measure(options: tuple[str, ...], slow: int, seconds: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="slow-") as tmp, empty_database(Path(tmp)) as url:
        migrate(url)
        server = Gunicorn(url, Path(tmp) / "photos", Path(tmp), workers=2, options=options).start()
        stop = threading.Event()
        holders = [threading.Thread(target=slow_client, args=(server.url, stop)) for _ in range(slow)]
        try:
            for thread in holders:
                thread.start()
            time.sleep(2)  # every slow client is in
            result = readers(server.url, seconds)
        finally:
            stop.set()
            for thread in holders:
                thread.join(10)
            server.stop()
    return {"slow_clients": slow, **result}


def run(ctx: Context) -> list[Row]:
    seconds = 10 if ctx.quick else 20
    rows = []
    for name, options in SETUPS.items():
        result = measure(options, 20, seconds)
        ctx.log(f"  {name}: {json.dumps(result)}")
        rows.append(
            Row(
                CASE,
                f"/map p99, {name}",
                Timing((result["p99_s"] * 1000,)),
                target=Target("value", 1000, "< 1 s") if "gthread" in name else None,
                note=f"20 clients at 1 byte/s; {result['answered']} answered, {result['failed']} failed",
            )
        )
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--slow", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args(argv)
    results = {name: measure(options, args.slow, args.seconds) for name, options in SETUPS.items()}
    print(json.dumps(results, indent=1))
    production = results["gunicorn.conf.py (gthread)"]
    return 0 if production["p99_s"] < 1 and not production["failed"] else 1


if __name__ == "__main__":
    sys.exit(main())
