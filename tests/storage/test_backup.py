"""`flask backup PATH` then `flask restore PATH` rebuild a working service: every row, every hash."""

import hashlib
import json
from pathlib import Path

from survey import create_app
from tests.conftest import test_config as settings_for
from tests.dbtools import all_rows, empty_database
from tests.factories import new_client_id, photo, upload

LONDON = (51.5033, -0.1196)


def _hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def test_backup_and_restore_rebuild_every_row_and_file(client, app, runner, database_url, tmp_path):
    sent = [
        upload(client, photo(LONDON[0] + i / 1000, LONDON[1], seed=i), client_id=new_client_id(), notes=f"n{i}")
        for i in range(3)
    ]
    assert [r.status_code for r in sent] == [201, 201, 201]
    result = runner.invoke(args=["backup", str(tmp_path / "bk")])
    assert result.exit_code == 0, result.output
    assert "9 files" in result.output
    assert runner.invoke(args=["backup", str(tmp_path / "bk")]).exit_code != 0  # never overwrites a backup
    with empty_database(tmp_path) as url:
        restored = create_app(settings_for(url, tmp_path / "restored-photos"))
        restore = restored.test_cli_runner().invoke(args=["restore", str(tmp_path / "bk")])
        assert restore.exit_code == 0, restore.output
        assert all_rows(url) == all_rows(database_url)
        assert _hashes(tmp_path / "restored-photos") == _hashes(Path(app.config["DATA_DIR"]))
        again = restored.test_cli_runner().invoke(args=["restore", str(tmp_path / "bk")])
        assert again.exit_code != 0 and "empty database" in again.output
        _service_works(restored, sent[0].json)
        with restored.app_context():
            from survey.extensions import db

            db.engine.dispose()


def _service_works(restored, first: dict) -> None:
    web = restored.test_client()
    old = web.get(f"/api/v1/sightings/{first['id']}", headers={"X-Receipt": first["receipt"]})
    assert old.status_code == 200 and old.json["notes"] == "n0"
    new = upload(web, photo(48.85, 2.29, seed=9), client_id=new_client_id())
    assert new.status_code == 201, new.json
    assert new.json["id"] > first["id"] + 1  # sequences came back too
    assert restored.test_cli_runner().invoke(args=["storage", "check"]).exit_code == 0


def test_damaged_backup_is_refused_before_anything_is_written(client, app, runner, tmp_path):
    assert upload(client, photo(*LONDON), client_id=new_client_id()).status_code == 201
    assert runner.invoke(args=["backup", str(tmp_path / "bk")]).exit_code == 0
    victim = next(p for p in (tmp_path / "bk" / "photos").rglob("*") if p.is_file())
    victim.write_bytes(b"bit rot")
    with empty_database(tmp_path) as url:
        restored = create_app(settings_for(url, tmp_path / "restored-photos"))
        result = restored.test_cli_runner().invoke(args=["restore", str(tmp_path / "bk")])
        assert result.exit_code != 0 and "damaged" in result.output
        assert not (tmp_path / "restored-photos").exists()
        assert all(rows == [] for rows in all_rows(url).values())
        with restored.app_context():
            from survey.extensions import db

            db.engine.dispose()


def test_a_missing_photo_stops_the_backup_naming_it_and_leaves_nothing(client, app, runner, tmp_path):
    assert upload(client, photo(*LONDON, seed=7), client_id=new_client_id()).status_code == 201
    originals = sorted((Path(app.config["DATA_DIR"]) / "originals").rglob("*.*"))
    assert originals
    gone = originals[0]
    gone.unlink()
    result = runner.invoke(args=["backup", str(tmp_path / "bk")])
    assert result.exit_code != 0 and gone.name in result.output and "missing" in result.output
    assert list(tmp_path.glob("bk*")) == [] and list(tmp_path.glob(".bk*")) == []  # nothing half-written
    kept = runner.invoke(args=["backup", str(tmp_path / "bk"), "--allow-missing"])  # a re-run is not refused
    assert kept.exit_code == 0, kept.output
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    assert [Path(key).name for key in manifest["missing"]] == [gone.name]
    assert len(manifest["files"]) == 2 and list(tmp_path.glob(".bk*")) == []
