"""URL converters: a path part is refused by the router before any view or query sees it."""

from flask import Flask
from werkzeug.routing import IntegerConverter

from survey.vocab import MAX_ID


class DatabaseId(IntegerConverter):
    """`<int:...>` in every route: a number no id column can hold matches no route (404), instead of
    reaching the database and failing there (integer out of range on PostgreSQL, OverflowError on SQLite)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app: Flask) -> None:
    """Make `int` mean DatabaseId; a route added before this would keep werkzeug's unbounded one."""
    if any(True for _ in app.url_map.iter_rules()):
        raise RuntimeError("register the URL converters before any route")
    app.url_map.converters["int"] = DatabaseId
