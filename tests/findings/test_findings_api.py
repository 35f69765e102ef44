"""GET /api/v1/findings against counts made here from the GeoJSON download of the same filter."""

import json
from collections import Counter

import pytest

from survey import vocab
from tests.areas.osmdata import walk
from tests.findings.city import CLASSES, make_city, town_bbox
from tests.support import camera

SIGNED = {"on_structure", "within_50m"}
FILTERS = [
    {},
    {"status": "all"},
    {"status": "removed"},
    {"operator": "cambridge city council"},
    {"manufacturer": "HIKVISION"},
    {"camera_type": "dome", "status": "all"},
    {"bbox": "0.115,52.2,0.125,52.21"},
]


@pytest.fixture
def city(app, tmp_path):
    return make_city(app, tmp_path)


def geojson(client, params: dict) -> list[dict]:
    response = client.get("/api/v1/cameras.geojson", query_string=params)
    assert response.status_code == 200
    return json.loads(response.data)["features"]


def findings(client, params: dict) -> dict:
    response = client.get("/api/v1/findings", query_string=params)
    assert response.status_code == 200, response.json
    return response.json


def by(features, name) -> dict:
    return dict(Counter(f["properties"][name] for f in features))


def counted(rows) -> dict:
    return {row["value"]: row["cameras"] for row in rows if row["cameras"]}


def folded(counts: dict) -> dict:
    """Counts by name whatever its case, as the findings and the filters take names."""
    found = Counter()
    for name, count in counts.items():
        found[name.lower() if name else None] += count
    return dict(found)


def makers(features) -> dict:
    return folded(Counter(vocab.canonical_manufacturer(f["properties"]["manufacturer"]) for f in features))


def expected_months(client, params, city) -> dict:
    """month -> (first seen, removed), for every public camera matching the other filters."""
    features = geojson(client, {**params, "status": "all"})
    first = Counter(f["properties"]["first_seen"][:7] for f in features if f["properties"]["first_seen"])
    removed = Counter(
        city["removed_on"][f["id"]].strftime("%Y-%m") for f in features if f["properties"]["status"] == "removed"
    )
    return {month: (first[month], removed[month]) for month in set(first) | set(removed)}


@pytest.mark.parametrize("params", FILTERS, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "none")
def test_findings_match_the_geojson_for_the_same_filter(client, city, params):
    features = geojson(client, params)
    body = findings(client, params)
    classes = {f["id"]: f["properties"]["signage_class"] for f in features}  # as the GeoJSON publishes them
    assert classes == {f["id"]: city["classes"][f["id"]] for f in features}  # and as this test set them
    unsigned = {camera_id for camera_id, name in classes.items() if name not in SIGNED}
    assert body["cameras"] == len(features) > 0
    assert folded(counted(body["by_manufacturer"])) == makers(features)
    assert "hikvision" not in counted(body["by_manufacturer"])  # one name, shown as its commonest spelling
    assert counted(body["by_camera_type"]) == by(features, "camera_type")
    assert counted(body["by_zone"]) == by(features, "zone")
    assert counted(body["by_signage_class"]) == dict(Counter(classes.values()))
    assert [row["value"] for row in body["by_signage_class"]] == list(CLASSES)  # zeros too, in order
    assert body["without_sign"] == len(unsigned)
    assert body["without_sign_share"] == pytest.approx(len(unsigned) / len(features), abs=1e-4)
    assert body["not_surveyed"] == sum(1 for name in classes.values() if name == "not_surveyed")
    operators = {
        (row["value"] or "").lower() or None: (row["cameras"], row["without_sign"]) for row in body["by_operator"]
    }
    expected = folded(by(features, "operator"))
    expected_unsigned = folded(Counter(f["properties"]["operator"] for f in features if f["id"] in unsigned))
    assert operators == {op: (n, expected_unsigned.get(op, 0)) for op, n in expected.items()}
    hikvision = sum(1 for f in features if (f["properties"]["manufacturer"] or "").lower() == "hikvision")
    dahua = sum(1 for f in features if f["properties"]["manufacturer"] == "Dahua")
    assert body["watch_list"] == [
        {"value": "Hikvision", "label": "Hikvision", "cameras": hikvision},
        {"value": "Dahua", "label": "Dahua", "cameras": dahua},
    ]
    assert body["watched"] == hikvision + dahua
    months = {row["month"]: (row["first_seen"], row["removed"]) for row in body["by_month"]}
    assert {m: v for m, v in months.items() if v != (0, 0)} == expected_months(client, params, city)
    assert [row["month"] for row in body["by_month"]] == sorted(months)  # every month between, in order


