"""Unfiltered downloads served from snapshot files: the same bytes as the streams, validators from the data version."""

import gzip
import json

import brotli
import pytest

from survey import dataset_version
from survey.extensions import db
from survey.models import Sign
from survey.publish import downloads, snapshots
from survey.publish.geopackage import geopackage_bytes
from tests.factories import new_client_id, photo, upload
from tests.gdal import feature_count, features, ogrinfo
from tests.support import camera, camera_from_upload

SITE = "https://cameras.example.org/"
PATHS = {fmt: f"/api/v1/cameras.{fmt}" for fmt in snapshots.FILES}


@pytest.fixture
def site(app):
    """Snapshots need PUBLIC_URL: their links cannot follow each request's Host."""
    app.config["PUBLIC_URL"] = SITE
    return app


def approve_new(client, mod, lat: float, lon: float) -> int:
    """A real decision: a volunteer's upload approved by a moderator as a new camera."""
    sent = upload(
        client, photo(size=(320, 240), seed=int(lat * 1000) % 97), client_id=new_client_id(), lat=lat, lon=lon
    )
    assert sent.status_code == 201, sent.json
    approved = client.post(f"/api/v1/moderation/sightings/{sent.json['id']}/approve", json={}, headers=mod)
    assert approved.status_code == 200, approved.json
    return approved.json["camera"]["id"]


def built(app) -> snapshots.Published:
    with app.app_context():
        build = snapshots.refresh()
    assert build is not None
    return build


def test_first_download_streams_and_starts_a_build(site, client):
    camera(site, lat=51.5, lon=-0.1)
    first = client.get(PATHS["geojson"])
    assert first.status_code == 200 and first.headers["ETag"].startswith('W/"')  # streamed
    with site.app_context():
        snapshots.wait_for_build()
        build = snapshots.published()
    assert build is not None and build.count == 1
    second = client.get(PATHS["geojson"])
    assert second.status_code == 200 and not second.headers["ETag"].startswith("W/")
    assert second.data == (build.folder / "cameras.geojson").read_bytes()
    assert second.json["numberReturned"] == 1


def test_snapshot_bytes_equal_the_streams(site, client):
    camera(site, lat=51.5, lon=-0.1, operator="Ville de Liège")
    camera(site, lat=48.8, lon=2.3, operator="=cmd|x")  # the CSV's formula guard runs in both paths
    camera(site, lat=51.6, lon=-0.2, status="removed")
    camera_from_upload(client, site)  # one with a photo: its links are in the files too
    build = built(site)
    with site.test_request_context():
        for fmt in ("geojson", "csv", "osm"):
            streamed = "".join(downloads.STREAMS[fmt](snapshots.UNFILTERED, SITE, stamp=build.stamp)).encode()
            plain = (build.folder / snapshots.FILES[fmt]).read_bytes()
            assert plain == streamed, fmt
            assert gzip.decompress((build.folder / f"{snapshots.FILES[fmt]}.gz").read_bytes()) == plain
            assert brotli.decompress((build.folder / f"{snapshots.FILES[fmt]}.br").read_bytes()) == plain
        packed = geopackage_bytes(snapshots.UNFILTERED, SITE, stamp=build.stamp)
        assert (build.folder / "cameras.gpkg").read_bytes() == packed
    collection = json.loads((build.folder / "cameras.geojson").read_text())
    assert collection["numberReturned"] == build.count == 3
    assert all(f["properties"]["url"].startswith(SITE) for f in collection["features"])


