"""The CSV download disarms formulas in SQL (camera_rows.csv_query): it must follow exports.spreadsheet_safe."""

import csv
import io

import pytest

from survey.publish.downloads import spreadsheet_safe
from tests.support import camera

# Every formula start, the characters just around them in code-point order, punctuation that a
# natural-language collation would skip, and ordinary text.
VALUES = [
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    "\tx",
    "\rx",
    "<tag>",
    ">",
    "?",
    "A",
    "Axis",
    "a",
    "Ärger",
    " =1",
    "'quoted",
    "(1)",
    "0800",
    "#1",
    "~x",
    "Council",
]


def test_every_text_cell_follows_spreadsheet_safe(client, app):
    ids = {camera(app, manufacturer=value, operator=value, model=value): value for value in VALUES}
    response = client.get("/api/v1/cameras.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8"), newline="")))
    assert len(rows) == len(VALUES)
    for row in rows:
        value = ids[int(row["id"])]
        assert (row["manufacturer"], row["operator"], row["model"]) == (spreadsheet_safe(value),) * 3, value


@pytest.mark.parametrize("field", ["zone", "signage"])
def test_vocabulary_columns_are_guarded_too(client, app, field):
    camera(app, **{field: "=cmd"})
    response = client.get("/api/v1/cameras.csv")
    (row,) = csv.DictReader(io.StringIO(response.data.decode("utf-8"), newline=""))
    assert row[field] == "'=cmd"


EMBEDDED = [
    ("Council;=cmd|' /C calc'!A0", "Council;'=cmd|' /C calc'!A0"),
    ("a, +1", "a, '+1"),
    ("a|@SUM(A1)", "a|'@SUM(A1)"),
    ("a\t-1", "a\t'-1"),
    ("=x;=y", "'=x;'=y"),
    ("Ops; Ltd", "Ops; Ltd"),  # a separator alone is harmless
    ("2-3", "2-3"),
]


@pytest.mark.parametrize(("value", "safe"), EMBEDDED)
def test_a_formula_after_any_separator_is_disarmed(value, safe):
    assert spreadsheet_safe(value) == safe


def _split_as_a_spreadsheet_would(line: str, separator: str) -> list[str]:
    return next(csv.reader([line], delimiter=separator))


@pytest.mark.parametrize("separator", [";", ",", "\t", "|"])
def test_no_separator_makes_a_formula_cell(client, app, separator):
    ids = {camera(app, operator=value): safe for value, safe in EMBEDDED}
    response = client.get("/api/v1/cameras.csv")
    assert response.status_code == 200
    text = response.data.decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert {int(row["id"]): row["operator"] for row in rows} == ids
    for line in text.splitlines()[1:]:
        cells = _split_as_a_spreadsheet_would(line, separator)
        assert not [cell for cell in cells if cell[:1] in ("=", "+", "@") or cell.startswith("-1")], (separator, line)
    risky = next(line for line in text.splitlines() if "calc" in line)
    assert risky.count('"') >= 2 * 20  # the whole row is quoted, so ; | and tab stay inside its cells
