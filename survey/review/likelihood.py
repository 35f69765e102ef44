"""How likely a merge candidate is the same camera as a sighting: plain values in, a score out.

Three signals, each a log-odds term, summed and squashed to 0..1:
- distance against the combined uncertainty (the sighting's accuracy and the spread of the
  camera's own merged sightings), so a 30 m gap is nothing for a 40 m fix and much for a 5 m one;
- heading: a volunteer faces the camera, so the phone points against the camera's direction and
  along the headings of sightings already merged; this tells apart two cameras on one pole;
- attributes (maker, model, type, mount, operator): agreement adds, disagreement subtracts.
"""

import math
from dataclasses import dataclass, field

from survey import vocab
from survey.geo import distance_m

COMPARED = ("manufacturer", "model", "camera_type", "mount", "operator")
# Words for the reasons; "maker" is what a moderator calls a manufacturer.
WORDS = {"manufacturer": "maker", "model": "model", "camera_type": "type", "mount": "mount", "operator": "operator"}
AGREE = {"manufacturer": 0.8, "model": 1.2, "camera_type": 0.5, "mount": 0.5, "operator": 0.6}
DISAGREE = -1.5
FLOOR_M = 5.0  # a camera's own position is known to a few metres at best
DEFAULT_ACCURACY_M = 20.0  # a sighting that sent none: a typical phone fix on foot
HEADING_WEIGHT = 2.5
PRIOR = 0.5
LIKELY, POSSIBLE = 0.8, 0.3  # score thresholds of the words


@dataclass(frozen=True)
class SightingSignals:
    lat: float
    lon: float
    accuracy_m: float | None = None
    heading: float | None = None
    attributes: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CameraSignals:
    lat: float
    lon: float
    direction: float | None = None
    attributes: dict = field(default_factory=dict)
    merged: tuple = ()  # (lat, lon, heading or None) of each sighting merged into it


@dataclass(frozen=True)
class Likelihood:
    score: float  # 0..1
    kind: str  # vocab.LIKELIHOODS
    reasons: list[str]
    distance_m: float

    @property
    def label(self) -> str:
        return vocab.LIKELIHOOD_LABELS[self.kind]


def likelihood(sighting: SightingSignals, camera: CameraSignals) -> Likelihood:
    """The chance that `sighting` shows `camera`, its word and the reasons, most telling first."""
    gap = distance_m(sighting.lat, sighting.lon, camera.lat, camera.lon)
    signals = _attribute_terms(sighting, camera) + _heading_terms(sighting, camera)
    terms = [_distance_term(gap, sighting, camera), *signals]
    score = 1 / (1 + math.exp(-(PRIOR + sum(t for t, _ in terms))))
    return Likelihood(score, kind_for(score), _reasons(terms, gap), gap)


def kind_for(score: float) -> str:
    if score >= LIKELY:
        return vocab.LIKELY_SAME
    return vocab.POSSIBLE if score >= POSSIBLE else vocab.NEIGHBOUR


def spread_m(camera: CameraSignals) -> float:
    """How far the camera's merged sightings lie from it, root mean square."""
    if not camera.merged:
        return 0.0
    gaps = [distance_m(lat, lon, camera.lat, camera.lon) ** 2 for lat, lon, _ in camera.merged]
    return math.sqrt(sum(gaps) / len(gaps))


def _distance_term(gap: float, sighting: SightingSignals, camera: CameraSignals) -> tuple[float, str]:
    accuracy = sighting.accuracy_m if sighting.accuracy_m is not None else DEFAULT_ACCURACY_M
    own = math.sqrt(accuracy**2 + FLOOR_M**2)
    # The camera's place is the mean of its sightings: known to spread / sqrt(n).
    sigma = math.sqrt(own**2 + spread_m(camera) ** 2 / max(len(camera.merged), 1))
    z = gap / sigma
    # A Gaussian's density, not only its exponent: a widely spread camera must not win every gap.
    return max(1.5 - z * z / 2 - 2 * math.log(sigma / own), -6.0), ""


def _heading_terms(sighting: SightingSignals, camera: CameraSignals) -> list[tuple[float, str]]:
    if sighting.heading is None:
        return []
    expected = expected_heading(camera)
    if expected is None:
        return []
    off = angle_between(sighting.heading, expected)
    term = HEADING_WEIGHT * math.cos(math.radians(off))
    if off <= 45:
        return [(term, "heading matches")]
    return [(term, f"heading {off:.0f}° off" if off < 120 else "faces another way")]


def expected_heading(camera: CameraSignals) -> float | None:
    """Where a phone photographing the camera points: against the camera's direction, a moderator's
    judgement, or else the mean heading of the sightings merged into it."""
    if camera.direction is not None:
        return (camera.direction + 180) % 360
    headings = [math.radians(h) for _, _, h in camera.merged if h is not None]
    if not headings:
        return None
    return math.degrees(math.atan2(sum(map(math.sin, headings)), sum(map(math.cos, headings)))) % 360


def angle_between(a: float, b: float) -> float:
    """The smaller angle between two compass bearings, 0..180."""
    return abs((a - b + 180) % 360 - 180)


def _attribute_terms(sighting: SightingSignals, camera: CameraSignals) -> list[tuple[float, str]]:
    same, other = [], []
    for name in COMPARED:
        mine, theirs = sighting.attributes.get(name), camera.attributes.get(name)
        if mine is None or theirs is None:
            continue
        (same if str(mine).casefold() == str(theirs).casefold() else other).append(name)
    terms = [(sum(AGREE[n] for n in same), "same " + _and([WORDS[n] for n in same]))] if same else []
    return terms + [(DISAGREE * len(other), "different " + _and([WORDS[n] for n in other]))] if other else terms


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _reasons(terms: list[tuple[float, str]], gap: float) -> list[str]:
    # Attributes, then heading, then the distance, as a moderator reads them.
    words = [reason for _, reason in terms if reason]
    return words + [f"{gap:.0f} m"]
