"""The blur tool's rules through its API: detected boxes shown, a moderator's boxes blurred in rebuilt
public copies, audited, the data version raised for a public photo, bad boxes refused with nothing
changed, a save from a public copy rebuilt since refused (409), and approval only once each photo's
blur is settled."""

import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from survey import dataset_version
from survey.extensions import db
from survey.models import AuditEvent, Photo
from survey.photos import blur
from survey.review import blur as blur_rules
from tests.faces import ASTRONAUT_FACE, astronaut_jpeg, detail, scaled
from tests.factories import new_client_id, upload
from tests.support import at_once, moderator

FACE = scaled(ASTRONAUT_FACE, 2)  # in the 1024 px upload
CORNER = (300, 700, 500, 900)  # the suit's patches and folds: no face, much detail
API = "/api/v1/moderation"


def _send(client, **fields) -> int:
    response = upload(client, astronaut_jpeg(1024), lat=51.5033, lon=-0.1196, client_id=new_client_id(), **fields)
    assert response.status_code == 201, response.json
    return response.json["id"]


def _photo(app) -> Photo:
    with app.app_context():
        photo = db.session.scalars(select(Photo)).one()
        db.session.expunge(photo)
        return photo


def _display(app, photo: Photo) -> Image.Image:
    return Image.open(Path(app.config["DATA_DIR"]) / photo.display_key).convert("RGB")


def _original(app, photo: Photo) -> Image.Image:
    return Image.open(Path(app.config["DATA_DIR"]) / photo.original_key).convert("RGB")


def _version(app) -> int:
    with app.app_context():
        return dataset_version.current(db.session).number


def _frac(box, size=1024) -> dict:
    return dict(zip(("x1", "y1", "x2", "y2"), (v / size for v in box), strict=True))


def test_the_tool_detects_on_first_look_and_shows_the_blurred_region(client, app, mod):
    _send(client)
    photo = _photo(app)
    got = client.get(f"{API}/photos/{photo.id}/blur", headers=mod)
    assert got.status_code == 200, got.json
    assert got.json["state"] == "detected" and got.json["model"] == blur.MODEL_NAME and not got.json["whole"]
    (box,) = got.json["boxes"]
    assert box["source"] == "detector"
    shown = [round(box[k] * 1024) for k in ("x1", "y1", "x2", "y2")]
    # The region shown is the grown one that is blurred: it holds the whole face.
    assert shown[0] <= FACE[0] and shown[1] <= FACE[1] and shown[2] >= FACE[2] and shown[3] >= FACE[3]
    assert detail(_display(app, _photo(app)), FACE) < 0.05 * detail(_original(app, photo), FACE)


def test_a_drawn_box_is_blurred_a_removed_one_is_not_and_both_are_audited(client, app, mod):
    _send(client)
    photo = _photo(app)
    client.get(f"{API}/photos/{photo.id}/blur", headers=mod)
    before = _display(app, _photo(app))
    saved = client.put(f"{API}/photos/{photo.id}/blur", json={"boxes": [_frac(CORNER)]}, headers=mod)
    assert saved.status_code == 200, saved.json
    assert saved.json["state"] == "reviewed" and saved.json["reviewed_at"]
    assert [b["source"] for b in saved.json["boxes"]] == ["moderator"]
    after = _photo(app)
    assert after.blur_reviewed_at is not None and after.display_key != photo.display_key
    display, original = _display(app, after), _original(app, photo)
    assert detail(display, CORNER) < 0.05 * detail(original, CORNER)
    assert detail(display, FACE) > 0.5 * detail(original, FACE)  # the detector's box, removed: sharp again
    assert detail(before, FACE) < 0.05 * detail(original, FACE)
    assert not (Path(app.config["DATA_DIR"]) / _photo(app).thumb_key).name.startswith(".tmp")
    with app.app_context():
        (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "blur_reviewed"))
        assert event.actor_id is not None and event.at is not None
        assert event.before["state"] == "detected" and len(event.before["boxes"]) == 1
        assert event.after["boxes"] == [[round(v / 1024, 5) for v in CORNER]]


def test_reblur_keeps_a_moderators_boxes(client, app, mod, runner):
    _send(client)
    photo = _photo(app)
    client.put(f"{API}/photos/{photo.id}/blur", json={"boxes": []}, headers=mod)
    result = runner.invoke(args=["photos", "reblur", "--all"])
    assert "redone=0" in result.output, result.output
    assert _photo(app).blur_boxes == []


