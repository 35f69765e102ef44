"""bench/RESULTS.md: the latest table and the machine it was measured on."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bench.harness import Row, markdown_table

INTRO = """# Benchmark results

Written by `python -m bench --results bench/RESULTS.md` (`make bench` prints the same table).
Each figure is the median of repeated runs after a warm-up, interleaved with its baseline
(paired rows: the median of run-by-run ratios);
the ratio is against a baseline measured in the same run, because absolute times on a shared
2-core machine say little. Times are in milliseconds unless the unit says otherwise.
"""


def write(path: str, rows: list[Row], machine: dict[str, str], mode: str) -> None:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [INTRO, f"## Latest run ({mode}, {when})", "", markdown_table(rows), "", "## Machine", ""]
    lines += [f"- {key}: {value}" for key, value in machine.items()]
    Path(path).write_text("\n".join(lines) + "\n")
