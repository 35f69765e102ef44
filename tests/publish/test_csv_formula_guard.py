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
