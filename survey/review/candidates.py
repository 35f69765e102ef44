"""Merge candidates of queue items, ranked by how likely each is the same camera."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from survey import vocab
from survey.extensions import db
from survey.models import Sighting
from survey.nearby import Nearby, NearbyCamera
from survey.review.likelihood import COMPARED, CameraSignals, Likelihood, SightingSignals, likelihood


@dataclass(frozen=True)
class Candidate:
    """A confirmed camera near a sighting, with how likely it is the same one."""

    camera: NearbyCamera
    distance_m: float
    chance: Likelihood

    @property
    def likelihood(self) -> float:
        return self.chance.score

    @property
    def kind(self) -> str:
        return self.chance.kind

    @property
    def label(self) -> str:
        return self.chance.label

    @property
    def reasons(self) -> list[str]:
        return self.chance.reasons


def ranked_each(sightings: list[Sighting], nearby: list[list[Nearby]]) -> list[list[Candidate]]:
    """Each sighting's nearby cameras as candidates, most likely first; one query for the whole page."""
    merged = merged_sightings({n.camera.id for near in nearby for n in near})
    return [ranked(s, near, merged) for s, near in zip(sightings, nearby)]


def ranked(sighting: Sighting, near: list[Nearby], merged: dict[int, tuple]) -> list[Candidate]:
    signals = sighting_signals(sighting)
    found = [Candidate(n.camera, n.distance_m, likelihood(signals, camera_signals(n.camera, merged))) for n in near]
    return sorted(found, key=lambda c: (-c.likelihood, c.distance_m))


def merged_sightings(camera_ids: set[int]) -> dict[int, tuple]:
    """(lat, lon, heading) of the approved sightings merged into each camera."""
    if not camera_ids:
        return {}
    c = Sighting.__table__.c
    query = select(c.camera_id, c.lat, c.lon, c.heading).where(
        c.camera_id.in_(sorted(camera_ids)), c.status == vocab.APPROVED
    )
    found = defaultdict(list)
    for camera_id, lat, lon, heading in db.session.execute(query):
        found[camera_id].append((lat, lon, heading))
    return {camera_id: tuple(rows) for camera_id, rows in found.items()}


def sighting_signals(s: Sighting) -> SightingSignals:
    return SightingSignals(s.lat, s.lon, s.accuracy_m, s.heading, {name: getattr(s, name) for name in COMPARED})


def camera_signals(camera: NearbyCamera, merged: dict[int, tuple]) -> CameraSignals:
    attributes = {name: getattr(camera, name) for name in COMPARED}
    return CameraSignals(camera.lat, camera.lon, camera.direction, attributes, merged.get(camera.id, ()))
