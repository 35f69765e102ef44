"""The sentence a journalist can quote: "34 cameras; 29 (85%) have no sign within 50 m; 34 are made by Hikvision"."""


def _cameras(count: int) -> str:
    return f"{count} camera" if count == 1 else f"{count} cameras"


def _percent(part: int, whole: int) -> int:
    """Rounded half up, as people round: 29 of 34 is 85%, 1 of 8 is 13%."""
    return (200 * part + whole) // (2 * whole) if whole else 0


def summary_text(found, area_name: str | None = None) -> str:
    """One line from a Findings; it names the filter's operator and area, so a quote keeps its scope."""
    # The operator as its cameras spell it, not as the query typed it.
    operator = found.by_operator[0].label if found.by_operator else found.filter.get("operator")
    where = "".join(
        (
            f" run by {operator}" if "operator" in found.filter else "",
            f" in {area_name}" if area_name else "",
        )
    )
    if not found.cameras:
        return f"No cameras{where} match these filters."
    total, without = found.cameras, found.without_sign
    verb = "has" if without == 1 else "have"
    parts = [f"{_cameras(total)}{where}", f"{without} ({_percent(without, total)}%) {verb} no sign within 50 m"]
    if found.not_surveyed and without:
        parts[-1] += f" ({found.not_surveyed} of them on streets not yet surveyed for signs)"
    for row in found.watch_list:
        if row.cameras:
            parts.append(f"{row.cameras} {'is' if row.cameras == 1 else 'are'} made by {row.value}")
    return "; ".join(parts)
