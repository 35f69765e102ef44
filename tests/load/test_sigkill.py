"""SIGKILL the gunicorn server in the middle of an upload: after a restart no partial sighting exists,
`flask storage check` finds what the crash left, and `--repair` removes it."""

import io
import socket
import subprocess
import threading
import time
import uuid
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

from tests.dbtools import empty_database, migrate
from tests.factories import photo
from tests.load.harness import REPO, Gunicorn

LONDON = (51.5033, -0.1196)


def _multipart(fields: dict, photos: list[bytes]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = io.BytesIO()
    for name, value in fields.items():
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for i, data in enumerate(photos):
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="p{i}.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
    body.write(f"--{boundary}--\r\n".encode())
    return body.getvalue(), f"multipart/form-data; boundary={boundary}"


def _state(url: str) -> tuple[int, int]:
    """(sightings, photos) as the database holds them."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return (
                conn.execute(text("SELECT count(*) FROM sightings")).scalar_one(),
                conn.execute(text("SELECT count(*) FROM photos")).scalar_one(),
            )
    finally:
        engine.dispose()


def _storage_check(server: Gunicorn, *args: str) -> subprocess.CompletedProcess:
    command = [str(REPO / ".venv" / "bin" / "flask"), "--app", "wsgi", "storage", "check", *args]
    return subprocess.run(command, cwd=REPO, env=server.env, capture_output=True, text=True, timeout=120)


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_sigkill_while_the_body_streams_and_while_files_are_written(tmp_path):
    data_dir = tmp_path / "photos"
    with empty_database(tmp_path) as url:
        migrate(url)
        server = Gunicorn(url, data_dir, tmp_path, workers=1).start()
        try:
            _kill_mid_body(server)
            assert _state(url) == (0, 0) and _files(data_dir) == []
            server = Gunicorn(url, data_dir, tmp_path, workers=1).start()
            fields, photos = _kill_mid_write(server, data_dir)
            sightings, stored = _state(url)
            assert (sightings, stored) in ((0, 0), (1, len(photos)))  # all or nothing
            server = Gunicorn(url, data_dir, tmp_path, workers=1).start()
            _check_and_repair(server, committed=sightings == 1)
            body, content_type = _multipart(fields, photos)
            again = requests.post(
                f"{server.url}/api/v1/sightings", data=body, timeout=60, headers={"Content-Type": content_type}
            )
            assert again.status_code == (200 if sightings else 201), again.text
            assert _state(url) == (1, len(photos))
            assert _storage_check(server).returncode == 0
        finally:
            server.stop()


def _kill_mid_body(server: Gunicorn) -> None:
    body, content_type = _multipart({"client_id": str(uuid.uuid4())}, [photo(*LONDON, seed=1)])
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(
            f"POST /api/v1/sightings HTTP/1.1\r\nHost: localhost\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body[: len(body) // 2]
        )
        time.sleep(0.5)  # the worker is now waiting for the rest of the body
        server.kill()


def _kill_mid_write(server: Gunicorn, data_dir: Path) -> tuple[dict, list[bytes]]:
    """Three large photos; SIGKILL as soon as the first file lands, before the row can commit."""
    fields = {"client_id": str(uuid.uuid4())}
    photos = [photo(*LONDON, size=(1800, 1350), seed=seed) for seed in range(3)]
    body, content_type = _multipart(fields, photos)

    def post() -> None:
        try:
            requests.post(
                f"{server.url}/api/v1/sightings", data=body, timeout=60, headers={"Content-Type": content_type}
            )
        except requests.RequestException:
            pass  # the server died under it: expected

    sender = threading.Thread(target=post, daemon=True)
    sender.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not _files(data_dir):
        time.sleep(0.0005)
    server.kill()
    sender.join(10)
    return fields, photos


def _check_and_repair(server: Gunicorn, committed: bool) -> None:
    report = _storage_check(server)
    if committed:
        assert report.returncode == 0, report.stdout
        return
    assert report.returncode == 1, report.stdout
    assert "unreferenced originals/" in report.stdout or "temporary originals/" in report.stdout
    repaired = _storage_check(server, "--repair", "--min-age", "0")
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert _storage_check(server).returncode == 0
