"""Plain helpers for the sign tests: reports through the real upload endpoint, decisions through the
moderation API, and the test's own geometry (vectors on a sphere, not the app's haversine)."""

import math

from tests.factories import new_client_id, photo, upload

API = "/api/v1/moderation"
R = 6_371_008.8


def offset(lat: float, lon: float, metres: float, bearing: float) -> tuple[float, float]:
    """The point `metres` from (lat, lon) along `bearing` degrees, on the sphere, longitude in -180..180."""
    d, b = metres / R, math.radians(bearing)
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), (math.degrees(l2) + 540) % 360 - 180


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance from the angle between unit vectors (a formula the app does not use)."""

    def vector(lat, lon):
        p, lam = math.radians(lat), math.radians(lon)
        return (math.cos(p) * math.cos(lam), math.cos(p) * math.sin(lam), math.sin(p))

    u, v = vector(*a), vector(*b)
    cross = (u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0])
    return R * math.atan2(math.hypot(*cross), sum(x * y for x, y in zip(u, v)))


def report(client, lat: float, lon: float, seed: int, **fields) -> dict:
    """A report sent as the capture page sends it, its position from the phone (the photo has no GPS)."""
    fields = {"client_id": new_client_id(), "lat": lat, "lon": lon, "accuracy_m": 5, **fields}
    response = upload(client, photo(size=(160, 120), seed=seed), **fields)
    assert response.status_code == 201, response.json
    return response.json


def log_sign(client, lat, lon, seed, **fields) -> dict:
    return report(client, lat, lon, seed, kind="sign", **fields)


def approve_camera(client, headers, sighting_id: int, **body) -> int:
    response = client.post(f"{API}/sightings/{sighting_id}/approve", json=body, headers=headers)
    assert response.status_code == 200, response.json
    return response.json["camera"]["id"]


def approve_sign(client, headers, sighting_id: int, **body) -> dict:
    response = client.post(f"{API}/sightings/{sighting_id}/approve-sign", json=body, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def camera_signage(client, camera_id: int) -> dict:
    """The signage fields of a camera's public JSON."""
    response = client.get(f"/api/v1/cameras/{camera_id}")
    assert response.status_code == 200, response.json
    props = response.json["properties"]
    return {name: props[name] for name in ("signage", "signage_class", "nearest_sign_m", "operator_sign_m")}


def expected_signage(camera: dict, signs: list[dict], surveyed: bool = False) -> dict:
    """The class and distances the rules give, worked out here from the test's own distances."""
    near = [(metres_between(camera["at"], s["at"]), s) for s in signs if s.get("public", True)]
    within_search = [(d, s) for d, s in near if d <= 200]
    nearest = min((d for d, _ in within_search), default=None)

    def name(text):  # operators are free text: spacing and case do not make another operator
        return " ".join((text or "").split()).casefold()

    mine = name(camera.get("operator"))
    same = [d for d, s in within_search if mine and name(s.get("operator")) == mine]
    if any(s.get("camera") == camera["id"] for _, s in near):
        kind = "on_structure"
    elif nearest is not None:
        kind = "within_50m" if nearest <= 50 else "beyond_50m"
    else:
        kind = "none_found" if surveyed else "not_surveyed"
    return {"signage_class": kind, "nearest_sign_m": nearest, "operator_sign_m": min(same, default=None)}
