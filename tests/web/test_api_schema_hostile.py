"""The hostile afternoon's values (issue 15) as schemathesis cases: each request is checked like a
generated one (no 5xx, a declared status, content type and body), on top of the random cases of
tests/web/test_api_schema.py, which would almost never hit these exact values."""

import base64
import json

import pytest
import schemathesis

from tests.support import camera_from_upload, submit
from tests.web.test_api_schema import CHECKS, SPECS


def _cursor(sort: str, key: list) -> str:
    return base64.urlsafe_b64encode(json.dumps({"s": sort, "k": key}).encode()).decode().rstrip("=")


FAR_OFFSET = "9999-12-31T23:59:59-14:00"  # parses, but is in year 10000 once in UTC
# (operation label, query) pairs; {receipt} and {sighting} are filled in with a real sighting's.
CASES = [
    ("GET /api/v1/cameras.geojson", {"updated_since": "0001-01-01T00:00:00+14:00"}),
    ("GET /api/v1/cameras.geojson", {"updated_since": FAR_OFFSET}),
    ("GET /api/v1/cameras.geojson", {"operator": "\x00"}),
    ("GET /api/v1/cameras.csv", {"operator": "\x00"}),
    ("GET /api/v1/cameras.csv", {"manufacturer": "a\r\nSet-Cookie: x=1"}),
    ("GET /api/v1/moderation/sightings", {"cursor": _cursor("oldest", [FAR_OFFSET, 1])}),
    ("GET /api/v1/moderation/sightings", {"cursor": _cursor("oldest", ["2026-01-01T00:00:00", 1])}),  # no offset
    ("GET /api/v1/moderation/sightings", {"sort": "likely_repeat", "cursor": _cursor("likely_repeat", [1e308, 1])}),
    ("GET /api/v1/moderation/sightings", {"sort": "likely_repeat", "cursor": _cursor("likely_repeat", [0.5, 2**70])}),
    ("GET /api/v1/moderation/sightings", {"max_age_hours": "1e309"}),
    ("GET /api/v1/moderation/sightings", {"bbox": "179,-1,-179,1", "sort": "likely_repeat"}),  # over the antimeridian
    ("GET /api/v1/moderation/audit", {"cursor": "\x00"}),
    ("GET /api/v1/sightings/{sighting}", {"receipt": "{receipt}"}),  # never from the URL
]


@pytest.mark.parametrize(("label", "query"), CASES, ids=[f"{label} {sorted(q)}" for label, q in CASES])
def test_hostile_values_answer_within_the_spec(app, client, admin, label, query):
    camera_from_upload(client, app, seed=1)
    sighting = submit(client, seed=7)
    schema = schemathesis.openapi.from_wsgi(SPECS["api"], app)
    path_parameters = {}
    if "{sighting}" in label:
        label = label.replace("{sighting}", "{sighting_id}")
        path_parameters = {"sighting_id": sighting["id"]}
    operation = schema.find_operation_by_label(label)
    query = {k: v.replace("{receipt}", sighting["receipt"]) for k, v in query.items()}
    case = operation.Case(query=query, path_parameters=path_parameters, headers=dict(admin))
    response = case.call_and_validate(checks=CHECKS)
    assert 400 <= response.status_code < 500 or response.status_code == 200, response.status_code
    if "cursor" in query or "receipt" in query or "max_age_hours" in query:
        assert response.status_code == 400, response.text
