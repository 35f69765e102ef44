"""Findings street by street for a survey area: the coverage figures of survey.areas.coverage, and the
filtered cameras on each street with how many have no sign within 50 m."""

from dataclasses import dataclass

from survey import vocab
from survey.areas.coverage import area_coverage
from survey.models import SurveyArea


@dataclass(frozen=True)
class StreetFindings:
    street_id: int
    name: str | None
    length_m: float
    state: str
    last_walked_month: str | None  # never the day a volunteer walked
    cameras: int
    without_sign: int


@dataclass(frozen=True)
class AreaFindings:
    area_id: int
    name: str
    total_length_m: float
    walked_length_m: float
    walked_share: float
    cameras_on_no_street: int
    streets: list[StreetFindings]


def area_findings(area: SurveyArea, classes: dict[int, str]) -> AreaFindings:
    """Each street's coverage and its cameras among `classes` (camera id -> signage class)."""
    coverage = area_coverage(area.id)
    rows, on_streets = [], set()
    for street in coverage.streets:
        mine = [camera_id for camera_id in street.cameras if camera_id in classes]
        on_streets.update(mine)
        unsigned = sum(1 for camera_id in mine if classes[camera_id] not in vocab.SIGNED_CLASSES)
        month = street.last_walked.strftime("%Y-%m") if street.last_walked else None
        rows.append(
            StreetFindings(street.street_id, street.name, street.length_m, street.state, month, len(mine), unsigned)
        )
    rows.sort(key=lambda row: (-row.cameras, row.name is None, row.name or "", row.street_id))
    return AreaFindings(
        area.id,
        area.name,
        coverage.total_length_m,
        coverage.walked_length_m,
        coverage.walked_share,
        len(set(classes) - on_streets),
        rows,
    )
