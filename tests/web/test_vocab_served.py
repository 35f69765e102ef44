"""The vocabularies as pages and clients get them: GET /api/v1/vocab, and the meta tag each page embeds."""

import json
from html.parser import HTMLParser

import pytest

from survey import vocab
from survey.web.capture import shell_version


class Meta(HTMLParser):
    def __init__(self):
        super().__init__()
        self.content = {}

    def handle_starttag(self, tag, attrs):
        if tag == "meta" and dict(attrs).get("name"):
            self.content[dict(attrs)["name"]] = dict(attrs).get("content")


def embedded(html: str) -> dict:
    parser = Meta()
    parser.feed(html)
    return json.loads(parser.content["vocab"])


def test_the_endpoint_serves_survey_vocab(client):
    response = client.get("/api/v1/vocab")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert body == vocab.served()
    for name, (values, labels) in vocab.VOCABULARIES.items():
        assert [(t["value"], t["label"]) for t in body[name]] == [(v, labels[v]) for v in values]


def test_the_endpoint_is_documented_with_its_schema(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    answer = spec["paths"]["/api/v1/vocab"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    schema = spec["components"]["schemas"][answer["$ref"].rsplit("/", 1)[1]]
    assert set(schema["properties"]) == set(vocab.VOCABULARIES)
    # The queue's status parameter offers the same values as the vocabulary.
    queue = spec["paths"]["/api/v1/moderation/sightings"]["get"]["parameters"]
    status = next(p for p in queue if p["name"] == "status")
    assert status["schema"]["items"]["enum"] == list(vocab.SIGHTING_STATUSES)


@pytest.mark.parametrize("path", ["/", "/console/login"])
def test_each_page_embeds_the_same_vocabularies(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert embedded(response.get_data(as_text=True)) == vocab.served()


def test_the_public_map_embeds_only_the_public_vocabularies(client):
    response = client.get("/map")
    assert response.status_code == 200
    shown = embedded(response.get_data(as_text=True))
    assert shown == vocab.served(vocab.PUBLIC_VOCABULARIES)
    assert {"signage", "public_camera_status"} <= set(shown) and "reject_reason" not in shown


def test_labels_with_quotes_survive_the_attribute(client, monkeypatch):
    monkeypatch.setitem(vocab.SIGNAGE_LABELS, "none", "None <seen> 'at all' \"here\" & gone")
    page = client.get("/").get_data(as_text=True)
    assert next(t for t in embedded(page)["signage"] if t["value"] == "none")["label"] == vocab.SIGNAGE_LABELS["none"]


def test_a_new_label_gives_phones_a_new_shell(app, monkeypatch):
    """The capture page keeps the vocabularies in its offline shell, so changing one must change the version."""
    with app.test_request_context():
        before = shell_version()
        monkeypatch.setitem(vocab.MOUNT_LABELS, "pole", "Post")
        assert shell_version() != before
