"""The pack's plain-text parts: a README with the licence and attribution, and a draft
freedom-of-information request listing the operator's cameras. Neither names a volunteer."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from survey import vocab


@dataclass(frozen=True)
class PackContext:
    operator: str
    base: str
    made_on: date
    config: dict
    cameras: list  # rows of survey.findings.evidence.camera_rows
    signs: list  # rows of survey.publish.signs.sign_rows

    @property
    def unsigned(self) -> int:
        return sum(1 for row in self.cameras if row.signage_class not in vocab.SIGNED_CLASSES)


def readme_text(ctx: PackContext) -> str:
    licence, attribution = ctx.config["DATA_LICENSE"], ctx.config["DATA_ATTRIBUTION"]
    lines = [
        f"Evidence pack: cameras run by {ctx.operator}",
        f"Made on {ctx.made_on.isoformat()} from {ctx.base}",
        "",
        f"{len(ctx.cameras)} cameras, {ctx.unsigned} of them with no sign within 50 m; {len(ctx.signs)} signs name this operator.",
        "",
        "Files",
        "  report.pdf        summary, map, and one row per camera with its photo",
        "  cameras.csv       the cameras, as the public CSV download gives them",
        "  cameras.geojson   the same as GeoJSON (RFC 7946, [lon, lat])",
        "  signs.csv         the approved signs naming this operator",
        "  signs.geojson     the same as GeoJSON",
        "  photos/           each camera's public photo (faces blurred, no metadata), named by camera id",
        "  foi-request.txt   a draft freedom-of-information request to send to the operator",
        "",
        "Licence",
        f"  The data is published under {licence}. Attribution: {attribution}.",
        "  Reuse it on that licence's terms, crediting the attribution above.",
        "",
        "How it was gathered",
        "  Volunteers photographed each camera from the street; a moderator checked every sighting before",
        "  it was published. Signage is measured from the signs volunteers logged: 'no sign within 50 m'",
        "  means none was found, and 'not surveyed' means nobody has looked for signs there yet.",
        "  Nothing in this pack says who saw a camera, or when in the day.",
    ]
    return "\n".join(lines) + "\n"


QUESTIONS = (
    "the make and model of each camera;",
    "whether face recognition, automatic number plate recognition or any other video analytics are enabled on any of them, and which;",
    "who receives or can view the live feeds (for example the police, a control room, or a contractor), and under what agreement;",
    "the data protection impact assessment (DPIA) or privacy impact assessment for these cameras;",
    "how long recordings are kept, and the retention policy;",
    "your signage policy: where signs are placed, what they say, and how the public can contact you.",
)


def _camera_line(number: int, row) -> str:
    what = " ".join(part for part in (row.manufacturer, row.model) if part) or "make not recorded"
    seen = f"first recorded {row.first_seen.isoformat() if row.first_seen else 'unknown'}"
    return f"{number}. Camera {row.id} at {row.lat:.6f}, {row.lon:.6f} ({what}); {seen}; {row.url}"


def _cameras(count: int) -> str:
    return "1 surveillance camera" if count == 1 else f"{count} surveillance cameras"


def foi_text(ctx: PackContext) -> str:
    makers = Counter(row.manufacturer or "unrecorded makers" for row in ctx.cameras)
    made_by = ", ".join(f"{count} by {maker}" for maker, count in makers.most_common())
    lines = [
        f"To: {ctx.operator} (information rights / data protection officer)",
        "Subject: Freedom of information request: surveillance cameras",
        "",
        "Dear Sir or Madam,",
        "",
        "Under the Freedom of Information Act 2000 (or the law on access to information that applies to you),",
        f"I ask for information about the {_cameras(len(ctx.cameras))} listed below, which a public",
        f"survey records as operated by {ctx.operator} ({made_by}).",
        f"{ctx.unsigned} of them {'has' if ctx.unsigned == 1 else 'have'} no sign within 50 m saying who runs them and why.",
        "",
        "For each camera, or for all of them where the answer is the same, please tell me:",
        *(f"  {letter}) {question}" for letter, question in zip("abcdef", QUESTIONS)),
        "",
        "If a camera below is not yours, please say so, and whose it is if you know.",
        "",
        "The cameras:",
        *(_camera_line(number, row) for number, row in enumerate(ctx.cameras, 1)),
        "",
        "I would like the answers by email, in an open format. Thank you.",
        "",
        "Yours faithfully,",
        "[your name]",
        "[your address or email]",
    ]
    return "\n".join(lines) + "\n"
