"""The service under gunicorn (gunicorn.conf.py) behind the real docs/deploy/nginx.conf and Caddyfile.

Each proxy runs from the documented file with only its ports, certificate and snapshot folder
changed (render_* asserts every change matched once, so an edit to the docs that the test no
longer follows fails here). TLS is real: a self-signed certificate for 127.0.0.1. gunicorn runs
with gunicorn.conf.py and --threads 2, so 10 slow uploads that reached it would hold every thread
and /map would wait: it answers only because the proxy buffers each body whole.
"""

import http.client
import json
import os
import select
import signal
import socket
import ssl
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest
from urllib3 import encode_multipart_formdata

from tests.conftest import require_tool
from tests.factories import new_client_id, photo

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs" / "deploy"
HOST = "127.0.0.1"
PUBLIC_URL = "https://cameras.example.org/"
HSTS = "max-age=31536000"
BAD_LOGIN = json.dumps({"email": "nobody@example.org", "password": "wrong-password"}).encode()
OVER_PROXY_LIMIT = 127 * 2**20  # past both proxies' 126 MiB


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"the documented file no longer holds {old!r} exactly once"
    return text.replace(old, new)


def wait_for(check, what: str, process: subprocess.Popen, log: Path, timeout_s: float = 20) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited: {log.read_text()[-3000:]}")
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not answer within {timeout_s} s: {log.read_text()[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def certificate(tmp: Path) -> tuple[Path, Path]:
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(
        [require_tool("openssl", "openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1", "-addext", f"subjectAltName=IP:{HOST}"],
        check=True,
        capture_output=True,
    )
    return cert, key


def redis_url() -> str:
    """Redis as the README's recipe has it when one answers; else each worker counts alone."""
    try:
        with socket.create_connection((HOST, 6379), timeout=0.5):
            return "redis://127.0.0.1:6379"
    except OSError:
        return ""


def render_nginx(tmp: Path, app_port: int, cert: Path, key: Path, snapshots: Path) -> tuple[Path, int]:
    port = free_port()
    site = (DOCS / "nginx.conf").read_text()
    site = replace_once(site, "listen 80;", f"listen {HOST}:{free_port()};")
    site = replace_once(site, "listen 443 ssl http2;", f"listen {HOST}:{port} ssl http2;")
    site = replace_once(site, "server 127.0.0.1:8000;", f"server {HOST}:{app_port};")
    site = replace_once(site, "/etc/letsencrypt/live/cameras.example.org/fullchain.pem", str(cert))
    site = replace_once(site, "/etc/letsencrypt/live/cameras.example.org/privkey.pem", str(key))
    site = replace_once(site, "alias /srv/cctv-survey/snapshots/;", f"alias {snapshots}/;")
    (tmp / "site.conf").write_text(site)
    temp = "\n".join(
        f"    {kind}_temp_path {tmp / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = f"""{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {tmp / "nginx.pid"};
error_log {tmp / "error.log"} info;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log {tmp / "access.log"};
{temp}
    include {tmp / "site.conf"};
}}
"""
    (tmp / "nginx.conf").write_text(main)
    return tmp / "nginx.conf", port


def start_nginx(tmp: Path, app_port: int, cert: Path, key: Path, snapshots: Path):
    nginx = require_tool("nginx", "nginx-light")
    conf, port = render_nginx(tmp, app_port, cert, key, snapshots)
    log = tmp / "error.log"
    command = [nginx, "-p", str(tmp), "-c", str(conf), "-e", str(log), "-g", "daemon off;"]
    checked = subprocess.run([*command[:-2], "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    with open(tmp / "nginx.out", "ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=out, start_new_session=True)
    return process, port, log


def render_caddy(tmp: Path, app_port: int, cert: Path, key: Path, snapshots: Path) -> tuple[Path, int]:
    port = free_port()
    text = (DOCS / "Caddyfile").read_text()
    # Test-only globals: no admin port, no redirect listener on :80, state under tmp.
    text = replace_once(
        text,
        "{\n\tservers {",
        f"{{\n\tadmin off\n\tauto_https disable_redirects\n\tstorage file_system {tmp / 'state'}\n\tservers {{",
    )
    text = replace_once(
        text, "cameras.example.org {\n", f"https://{HOST}:{port} {{\n\tbind {HOST}\n\ttls {cert} {key}\n"
    )
    text = replace_once(text, "reverse_proxy 127.0.0.1:8000 {", f"reverse_proxy {HOST}:{app_port} {{")
    text = replace_once(text, "root * /srv/cctv-survey/snapshots", f"root * {snapshots}")
    (tmp / "Caddyfile").write_text(text)
    return tmp / "Caddyfile", port


def start_caddy(tmp: Path, app_port: int, cert: Path, key: Path, snapshots: Path):
    caddy = require_tool("caddy", "caddy")
    conf, port = render_caddy(tmp, app_port, cert, key, snapshots)
    env = {**os.environ, "HOME": str(tmp), "XDG_DATA_HOME": str(tmp / "data"), "XDG_CONFIG_HOME": str(tmp / "cfg")}
    log = tmp / "caddy.log"
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [caddy, "run", "--adapter", "caddyfile", "--config", str(conf)],
            stdout=out,
            stderr=out,
            env=env,
            start_new_session=True,
        )
    return process, port, log


class Stack:
    """gunicorn behind one proxy; requests go over TLS to the proxy from a chosen source address."""

    def __init__(self, name: str, proxy_port: int, app_port: int, cert: Path, snapshots: Path):
        self.name, self.proxy_port, self.app_port, self.snapshots = name, proxy_port, app_port, snapshots
        self.context = ssl.create_default_context(cafile=str(cert))

    def connection(self, source: str = HOST, timeout: float = 10) -> http.client.HTTPSConnection:
        return http.client.HTTPSConnection(
            HOST, self.proxy_port, context=self.context, timeout=timeout, source_address=(source, 0)
        )

    def call(self, method, path, body=None, headers=None, source=HOST, timeout=10):
        conn = self.connection(source, timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.headers, response.read()
        finally:
            conn.close()

    def direct(self, path: str):
        conn = http.client.HTTPConnection(HOST, self.app_port, timeout=10)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()


@pytest.fixture(scope="module", params=["nginx", "caddy"])
def stack(request, database_url, tmp_path_factory):
    name = request.param
    tmp = tmp_path_factory.mktemp(name)
    snapshots = tmp / "snapshots"
    app_port = free_port()
    storage = redis_url()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DATA_DIR": str(tmp / "photos"),
        "INSTANCE_DIR": str(tmp),
        "SECRET_KEY": "deploy-test-secret",
        "TRUSTED_PROXIES": "1",
        "PUBLIC_URL": PUBLIC_URL,
        "SNAPSHOT_DIR": str(snapshots),
        "SNAPSHOT_ACCEL_PREFIX": "/_snapshots/",
        "LOGIN_RATE_LIMIT": "3 per minute",
        "RATELIMIT_STORAGE_URI": storage or "memory://",
        "RATELIMIT_KEY_PREFIX": f"deploy-{uuid.uuid4().hex}",
    }
    app_log = tmp / "gunicorn.log"
    command = [str(REPO / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "--bind", f"{HOST}:{app_port}"]
    with open(app_log, "ab") as out:
        app = subprocess.Popen(
            [*command, "--threads", "2", "wsgi:app"], cwd=REPO, env=env, stdout=out, stderr=out, start_new_session=True
        )
    processes = [app]
    try:
        cert, key = certificate(tmp)
        starter = start_nginx if name == "nginx" else start_caddy
        proxy, proxy_port, proxy_log = starter(tmp, app_port, cert, key, snapshots)
        processes.append(proxy)
        stack = Stack(name, proxy_port, app_port, cert, snapshots)
        stack.rate_limits_shared = bool(storage)
        wait_for(lambda: stack.direct("/api/v1/openapi.json")[0] == 200, "gunicorn", app, app_log)
        wait_for(lambda: stack.call("GET", "/api/v1/openapi.json")[0] == 200, name, proxy, proxy_log)
        yield stack
    finally:
        for process in reversed(processes):
            stop(process)
        _empty_database(database_url, tmp)


def _empty_database(database_url: str, tmp: Path) -> None:
    from survey import create_app
    from survey.extensions import db
    from tests.conftest import _empty_tables, test_config

    app = create_app(test_config(database_url, tmp / "photos"))
    with app.app_context():
        _empty_tables()
        db.engine.dispose()


def multipart_upload(seed: int) -> tuple[bytes, str]:
    fields = {
        "client_id": new_client_id(),
        "device_id": f"deploy-device-{seed}",
        "photo": ("photo0.jpg", photo(51.5033, -0.1196, size=(160, 120), seed=seed), "image/jpeg"),
    }
    return encode_multipart_formdata(fields)


def test_an_upload_through_the_proxy_is_stored(stack):
    body, content_type = multipart_upload(seed=1)
    status, _, answer = stack.call("POST", "/api/v1/sightings", body, {"Content-Type": content_type})
    assert status == 201, answer
    assert json.loads(answer)["id"] > 0


def trickle(stack: Stack, stop_event: threading.Event, started: threading.Barrier) -> None:
    """An upload sent at 4 bytes a second, until told to stop."""
    raw = socket.create_connection((HOST, stack.proxy_port), timeout=30)
    with stack.context.wrap_socket(raw, server_hostname=HOST) as sock:
        head = (
            f"POST /api/v1/sightings HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: 100000\r\n"
            "Content-Type: multipart/form-data; boundary=slowslowslow\r\n\r\n--slowslowslow\r\n"
        )
        sock.sendall(head.encode())
        started.wait(10)
        while not stop_event.wait(1.0):
            sock.sendall(b"abcd")


def test_slow_uploads_wait_on_the_proxy_not_on_gunicorn(stack):
    stop_event, started = threading.Event(), threading.Barrier(11)
    slow = [threading.Thread(target=trickle, args=(stack, stop_event, started), daemon=True) for _ in range(10)]
    for thread in slow:
        thread.start()
    try:
        started.wait(10)
        time.sleep(1.5)  # every slow upload has sent its head and some body: unbuffered, all 4 threads are held
        status, _, page = stack.call("GET", "/map", timeout=5)  # a generous bound: unbuffered, it would be ~never
        assert status == 200 and b"<html" in page.lower()
        assert all(thread.is_alive() for thread in slow)  # the uploads were still trickling meanwhile
    finally:
        stop_event.set()
        for thread in slow:
            thread.join(5)


def bad_login(stack: Stack, source: str, forwarded_for: str | None = None) -> int:
    headers = {"Content-Type": "application/json"}
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    status, answer_headers, body = stack.call("POST", "/api/v1/auth/token", BAD_LOGIN, headers, source=source)
    assert json.loads(body)["code"] == status
    if status == 429:
        assert int(answer_headers["Retry-After"]) > 0
    return status


def test_rate_limits_key_on_the_client_the_proxy_saw(stack):
    if not stack.rate_limits_shared:
        message = "Redis not reachable at 127.0.0.1:6379: install and start the Debian package redis-server"
        if os.environ.get("SURVEY_REQUIRE_TOOLS") == "1":
            pytest.fail(message)
        pytest.skip(message)  # with 2 workers and memory:// each worker counts alone
    # 127.0.0.1 claims to be someone else; the proxy's own hop is what counts.
    assert [bad_login(stack, "127.0.0.1", "203.0.113.9") for _ in range(3)] == [401, 401, 401]
    assert bad_login(stack, "127.0.0.1", "198.51.100.7") == 429  # a new forged address does not reset it
    assert bad_login(stack, "127.0.0.1") == 429
    # Another client is not locked out, even when it claims to be the locked one.
    assert bad_login(stack, "127.0.0.2", "127.0.0.1") == 401
    assert bad_login(stack, "127.0.0.2") == 401


def published_file(stack: Stack, name: str) -> bytes:
    """Build the snapshots (a direct download starts it) and return the current build's file."""
    manifest = stack.snapshots / "current.json"
    deadline = time.monotonic() + 20
    while not manifest.exists():
        assert time.monotonic() < deadline, "no snapshot was built"
        stack.direct("/api/v1/cameras.geojson")
        time.sleep(0.2)
    folder = stack.snapshots / json.loads(manifest.read_text())["folder"]
    # The proxy runs as its own user (www-data, caddy): the build must be readable by others.
    assert folder.stat().st_mode & 0o005 == 0o005 and (folder / name).stat().st_mode & 0o004
    return (folder / name).read_bytes()


def test_snapshots_are_sent_by_the_proxy_with_ranges(stack):
    plain = published_file(stack, "cameras.geojson")
    packed = published_file(stack, "cameras.geojson.gz")
    assert json.loads(plain)["type"] == "FeatureCollection"

    status, headers, body = stack.call("GET", "/api/v1/cameras.geojson")
    assert status == 200 and body == plain  # the app's own answer carries no body: the proxy sent the file
    assert headers["Content-Type"].startswith("application/geo+json")
    assert headers.get("Cache-Control") == "public, max-age=60"
    assert "X-Accel-Redirect" not in headers
    assert headers["Strict-Transport-Security"] == HSTS
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Access-Control-Allow-Origin"] == "*"

    status, headers, body = stack.call("GET", "/api/v1/cameras.geojson", headers={"Range": "bytes=10-40"})
    assert status == 206 and body == plain[10:41]
    assert headers["Content-Range"] == f"bytes 10-40/{len(plain)}"

    status, headers, body = stack.call("GET", "/api/v1/cameras.geojson", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip" and body == packed

    # Caddy's `precompressed br gzip` sends the .br; nginx-light has no brotli_static, so the .gz or the plain file.
    brotli_copy = published_file(stack, "cameras.geojson.br")
    both = {"Accept-Encoding": "gzip, deflate, br"}
    status, headers, body = stack.call("GET", "/api/v1/cameras.geojson", headers=both)
    expected = ("br", brotli_copy) if stack.name == "caddy" else ("gzip", packed)
    assert status == 200 and (headers["Content-Encoding"], body) == expected
    status, headers, body = stack.call("GET", "/api/v1/cameras.geojson", headers={**both, "Range": "bytes=2-9"})
    if stack.name == "caddy":
        assert status == 206 and headers["Content-Encoding"] == "br" and body == brotli_copy[2:10]
    else:  # nginx's gzip_static does not take ranges: the whole .gz, which HTTP allows
        assert status == 200 and headers["Content-Encoding"] == "gzip" and body == packed
    status, headers, body = stack.call("GET", "/api/v1/cameras.geojson", headers={"Accept-Encoding": "br"})
    assert status == 200 and headers.get("Content-Encoding") == ("br" if stack.name == "caddy" else None)
    assert body == (brotli_copy if stack.name == "caddy" else plain)

    status, headers, body = stack.call("GET", "/api/v1/cameras.csv")
    assert status == 200 and body == published_file(stack, "cameras.csv")
    assert headers["Content-Disposition"] == 'attachment; filename="cameras.csv"'


def test_security_headers_and_hsts_survive_the_proxy(stack):
    status, headers, _ = stack.call("GET", "/map")
    assert status == 200
    assert headers["Strict-Transport-Security"] == HSTS
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers.get_all("Strict-Transport-Security") == [HSTS]  # once, not doubled by the proxy


def test_a_body_over_the_proxy_limit_is_a_json_413(stack):
    raw = socket.create_connection((HOST, stack.proxy_port), timeout=20)
    with stack.context.wrap_socket(raw, server_hostname=HOST) as sock:
        head = (
            f"POST /api/v1/sightings HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: {OVER_PROXY_LIMIT}\r\n"
            "Content-Type: multipart/form-data; boundary=big\r\n\r\n"
        )
        sock.sendall(head.encode())
        # Both refuse on the declared length alone: stop sending as soon as an
        # answer is there, or the proxy's close with our bytes unread resets the answer away.
        chunk, sent = b"\0" * 2**16, 0
        sock.settimeout(1)
        while sent < OVER_PROXY_LIMIT and not sock.pending() and not select.select([sock], [], [], 0)[0]:
            try:
                sock.sendall(chunk)
            except OSError:  # the proxy stopped reading: it has answered
                break
            sent += len(chunk)
        sock.settimeout(20)
        response = http.client.HTTPResponse(sock)
        response.begin()
        status, headers, body = response.status, response.headers, response.read()
    assert status == 413
    assert headers["Content-Type"].startswith("application/json")
    answer = json.loads(body)
    assert answer["code"] == 413 and answer["status"] == "Request Entity Too Large"


@pytest.mark.parametrize("stack", ["nginx"], indirect=True)  # only nginx.conf limits uploads itself
def test_nginx_upload_flood_limit_is_a_json_429(stack):
    # 2 a second with a burst of 20: 30 at once from one address go past it.
    answers = [
        stack.call("POST", "/api/v1/sightings", b"", {"Content-Type": "text/plain"}, source="127.0.0.3")
        for _ in range(30)
    ]
    assert all(status < 500 and json.loads(body)["code"] == status for status, _, body in answers)
    refused = [(headers, body) for status, headers, body in answers if status == 429]
    assert refused, [status for status, _, _ in answers]
    assert all(
        headers["Content-Type"] == "application/json" and headers["Retry-After"] == "1" for headers, _ in refused
    )
