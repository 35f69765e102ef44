"""The evidence pack: a zip whose PDF lists exactly the operator's cameras, with its data, photos,
README and FOI draft; nothing in it identifies a volunteer, and its photos carry no metadata."""

import csv
import io
import json
import re
import subprocess
import zipfile

import pytest
from pypdf import PdfReader

from survey.extensions import db
from survey.models import Sign
from tests.conftest import require_tool
from tests.publish.test_public_privacy import secrets  # noqa: F401 (a fixture: the privacy scan's planted values)
from tests.support import camera, camera_from_upload

OPERATOR = "Lambeth Council"
# What exiftool may report of a JPEG with no metadata: the file itself and JFIF's pixel density.
FILE_GROUPS = {"ExifTool", "System", "File", "JFIF", "Composite"}


def pack(client, **params) -> zipfile.ZipFile:
    response = client.get("/api/v1/findings/evidence.zip", query_string=params)
    assert response.status_code == 200, response.json
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=evidence-")
    return zipfile.ZipFile(io.BytesIO(response.data))


def member(archive: zipfile.ZipFile, name: str) -> bytes:
    (path,) = [n for n in archive.namelist() if n.endswith("/" + name)]
    return archive.read(path)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def operator_cameras(client, app):
    """Three of the operator's cameras with photos (one spelt in lower case), one without, and others'."""
    ours = [
        camera_from_upload(
            client, app, seed=seed, camera_fields={"operator": op, "signage_class": cls, "nearest_sign_m": m}
        )
        for seed, op, cls, m in (
            (1, OPERATOR, "within_50m", 31.4),
            (2, OPERATOR, "beyond_50m", 77.0),
            (3, "lambeth council", "not_surveyed", None),
        )
    ]
    ids = [made["camera_id"] for made in ours] + [camera(app, operator=OPERATOR, lat=51.49, lon=-0.11)]
    others = [
        camera(app, operator="Transport for London"),
        camera(app, operator=OPERATOR, status="withdrawn"),
        camera(app, operator=OPERATOR, status="removed"),
    ]
    with app.app_context():
        db.session.add_all(
            [
                Sign(lat=51.5034, lon=-0.1197, operator="LAMBETH COUNCIL", purpose="Public safety", has_contact=True),
                Sign(lat=51.5035, lon=-0.1190, operator=OPERATOR, status="withdrawn"),
                Sign(lat=51.5036, lon=-0.1191, operator="Transport for London"),
            ]
        )
        db.session.commit()
    return {"ids": sorted(ids), "with_photos": sorted(ids[:3]), "others": others}


def test_the_pdf_lists_exactly_the_operators_cameras(client, operator_cameras):
    archive = pack(client, operator="lambeth council")
    names = sorted(n.split("/", 1)[1] for n in archive.namelist())
    photos = [f"photos/camera-{i}.jpg" for i in operator_cameras["with_photos"]]
    assert names == sorted(
        [
            "README.txt",
            "foi-request.txt",
            "report.pdf",
            "cameras.csv",
            "cameras.geojson",
            "signs.csv",
            "signs.geojson",
            *photos,
        ]
    )
    text = pdf_text(member(archive, "report.pdf"))
    assert sorted(int(n) for n in re.findall(r"#(\d+)\b", text)) == operator_cameras["ids"]
    assert "Cameras run by Lambeth Council" in text and "4 cameras; 3 with no sign within 50 m" in text
    assert "31 m" in text and "77 m" in text and "Not surveyed for signs" in text
    reader = PdfReader(io.BytesIO(member(archive, "report.pdf")))
    images = sum(len(page.images) for page in reader.pages)
    assert images == 3  # a thumbnail for each camera that has a photo
    assert reader.metadata["/CreationDate"].endswith("000000Z")  # the day, no time of day


def test_the_data_files_hold_the_same_cameras_and_the_operators_signs(client, operator_cameras):
    archive = pack(client, operator=OPERATOR)
    rows = list(csv.DictReader(io.StringIO(member(archive, "cameras.csv").decode())))
    assert sorted(int(r["id"]) for r in rows) == operator_cameras["ids"]
    features = json.loads(member(archive, "cameras.geojson"))["features"]
    assert sorted(f["id"] for f in features) == operator_cameras["ids"]
    signs = json.loads(member(archive, "signs.geojson"))
    assert [f["properties"]["operator"] for f in signs["features"]] == ["LAMBETH COUNCIL"]
    assert signs["license"] == "ODbL-1.0" and signs["features"][0]["geometry"]["coordinates"] == [-0.1197, 51.5034]
    sign_rows = list(csv.DictReader(io.StringIO(member(archive, "signs.csv").decode())))
    assert [(r["purpose"], r["has_contact"]) for r in sign_rows] == [("Public safety", "true")]
    readme = member(archive, "README.txt").decode()
    assert "ODbL-1.0" in readme and "cctv-survey volunteers" in readme and "4 cameras" in readme


