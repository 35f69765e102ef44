"""The findings' small pure parts: rounding, months, the PDF map's frame, file names, chart geometry."""

import pytest

from survey.findings.charts import LABEL_PX, WIDTH, bar_chart, month_chart
from survey.findings.evidence import slug
from survey.findings.pdfmap import frame_for
from survey.findings.report import Month, _months
from survey.findings.summary import _percent
from survey.geo import distance_m


@pytest.mark.parametrize(
    ("part", "whole", "percent"), [(29, 34, 85), (1, 8, 13), (1, 3, 33), (2, 3, 67), (0, 5, 0), (0, 0, 0)]
)
def test_percentages_round_half_up(part, whole, percent):
    assert _percent(part, whole) == percent


def test_months_run_without_gaps_across_a_year_end():
    rows = _months({"2025-11": 2, "2026-02": 1}, {"2025-12": 1})
    assert rows == [Month("2025-11", 2, 0), Month("2025-12", 0, 1), Month("2026-01", 0, 0), Month("2026-02", 1, 0)]
    assert _months({}, {}) == []


def test_the_pdf_map_keeps_true_distances_and_crosses_the_antimeridian():
    west, east = (-16.5, 179.999), (-16.5, -179.999)
    frame = frame_for([west, east], 0, 0, 180, 120)
    (x1, y1), (x2, y2) = frame.place(*west), frame.place(*east)
    metres = distance_m(*west, *east)
    assert abs(x2 - x1) * frame.metres_per_mm == pytest.approx(metres, rel=0.01) and y1 == pytest.approx(y2)
    assert 0 < x1 < x2 < 180 and 0 < y1 < 120  # both on the map, east to the right
    metres_bar, mm = frame.scale_bar()
    assert mm * frame.metres_per_mm == pytest.approx(metres_bar) and 180 / 8 < mm < 180 / 2


def test_file_names_are_plain_ascii():
    assert slug("Lambeth Council") == "lambeth-council"
    assert slug("Zürich ωmega / Ltd.") == "zurich-mega-ltd"
    assert slug("東京") == "operator"


def test_bars_are_as_long_as_their_counts():
    chart = bar_chart("t", [("a", 10), ("b", 5), ("c", 0)])
    widths = [bar.parts[0][1] for bar in chart.bars]
    assert widths[0] == pytest.approx(2 * widths[1]) and widths[2] == 0
    assert all(bar.parts[0][0] == LABEL_PX for bar in chart.bars) and LABEL_PX + widths[0] < WIDTH
    months = month_chart("m", [Month("2026-01", 4, 0), Month("2026-02", 0, 2)])
    assert months.columns[0].up == pytest.approx(months.axis_y - 10)  # the largest month reaches the top
    assert 0 < months.columns[1].down <= months.height - months.axis_y and months.columns[1].up == 0
