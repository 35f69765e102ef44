"""Peak resident memory of this process (Linux): reset the peak, then read how far it rose."""

from __future__ import annotations

import ctypes
import gc
from pathlib import Path


def _kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def reset_peak() -> int:
    """Make the peak equal the current RSS and return it (KiB).

    Freed heap pages go back to the kernel first (malloc_trim), so memory freed earlier cannot
    be reused unseen: growth from here counts every page the measured work touches.
    """
    gc.collect()
    ctypes.CDLL(None).malloc_trim(0)
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
    return _kib("VmRSS")


def growth_mb(start_kib: int) -> float:
    """How far the peak RSS rose above start_kib, in MB."""
    return (_kib("VmHWM") - start_kib) / 1024
