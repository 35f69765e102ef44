"""A plain map for the PDF report: the cameras and signs projected into a box, with a scale bar.

No tiles (the pack must open offline and tile servers forbid bulk use): points on a local flat
projection, which is true to a few metres across a town.
"""

import math
from dataclasses import dataclass

from survey.geo import EARTH_RADIUS_M

METRES_PER_DEGREE = math.radians(1) * EARTH_RADIUS_M
NICE_LENGTHS = (10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000)


@dataclass(frozen=True)
class Frame:
    """Where the points go: a box on the page (mm) and the metres each mm holds."""

    x: float
    y: float
    width: float
    height: float
    west: float
    north: float
    cos_lat: float
    metres_per_mm: float

    def place(self, lat: float, lon: float) -> tuple[float, float]:
        east_m = _unwrap(lon - self.west) * METRES_PER_DEGREE * self.cos_lat
        south_m = (self.north - lat) * METRES_PER_DEGREE
        return self.x + east_m / self.metres_per_mm, self.y + south_m / self.metres_per_mm

    def scale_bar(self) -> tuple[int, float]:
        """A round length near a quarter of the width: (metres, mm)."""
        wanted = self.width * self.metres_per_mm / 4
        metres = min(NICE_LENGTHS, key=lambda length: abs(math.log(length / wanted)))
        return metres, metres / self.metres_per_mm


def _unwrap(dlon: float) -> float:
    """A longitude difference across the antimeridian taken the short way."""
    return (dlon + 180) % 360 - 180


def frame_for(points: list[tuple[float, float]], x: float, y: float, width: float, height: float) -> Frame:
    """The frame that holds every (lat, lon) with a margin, centred in the box; at least 200 m across."""
    lats = [lat for lat, _ in points]
    centre_lon = points[0][1]
    offsets = [_unwrap(lon - centre_lon) for _, lon in points]
    cos_lat = max(math.cos(math.radians((min(lats) + max(lats)) / 2)), 0.01)
    span_e = max((max(offsets) - min(offsets)) * METRES_PER_DEGREE * cos_lat, 200.0)
    span_n = max((max(lats) - min(lats)) * METRES_PER_DEGREE, 200.0)
    per_mm = max(span_e / width, span_n / height) * 1.1  # a tenth of margin
    mid_e = (max(offsets) + min(offsets)) / 2 * METRES_PER_DEGREE * cos_lat
    mid_n = (max(lats) + min(lats)) / 2 * METRES_PER_DEGREE
    west = centre_lon + (mid_e - width / 2 * per_mm) / (METRES_PER_DEGREE * cos_lat)
    north = (mid_n + height / 2 * per_mm) / METRES_PER_DEGREE
    return Frame(x, y, width, height, west, north, cos_lat, per_mm)


def draw_map(pdf, cameras: list, signs: list, x: float, y: float, width: float, height: float) -> None:
    """Cameras as red squares, signs as blue diamonds, a frame, a north arrow and a scale bar."""
    points = [(row.lat, row.lon) for row in cameras] + [(row.lat, row.lon) for row in signs]
    frame = frame_for(points, x, y, width, height)
    pdf.set_draw_color(120, 120, 120)
    pdf.rect(x, y, width, height)
    pdf.set_fill_color(60, 90, 200)
    for row in signs:
        px, py = frame.place(row.lat, row.lon)
        pdf.polygon([(px, py - 1.4), (px + 1.4, py), (px, py + 1.4), (px - 1.4, py)], style="F")
    pdf.set_fill_color(200, 30, 30)
    for row in cameras:
        px, py = frame.place(row.lat, row.lon)
        pdf.rect(px - 1, py - 1, 2, 2, style="F")
    metres, length = frame.scale_bar()
    pdf.set_draw_color(0, 0, 0)
    pdf.line(x + 4, y + height - 4, x + 4 + length, y + height - 4)
    pdf.set_font("Helvetica", size=7)
    label = f"{metres // 1000} km" if metres >= 1000 else f"{metres} m"
    pdf.text(x + 4, y + height - 5.5, label)
    pdf.text(x + width - 6, y + 6, "N")
    pdf.line(x + width - 5, y + 7, x + width - 5, y + 13)
