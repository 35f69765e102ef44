"""Sign reports in the moderation queue: the kind filter and badge, approval as a new sign or a merge,
rejection, the same 409s and audit trail as cameras, and a withdrawal."""

from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEvent, Sign
from tests.signs.flow import API, approve_camera, approve_sign, log_sign, report
from tests.support import fetch, receipt


def _queue(client, mod, **params) -> list[dict]:
    response = client.get(f"{API}/sightings", query_string=params, headers=mod)
    assert response.status_code == 200, response.json
    return response.json["items"]


def test_the_queue_filters_by_kind_and_shows_it(client, mod):
    camera = report(client, 51.5, -0.12, 1)
    sign = log_sign(client, 51.5001, -0.12, 2, operator="Lambeth Council")
    assert [(i["id"], i["kind"]) for i in _queue(client, mod)] == [(camera["id"], "camera"), (sign["id"], "sign")]
    assert [i["id"] for i in _queue(client, mod, kind="sign")] == [sign["id"]]
    assert [i["id"] for i in _queue(client, mod, kind="camera")] == [camera["id"]]
    assert client.get(f"{API}/sightings", query_string={"kind": "poster"}, headers=mod).status_code == 400
    page = client.get("/console", query_string={"kind": "sign"}, headers=mod)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'class="badge kind sign"' in html and f'data-id="{camera["id"]}"' not in html
    assert '<option value="sign" selected>' in html


def test_approved_as_a_new_sign_with_corrections_and_an_audit_trail(client, app, mod):
    sent = log_sign(client, 51.5, -0.12, 3, operator="Lambeth Concil", sign_purpose="Safety", sign_has_contact="false")
    decision = approve_sign(client, mod, sent["id"], operator="Lambeth Council", has_contact=True, note="typo")
    sign = decision["sign"]
    assert decision["sighting"]["status"] == "approved" and decision["sighting"]["sign_id"] == sign["id"]
    assert decision["sighting"]["camera_id"] is None
    assert (sign["operator"], sign["purpose"], sign["has_contact"], sign["status"]) == (
        "Lambeth Council", "Safety", True, "active",
    )  # fmt: skip
    assert sign["sightings_count"] == 1 and sign["lat"] == 51.5
    assert receipt(client, sent)["status"] == "approved"
    audit = client.get(f"{API}/audit", query_string={"sign_id": sign["id"]}, headers=mod).json["items"]
    assert [e["action"] for e in reversed(audit)] == ["sign_created", "approved"]
    assert all(e["sign_id"] == sign["id"] and e["actor"]["email"] == "mod@example.org" for e in audit)
    assert audit[0]["after"]["sign_id"] == sign["id"] and audit[0]["note"] == "typo"


def test_merged_into_a_known_sign(client, app, mod):
    first = log_sign(client, 51.5, -0.12, 4, operator="Lambeth Council")
    sign_id = approve_sign(client, mod, first["id"])["sign"]["id"]
    second = log_sign(client, 51.50002, -0.12, 5, operator="Lambeth Council")
    candidates = client.get(f"{API}/sightings/{second['id']}/sign-candidates", headers=mod)
    assert candidates.status_code == 200
    assert [(c["id"], c["distance_m"]) for c in candidates.json] == [(sign_id, 2.2)]
    decision = approve_sign(client, mod, second["id"], sign_id=sign_id)
    assert decision["sign"]["id"] == sign_id and decision["sign"]["sightings_count"] == 2
    assert fetch(app, Sign, sign_id).sightings_count == 2
    with app.app_context():
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.sign_id == sign_id).order_by(AuditEvent.id)
        )
        assert list(actions) == ["sign_created", "approved", "sign_merged", "merged"]
    # A report cannot merge into a sign that does not exist; nothing changes.
    third = log_sign(client, 51.5, -0.12, 6)
    missing = client.post(f"{API}/sightings/{third['id']}/approve-sign", json={"sign_id": 999}, headers=mod)
    assert missing.status_code == 422 and missing.json["errors"] == {"sign_id": ["No such sign."]}
    assert receipt(client, third)["status"] == "pending"