def test_the_foi_draft_lists_the_cameras_and_asks_what_campaigners_ask(client, operator_cameras):
    letter = member(pack(client, operator=OPERATOR), "foi-request.txt").decode()
    assert sorted(int(n) for n in re.findall(r"^\d+\. Camera (\d+) at", letter, re.M)) == operator_cameras["ids"]
    for asked in (
        "make and model",
        "face recognition",
        "live feeds",
        "impact assessment",
        "retention",
        "signage policy",
    ):
        assert asked in letter, asked
    assert letter.startswith("To: Lambeth Council")


def test_the_packs_photos_carry_no_metadata(client, operator_cameras, tmp_path):
    exiftool = require_tool("exiftool", "libimage-exiftool-perl")
    archive = pack(client, operator=OPERATOR)
    archive.extractall(tmp_path / "pack")
    photos = sorted(str(p) for p in (tmp_path / "pack").rglob("*.jpg"))
    assert len(photos) == 3
    out = subprocess.run([exiftool, "-j", "-a", "-G1", *photos], capture_output=True, text=True, check=True, timeout=60)
    found = {tag.split(":")[0] for entry in json.loads(out.stdout) for tag in entry if tag != "SourceFile"}
    assert found and found <= FILE_GROUPS, found - FILE_GROUPS


def test_nothing_in_the_pack_identifies_a_volunteer(client, secrets):  # noqa: F811
    shown, private = secrets
    archive = pack(client, operator=OPERATOR)  # the planted camera's operator
    assert any(n.endswith(f"camera-{shown['camera_id']}.jpg") for n in archive.namelist())
    for name in archive.namelist():
        data = archive.read(name)
        # timeStamp says when the download was made (now), as in every public GeoJSON: not who or when they walked.
        texts = [re.sub(r'"timeStamp": ?"[^"]*"', "", data.decode("latin-1"))]
        if name.endswith(".pdf"):
            reader = PdfReader(io.BytesIO(data))
            texts += [pdf_text(data), str(reader.metadata)]
        if name.endswith(".jpg"):
            assert b"Exif" not in data and b"GPS" not in data and b"TestPhone" not in data, name
        for text in texts:
            leaks = sorted(value for value in private if value in text)
            assert leaks == [], f"{name} leaks {leaks}"
            if not name.endswith(".jpg"):
                assert not re.search(r"client_id|receipt|volunteer_key|device_|exif_|accuracy|submitted", text), name
    assert client.get("/api/v1/findings/evidence.zip?operator=WITHDRAWN-secret-operator").status_code == 404


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("", 400),
        ("operator=", 400),
        ("operator=Nobody%20at%20all", 404),
        ("operator=x&status=gone", 400),
        ("operator=x&bbox=1", 400),
    ],
)
def test_a_bad_request_is_refused_before_the_first_byte(client, operator_cameras, query, status):
    response = client.get(f"/api/v1/findings/evidence.zip?{query}")
    assert response.status_code == status and response.mimetype == "application/json"
    assert response.json["code"] == status and response.json["message"]


def test_only_removed_cameras_need_status_all(client, app):
    camera(app, operator="Gone Ltd", status="removed")
    assert client.get("/api/v1/findings/evidence.zip?operator=Gone%20Ltd").status_code == 404
    archive = pack(client, operator="gone ltd", status="all")
    assert "1 camera; 1 with no sign within 50 m" in pdf_text(member(archive, "report.pdf"))


def test_a_name_beyond_latin_1_still_makes_a_readable_pdf(client, app):
    # Lower-case beyond ASCII: SQLite's lower() folds ASCII only, which every camera filter meets alike.
    camera(app, operator="Zürich ωmega Ltd", lat=-16.5, lon=179.99)
    camera(app, operator="Zürich ωmega Ltd", lat=-16.5, lon=-179.99)  # across the antimeridian
    archive = pack(client, operator="zürich ωmega ltd")
    assert "Cameras run by Zürich ?mega Ltd" in pdf_text(member(archive, "report.pdf"))
    assert archive.namelist()[0].startswith("zurich-mega-ltd/")
