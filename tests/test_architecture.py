"""ARCHITECTURE.md walks real code: every dotted name it cites must resolve."""

import importlib
import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[1] / "ARCHITECTURE.md"
NAME = re.compile(r"`(survey(?:\.\w+)+)`")


def cited_names() -> list[str]:
    return sorted(set(NAME.findall(DOC.read_text())))


def resolve(dotted: str):
    """Import the longest module prefix, then follow attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            target = getattr(target, attr)
        return target
    raise ModuleNotFoundError(dotted)


def test_the_walks_cite_enough_names():
    assert len(cited_names()) >= 20


@pytest.mark.parametrize("dotted", cited_names())
def test_cited_name_exists(dotted):
    assert resolve(dotted) is not None
