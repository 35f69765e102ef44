"""Warnings in words: one function turns a stored code and its values into a sentence, and every
place a person reads a warning (the receipt, the review API, the console) gets that sentence."""

import pytest

from survey import vocab
from survey.extensions import db
from survey.models import Sighting
from survey.vocab import warning_message
from tests.factories import photo, upload
from tests.review.test_candidate_ranking import console_login
from tests.support import receipt

QUEUE = "/api/v1/moderation/sightings"
LONDON, EDINBURGH = (51.5033, -0.1196), (55.9533, -3.1883)


@pytest.mark.parametrize(
    ("warning", "sentence"),
    [
        ({"code": "position_mismatch", "values": {"distance_m": 1480269}}, "The photo's GPS is 1,480 km from"),
        ({"code": "position_mismatch", "values": {"distance_m": 4200}}, "The photo's GPS is 4.2 km from"),
        ({"code": "position_mismatch", "values": {"distance_m": 240.4}}, "The photo's GPS is 240 m from"),
        ({"code": "low_accuracy", "values": {"accuracy_m": 80, "limit_m": 50}}, "only known to within 80 m"),
        ({"code": "time_in_future", "values": {"ahead_s": 3 * 3600 + 5}}, "is 3 hours in the future"),
        ({"code": "time_old", "values": {"age_s": 800 * 86400}}, "was taken 2 years ago"),
        ({"code": "duplicate_photo", "values": {"sighting_id": 42}}, "already sent with sighting 42"),
        ({"code": "position_not_from_photo", "values": {"heading": False}}, "the position is the phone's"),
    ],
)
def test_each_code_and_its_values_make_a_sentence(warning, sentence):
    assert sentence in warning_message(warning)
    assert warning_message(warning).endswith(".")


def test_a_stored_warning_from_before_keeps_its_own_words_and_a_bad_value_never_fails():
    old = {"code": "position_mismatch", "message": "Photo and device positions are 1480269 m apart."}
    assert warning_message(old) == old["message"]
    assert warning_message({"code": "position_mismatch", "values": {"distance_m": "far"}}) == "position mismatch"
    assert warning_message({"code": "no_such_code", "values": {}}) == "no such code"
    assert set(vocab.WARNING_SENTENCES) == set(vocab.WARNINGS) == set(vocab.WARNING_LABELS)


def test_receipt_review_api_and_console_say_the_warning_in_words(app, client, mod):
    # The photo's own GPS in London, the phone's fix in Edinburgh: 534 km apart.
    response = upload(client, photo(*LONDON, size=(160, 120)), lat=EDINBURGH[0], lon=EDINBURGH[1], accuracy_m=10)
    assert response.status_code == 201, response.json
    sent = response.json
    expected = "The photo's GPS is 534 km from the phone's position."
    [warning] = [w for w in sent["warnings"] if w["code"] == "position_mismatch"]
    assert warning["message"] == expected and 533_000 < warning["values"]["distance_m"] < 535_000
    assert [w["message"] for w in receipt(client, sent)["warnings"] if w["code"] == "position_mismatch"] == [expected]
    with app.app_context():
        stored = db.session.get(Sighting, sent["id"]).warnings
        assert "message" not in stored[0] and stored[0]["code"] and "values" in stored[0]  # words are made, not stored
    item = client.get(f"{QUEUE}/{sent['id']}", headers=mod)
    assert item.status_code == 200 and expected in [w["message"] for w in item.json["warnings"]]
    listed = client.get(QUEUE, headers=mod)
    assert listed.status_code == 200 and expected in [w["message"] for w in listed.json["items"][0]["warnings"]]
    console_login(app, client)
    html = client.get("/console").get_data(as_text=True)
    assert "The photo&#39;s GPS is 534 km from the phone&#39;s position." in html
    assert "positions disagree" in html and "1480269" not in html