def test_whole_photo_blur(client, app, mod):
    _send(client)
    photo = _photo(app)
    saved = client.put(f"{API}/photos/{photo.id}/blur", json={"boxes": [], "whole": True}, headers=mod)
    assert saved.status_code == 200 and saved.json["whole"] and saved.json["boxes"] == []
    display, original = _display(app, _photo(app)), _original(app, photo)
    for region in (FACE, CORNER, (0, 0, 1024, 1024)):
        assert detail(display, region) < 0.05 * detail(original, region)


def test_saving_a_public_photo_rebuilds_what_is_served_and_raises_the_data_version(client, app, mod):
    sighting_id = _send(client)
    photo = _photo(app)
    approved = client.post(f"{API}/sightings/{sighting_id}/approve", json={}, headers=mod)
    assert approved.status_code == 200, approved.json
    old = _photo(app)
    assert client.get(f"/media/display/{old.display_sha256}.jpg").status_code == 200
    version = _version(app)
    client.put(f"{API}/photos/{photo.id}/blur", json={"boxes": [_frac(CORNER)]}, headers=mod)
    new = _photo(app)
    assert _version(app) == version + 1
    assert client.get(f"/media/display/{old.display_sha256}.jpg").status_code == 404
    served = client.get(f"/media/display/{new.display_sha256}.jpg")
    assert served.status_code == 200
    public = Image.open(io.BytesIO(served.data)).convert("RGB")
    assert detail(public, CORNER) < 0.05 * detail(_original(app, photo), CORNER)


def test_saving_a_pending_photo_leaves_the_data_version(client, app, mod):
    _send(client)
    photo = _photo(app)
    version = _version(app)
    assert client.put(f"{API}/photos/{photo.id}/blur", json={"boxes": []}, headers=mod).status_code == 200
    assert _version(app) == version


@pytest.mark.parametrize(
    "body",
    [
        {"boxes": [{"x1": 0.5, "y1": 0.1, "x2": 1.2, "y2": 0.3}]},  # beyond the image
        {"boxes": [{"x1": -0.1, "y1": 0.1, "x2": 0.2, "y2": 0.3}]},
        {"boxes": [{"x1": 0.5, "y1": 0.1, "x2": 0.5, "y2": 0.3}]},  # no width
        {"boxes": [{"x1": 0.5, "y1": 0.3, "x2": 0.6, "y2": 0.1}]},  # upside down
        {"boxes": [{"x1": 0.1, "y1": 0.1, "x2": 0.2}]},
        {"boxes": [{"x1": "a", "y1": 0.1, "x2": 0.2, "y2": 0.3}]},
        {"boxes": [{"x1": True, "y1": 0.1, "x2": 0.2, "y2": 0.3}]},
        {"boxes": [{"x1": 0.1, "y1": 0.1, "x2": 0.2, "y2": 0.3}] * (blur.MAX_BOXES + 1)},
        {"boxes": "everything"},
        {"whole": True},
        {"boxes": [], "colour": "red"},
        {"boxes": [], "display_sha256": "abc"},
        {"boxes": [], "display_sha256": "A" * 64},
        {"boxes": [], "display_sha256": "0" * 64 + "\n"},
        {"boxes": [], "display_sha256": None},
        {"boxes": [], "display_sha256": 7},
    ],
)
def test_bad_boxes_are_a_422_and_change_nothing(client, app, mod, body):
    _send(client)
    photo = _photo(app)
    client.get(f"{API}/photos/{photo.id}/blur", headers=mod)
    before, files = _photo(app), sorted(p.name for p in Path(app.config["DATA_DIR"]).rglob("*.jpg"))
    response = client.put(f"{API}/photos/{photo.id}/blur", json=body, headers=mod)
    assert response.status_code == 422, response.json
    assert response.json["code"] == 422 and response.json["errors"]
    after = _photo(app)
    assert (after.display_key, after.blur_boxes, after.blur_reviewed_at) == (
        before.display_key,
        before.blur_boxes,
        None,
    )
    assert sorted(p.name for p in Path(app.config["DATA_DIR"]).rglob("*.jpg")) == files


