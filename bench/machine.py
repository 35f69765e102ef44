"""A description of the machine the figures come from."""

from __future__ import annotations

import os
import platform
import sqlite3
from pathlib import Path


def _cpuinfo(field: str) -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith(field):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gb() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    except OSError:
        pass
    return "unknown"


def _postgres(url: str | None) -> str:
    if not url:
        return "not used"
    try:
        from sqlalchemy import create_engine, text

        engine = create_engine(url)
        with engine.connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar()
        engine.dispose()
        return str(version)
    except Exception as exc:  # the description must not break the run
        return f"unavailable ({type(exc).__name__})"


def describe(pg_url: str | None) -> dict[str, str]:
    import PIL

    return {
        "nproc": str(os.cpu_count()),
        "CPU": _cpuinfo("model name"),
        "RAM": _ram_gb(),
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "PostgreSQL": _postgres(pg_url),
        "Pillow": PIL.__version__,
        # Other work on a shared machine shows here; the ratios are meant to survive it.
        "load average (1, 5, 15 min) at the end": ", ".join(f"{x:.2f}" for x in os.getloadavg()),
    }
