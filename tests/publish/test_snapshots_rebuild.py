"""Rebuilds: a download meanwhile gets the previous complete snapshot, bursts coalesce, crashes leave it served."""

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import brotli
import pytest

from survey.extensions import db
from survey.publish import snapshot_files, snapshots
from tests.support import camera

SITE = "https://cameras.example.org/"
URL = "/api/v1/cameras.geojson"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def site(app):
    app.config["PUBLIC_URL"] = SITE
    return app


def first_build(app) -> snapshots.Published:
    camera(app, lat=51.5, lon=-0.1)
    with app.app_context():
        return snapshots.refresh()


class Paused:
    """Holds a build after its first GeoJSON chunk until released, counting the builds begun."""

    def __init__(self, monkeypatch):
        self.started, self.release, self.builds = threading.Event(), threading.Event(), 0
        write, build = snapshot_files.write_text, snapshots._build

        def counted(root):
            self.builds += 1
            return build(root)

        def held(path, chunks):
            def chunks_then_wait():
                for index, chunk in enumerate(chunks):
                    yield chunk
                    if index == 0 and path.name == "cameras.geojson" and not self.release.is_set():
                        self.started.set()
                        assert self.release.wait(60)

            write(path, chunks_then_wait())

        monkeypatch.setattr(snapshot_files, "write_text", held)
        monkeypatch.setattr(snapshots, "_build", counted)


def leftovers(app) -> list[Path]:
    with app.app_context():
        return list(snapshots.snapshot_root().glob(".build-*"))


def test_download_during_a_rebuild_gets_the_previous_complete_snapshot(site, client, monkeypatch):
    old = first_build(site)
    paused = Paused(monkeypatch)
    camera(site, lat=51.6, lon=-0.2)
    during = client.get(URL)  # finds the snapshot behind and starts the build, which then stalls
    assert paused.started.wait(30) and leftovers(site)
    again = client.get(URL)
    for response in (during, again):
        assert response.status_code == 200 and response.data == (old.folder / "cameras.geojson").read_bytes()
        assert json.loads(response.data)["numberReturned"] == 1  # complete, and of one version
    paused.release.set()
    with site.app_context():
        snapshots.wait_for_build()
    after = client.get(URL)
    assert after.json["numberReturned"] == 2 and after.headers["ETag"] != during.headers["ETag"]
    assert not leftovers(site)


def test_a_burst_of_decisions_makes_one_more_build(site, client, monkeypatch):
    first_build(site)
    paused = Paused(monkeypatch)
    camera(site, lat=51.6, lon=-0.2)
    client.get(URL)
    assert paused.started.wait(30)
    for i in range(4):  # decisions while the build runs: each download finds it behind again
        camera(site, lat=52.0 + i, lon=0.1)
        assert client.get(URL).status_code == 200
    builders = [t for t in threading.enumerate() if t.name == "snapshot-build"]
    assert len(builders) == 1
    paused.release.set()
    with site.app_context():
        snapshots.wait_for_build()
        latest = snapshots.published()
        assert latest.version == snapshots.dataset_version.current(db.session)
    assert paused.builds == 2 and latest.count == 6  # the stalled one, then one for all four


class FailingBrotli:
    """The brotli step of a build, failing on its second piece of input."""

    def __init__(self, real):
        self.real, self.calls = real, 0

    def compress(self, data: bytes) -> bytes:
        self.calls += 1
        if self.calls > 1:
            raise MemoryError("brotli gave up")
        return self.real.compress(data)

    def flush(self) -> bytes:
        return self.real.flush()


def fail_in_stream(monkeypatch):
    write = snapshot_files.write_text

    def failing(path, chunks):
        if path.name == "cameras.csv":
            chunks = (chunk if index == 0 else _fail() for index, chunk in enumerate(chunks))
        write(path, chunks)

    monkeypatch.setattr(snapshot_files, "write_text", failing)
    return OSError, "disk gone"


