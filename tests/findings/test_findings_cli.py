"""`flask findings evidence` and `flask findings summary`, through the CLI runner."""

import io
import re
import zipfile

from pypdf import PdfReader

from tests.support import camera


def test_the_evidence_pack_is_written_to_a_file(runner, app, tmp_path):
    ours = sorted(camera(app, operator="Grand Arcade", lat=52.2 + i / 1000) for i in range(3))
    camera(app, operator="Police")
    target = tmp_path / "pack.zip"
    result = runner.invoke(args=["findings", "evidence", "grand arcade", str(target)])
    assert result.exit_code == 0, result.output
    assert "3 cameras" in result.output
    with zipfile.ZipFile(target) as archive:
        (report,) = [n for n in archive.namelist() if n.endswith("report.pdf")]
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(archive.read(report))).pages)
    assert sorted(int(n) for n in re.findall(r"#(\d+)\b", text)) == ours
    assert [p.name for p in tmp_path.iterdir()] == ["pack.zip"]  # no temporary file left beside it


def test_an_unknown_operator_writes_nothing(runner, app, tmp_path):
    result = runner.invoke(args=["findings", "evidence", "Nobody", str(tmp_path / "pack.zip")])
    assert result.exit_code == 1 and "names the operator 'Nobody'" in result.output
    assert list(tmp_path.iterdir()) == []
    bad = runner.invoke(args=["findings", "evidence", "Nobody", str(tmp_path / "x.zip"), "--status", "gone"])
    assert bad.exit_code == 2 and "status" in bad.output


def test_the_summary_is_printed(runner, app):
    camera(app, manufacturer="Dahua", signage_class="within_50m")
    camera(app, manufacturer="Dahua")
    result = runner.invoke(args=["findings", "summary"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "2 cameras; 1 (50%) has no sign within 50 m (1 of them on streets not yet surveyed for signs); 2 are made by Dahua"
    )
    assert runner.invoke(args=["findings", "summary", "--area", "12345"]).exit_code == 1
