"""The evidence pack's PDF report (fpdf2): a summary, a map, and one row per camera with its photo.

fpdf2 is pure Python, so it installs from PyPI alone (WeasyPrint would need Pango from the system).
Its built-in Helvetica covers Latin-1; any other character becomes '?' rather than shipping a font.
"""

import io
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from survey import vocab
from survey.findings.letters import PackContext
from survey.findings.pdfmap import draw_map

MARGIN = 12
ROW_MM = 16
# (heading, width mm): thumbnail, id, position, first seen, last confirmed, signage, nearest sign
COLUMNS = (
    ("Photo", 22),
    ("Camera", 18),
    ("Position", 38),
    ("First seen", 22),
    ("Confirmed", 22),
    ("Signage", 44),
    ("Sign", 20),
)


def latin(text: str) -> str:
    """Text the core fonts can show: accents kept where Latin-1 has them, other characters as '?'."""
    composed = unicodedata.normalize("NFC", str(text))
    return composed.encode("latin-1", "replace").decode("latin-1")


def evidence_pdf(ctx: PackContext, thumbnail: Callable[[object], bytes | None]) -> bytearray:
    """The report as PDF bytes; `thumbnail(row)` gives a camera's public thumbnail, or None."""
    pdf = FPDF(format="A4")
    pdf.set_margins(MARGIN, MARGIN)
    pdf.set_auto_page_break(False)
    pdf.set_title(latin(f"Evidence pack: {ctx.operator}"))
    pdf.set_creator("cctv-survey")
    # The day it was made, at midnight: no time of day in the file.
    pdf.set_creation_date(datetime(ctx.made_on.year, ctx.made_on.month, ctx.made_on.day, tzinfo=UTC))
    _summary_page(pdf, ctx)
    _camera_table(pdf, ctx, thumbnail)
    return pdf.output()  # a bytearray, given to the zip as it is: a bytes() copy was one more 50 MB at 1,000 photos


def _summary_page(pdf: FPDF, ctx: PackContext) -> None:
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 8, latin(f"Cameras run by {ctx.operator}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=10)
    for line in _summary_lines(ctx):
        pdf.multi_cell(0, 5, latin(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    top = pdf.get_y()
    width = pdf.w - 2 * MARGIN
    draw_map(pdf, ctx.cameras, ctx.signs, MARGIN, top, width, min(150.0, pdf.h - top - 20))
    pdf.set_xy(MARGIN, top + min(150.0, pdf.h - top - 20) + 2)
    pdf.set_font("Helvetica", size=8)
    pdf.cell(
        0, 4, "Red squares: cameras. Blue diamonds: signs naming this operator.", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )


def _summary_lines(ctx: PackContext) -> list[str]:
    count = len(ctx.cameras)
    classes = {}
    for row in ctx.cameras:
        classes[row.signage_class] = classes.get(row.signage_class, 0) + 1
    by_class = "; ".join(
        f"{vocab.label('signage_class', name)}: {classes[name]}" for name in vocab.SIGNAGE_CLASSES if classes.get(name)
    )
    dates = sorted(row.first_seen for row in ctx.cameras if row.first_seen)
    span = f"First recorded between {dates[0].isoformat()} and {dates[-1].isoformat()}." if dates else ""
    return [
        f"Made on {ctx.made_on.isoformat()} from the public data at {ctx.base}.",
        f"{count} camera{'s' if count != 1 else ''}; {ctx.unsigned} with no sign within 50 m. {span}",
        f"Signage: {by_class}." if by_class else "",
        f"{len(ctx.signs)} approved sign{'s' if len(ctx.signs) != 1 else ''} name this operator.",
        f"Data: {ctx.config['DATA_LICENSE']}, {ctx.config['DATA_ATTRIBUTION']}.",
    ]


def _header(pdf: FPDF) -> None:
    pdf.set_font("Helvetica", "B", 8)
    pdf.set_fill_color(230, 230, 230)
    for heading, width in COLUMNS:
        pdf.cell(width, 6, heading, border=1, fill=True)
    pdf.ln(6)


def _camera_table(pdf: FPDF, ctx: PackContext, thumbnail) -> None:
    pdf.add_page()
    _header(pdf)
    sizes: dict[tuple[str, float], float] = {}  # (text, width) -> font size: the labels repeat
    for row in ctx.cameras:
        if pdf.get_y() + ROW_MM > pdf.h - MARGIN:
            pdf.add_page()
            _header(pdf)
        _camera_row(pdf, row, thumbnail(row), sizes)


def _cells(row) -> list[str]:
    distance = f"{row.nearest_sign_m:.0f} m" if row.nearest_sign_m is not None else "none"
    return [
        f"#{row.id}",
        f"{row.lat:.6f}, {row.lon:.6f}",
        row.first_seen.isoformat() if row.first_seen else "-",
        row.last_confirmed.isoformat() if row.last_confirmed else "-",
        vocab.label("signage_class", row.signage_class) or "-",
        distance,
    ]


def _camera_row(pdf: FPDF, row, thumb: bytes | None, sizes: dict) -> None:
    """One row drawn with text() and rect(): cell() costs six times as much, and a pack has 1,000 rows."""
    x, y = pdf.get_x(), pdf.get_y()
    if thumb:
        pdf.image(io.BytesIO(thumb), x + 1, y + 1, COLUMNS[0][1] - 2, ROW_MM - 2, keep_aspect_ratio=True)
    left = x
    for text, (_, width) in zip(["", *_cells(row)], COLUMNS):
        pdf.rect(left, y, width, ROW_MM)
        if text:
            text = latin(text)
            pdf.set_font("Helvetica", size=_fit(pdf, text, width, sizes))
            pdf.text(left + 1, y + ROW_MM / 2 + 1, text)
        left += width
    pdf.set_xy(x, y + ROW_MM)


def _fit(pdf: FPDF, text: str, width: float, sizes: dict) -> float:
    """The largest size from 8 pt down to 5 pt at which the text fits its cell."""
    if (text, width) not in sizes:
        size = 8.0
        pdf.set_font("Helvetica", size=size)
        while size > 5 and pdf.get_string_width(text) > width - 2:
            size -= 0.5
            pdf.set_font("Helvetica", size=size)
        sizes[text, width] = size
    return sizes[text, width]
