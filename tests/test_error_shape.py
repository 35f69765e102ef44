"""One error shape on every route: {code, status, message, errors?}, with errors flat by field."""

import uuid

from flask import Flask
from werkzeug.http import HTTP_STATUS_CODES

from survey import create_app
from survey.errors import handlers
from survey.extensions import SurveyApi
from survey.schemas.common import ErrorOut
from tests.conftest import test_config as settings_for
from tests.factories import new_client_id, photo, upload
from tests.support import moderator

LONDON = (51.5033, -0.1196)
QUEUE = "/api/v1/moderation/sightings"
BAD_BBOX = {"bbox": "0,3,1"}
LOCATIONS = {"json", "query", "form", "files", "headers", "cookies", "view_args"}


def assert_one_shape(response, status: int, field: str | None = None) -> dict:
    """The status, the one shape, the status's one name, and errors flat by field."""
    body = response.get_json()
    assert response.status_code == status, body
    assert {"code", "status", "message"} <= set(body) <= set(ErrorOut().fields), body
    assert (body["code"], body["status"]) == (status, HTTP_STATUS_CODES[status]), body
    assert isinstance(body["message"], str) and body["message"], body
    if field is None:
        assert "errors" not in body, body
        return body
    assert field in body["errors"] and not set(body["errors"]) & LOCATIONS, body
    for problems in body["errors"].values():
        assert isinstance(problems, list | dict) and problems, body
    return body


def test_validation_422_from_a_schema_and_from_a_rule_read_alike(client, app):
    mod = moderator(app)
    schema = upload(client, photo(*LONDON), client_id=new_client_id(), lat="999")
    assert_one_shape(schema, 422, "lat")
    sent = upload(client, photo(*LONDON), client_id=new_client_id()).get_json()
    rule = client.post(f"{QUEUE}/{sent['id']}/reject", json={"reason": "no_such_reason"}, headers=mod)
    assert_one_shape(rule, 422, "reason")


def test_a_bad_bbox_is_400_on_downloads_ogc_api_and_the_queue(client, app):
    mod = moderator(app)
    for path, headers in (
        ("/api/v1/cameras.geojson", {}),
        ("/api/v1/cameras.csv", {}),
        ("/ogcapi/collections/cameras/items", {}),
        (QUEUE, mod),
    ):
        body = assert_one_shape(client.get(path, query_string=BAD_BBOX, headers=headers), 400, "bbox")
        assert body["message"] == "Some query parameters are not valid.", path


def test_other_query_faults_are_400_too(client, app):
    mod = moderator(app)
    assert_one_shape(client.get(QUEUE, query_string={"status": "maybe"}, headers=mod), 400, "status")
    assert_one_shape(client.get("/api/v1/moderation/audit", query_string={"limit": "x"}, headers=mod), 400, "limit")
    assert_one_shape(client.get("/api/v1/cameras.osm", query_string={"status": "maybe"}), 400, "status")
    assert_one_shape(client.get("/ogcapi/collections/cameras/items", query_string={"limit": "0"}), 400, "limit")


def test_404_401_403_409(client, app):
    assert_one_shape(client.get("/api/v1/cameras/999999"), 404)
    assert_one_shape(client.get("/api/v1/no-such-route"), 404)
    assert_one_shape(client.get(QUEUE), 401)
    assert_one_shape(client.get("/api/v1/moderation/users", headers=moderator(app)), 403)
    cid = new_client_id()
    upload(client, photo(*LONDON), client_id=cid)
    conflict = assert_one_shape(upload(client, photo(*LONDON, seed=2), client_id=cid), 409)
    assert "sighting_id" not in conflict  # it may be another volunteer's


def test_413_and_415_from_werkzeug_and_from_the_photo_checks_read_alike(client, app):
    app.config["MAX_IMAGE_PIXELS"] = 1000 * 1000
    pixels = assert_one_shape(upload(client, photo(*LONDON, size=(1200, 1000)), client_id=new_client_id()), 413)
    assert pixels["code_name"] == "image_too_large"
    unsupported = assert_one_shape(upload(client, b"%PDF-1.4\n" + b"x" * 500, client_id=new_client_id()), 415)
    assert unsupported["code_name"] == "unsupported_media_type"
    app.config["MAX_CONTENT_LENGTH"] = 50_000
    assert_one_shape(upload(client, photo(*LONDON) + b"\0" * 60_000, client_id=new_client_id()), 413)


def test_429(database_url, tmp_path):
    limits = {"RATELIMIT_ENABLED": True, "UPLOAD_RATE_LIMIT": "1 per minute", "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex}
    limited = create_app(settings_for(database_url, tmp_path / "photos") | limits).test_client()
    assert upload(limited, photo(*LONDON), client_id=new_client_id()).status_code == 201
    response = upload(limited, photo(*LONDON, seed=2), client_id=new_client_id())
    body = assert_one_shape(response, 429)
    assert body["retry_after"] == int(response.headers["Retry-After"]) > 0


def _bare_app(smorest_first: bool) -> Flask:
    app = Flask(__name__)
    app.config.update(API_TITLE="t", API_VERSION="1", OPENAPI_VERSION="3.0.3")
    if smorest_first:
        SurveyApi().init_app(app)
    handlers.init_app(app, lambda: 1)
    if not smorest_first:
        SurveyApi().init_app(app)
    return app


def test_our_handler_answers_whichever_registers_last():
    """flask-smorest's Api registers its own HTTPException handler; the order of the two must not matter."""
    for smorest_first in (True, False):
        response = _bare_app(smorest_first).test_client().get("/nowhere")
        body = assert_one_shape(response, 404)
        assert "not found" in body["message"].lower(), smorest_first


def test_every_route_with_query_parameters_documents_400_not_422(client):
    """The rule is written once in the spec too: a query fault is 400, a body fault 422."""
    spec = client.get("/api/v1/openapi.json").get_json()
    with_query = [
        (method, path, operation["responses"])
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        if method != "parameters" and any(p.get("in") == "query" for p in operation.get("parameters", []))
    ]
    assert len(with_query) >= 6
    for method, path, responses in with_query:
        assert "400" in responses and "422" not in responses, (method, path)
