"""The decode budget over HTTP: what a request would cost to decode is checked before any pixel is."""

from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Sighting
from tests.factories import count_decodes, new_client_id, photo, upload
from tests.photos.test_budget import rgba_bomb

LONDON = {"lat": 51.5033, "lon": -0.1196, "accuracy_m": 8}


def stored(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Sighting))


def test_the_233_kb_rgba_png_is_413_with_a_clear_message(client, app, monkeypatch):
    decodes = count_decodes(monkeypatch)
    response = upload(client, rgba_bomb(), client_id=new_client_id(), **LONDON)
    assert response.status_code == 413, response.json
    body = response.json
    assert body["code"] == 413 and body["code_name"] == "image_over_budget"
    assert "MB of memory" in body["message"] and "smaller" in body["message"]
    assert decodes == [] and stored(app) == 0


def test_five_bombs_in_one_request_are_one_413_and_nothing_decoded(client, app, monkeypatch):
    decodes = count_decodes(monkeypatch)
    response = upload(client, [rgba_bomb()] * 5, client_id=new_client_id(), **LONDON)
    assert response.status_code == 413 and response.json["code_name"] == "image_over_budget"
    assert decodes == [] and stored(app) == 0


def test_the_request_budget_counts_every_photo(client, app, monkeypatch):
    one = 1600 * 1200 * 4
    app.config["MAX_REQUEST_DECODE_BYTES"] = one * 2
    photos = [photo(size=(1600, 1200), seed=n) for n in range(3)]
    decodes = count_decodes(monkeypatch)
    refused = upload(client, photos, client_id=new_client_id(), **LONDON)
    assert refused.status_code == 413 and refused.json["code_name"] == "image_over_budget"
    assert "22 MB of memory; the limit is 15 MB" in refused.json["message"]
    assert decodes == [] and stored(app) == 0
    accepted = upload(client, photos[:2], client_id=new_client_id(), **LONDON)
    assert accepted.status_code == 201, accepted.json
    assert accepted.json["photos"] == 2 and stored(app) == 1


def test_a_photo_over_the_per_photo_budget_is_refused_even_alone(client, app):
    app.config["MAX_DECODE_BYTES"] = 1600 * 1200 * 4 - 1
    response = upload(client, photo(size=(1600, 1200)), client_id=new_client_id(), **LONDON)
    assert response.status_code == 413 and response.json["code_name"] == "image_over_budget"
    assert stored(app) == 0