def fail_in_brotli(monkeypatch):
    packer = snapshot_files.packer
    monkeypatch.setattr(
        snapshot_files, "packer", lambda coding: FailingBrotli(packer(coding)) if coding == "br" else packer(coding)
    )
    return MemoryError, "brotli gave up"


@pytest.mark.parametrize("fail", [fail_in_stream, fail_in_brotli], ids=["stream", "brotli"])
def test_an_error_mid_write_leaves_the_previous_snapshot(site, client, monkeypatch, fail):
    old = first_build(site)
    error, message = fail(monkeypatch)
    camera(site, lat=51.6, lon=-0.2)
    with site.app_context(), pytest.raises(error, match=message):
        snapshots.refresh()
    with site.app_context():
        assert snapshots.published() == old
    assert not leftovers(site)
    response = client.get(URL)
    assert response.data == (old.folder / "cameras.geojson").read_bytes()
    packed = client.get(URL, headers={"Accept-Encoding": "br"})
    assert packed.headers["Content-Encoding"] == "br"
    assert packed.data == (old.folder / "cameras.geojson.br").read_bytes()
    assert brotli.decompress(packed.data) == response.data


def _fail():
    raise OSError("disk gone")


KILLED_BUILD = """
import json, os, sys
from survey import create_app
from survey.extensions import db
from survey.publish import snapshot_files, snapshots
app = create_app(json.loads(sys.argv[1]))
write, packer = snapshot_files.write_text, snapshot_files.packer
def dying(path, chunks):
    if path.name == "cameras.csv":
        for index, chunk in enumerate(chunks):
            if index:
                os._exit(9)  # no clean-up at all, as with a kill -9 or a power cut
    write(path, chunks)
class DyingBrotli:
    def __init__(self):
        self.real, self.calls = packer("br"), 0
    def compress(self, data):
        self.calls += 1
        if self.calls > 1:
            os._exit(9)  # inside the brotli step of the first file
        return self.real.compress(data)
if sys.argv[2] == "stream":
    snapshot_files.write_text = dying
else:
    snapshot_files.packer = lambda coding: DyingBrotli() if coding == "br" else packer(coding)
with app.app_context():
    snapshots.refresh()
"""


@pytest.mark.parametrize("where", ["stream", "brotli"])
def test_a_process_killed_mid_write_leaves_the_previous_snapshot(site, client, where):
    old = first_build(site)
    camera(site, lat=51.6, lon=-0.2)
    keys = ("SQLALCHEMY_DATABASE_URI", "DATA_DIR", "SECRET_KEY", "PUBLIC_URL", "SNAPSHOT_SETTLE_S", "TESTING")
    config = {key: site.config[key] for key in keys}
    died = subprocess.run([sys.executable, "-c", KILLED_BUILD, json.dumps(config), where], cwd=ROOT, timeout=120)
    # The first download below must not start a build: one finished before the second would answer it.
    site.config["SNAPSHOT_CHECK_S"] = 3600
    site.extensions["snapshot_checked_at"] = time.monotonic()
    assert died.returncode == 9
    assert leftovers(site)  # half a build on disk, never published
    if where == "brotli":
        assert any(path.glob("cameras.geojson.br") for path in leftovers(site))  # it died with the .br begun
    with site.app_context():
        assert snapshots.published() == old
    packed = client.get(URL, headers={"Accept-Encoding": "br;q=1, gzip;q=0.5"})  # starts no build: checked
    assert packed.headers["Content-Encoding"] == "br"
    assert packed.data == (old.folder / "cameras.geojson.br").read_bytes()
    site.config["SNAPSHOT_CHECK_S"] = 0
    assert client.get(URL).data == (old.folder / "cameras.geojson").read_bytes()
    with site.app_context():
        snapshots.wait_for_build()  # that download started one: the dead builder's lock went with it
        rebuilt = snapshots.refresh(block=False)
    assert rebuilt is not None and rebuilt.count == 2 and not leftovers(site)
