"""`<int:...>` is a DatabaseId in every route: ids past the INTEGER columns' range match no route."""

import pytest
from flask import Flask
from werkzeug.routing import IntegerConverter

from survey.web import converters

MAX_ID = 2**31 - 1  # INTEGER columns are 32-bit on PostgreSQL


def test_every_integer_part_of_every_route_is_bounded(app):
    integers = [
        converter
        for rule in app.url_map.iter_rules()
        for converter in rule._converters.values()
        if isinstance(converter, IntegerConverter)
    ]
    assert len(integers) >= 10  # sightings, moderation, cameras, photos...
    assert all(isinstance(converter, converters.DatabaseId) for converter in integers)


@pytest.mark.parametrize("number", [MAX_ID, MAX_ID + 1])
def test_the_largest_id_reaches_the_view_and_one_more_does_not(client, number):
    response = client.get(f"/api/v1/cameras/{number}")
    assert response.status_code == 404
    # The view answers with its own message; past MAX_ID no route matches, so werkzeug's 404 is used.
    reached_view = response.json["message"] == "No camera with that id."
    assert reached_view == (number <= MAX_ID)


def test_registering_after_a_route_is_refused():
    app = Flask(__name__, static_folder=None)
    app.add_url_rule("/cameras/<int:camera_id>", "camera", lambda camera_id: "")
    with pytest.raises(RuntimeError):
        converters.init_app(app)