def test_stale_versions_and_wrong_kinds_get_409(client, app, mod):
    sent = log_sign(client, 51.5, -0.12, 7)
    item = client.get(f"{API}/sightings/{sent['id']}", headers=mod).json
    assert item["kind"] == "sign" and item["version"] == 1
    ok = client.post(f"{API}/sightings/{sent['id']}/approve-sign", json={"version": 1}, headers=mod)
    late = client.post(f"{API}/sightings/{sent['id']}/approve-sign", json={"version": 1}, headers=mod)
    assert ok.status_code == 200 and late.status_code == 409
    assert late.json["current"]["status"] == "approved"
    other = log_sign(client, 51.6, -0.12, 8)
    edited = client.patch(f"{API}/sightings/{other['id']}", json={"lat": 51.61, "lon": -0.12}, headers=mod)
    assert edited.status_code == 200 and edited.json["version"] == 2
    stale = client.post(f"{API}/sightings/{other['id']}/approve-sign", json={"version": 1}, headers=mod)
    assert stale.status_code == 409 and stale.json["current"]["version"] == 2
    as_camera = client.post(f"{API}/sightings/{other['id']}/approve", json={}, headers=mod)
    assert as_camera.status_code == 409 and "approve-sign" in as_camera.json["message"]
    camera = report(client, 51.7, -0.12, 9)
    as_sign = client.post(f"{API}/sightings/{camera['id']}/approve-sign", json={}, headers=mod)
    assert as_sign.status_code == 409 and as_sign.json["current"]["status"] == "pending"
    assert client.post(f"{API}/sightings/{other['id']}/approve-sign", json={}).status_code == 401


def test_rejected_and_bulk_approved_like_cameras(client, app, mod):
    spam = log_sign(client, 51.5, -0.12, 10)
    response = client.post(f"{API}/sightings/{spam['id']}/reject", json={"reason": "abuse_or_spam"}, headers=mod)
    assert response.status_code == 200 and response.json["sighting"]["status"] == "rejected"
    with app.app_context():
        assert db.session.scalar(select(Sign.id)) is None
    sign, camera = log_sign(client, 51.6, -0.12, 11), report(client, 51.7, -0.12, 12)
    bulk = client.post(f"{API}/bulk", json={"action": "approve", "ids": [sign["id"], camera["id"]]}, headers=mod)
    assert bulk.status_code == 200 and bulk.json["succeeded"] == 2
    assert fetch(app, Sign, 1) is not None and bulk.json["results"][1]["camera_id"] is not None


def test_a_sign_fixed_to_a_withdrawn_camera_is_refused_at_approval(client, app, mod):
    seen = report(client, 51.5, -0.12, 13)
    camera_id = approve_camera(client, mod, seen["id"])
    sign = log_sign(client, 51.5001, -0.12, 14, sign_camera_id=camera_id)
    assert client.post(f"{API}/sightings/{seen['id']}/reopen", json={}, headers=mod).status_code == 200
    refused = client.post(f"{API}/sightings/{sign['id']}/approve-sign", json={}, headers=mod)
    assert refused.status_code == 422 and refused.json["errors"] == {"camera_id": ["Not a public camera."]}
    assert receipt(client, sign)["status"] == "pending"
    fixed = approve_sign(client, mod, sign["id"], camera_id=None)
    assert fixed["sign"]["camera_id"] is None


def test_reopening_the_only_confirmation_withdraws_the_sign(client, app, mod):
    sent = log_sign(client, 51.5, -0.12, 15)
    sign_id = approve_sign(client, mod, sent["id"])["sign"]["id"]
    assert client.get(f"/api/v1/signs/{sign_id}").status_code == 200
    response = client.post(f"{API}/sightings/{sent['id']}/reopen", json={}, headers=mod)
    assert response.status_code == 200 and response.json["sighting"]["status"] == "pending"
    stored = fetch(app, Sign, sign_id)
    assert (stored.status, stored.sightings_count, stored.photo_id) == ("withdrawn", 0, None)
    assert client.get(f"/api/v1/signs/{sign_id}").status_code == 404
    assert client.get("/api/v1/signs.geojson?status=all").json["features"] == []
    merge = client.post(f"{API}/sightings/{sent['id']}/approve-sign", json={"sign_id": sign_id}, headers=mod)
    assert merge.status_code == 409 and merge.json["current"]["status"] == "withdrawn"
