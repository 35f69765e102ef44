"""schemathesis against the served OpenAPI specs: no 500s, and every response matches the spec.

Every operation in /api/v1/openapi.json and in the OGC API's own definition (/ogcapi/api?f=json)
is exercised with generated valid and invalid requests (API_FUZZ_CASES per operation, 25 here).
Responses must not be 5xx and must match the status codes, content types and schemas the spec declares.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate as validate_openapi
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from survey import create_app
from tests.support import bearer, camera_from_upload, submit, token_for

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]
EXAMPLES = int(os.environ.get("API_FUZZ_CASES", "25"))
SPECS = {"api": "/api/v1/openapi.json", "ogcapi": "/ogcapi/api?f=json"}
# Public pages of one camera: random ids almost never hit a real one, so some cases use a published id.
CAMERA_PAGES = {
    "GET /api/v1/cameras/{camera_id}": "camera_id",
    "GET /collections/cameras/items/{featureId}": "featureId",
    "PATCH /api/v1/moderation/cameras/{camera_id}": "camera_id",
}
# Likewise a moderator's routes of one sighting get the pending one, so their 200 bodies are checked too.
SIGHTING_PAGES = {
    f"{method} /api/v1/moderation/sightings/{{sighting_id}}{tail}": "sighting_id"
    for method, tail in (("GET", ""), ("PATCH", ""), ("POST", "/approve"), ("POST", "/reject"), ("POST", "/reopen"))
}


def _labels() -> list[tuple[str, str]]:
    spec_app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "spec"})
    return [
        (spec, result.ok().label)
        for spec, url in SPECS.items()
        for result in schemathesis.openapi.from_wsgi(url, spec_app).get_all_operations()
    ]


def moderator_token(app) -> dict:
    return bearer(token_for(app, "admin@example.org"))


@pytest.mark.parametrize(("spec", "label"), _labels())
def test_every_operation_answers_within_its_spec(app, client, admin, spec, label):
    # published cameras, so the downloads and camera pages have something to show
    camera_ids = [camera_from_upload(client, app, seed=seed)["camera_id"] for seed in range(2)]
    pending = submit(client, seed=7)  # and a pending sighting for the moderators' queue
    operation = schemathesis.openapi.from_wsgi(SPECS[spec], app).find_operation_by_label(label)
    strategy = operation.as_strategy() | operation.as_strategy(GenerationMode.NEGATIVE)
    if label in CAMERA_PAGES:
        strategy |= operation.as_strategy(path_parameters={CAMERA_PAGES[label]: camera_ids[0]})
    if label in SIGHTING_PAGES:
        strategy |= operation.as_strategy(path_parameters={SIGHTING_PAGES[label]: pending["id"]})
    calls = []

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
    )
    def check(case):
        if label == "DELETE /api/v1/auth/token":  # revoking must not lock the other cases out
            case.headers = {**(case.headers or {}), **moderator_token(app)}
        else:
            case.headers = {**(case.headers or {}), **admin}  # moderators' routes need a token
        case.call_and_validate(checks=CHECKS)
        calls.append(case)

    check()
    assert calls
    print(f"schemathesis {spec} {label}: {len(calls)} cases x {len(CHECKS)} checks")  # shown with -s


@pytest.mark.parametrize("spec", SPECS)
def test_definitions_are_valid_openapi_3(app, spec):
    schema = schemathesis.openapi.from_wsgi(SPECS[spec], app)
    schema.validate()  # raises on anything OpenAPI 3 does not allow, such as OpenAPI 2's formData
    validate_openapi(schema.raw_schema)  # stricter: defaults must have their parameter's type, and more
    assert schema.raw_schema["openapi"].startswith("3.")
    if spec == "ogcapi":
        assert "FeatureCollection" in schema.raw_schema["components"]["schemas"]


def test_upload_documents_its_form_as_one_multipart_body(app):
    raw = schemathesis.openapi.from_wsgi(SPECS["api"], app).raw_schema
    upload = raw["paths"]["/api/v1/sightings"]["post"]
    assert "parameters" not in upload  # nothing left over as OpenAPI 2 formData
    body = upload["requestBody"]["content"]["multipart/form-data"]["schema"]
    properties = raw["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]["properties"]
    assert {"photo", "client_id", "lat", "lon", "capture", "signage"} <= set(properties)


def test_every_response_type_is_a_real_type(app):
    """No member is an untyped shell (fields.Raw): schemathesis can only check what the spec types."""
    components = schemathesis.openapi.from_wsgi(SPECS["api"], app).raw_schema["components"]["schemas"]
    untyped = [
        f"{name}.{member}"
        for name, schema in components.items()
        if name.endswith("Out")
        for member, prop in schema.get("properties", {}).items()
        if not {"type", "$ref", "anyOf", "allOf"} & set(prop)
    ]
    assert not untyped
    assert components["SightingItemOut"]["additionalProperties"] is False
    assert "candidates" in components["SightingItemOut"]["required"]


def test_real_bodies_match_their_response_schemas(app, client, admin):
    """A whole review, so bodies with candidates, conflicts, failures and audit events are all checked."""
    schema = schemathesis.openapi.from_wsgi(SPECS["api"], app)
    mod = admin
    a = submit(client, seed=1, heading=90, manufacturer="Hikvision")
    b = submit(client, lat=51.50331, lon=-0.11961, seed=2, manufacturer="Dahua")
    c = submit(client, lat=51.6, lon=-0.2, seed=3)
    moderation, volunteer = "/api/v1/moderation", {"X-Receipt": c["receipt"]}
    calls = [
        ("GET", f"/api/v1/sightings/{c['id']}", None, volunteer),
        ("PATCH", f"{moderation}/sightings/{a['id']}", {"lat": 51.50332, "lon": -0.11962, "model": "X"}, mod),
        ("POST", f"{moderation}/sightings/{a['id']}/approve", {}, mod),
        ("GET", f"{moderation}/sightings/{b['id']}", None, mod),
        ("POST", f"{moderation}/sightings/{b['id']}/approve", {"camera_id": 1}, mod),
        ("POST", f"{moderation}/sightings/{c['id']}/needs-info", {"note": "Closer?"}, mod),
        ("POST", f"/api/v1/sightings/{c['id']}/additions", {"notes": "Here."}, volunteer),
        ("POST", f"{moderation}/sightings/{c['id']}/reject", {"reason": "other"}, mod),
        ("POST", f"{moderation}/sightings/{c['id']}/reopen", {}, mod),
        ("PATCH", f"{moderation}/cameras/1", {"operator": "Council"}, mod),
        ("POST", f"{moderation}/bulk", {"action": "reject", "ids": [a["id"], c["id"], 999], "reason": "other"}, mod),
        ("GET", f"{moderation}/sightings?status=pending,approved,rejected", None, mod),
        ("GET", f"{moderation}/audit", None, mod),
        ("GET", f"{moderation}/users", None, mod),
        ("GET", "/api/v1/auth/me", None, mod),
    ]
    for method, url, body, headers in calls:
        response = client.open(url, method=method, json=body, headers=headers)
        assert response.status_code == 200, (url, response.json)
        path = url.split("?")[0]
        operation = schema.find_operation_by_path(method, _template(path))
        operation.validate_response(response)  # raises on a missing, unknown or mistyped member
    merged = client.get(f"{moderation}/audit?action=merged", headers=mod).json["items"]
    assert [event["sighting_id"] for event in merged] == [b["id"]]


def _template(path: str) -> str:
    """/api/v1/moderation/sightings/3/approve -> /api/v1/moderation/sightings/{sighting_id}/approve"""
    parts = path.split("/")
    names = {"sightings": "{sighting_id}", "cameras": "{camera_id}"}
    return "/".join(names[parts[i - 1]] if part.isdigit() else part for i, part in enumerate(parts))


def test_the_pages_given_real_ids_are_operations():
    assert set(CAMERA_PAGES) | set(SIGHTING_PAGES) <= {label for _, label in _labels()}