def test_nan_is_refused(client, app, mod):
    _send(client)
    photo = _photo(app)
    body = '{"boxes": [{"x1": NaN, "y1": 0.1, "x2": 0.2, "y2": 0.3}]}'
    response = client.put(
        f"{API}/photos/{photo.id}/blur", data=body, headers={**mod, "Content-Type": "application/json"}
    )
    assert response.status_code in (400, 422) and response.json["code"] == response.status_code


def test_the_tool_is_for_moderators_only(client, app):
    _send(client)
    photo = _photo(app)
    assert client.get(f"{API}/photos/{photo.id}/blur").status_code == 401
    assert client.put(f"{API}/photos/{photo.id}/blur", json={"boxes": []}).status_code == 401
    assert _photo(app).blur_model is None  # no detection for a stranger


def test_unknown_photo_is_a_404(client, mod):
    response = client.get(f"{API}/photos/999/blur", headers=mod)
    assert response.status_code == 404 and response.json["code"] == 404


# A sign report's photo is public once approved, just as a camera report's is.
@pytest.mark.parametrize(("decision", "fields"), [("approve", {}), ("approve-sign", {"kind": "sign", "operator": "X"})])
def test_approval_waits_for_detection_and_publishes_only_blurred_copies(client, app, mod, decision, fields):
    sighting_id = _send(client, **fields)
    plain = _photo(app)
    assert plain.blur_model is None
    response = client.post(f"{API}/sightings/{sighting_id}/{decision}", json={}, headers=mod)
    assert response.status_code == 200, response.json
    photo = _photo(app)
    assert photo.blur_model == blur.MODEL_NAME and len(photo.blur_boxes) == 1
    assert client.get(f"/media/display/{plain.display_sha256}.jpg").status_code == 404
    served = client.get(f"/media/display/{photo.display_sha256}.jpg")
    assert served.status_code == 200
    face = detail(Image.open(io.BytesIO(served.data)), FACE)
    assert face < 0.05 * detail(_original(app, photo), FACE)


def test_approval_is_a_409_while_a_photo_cannot_be_blurred(client, app, mod):
    sighting_id = _send(client)
    photo = _photo(app)
    (Path(app.config["DATA_DIR"]) / photo.display_key).unlink()  # detection has nothing to read
    response = client.post(f"{API}/sightings/{sighting_id}/approve", json={}, headers=mod)
    assert response.status_code == 409, response.json
    assert "Faces could not be looked for in photo 1" in response.json["message"]
    assert _photo(app).blur_model is None
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "approved")) is None


def _files(app) -> list[str]:
    return sorted(str(p.relative_to(app.config["DATA_DIR"])) for p in Path(app.config["DATA_DIR"]).rglob("*.jpg"))


def _blur_events(app) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "blur_reviewed")))


def test_a_second_save_from_the_same_copy_is_a_409_and_the_first_stands(client, app, mod):
    sighting_id = _send(client)
    assert client.post(f"{API}/sightings/{sighting_id}/approve", json={}, headers=mod).status_code == 200
    photo = _photo(app)
    url = f"{API}/photos/{photo.id}/blur"
    seen = client.get(url, headers=mod).json["display_sha256"]
    version = _version(app)
    first = client.put(url, json={"boxes": [_frac(CORNER)], "display_sha256": seen}, headers=mod)
    assert first.status_code == 200, first.json
    files = _files(app)
    second = client.put(url, json={"boxes": [], "display_sha256": seen}, headers=mod)  # would unblur the face
    assert second.status_code == 409, second.json
    assert second.json["code"] == 409 and "Someone else changed this photo's blur" in second.json["message"]
    assert second.json["current"] == client.get(url, headers=mod).json == first.json  # what GET says now
    after = _photo(app)
    assert after.display_sha256 == first.json["display_sha256"] != seen
    assert [box[:4] for box in after.blur_boxes] == [[round(v / 1024, 5) for v in CORNER]]
    assert _files(app) == files  # the refused save's copies were written, then removed
    assert _version(app) == version + 1  # raised by the first save only
    served = client.get(f"/media/display/{first.json['display_sha256']}.jpg")
    assert served.status_code == 200
    public, original = Image.open(io.BytesIO(served.data)).convert("RGB"), _original(app, photo)
    assert detail(public, CORNER) < 0.05 * detail(original, CORNER)
    (event,) = _blur_events(app)  # the refused save changed nothing, so it is not in the trail
    assert event.before["display_sha256"] == seen and event.after["display_sha256"] == first.json["display_sha256"]
    assert event.after["boxes"] == [[round(v / 1024, 5) for v in CORNER]]
    again = client.put(url, json={"boxes": [], "display_sha256": first.json["display_sha256"]}, headers=mod)
    assert again.status_code == 200, again.json  # from the copy as it now is, the same change is taken


