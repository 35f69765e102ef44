"""How likely a merge candidate is the same camera as a sighting: plain values in, a score out.

Three signals, each a log-odds term, summed and squashed to 0..1:
- distance against the combined uncertainty: the phone's fix (its accuracy is a 68% radius), the
  few metres a volunteer stands from the camera, and the camera's own place (more uncertain when
  its merged sightings spread further than their own accuracies explain);
- heading: a volunteer faces the camera, so the phone points against the camera's direction and
  along the headings of sightings already merged; this tells apart two cameras on one pole. The
  heading also says where the volunteer stood: a few metres back from the camera along it;
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
FLOOR_M = 3.0  # a camera's own position is known to a few metres at best
STAND_M = 6.0  # how far from a camera a volunteer photographing it stands, typically
STAND_SPREAD_M = 3.0  # how much that varies
ACCURACY_SIGMAS = 1.5  # a phone's accuracy is the radius holding 68% of fixes: 1.5 sigma in 2D
DEFAULT_ACCURACY_M = 20.0  # a sighting that sent none: a typical phone fix on foot
# A volunteer stands anywhere up to STAND_ANGLE to one side of the camera's axis, and the compass is
# off by about COMPASS_SD: the heading's offset from the expected one is that box blurred by that noise.
STAND_ANGLE = 45.0
COMPASS_SD = 15.0
HEADING_FLOOR = 0.01  # a phone held oddly, or a camera seen from its side: unlikely, never impossible
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
    merged: tuple = ()  # (lat, lon, heading or None, accuracy_m or None) of each sighting merged into it


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
    terms = [(_distance_term(sighting, camera), ""), *signals]
    score = 1 / (1 + math.exp(-(PRIOR + sum(t for t, _ in terms))))
    return Likelihood(score, kind_for(score), _reasons(terms, gap), gap)


def kind_for(score: float) -> str:
    if score >= LIKELY:
        return vocab.LIKELY_SAME
    return vocab.POSSIBLE if score >= POSSIBLE else vocab.NEIGHBOUR


def fix_sigma(accuracy_m: float | None) -> float:
    """One axis' standard deviation of a phone fix with this accuracy."""
    return (accuracy_m if accuracy_m is not None else DEFAULT_ACCURACY_M) / ACCURACY_SIGMAS


def camera_sigma(camera: CameraSignals) -> float:
    """How well the camera's place is known: a floor, widened when its merged sightings lie further
    from it than their own accuracies explain (a camera placed from one poor fix, say)."""
    if not camera.merged:
        return FLOOR_M
    excess = [
        distance_m(lat, lon, camera.lat, camera.lon) ** 2 - 2 * (fix_sigma(acc) ** 2 + STAND_M**2)
        for lat, lon, _, acc in camera.merged
    ]
    return math.sqrt(FLOOR_M**2 + max(0.0, sum(excess) / len(excess)) / len(excess))


def _distance_term(sighting: SightingSignals, camera: CameraSignals) -> float:
    lat, lon, spread = _standing_point(sighting, camera)
    own = math.hypot(fix_sigma(sighting.accuracy_m), spread)
    sigma = math.hypot(own, camera_sigma(camera))
    gap = distance_m(sighting.lat, sighting.lon, lat, lon)
    # A 2D Gaussian's log density, not only its exponent: a vaguely placed camera must not win every gap.
    return max(1.5 - (gap / sigma) ** 2 / 2 - 2 * math.log(sigma / own), -8.0)


def _standing_point(sighting: SightingSignals, camera: CameraSignals) -> tuple[float, float, float]:
    """Where the volunteer most likely stood, and how far off that may be beyond the fix: STAND_M back
    from the camera along the phone's heading when there is one, else anywhere around it."""
    if sighting.heading is None:
        return camera.lat, camera.lon, STAND_M
    back = math.radians(sighting.heading + 180)
    north, east = STAND_M * math.cos(back), STAND_M * math.sin(back)
    lat = camera.lat + north / 111_195
    lon = camera.lon + east / (111_195 * max(math.cos(math.radians(camera.lat)), 1e-6))
    return lat, lon, STAND_SPREAD_M


def _heading_terms(sighting: SightingSignals, camera: CameraSignals) -> list[tuple[float, str]]:
    if sighting.heading is None:
        return []
    expected = expected_heading(camera)
    if expected is None:
        return []
    off = angle_between(sighting.heading, expected)
    term = heading_term(off)
    if off <= 45:
        return [(term, "heading matches")]
    return [(term, f"heading {off:.0f}° off" if off < 120 else "faces another way")]


def heading_term(off: float) -> float:
    """Log odds that a heading `off` degrees from the expected one shows this camera, against a
    heading that says nothing (any of 360 degrees): +1.4 dead on, 0 at about 55, -3.2 at worst."""
    inside = _phi((STAND_ANGLE - off) / COMPASS_SD) - _phi((-STAND_ANGLE - off) / COMPASS_SD)
    return math.log(max(inside, HEADING_FLOOR) * 360 / (2 * STAND_ANGLE))


def _phi(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def expected_heading(camera: CameraSignals) -> float | None:
    """Where a phone photographing the camera points: against the camera's direction, a moderator's
    judgement, or else the mean heading of the sightings merged into it."""
    if camera.direction is not None:
        return (camera.direction + 180) % 360
    headings = [math.radians(h) for _, _, h, _ in camera.merged if h is not None]
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
