"""The replay: a made-up but realistic survey sent through the HTTP API, judged by a moderator who knows the truth.

Streets of poles, each pole holding one to three cameras facing different ways a metre apart;
volunteers stand in front of a camera, look back at it (that is their phone's heading), and their
phones are 5 to 40 m off. A few send a 0,0 fix. The moderator approves a new camera at its true
place, merges a repeat into the right camera and rejects the 0,0 ones; the test counts how often
the right camera is offered first, by distance alone and by the likelihood.
"""

import math
import random
from dataclasses import dataclass

from survey import vocab
from tests.factories import new_client_id, photo, upload

SEED = 20261203
ORIGIN = (52.2050, 0.1190)  # a city centre
M_LAT = 111_195.0
QUEUE = "/api/v1/moderation/sightings"
MAKERS = ("Hikvision", "Dahua", "Axis")


@dataclass
class TrueCamera:
    key: int
    lat: float
    lon: float
    direction: float
    mount: str
    manufacturer: str
    camera_type: str


@dataclass
class Visit:
    camera: TrueCamera | None  # None: a phone without a fix sent 0,0
    lat: float
    lon: float
    accuracy_m: float
    heading: float | None
    attributes: dict


def moved(lat: float, lon: float, bearing: float, metres: float) -> tuple[float, float]:
    """The point `metres` away on `bearing` (flat: the survey spans a few hundred metres)."""
    rad = math.radians(bearing)
    north, east = metres * math.cos(rad), metres * math.sin(rad)
    return lat + north / M_LAT, lon + east / (M_LAT * math.cos(math.radians(lat)))


def bearing_to(lat1, lon1, lat2, lon2) -> float:
    north = (lat2 - lat1) * M_LAT
    east = (lon2 - lon1) * M_LAT * math.cos(math.radians(lat1))
    return math.degrees(math.atan2(east, north)) % 360


def cameras(rng: random.Random) -> list[TrueCamera]:
    """Four streets of poles about 60 m apart; most poles carry two or three cameras facing apart."""
    found = []
    for street in range(4):
        start = moved(*ORIGIN, 180, street * 120)  # parallel streets running east
        for n in range(8):
            pole = moved(*start, 90, n * 60 + rng.uniform(-10, 10))
            count = rng.choice((1, 2, 2, 3, 3))
            first = rng.uniform(0, 360)
            maker, kind = rng.choice(MAKERS), rng.choice(vocab.CAMERA_TYPES)
            for k in range(count):
                lat, lon = moved(*pole, rng.uniform(0, 360), 0.5 if count > 1 else 0)  # a metre apart
                direction = (first + k * 360 / count + rng.uniform(-20, 20)) % 360
                found.append(TrueCamera(len(found), lat, lon, direction, "pole", maker, kind))
    return found


def visit(rng: random.Random, camera: TrueCamera) -> Visit:
    """A volunteer in front of the camera, photographing it; the phone's fix and compass are off."""
    stand = moved(camera.lat, camera.lon, camera.direction + rng.uniform(-40, 40), rng.uniform(4, 10))
    heading = (bearing_to(*stand, camera.lat, camera.lon) + rng.gauss(0, 15)) % 360  # a phone compass
    accuracy = rng.uniform(5, 40)
    lat, lon = moved(*stand, rng.uniform(0, 360), accuracy * math.sqrt(rng.random()))
    told = {"mount": camera.mount, "manufacturer": camera.manufacturer, "camera_type": camera.camera_type}
    attributes = {k: v for k, v in told.items() if rng.random() < 0.4}
    return Visit(camera, lat, lon, round(accuracy, 1), heading, attributes)


def survey(seed: int = SEED) -> tuple[list[TrueCamera], list[Visit]]:
    """The true cameras and the volunteers' visits in the order they arrive."""
    rng = random.Random(seed)
    truth = cameras(rng)
    visits = [visit(rng, c) for c in truth for _ in range(rng.choice((1, 2, 2, 3, 3, 4)))]
    rng.shuffle(visits)
    for at in rng.sample(range(len(visits)), 4):
        visits.insert(at, Visit(None, 0.0, 0.0, 10.0, None, {}))
    return truth, visits


def send(client, n: int, v: Visit):
    jpeg = photo(v.lat, v.lon, heading=v.heading, accuracy=v.accuracy_m, size=(160, 120), seed=n)
    fields = {"lat": v.lat, "lon": v.lon, "accuracy_m": v.accuracy_m, "heading": v.heading, **v.attributes}
    return upload(client, jpeg, client_id=new_client_id(), device_id=f"volunteer-{n % 7:04d}", **fields)


def first_share(ranks: list[int]) -> float:
    return sum(rank == 0 for rank in ranks) / len(ranks)


def test_replay_of_a_survey_with_two_and_three_cameras_per_pole(client, mod):
    truth, visits = survey()
    ids, by_likelihood, by_distance = {}, [], []  # true key -> camera id; rank of the right camera
    for n, v in enumerate(visits):
        sent = send(client, n, v)
        if v.camera is None:
            # A 0,0 fix is no position: refused outright, or kept for the moderator to reject.
            assert sent.status_code in (201, 422), sent.json
            if sent.status_code == 201:
                done = client.post(
                    f"{QUEUE}/{sent.json['id']}/reject", json={"reason": "no_usable_location"}, headers=mod
                )
                assert done.status_code == 200, done.json
            continue
        assert sent.status_code == 201, sent.json
        item = client.get(f"{QUEUE}/{sent.json['id']}", headers=mod)
        assert item.status_code == 200, item.json
        offered = [c["id"] for c in item.json["candidates"]]
        known = ids.get(v.camera.key)
        if known is None:
            body = {"lat": v.camera.lat, "lon": v.camera.lon, "direction": round(v.camera.direction, 1)}
        else:
            assert known in offered, f"camera {known} not offered for visit {n}: {item.json['candidates']}"
            nearest = [c["id"] for c in sorted(item.json["candidates"], key=lambda c: c["distance_m"])]
            by_likelihood.append(offered.index(known))
            by_distance.append(nearest.index(known))
            body = {"camera_id": known}
        done = client.post(f"{QUEUE}/{sent.json['id']}/approve", json=body, headers=mod)
        assert done.status_code == 200, done.json
        ids.setdefault(v.camera.key, done.json["camera"]["id"])

    published = client.get("/api/v1/cameras.geojson")
    assert published.status_code == 200
    assert len(published.json["features"]) == len(truth)
    print(
        f"\nreplay: {len(truth)} cameras, {len(visits)} sightings, {len(by_likelihood)} repeats; right camera first:"
        f" distance alone {first_share(by_distance):.1%}, likelihood {first_share(by_likelihood):.1%}"
    )
    assert len(by_likelihood) >= 40
    # Seed 20261203 gives 97.5% (distance alone 68.8%); over 60 seeds of this generator, 97.7% on average.
    assert first_share(by_likelihood) >= 0.97
    assert first_share(by_likelihood) > first_share(by_distance)
