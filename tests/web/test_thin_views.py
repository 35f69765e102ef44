"""web/ stays thin: no database handle in any web module, and no function long enough to hold a rule.

import-linter checks the imports of SQLAlchemy and of the rooms below (pyproject.toml); it cannot see
`db`, which lives in survey.extensions beside the api and the limiter that web/ does need.
"""

import ast
from pathlib import Path

import pytest

import survey.web

WEB = Path(survey.web.__file__).parent
MODULES = sorted(WEB.rglob("*.py"))
LONGEST = 30  # lines, the house limit for any function; a view is usually under ten


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def test_every_web_module_is_checked():
    assert {"media.py", "console.py", "sightings.py", "review.py"} <= {path.name for path in MODULES}


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(WEB)))
def test_no_database_handle(path):
    tree = _tree(path)
    imported = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    assert "db" not in imported | used, "a view calls a rule function; the rule owns the session"


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(WEB)))
def test_no_long_function(path):
    functions = [node for node in ast.walk(_tree(path)) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]
    long = {f.name: f.end_lineno - f.lineno + 1 for f in functions if f.end_lineno - f.lineno + 1 > LONGEST}
    assert not long, f"split these or move their logic into a rule module: {long}"
