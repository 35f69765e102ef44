"""How the benchmark suite judges a row: full runs hold every target; CI fails on breakage and on ratios
and memory past twice their bound, and shows wall-clock bounds (set on another machine) as "slow"."""

from bench.harness import Row, Target, Timing, exit_code


def _row(median: float, unit: str = "ms", kind: str = "value", limit: float = 20.0, ratio=None) -> Row:
    return Row("case", "name", Timing((median,) * 5), unit=unit, ratio=ratio, target=Target(kind, limit, "t"))


def test_a_full_run_fails_any_missed_target():
    rows = [_row(21.0)]
    assert rows[0].status() == "FAIL" and exit_code(rows, ci=False) == 1


def test_ci_shows_a_wall_clock_bound_but_does_not_fail_on_it():
    slow = _row(60.0)
    assert slow.status(ci=True) == "slow" and exit_code([slow], ci=True) == 0
    assert _row(19.0).status(ci=True) == "ok"


def test_ci_still_fails_a_ratio_or_memory_figure_twice_past_its_bound():
    ratio = _row(60.0, kind="ratio", limit=1.5, ratio=3.1)
    memory = _row(700.0, unit="MB", limit=300.0)
    assert ratio.status(ci=True) == "FAIL" and memory.status(ci=True) == "FAIL"
    assert exit_code([ratio], ci=True) == 1 and exit_code([memory], ci=True) == 1
    assert _row(40.0, kind="ratio", limit=1.5, ratio=2.0).status(ci=True) == "miss"


def test_a_broken_case_fails_ci():
    broken = Row("case", "name", error="boom")
    assert broken.status(ci=True) == "ERROR" and exit_code([broken], ci=True) == 1