def test_an_area_counts_the_cameras_inside_it_street_by_street(client, app, city):
    area = city["area_id"]
    assert walk(client, area, city["streets"]["Sidney Street"], "2026-11-20").status_code == 201
    features = geojson(client, {"bbox": town_bbox()})  # the town's boundary is this rectangle
    body = findings(client, {"area": area})
    assert body["cameras"] == len(features) and body["filter"] == {"area": str(area)}
    assert folded(counted(body["by_manufacturer"])) == makers(features)
    inside = {f["id"] for f in features}
    published = {f["id"]: f["properties"]["signage_class"] for f in features}
    coverage = client.get(f"/api/v1/areas/{area}/coverage").json
    streets = {row["street_id"]: row for row in body["area"]["streets"]}
    on_streets = set()
    for street in coverage["streets"]:
        mine = set(street["cameras"]) & inside
        on_streets |= mine
        row = streets[street["street_id"]]
        # The walk re-measured the cameras near its street: the published classes are the truth now.
        unsigned = {c for c in mine if published[c] not in SIGNED}
        assert (row["cameras"], row["without_sign"], row["state"]) == (len(mine), len(unsigned), street["state"])
        assert row["length_m"] == street["length_m"]
    assert sum(row["cameras"] for row in streets.values()) == len(on_streets) > 0
    assert body["area"]["cameras_on_no_street"] == len(inside - on_streets)
    assert body["area"]["walked_share"] == coverage["walked_share"]
    assert body["area"]["name"] == "City centre" and " in City centre" in body["summary"]
    sidney = streets[city["streets"]["Sidney Street"]]
    assert (sidney["state"], sidney["last_walked_month"]) == ("walked", "2026-11")
    assert "2026-11-20" not in json.dumps(body)  # the month a street was walked, never the day


def test_the_summary_is_the_sentence_a_journalist_quotes(client, app):
    for i in range(34):
        camera(
            app,
            manufacturer="Hikvision",
            operator="Grand Arcade",
            signage_class="within_50m" if i < 5 else "beyond_50m",
        )
    camera(app, manufacturer="Axis", operator="Police", signage_class="on_structure")
    body = findings(client, {"operator": "grand arcade"})
    assert (
        body["summary"] == "34 cameras run by Grand Arcade; 29 (85%) have no sign within 50 m; 34 are made by Hikvision"
    )
    everything = findings(client, {})["summary"]
    assert everything == "35 cameras; 29 (83%) have no sign within 50 m; 34 are made by Hikvision"
    assert findings(client, {"operator": "nobody"})["summary"] == "No cameras run by nobody match these filters."


def test_the_watch_list_comes_from_config_when_asked(client, app):
    camera(app, manufacturer="Flock")
    camera(app, manufacturer="hikvision")
    app.config["WATCH_MANUFACTURERS"] = " flock, Axis "
    body = findings(client, {})
    assert body["watch_manufacturers"] == ["Flock", "Axis"]
    assert body["watch_list"] == [
        {"value": "Flock", "label": "Flock", "cameras": 1},
        {"value": "Axis", "label": "Axis", "cameras": 0},
    ]
    assert (
        body["summary"]
        == "2 cameras; 2 (100%) have no sign within 50 m (2 of them on streets not yet surveyed for signs); 1 is made by Flock"
    )


def test_signs_are_counted_in_the_same_box(client, city):
    body = findings(client, {"bbox": town_bbox(), "operator": "Police"})
    # make_city's 30 signs: every fifth withdrawn; counted here from the same seed through the model.
    from survey.extensions import db
    from survey.models import Sign

    with client.application.app_context():
        signs = [s for s in db.session.query(Sign).all() if s.status == "active" and s.operator == "Police"]
    assert body["signs"] == {
        "signs": len(signs),
        "naming_operator": len(signs),
        "with_contact": sum(1 for s in signs if s.has_contact),
    }


@pytest.mark.parametrize(
    ("query", "status"),
    [("bbox=1,2,3", 400), ("area=abc", 400), ("area=0", 400), ("area=99999", 404), ("status=withdrawn", 400)],
)
def test_bad_filters_are_clear_errors(client, query, status):
    response = client.get(f"/api/v1/findings?{query}")
    assert response.status_code == status and response.json["code"] == status
    assert response.json["message"]


def test_the_api_description_has_the_findings(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"/api/v1/findings", "/api/v1/findings/evidence.zip"} <= set(paths)
    parameters = {p["name"] for p in paths["/api/v1/findings"]["get"]["parameters"]}
    assert {"bbox", "operator", "manufacturer", "status", "area"} <= parameters
