"""A small generated town for the areas tests: its boundary and an .osm extract written to disk."""

import json
from pathlib import Path

# A box round a few streets of a town centre: lon 0.110..0.130, lat 52.200..52.210.
BOUNDARY = {
    "type": "Polygon",
    "coordinates": [[[0.110, 52.200], [0.130, 52.200], [0.130, 52.210], [0.110, 52.210], [0.110, 52.200]]],
}
NODES = {
    1: (0.1190, 52.2050),
    2: (0.1200, 52.2055),
    3: (0.1210, 52.2060),
    4: (0.1215, 52.2070),
    5: (0.1180, 52.2040),
    6: (0.1170, 52.2045),
    7: (0.2000, 52.3000),
    8: (0.2010, 52.3010),
    9: (0.1150, 52.2010),
    10: (0.1250, 52.2010),
    11: (0.1230, 52.2030),
    12: (0.1235, 52.2035),
    13: (0.1290, 52.2080),  # inside, near the east edge
    14: (0.1320, 52.2085),  # outside: Edge Lane leaves the area
    15: (0.1160, 52.2060),
    16: (0.1161, 52.2061),
    17: (0.1162, 52.2060),
}
# (way id, tags, node ids)
WAYS = [
    (100, {"highway": "residential", "name": "Sidney Street"}, [1, 2]),
    (101, {"highway": "residential", "name": "Sidney Street"}, [2, 3, 4]),  # the same street, second way
    (102, {"highway": "footway", "name": "Market Passage"}, [5, 6]),
    (103, {"highway": "primary", "name": "Outside Road"}, [7, 8]),  # wholly outside
    (104, {"highway": "motorway", "name": "M11"}, [9, 10]),  # not walkable
    (105, {"highway": "path"}, [11, 12]),  # an unnamed footpath
    (106, {"building": "yes"}, [15, 16, 17, 15]),
    (107, {"highway": "residential", "name": "Edge Lane"}, [13, 14]),  # partly inside: kept whole
]
KEPT = {"Sidney Street": [100, 101], "Market Passage": [102], None: [105], "Edge Lane": [107]}


def write_osm(path: Path, nodes=NODES, ways=WAYS) -> Path:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="tests">']
    lines += [f'  <node id="{i}" version="1" lat="{lat}" lon="{lon}"/>' for i, (lon, lat) in nodes.items()]
    for way_id, tags, refs in ways:
        lines.append(f'  <way id="{way_id}" version="1">')
        lines += [f'    <nd ref="{ref}"/>' for ref in refs]
        lines += [f'    <tag k="{k}" v="{v}"/>' for k, v in tags.items()]
        lines.append("  </way>")
    path.write_text("\n".join(lines + ["</osm>"]) + "\n", encoding="utf-8")
    return path


def write_boundary(path: Path, geometry=BOUNDARY) -> Path:
    path.write_text(json.dumps({"type": "Feature", "properties": {}, "geometry": geometry}), encoding="utf-8")
    return path


def way_points(way_id: int) -> list[tuple[float, float]]:
    refs = next(refs for wid, _, refs in WAYS if wid == way_id)
    return [NODES[ref] for ref in refs]


def make_town(app, tmp_path: Path, name="Town") -> dict:
    """The town as an area with its streets imported; {"area_id", "streets": {name: id}}."""
    from survey.areas import osm, streets

    with app.app_context():
        area = streets.create_area(name, json.dumps(BOUNDARY))
        streets.import_streets(area, osm.read_ways(write_osm(tmp_path / f"{name}.osm")))
        return {"area_id": area.id, "streets": {s.name: s.id for s in streets.streets_of(area.id)}}


def walk(client, area_id: int, street_id: int, day: str, device="walker-device-1", **fields):
    import uuid

    body = {"client_id": str(uuid.uuid4()), "street_id": street_id, "day": day, "device_id": device, **fields}
    return client.post(f"/api/v1/areas/{area_id}/walks", json=body)


def walked_area(client, app, tmp_path: Path) -> tuple[int, set[str]]:
    """The town with a walk sent from a distinctive device: (area id, the walk's private values)."""
    from survey.models import Walk

    town = make_town(app, tmp_path, name="Secret walk town")
    response = walk(
        client, town["area_id"], town["streets"]["Sidney Street"], "2026-06-01", device="DEVICE-secret-walker"
    )
    assert response.status_code == 201, response.json
    with app.app_context():
        from survey.extensions import db

        row = db.session.get(Walk, response.json["id"])
        return town["area_id"], {row.client_id, row.volunteer_key, "DEVICE-secret-walker"}
