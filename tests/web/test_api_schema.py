"""schemathesis against the served OpenAPI specs: no 500s, and every response matches the spec.

Every operation in /api/v1/openapi.json and in the OGC API's own definition (/ogcapi/api?f=json)
is exercised with generated valid and invalid requests (API_FUZZ_CASES per operation, 25 here).
Responses must not be 5xx and must match the status codes, content types and schemas the spec declares.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
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
    submit(client, seed=7)  # and a pending sighting for the moderators' queue
    operation = schemathesis.openapi.from_wsgi(SPECS[spec], app).find_operation_by_label(label)
    strategy = operation.as_strategy() | operation.as_strategy(GenerationMode.NEGATIVE)
    if label in CAMERA_PAGES:
        strategy |= operation.as_strategy(path_parameters={CAMERA_PAGES[label]: camera_ids[0]})
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
