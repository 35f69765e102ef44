"""The service under gunicorn on loopback, and many volunteers uploading real photos to it at once.

Shared by tests/load (small counts, in `make test`) and bench/load.py (full size, with figures).
"""

import json
import os
import queue
import signal
import socket
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "photos"
GUNICORN = REPO / ".venv" / "bin" / "gunicorn"
REQUEST_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """`gunicorn wsgi:app` in its own process group, so SIGKILL reaches master and workers."""

    def __init__(
        self,
        database_url: str,
        data_dir: Path,
        workdir: Path,
        workers: int = 3,
        env: dict | None = None,
        options: tuple[str, ...] = (),
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers, self.workdir, self.options = workers, workdir, options
        self.log = workdir / f"gunicorn-{self.port}.log"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DATA_DIR": str(data_dir),
            "INSTANCE_DIR": str(workdir),
            "SECRET_KEY": "load-test-secret",
            "RATELIMIT_ENABLED": "0",
            **(env or {}),
        }
        self.process: subprocess.Popen | None = None

    def start(self, timeout_s: float = 30) -> "Gunicorn":
        command = [
            str(GUNICORN),
            "--workers",
            str(self.workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "120",
            "--graceful-timeout",
            "5",
            *self.options,  # e.g. ("-c", "gunicorn.conf.py"): flags above still win over the file
            "wsgi:app",
        ]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                command, cwd=REPO, env=self.env, stdout=log, stderr=log, start_new_session=True
            )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-2000:]}")
            try:
                if requests.get(f"{self.url}/api/v1/openapi.json", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {timeout_s} s: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        """SIGKILL the master and every worker at once: no clean-up code runs anywhere."""
        self._signal(signal.SIGKILL)

    def stop(self) -> None:
        self._signal(signal.SIGTERM)

    def _signal(self, sig: int) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, sig)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(15)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


@dataclass
class Job:
    data: bytes
    name: str
    fields: dict
    retry: bool = False  # send, drop the answer, send again with the same client_id


@dataclass
class Outcome:
    statuses: list[int] = field(default_factory=list)
    latencies_s: list[float] = field(default_factory=list)
    ids: dict[str, int] = field(default_factory=dict)  # client_id -> sighting id
    errors: list[str] = field(default_factory=list)
    wall_s: float = 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_s)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else 0.0

    def figures(self) -> dict:
        return {
            "requests": len(self.statuses),
            "held": len(self.ids),
            "server_errors": sum(s >= 500 for s in self.statuses),
            "throughput_per_s": round(len(self.ids) / self.wall_s, 2) if self.wall_s else 0.0,
            "p50_ms": round(self.percentile(50) * 1000),
            "p99_ms": round(self.percentile(99) * 1000),
            "wall_s": round(self.wall_s, 1),
            "errors": self.errors[:10],
        }


def usable_photos() -> list[tuple[str, bytes, bool]]:
    """(name, bytes, has_position) for every corpus photo the service can publish."""
    from survey.photos.exif import read_photo_meta
    from survey.photos.images import ImageError, make_public_copies

    usable = []
    for entry in json.loads((CORPUS / "truth.json").read_text()):
        data = (CORPUS / entry["file"]).read_bytes()
        try:
            make_public_copies(data, display_px=64, thumb_px=16)
        except ImageError:
            continue
        usable.append((entry["file"], data, read_photo_meta(data).has_position))
    return usable


def plan(count: int, retry_share: float = 0.1) -> list[Job]:
    """`count` uploads cycling through the corpus; photos without a position get the device's fix."""
    photos, jobs = usable_photos(), []
    every = max(1, round(1 / retry_share)) if retry_share else 0
    for i in range(count):
        name, data, has_position = photos[i % len(photos)]
        fields = {"client_id": str(uuid.uuid4()), "notes": f"load {i}", "device_id": f"device-{i % 20:04d}"}
        if not has_position:
            fields |= {"lat": f"{51.5 + i / 10000:.6f}", "lon": f"{-0.12 - i / 10000:.6f}", "accuracy_m": "8"}
        jobs.append(Job(data, name, fields, retry=bool(every) and i % every == every - 1))
    return jobs


def _send(session: requests.Session, url: str, job: Job, read_timeout: float = REQUEST_TIMEOUT_S):
    files = {"photo": (job.name, job.data, "application/octet-stream")}
    return session.post(f"{url}/api/v1/sightings", data=job.fields, files=files, timeout=(5, read_timeout))


def _run_job(session, url: str, job: Job, outcome: Outcome, lock: threading.Lock) -> None:
    if job.retry:
        try:  # the answer is lost: the client gives up before reading it, then tries again
            _send(session, url, job, read_timeout=0.05)
        except requests.RequestException:
            pass
    started = time.monotonic()
    response = _send(session, url, job)
    elapsed = time.monotonic() - started
    with lock:
        outcome.statuses.append(response.status_code)
        outcome.latencies_s.append(elapsed)
        if response.status_code in (200, 201) and response.json().get("id"):
            outcome.ids[job.fields["client_id"]] = response.json()["id"]
        else:
            outcome.errors.append(f"{job.name}: {response.status_code} {response.text[:200]}")


def run_uploads(url: str, jobs: list[Job], clients: int = 20, deadline_s: float = 900) -> Outcome:
    """Send every job from `clients` threads; stop taking new jobs once the deadline passes."""
    work: queue.Queue[Job] = queue.Queue()
    for job in jobs:
        work.put(job)
    outcome, lock = Outcome(), threading.Lock()
    stop_at = time.monotonic() + deadline_s

    def client() -> None:
        with requests.Session() as session:
            while time.monotonic() < stop_at:
                try:
                    job = work.get_nowait()
                except queue.Empty:
                    return
                try:
                    _run_job(session, url, job, outcome, lock)
                except Exception as exc:  # a refused or cut connection counts against the run
                    with lock:
                        outcome.errors.append(f"{job.name}: {exc!r}")

    started = time.monotonic()
    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(1.0, stop_at - time.monotonic() + REQUEST_TIMEOUT_S))
    outcome.wall_s = time.monotonic() - started
    return outcome


def audit(database_url: str, data_dir: Path, jobs: list[Job]) -> dict:
    """What the database and the photo store hold after a run, compared with what was sent."""
    from sqlalchemy import func, select

    from survey import create_app
    from survey.extensions import db
    from survey.models import Photo, Sighting
    from survey.storage.check import check_storage

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "DATA_DIR": str(data_dir), "SECRET_KEY": "audit"})
    with app.app_context():
        try:
            stored = db.session.execute(select(Sighting.client_id, func.count()).group_by(Sighting.client_id)).all()
            photos = db.session.scalar(select(func.count()).select_from(Photo))
            report = check_storage()
        finally:
            db.session.remove()
            db.engine.dispose()
    sent = {job.fields["client_id"] for job in jobs}
    held = {client_id for client_id, _ in stored}
    return {
        "sightings": sum(n for _, n in stored),
        "photos": photos,
        "lost": len(sent - held),
        "duplicated": sum(n - 1 for _, n in stored),
        "strangers": len(held - sent),
        "files_checked": report.checked,
        "unreferenced": len(report.unreferenced),
        "temporaries": len(report.temporaries),
        "missing": len(report.missing),
        "corrupt": len(report.corrupt),
    }
