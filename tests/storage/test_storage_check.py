"""`flask storage check`: orphans, crash leftovers, missing and altered files."""

from pathlib import Path

from sqlalchemy import select

from survey.extensions import db
from survey.models import Photo
from survey.storage.check import check_storage
from tests.support import submit

LONDON = (51.5033, -0.1196)


def test_clean_store_reports_clean(client, app, runner):
    submit(client)
    result = runner.invoke(args=["storage", "check"])
    assert result.exit_code == 0, result.output
    assert "checked=3 unreferenced=0 temporaries=0 missing=0 corrupt=0" in result.output


def test_orphans_and_temporaries_are_reported_then_repaired(client, app, runner):
    submit(client)
    root = Path(app.config["DATA_DIR"])
    orphan = root / "originals" / "ab" / ("ab" + "0" * 62 + ".jpg")
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"left by a crash between file write and commit")
    temporary = root / "display" / ".tmp-x1y2"
    temporary.write_bytes(b"half")
    result = runner.invoke(args=["storage", "check"])
    assert result.exit_code == 1
    assert f"unreferenced originals/ab/{orphan.name}" in result.output
    assert "temporary display/.tmp-x1y2" in result.output
    young = runner.invoke(args=["storage", "check", "--repair"])  # default min age keeps fresh files
    assert orphan.exists() and "removed=0" in young.output
    repaired = runner.invoke(args=["storage", "check", "--repair", "--min-age", "0"])
    assert "removed=2" in repaired.output and repaired.exit_code == 0, repaired.output
    assert not orphan.exists() and not temporary.exists()
    assert len([p for p in root.rglob("*") if p.is_file()]) == 3
    assert runner.invoke(args=["storage", "check"]).exit_code == 0


def test_missing_and_altered_files_are_reported_not_deleted(client, app, runner):
    submit(client, seed=1)
    submit(client, seed=2)
    with app.app_context():
        first, second = db.session.scalars(select(Photo).order_by(Photo.id)).all()
        root = Path(app.config["DATA_DIR"])
        (root / first.thumb_key).unlink()
        (root / second.original_key).write_bytes(b"tampered")
        report = check_storage(repair=True, min_age_s=0)
        assert report.missing == [(first.id, first.thumb_key)]
        assert report.corrupt == [(second.id, second.original_key)]
        assert report.removed == [] and (root / second.original_key).exists()
    result = runner.invoke(args=["storage", "check"])
    assert result.exit_code == 1
    assert f"missing photo={first.id} {first.thumb_key}" in result.output
    assert f"hash-mismatch photo={second.id} {second.original_key}" in result.output
