"""The findings for a filter: counts by maker, operator, type, zone and signage class, the share
without a sign within 50 m, the watched makers, cameras by month and by street, and a summary to quote."""

from dataclasses import dataclass

from flask import current_app

from survey import vocab
from survey.findings import figures, streets
from survey.findings.scope import FindingsFilter, resolve
from survey.findings.summary import summary_text
from survey.geo import BBox


@dataclass(frozen=True)
class Count:
    value: str | None
    label: str
    cameras: int


@dataclass(frozen=True)
class OperatorSignage:
    value: str | None
    label: str
    cameras: int
    without_sign: int
    share: float


@dataclass(frozen=True)
class Month:
    month: str
    first_seen: int
    removed: int


@dataclass
class Findings:
    filter: dict
    cameras: int
    without_sign: int
    without_sign_share: float
    not_surveyed: int
    by_manufacturer: list[Count]
    by_operator: list[OperatorSignage]
    by_camera_type: list[Count]
    by_zone: list[Count]
    by_signage_class: list[Count]
    watch_manufacturers: list[str]
    watch_list: list[Count]
    watched: int
    by_month: list[Month]
    signs: figures.SignCounts
    area: streets.AreaFindings | None
    summary: str = ""


def share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def findings_for(flt: FindingsFilter) -> Findings:
    """Every figure for the filter (an unknown area is NotFound before anything is counted)."""
    scope = resolve(flt)
    groups = figures.camera_groups(scope.clauses)
    classes = figures.totals(groups, "signage_class")
    total = sum(classes.values())
    without = total - sum(classes[name] for name in vocab.SIGNED_CLASSES)
    watched_names = watch_manufacturers()
    stored_makers = figures.totals(groups, "manufacturer")
    makers = figures.rekeyed(stored_makers, figures.spellings(stored_makers, vocab.canonical_manufacturer))
    watch = _watch_list(makers, watched_names)
    found = Findings(
        filter=flt.query_args(),
        cameras=total,
        without_sign=without,
        without_sign_share=share(without, total),
        not_surveyed=classes[vocab.NOT_SURVEYED],
        by_manufacturer=_counts(makers, lambda value: value),
        by_operator=_operators(groups),
        by_camera_type=_counts(figures.totals(groups, "camera_type"), lambda v: vocab.label("camera_type", v)),
        by_zone=_counts(figures.totals(groups, "zone"), lambda v: vocab.label("zone", v)),
        by_signage_class=_signage(classes),
        watch_manufacturers=watched_names,
        watch_list=watch,
        watched=sum(row.cameras for row in watch),
        by_month=_months(
            figures.first_seen_by_month(scope.timeline_clauses), figures.removed_by_month(scope.timeline_clauses)
        ),
        signs=figures.sign_counts(_sign_box(flt, scope), flt.cameras.operator),
        area=streets.area_findings(scope.area, scope.area_classes) if scope.area else None,
    )
    found.summary = summary_text(found, scope.area.name if scope.area else None)
    return found


def watch_manufacturers() -> list[str]:
    """WATCH_MANUFACTURERS, read now: comma-separated names, spelled as the known makers are."""
    names = current_app.config["WATCH_MANUFACTURERS"].split(",")
    return list(dict.fromkeys(vocab.canonical_manufacturer(n) for n in names if n.strip()))


def _label(text: str | None) -> str:
    return text if text else vocab.NOT_RECORDED_LABEL


def _ranked(counter) -> list:
    """Most cameras first; "not recorded" after the named values of the same count."""
    return sorted(counter.items(), key=lambda item: (-item[1], item[0] is None, str(item[0])))


def _counts(counter, label) -> list[Count]:
    return [Count(value, _label(label(value)), cameras) for value, cameras in _ranked(counter) if cameras]


def _signage(classes) -> list[Count]:
    """Every class in the vocabulary's order, zeros too, so the chart always shows the same bars."""
    names = list(vocab.SIGNAGE_CLASSES) + sorted(set(classes) - set(vocab.SIGNAGE_CLASSES))
    return [Count(name, _label(vocab.label("signage_class", name)), classes[name]) for name in names]


def _operators(groups: list[figures.Group]) -> list[OperatorSignage]:
    stored = figures.totals(groups, "operator")
    names = figures.spellings(stored)
    cameras = figures.rekeyed(stored, names)
    unsigned = figures.rekeyed(figures.totals([g for g in groups if not g.signed], "operator"), names)
    return [
        OperatorSignage(value, _label(value), count, unsigned[value], share(unsigned[value], count))
        for value, count in _ranked(cameras)
    ]


def _watch_list(makers, watched: list[str]) -> list[Count]:
    """Cameras by each watched maker (the makers' names are merged across case already)."""
    by_lower = {value.lower(): count for value, count in makers.items() if value}
    return [Count(name, name, by_lower.get(name.lower(), 0)) for name in watched]


def _months(first: dict[str, int], removed: dict[str, int]) -> list[Month]:
    """One row a month from the first month with a camera to the last, empty months included."""
    months = sorted(set(first) | set(removed))
    if not months:
        return []
    rows, (year, month) = [], map(int, months[0].split("-"))
    last = months[-1]
    while (key := f"{year:04d}-{month:02d}") <= last:
        rows.append(Month(key, first.get(key, 0), removed.get(key, 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return rows


def _sign_box(flt: FindingsFilter, scope) -> BBox | None:
    if flt.cameras.bbox is not None or scope.area is None:
        return flt.cameras.bbox
    area = scope.area
    return BBox(area.min_lon, area.min_lat, area.max_lon, area.max_lat)