def test_a_save_overtaken_while_its_copies_were_made_is_refused_in_its_write(client, app, mod, monkeypatch):
    """The copy is checked again where it is replaced: another save that lands while this one rebuilds
    (between its first check and its write) wins, and this one's rebuilt copies are thrown away."""
    _send(client)
    photo = _photo(app)
    url = f"{API}/photos/{photo.id}/blur"
    seen = client.get(url, headers=mod).json["display_sha256"]
    make, other, overtaking = blur_rules.public_copies, app.test_client(), []

    def make_then_overtake(original, meta, **how):
        copies = make(original, meta, **how)
        if not overtaking:  # once: the other save makes copies through here too
            overtaking.append(None)
            overtaking.append(other.put(url, json={"boxes": [], "whole": True, "display_sha256": seen}, headers=mod))
        return copies

    monkeypatch.setattr(blur_rules, "public_copies", make_then_overtake)
    late = client.put(url, json={"boxes": [_frac(CORNER)], "display_sha256": seen}, headers=mod)
    won = overtaking[1]
    assert won.status_code == 200 and late.status_code == 409, (won.json, late.json)
    assert late.json["current"] == won.json == client.get(url, headers=mod).json and won.json["whole"]
    now = _photo(app)
    assert now.display_sha256 == won.json["display_sha256"]
    assert set(_files(app)) - {photo.original_key} == {now.display_key, now.thumb_key}
    (event,) = _blur_events(app)
    assert event.after["display_sha256"] == won.json["display_sha256"]


def test_a_save_from_a_copy_that_never_was_changes_nothing(client, app, mod):
    _send(client)
    photo = _photo(app)
    url = f"{API}/photos/{photo.id}/blur"
    shown = client.get(url, headers=mod).json
    files = _files(app)
    response = client.put(url, json={"boxes": [], "display_sha256": "0" * 64}, headers=mod)
    assert response.status_code == 409 and response.json["current"] == shown
    assert _photo(app).blur_reviewed_at is None and _files(app) == files and _blur_events(app) == []


def test_a_save_without_display_sha256_acts_on_the_latest(client, app, mod):
    """The precondition is optional, as `version` is on every other moderator write."""
    _send(client)
    photo = _photo(app)
    url = f"{API}/photos/{photo.id}/blur"
    assert client.put(url, json={"boxes": [_frac(CORNER)]}, headers=mod).status_code == 200
    latest = client.put(url, json={"boxes": []}, headers=mod)
    assert latest.status_code == 200 and latest.json["boxes"] == [] and _photo(app).blur_boxes == []
    assert len(_blur_events(app)) == 2


def test_two_moderators_saving_at_once_from_the_same_copy_one_wins(client, app, mod):
    _send(client)
    photo = _photo(app)
    url = f"{API}/photos/{photo.id}/blur"
    seen = client.get(url, headers=mod).json["display_sha256"]
    other = moderator(app, "other@example.org")
    bodies = [{"boxes": [_frac(CORNER)], "display_sha256": seen}, {"boxes": [], "whole": True, "display_sha256": seen}]
    results = at_once(app, [(mod, url, bodies[0]), (other, url, bodies[1])], "put")
    assert sorted(status for status, _ in results) == [200, 409], results
    (won,) = [body for status, body in results if status == 200]
    (lost,) = [body for status, body in results if status == 409]
    assert lost["current"] == won == client.get(url, headers=mod).json
    assert _photo(app).display_sha256 == won["display_sha256"] != seen
    (event,) = _blur_events(app)
    assert event.after["display_sha256"] == won["display_sha256"]
    now = _photo(app)
    assert set(_files(app)) - {photo.original_key} == {now.display_key, now.thumb_key}  # the loser's went