@pytest.mark.parametrize("fmt", list(snapshots.FILES))
def test_served_as_file_with_ranges_and_304(site, client, fmt):
    camera(site, lat=51.5, lon=-0.1)
    build = built(site)
    whole = client.get(PATHS[fmt])
    assert whole.status_code == 200 and whole.data == (build.folder / snapshots.FILES[fmt]).read_bytes()
    assert whole.headers["Accept-Ranges"] == "bytes" and int(whole.headers["Content-Length"]) == len(whole.data)
    part = client.get(PATHS[fmt], headers={"Range": "bytes=10-19"})
    assert part.status_code == 206 and part.data == whole.data[10:20]
    etag = whole.headers["ETag"]
    again = client.get(PATHS[fmt], headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    since = client.get(PATHS[fmt], headers={"If-Modified-Since": whole.headers["Last-Modified"]})
    assert since.status_code == 304


@pytest.mark.parametrize("fmt", ["geojson", "csv", "osm"])
def test_gzip_is_the_file_made_once(site, client, fmt):
    camera(site, lat=51.5, lon=-0.1)
    build = built(site)
    packed = client.get(PATHS[fmt], headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    assert packed.data == (build.folder / f"{snapshots.FILES[fmt]}.gz").read_bytes()
    plain = client.get(PATHS[fmt], headers={"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in plain.headers and gzip.decompress(packed.data) == plain.data
    assert packed.headers["ETag"] != plain.headers["ETag"]  # strong validators: other bytes, other tag


@pytest.mark.parametrize("fmt", ["geojson", "csv", "osm"])
def test_brotli_is_the_file_made_once(site, client, fmt):
    camera(site, lat=51.5, lon=-0.1, operator="Ville de Liège")
    build = built(site)
    packed = client.get(PATHS[fmt], headers={"Accept-Encoding": "br"})
    assert packed.status_code == 200 and packed.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert packed.data == (build.folder / f"{snapshots.FILES[fmt]}.br").read_bytes()
    plain = client.get(PATHS[fmt], headers={"Accept-Encoding": "identity"})
    assert brotli.decompress(packed.data) == plain.data == (build.folder / snapshots.FILES[fmt]).read_bytes()
    gzipped = client.get(PATHS[fmt], headers={"Accept-Encoding": "gzip"})
    assert len({packed.headers["ETag"], gzipped.headers["ETag"], plain.headers["ETag"]}) == 3


# Accept-Encoding -> the coding sent (None: the identity file).
NEGOTIATION = {
    "br": "br",
    "gzip": "gzip",
    "gzip, br": "br",  # equal q: brotli's copy is the smaller
    "br;q=0.5, gzip;q=0.5": "br",
    "br;q=1.0, gzip;q=0.8": "br",
    "br;q=0.5, gzip": "gzip",  # the client's q-values come first
    "BR;Q=0.9, gzip;q=0.1": "br",
    "br;q=0": None,
    "br;q=0, gzip": "gzip",
    "br;q=0, *": "gzip",  # a coding named with q=0 stays refused whatever `*` says
    "gzip;q=0, br;q=0": None,
    "*": "br",
    "*;q=0.3, gzip;q=0.6": "gzip",
    "gzip, *;q=0": "gzip",
    "*;q=0": None,
    "identity": None,
    "deflate, compress": None,
    "": None,
}


@pytest.mark.parametrize("accept", list(NEGOTIATION))
def test_accept_encoding_negotiation(site, client, accept):
    camera(site, lat=51.5, lon=-0.1)
    build = built(site)
    expected = NEGOTIATION[accept]
    response = client.get(PATHS["geojson"], headers={"Accept-Encoding": accept})
    assert response.status_code == 200 and response.headers.get("Content-Encoding") == expected
    assert "Accept-Encoding" in response.headers["Vary"]
    suffix = {"br": ".br", "gzip": ".gz", None: ""}[expected]
    assert response.data == (build.folder / f"cameras.geojson{suffix}").read_bytes()


def test_no_accept_encoding_is_identity_and_the_geopackage_has_no_coding(site, client):
    camera(site, lat=51.5, lon=-0.1)
    build = built(site)
    bare = client.get(PATHS["geojson"])
    assert "Content-Encoding" not in bare.headers and bare.data == (build.folder / "cameras.geojson").read_bytes()
    package = client.get(PATHS["gpkg"], headers={"Accept-Encoding": "br, gzip"})
    assert "Content-Encoding" not in package.headers and "Accept-Encoding" in package.headers["Vary"]
    assert package.data == (build.folder / "cameras.gpkg").read_bytes()


def test_brotli_ranges_and_304(site, client):
    camera(site, lat=51.5, lon=-0.1)
    build = built(site)
    br = {"Accept-Encoding": "gzip, deflate, br"}  # what browsers send
    whole = client.get(PATHS["csv"], headers=br)
    packed = (build.folder / "cameras.csv.br").read_bytes()
    assert whole.headers["Content-Encoding"] == "br" and whole.data == packed
    # A range of a coded response is of the coded bytes (RFC 9110 14.1.1): the .br file's.
    part = client.get(PATHS["csv"], headers={**br, "Range": "bytes=3-9"})
    assert part.status_code == 206 and part.data == packed[3:10] and part.headers["Content-Encoding"] == "br"
    assert part.headers["Content-Range"] == f"bytes 3-9/{len(packed)}"
    etag = whole.headers["ETag"]
    assert etag.endswith('-br"') and not etag.startswith("W/")
    again = client.get(PATHS["csv"], headers={**br, "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert "Accept-Encoding" in again.headers["Vary"]  # a 304 names its variant by ETag and Vary (RFC 9110 15.4.5)
    # The brotli tag does not validate the gzip bytes a cache would get for another client.
    other = client.get(PATHS["csv"], headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert other.status_code == 200 and other.data == (build.folder / "cameras.csv.gz").read_bytes()
    # If-Range with the identity file's tag: the client's piece is of other bytes, so it gets the whole.
    plain_tag = client.get(PATHS["csv"]).headers["ETag"]
    mixed = client.get(PATHS["csv"], headers={**br, "Range": "bytes=3-9", "If-Range": plain_tag})
    assert mixed.status_code == 200 and mixed.data == packed


def test_a_build_from_before_brotli_is_served_with_gzip_and_rebuilt(site, client):
    camera(site, lat=51.5, lon=-0.1)
    build = built(site)
    with site.app_context():
        manifest = snapshots.snapshot_root() / snapshots.MANIFEST
    old = json.loads(manifest.read_text())
    del old["codings"]
    manifest.write_text(json.dumps(old))
    for fmt in ("geojson", "csv", "osm"):
        (build.folder / f"{snapshots.FILES[fmt]}.br").unlink()
    legacy = client.get(PATHS["geojson"], headers={"Accept-Encoding": "br, gzip"})
    assert legacy.status_code == 200 and legacy.headers["Content-Encoding"] == "gzip"
    assert legacy.data == (build.folder / "cameras.geojson.gz").read_bytes()
    with site.app_context():
        snapshots.wait_for_build()  # that download found the build short of a coding and started one
        new = snapshots.published()
    assert new.folder != build.folder and new.version == build.version and new.codings == ("br", "gzip")
    upgraded = client.get(PATHS["geojson"], headers={"Accept-Encoding": "br, gzip"})
    assert upgraded.headers["Content-Encoding"] == "br"
    assert brotli.decompress(upgraded.data) == (new.folder / "cameras.geojson").read_bytes()


def test_a_decision_changes_the_snapshot_and_the_etag(site, client, mod):
    approve_new(client, mod, 51.50, -0.10)
    old = built(site)
    before = client.get(PATHS["geojson"])
    assert before.json["numberReturned"] == 1
    approve_new(client, mod, 51.52, -0.12)
    # Until the new build is in, the previous complete one answers, with its own validators.
    stale = client.get(PATHS["geojson"], headers={"If-None-Match": before.headers["ETag"]})
    with site.app_context():
        snapshots.wait_for_build()
        new = snapshots.published()
    assert stale.status_code in (200, 304) and new.version.number == old.version.number + 1
    after = client.get(PATHS["geojson"], headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    assert after.json["numberReturned"] == 2 and after.data == (new.folder / "cameras.geojson").read_bytes()
    assert not old.folder.exists() or old.folder != new.folder


def test_camera_edit_and_status_change_bump_the_version(site, client, mod):
    camera_id = approve_new(client, mod, 51.50, -0.10)
    first = built(site)
    edited = client.patch(f"/api/v1/moderation/cameras/{camera_id}", json={"operator": "TfL"}, headers=mod)
    assert edited.status_code == 200, edited.json
    second = built(site)
    assert second.version.number == first.version.number + 1
    assert json.loads((second.folder / "cameras.geojson").read_text())["features"][0]["properties"]["operator"] == "TfL"
    removed = client.patch(f"/api/v1/moderation/cameras/{camera_id}", json={"status": "removed"}, headers=mod)
    assert removed.status_code == 200, removed.json
    third = built(site)
    assert third.version.number == second.version.number + 1 and third.count == 0


def test_a_refused_decision_leaves_the_version(site, client, mod):
    camera_id = approve_new(client, mod, 51.50, -0.10)
    with site.app_context():
        before = snapshots.dataset_version.current(db.session)
    stale = client.patch(f"/api/v1/moderation/cameras/{camera_id}", json={"operator": "X", "version": 99}, headers=mod)
    assert stale.status_code == 409
    with site.app_context():
        assert snapshots.dataset_version.current(db.session) == before


def test_filtered_downloads_stream_with_version_validators(site, client):
    camera(site, lat=51.5, lon=-0.1, manufacturer="Axis")
    built(site)
    url = f"{PATHS['geojson']}?manufacturer=axis"
    first = client.get(url)
    assert first.status_code == 200 and first.headers["ETag"].startswith('W/"')
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    # The query is normalised: a default spelled out is the same download, so the same tag.
    same = client.get(f"{url}&status=active", headers={"If-None-Match": first.headers["ETag"]})
    assert same.status_code == 304
    assert client.get(f"{url}&status=all", headers={"If-None-Match": first.headers["ETag"]}).status_code == 200
    camera(site, lat=51.6, lon=-0.2, manufacturer="Axis")
    changed = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.json["numberReturned"] == 2


def test_proxy_offload_names_the_file(site, client):
    site.config["SNAPSHOT_ACCEL_PREFIX"] = "/_snapshots/"
    camera(site, lat=51.5, lon=-0.1)
    build = built(site)
    response = client.get(PATHS["csv"])
    assert response.status_code == 200 and response.data == b""
    target = response.headers["X-Accel-Redirect"]
    assert target == f"/_snapshots/{build.folder.name}/cameras.csv"
    with site.app_context():
        assert (snapshots.snapshot_root() / target.removeprefix("/_snapshots/")).is_file()
    assert response.headers["Content-Disposition"] == 'attachment; filename="cameras.csv"'
    # The proxy drops our Content-Encoding, so it gets the plain file's name and picks the .gz itself.
    for accept in ("gzip", "br", "br, gzip"):
        packed = client.get(PATHS["csv"], headers={"Accept-Encoding": accept})
        assert packed.headers["X-Accel-Redirect"] == target and "Content-Encoding" not in packed.headers
        assert "Accept-Encoding" in packed.headers["Vary"]


def test_ogc_count_comes_from_the_current_snapshot(site, client, monkeypatch):
    camera(site, lat=51.5, lon=-0.1)
    camera(site, lat=51.6, lon=-0.2)
    built(site)
    monkeypatch.setattr(db.session, "scalar", lambda *a, **k: pytest.fail("the count was recomputed"))
    page = client.get("/ogcapi/collections/cameras/items?f=json&limit=1")
    assert page.status_code == 200 and page.json["numberMatched"] == 2


def test_without_public_url_everything_streams(app, client):
    camera(app, lat=51.5, lon=-0.1)
    response = client.get(PATHS["geojson"])
    assert response.status_code == 200 and response.headers["ETag"].startswith('W/"')
    with app.app_context():
        assert not snapshots.snapshot_root().exists()


def test_cli_builds_the_snapshot(site, runner):
    camera(site, lat=51.5, lon=-0.1)
    result = runner.invoke(args=["export", "snapshots"])
    assert result.exit_code == 0, result.output
    with site.app_context():
        build = snapshots.published()
    assert build.count == 1 and f"in {build.folder}" in result.output
    site.config["PUBLIC_URL"] = ""
    refused = runner.invoke(args=["export", "snapshots"])
    assert refused.exit_code == 2 and "PUBLIC_URL" in refused.output


def test_a_file_download_reads_the_data_version_at_most_once_a_check_interval(site, client):
    camera(site, lat=51.5, lon=-0.1)
    built(site)
    site.config["SNAPSHOT_CHECK_S"] = 3600
    first = client.get(PATHS["geojson"])  # this one checks, and finds the snapshot current
    camera(site, lat=51.6, lon=-0.2)
    second = client.get(PATHS["geojson"])  # within the interval: the file, no database read
    assert second.headers["ETag"] == first.headers["ETag"] and second.json["numberReturned"] == 1
    assert site.extensions.get("snapshot_builder") is None  # nothing noticed, nothing started
    site.config["SNAPSHOT_CHECK_S"] = 0
    client.get(PATHS["geojson"])
    with site.app_context():
        snapshots.wait_for_build()
    assert client.get(PATHS["geojson"]).json["numberReturned"] == 2


def test_the_snapshot_geopackage_holds_the_signs_layer(site, client, tmp_path):
    camera(site, lat=51.5, lon=-0.1)
    with site.app_context():
        db.session.add_all([Sign(lat=51.5001, lon=-0.1001, operator="Lambeth Council", has_contact=True)])
        dataset_version.bump(db.session)  # as a sign decision does
        db.session.commit()
        sign_id = db.session.query(Sign.id).scalar()
    build = built(site)
    report = ogrinfo(str(build.folder / "cameras.gpkg"))
    cameras_part, signs_part = report.split("Layer name: signs")
    assert feature_count(cameras_part) == 1 and feature_count(signs_part) == 1
    assert list(features(signs_part)) == [sign_id] and "has_contact (Integer(Boolean)) = 1" in signs_part
    served = client.get(PATHS["gpkg"])
    assert served.status_code == 200 and served.data == (build.folder / "cameras.gpkg").read_bytes()
