"""CQL2 filters (OGC API - Features Part 3): text or JSON read by pygeofilter into its syntax tree, then
turned into SQL here, node by node, over an allow-list of queryables.

pygeofilter is used only as a parser. Only a name listed as a queryable reaches SQL, and only as that
queryable's own column expression; every literal is a bound parameter of the queryable's type.
"""

import json
import operator
from dataclasses import dataclass, field
from datetime import date, datetime

from pygeofilter import ast, values
from pygeofilter.parsers.cql2_json import parse as parse_json
from pygeofilter.parsers.cql2_text import parse as parse_text
from sqlalchemy import Boolean, and_, false, not_, or_, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from survey.geo import BBox, parse_bbox, within

TEXT, JSON = "cql2-text", "cql2-json"
LANGUAGES = (TEXT, JSON)
# The draft's name for CQL2 text: GDAL 3.6 sends a -where to the server only under this name.
ALIASES = {"cql-text": TEXT}
MAX_DEPTH = 40  # nesting deeper than any hand-written filter; keeps recursion bounded
MAX_IN_VALUES = 500


class BadFilter(ValueError):
    """A filter that cannot be read or names what is not a queryable: a 400 saying why."""


@dataclass(frozen=True)
class Queryable:
    """A property a filter may name: its SQL expression and its JSON Schema type."""

    column: object = field(compare=False)
    type: str  # "string", "integer", "number" or "boolean"
    title: str
    format: str | None = None  # "date" for days
    enum: tuple[str, ...] = ()


@dataclass(frozen=True)
class Points:
    """The geometry of a point collection, as two columns."""

    lat: object
    lon: object


@dataclass(frozen=True)
class CqlFilter:
    """A parsed filter; equal filters are equal by their text and language (cache keys)."""

    text: str
    lang: str
    node: object = field(compare=False, hash=False, repr=False)


def parse(text: str, lang: str | None) -> CqlFilter:
    """Read a filter in cql2-text (the default) or cql2-json; BadFilter when it is not valid."""
    lang = ALIASES.get(lang or TEXT, lang or TEXT)
    if lang not in LANGUAGES:
        raise BadFilter(f"filter-lang must be one of {', '.join(LANGUAGES)}.")
    if lang == TEXT:
        check_and_or(text)
    try:
        node = parse_text(text) if lang == TEXT else _fix_json_boxes(parse_json(json.loads(text)))
    except RecursionError:
        raise BadFilter("The filter is nested too deeply.") from None
    except Exception as exc:  # the parser's many error types (lark, ValueError, KeyError...) all mean bad input
        raise BadFilter(f"Not valid {lang}: {_first_line(exc)}") from None
    return CqlFilter(text, lang, node)


def check_and_or(text: str) -> None:
    """Refuse AND beside OR in one group without parentheses: pygeofilter gives them equal precedence,
    where CQL2 binds AND tighter, so `a OR b AND c` would be read as `(a OR b) AND c`."""
    groups, word, quote = [[set(), 0]], "", None  # per group: the joins seen, BETWEENs awaiting their AND
    for char in text + " ":
        if quote:
            quote = None if char == quote else quote
            continue
        if char.isalnum() or char == "_":
            word += char
            continue
        _join_word(word.upper(), groups[-1])
        word = ""
        if char in "'\"":
            quote = char
        elif char == "(":
            groups.append([set(), 0])
        elif char == ")" and len(groups) > 1:
            groups.pop()


def _join_word(word: str, group: list) -> None:
    if word == "BETWEEN":
        group[1] += 1
    elif word == "AND" and group[1]:
        group[1] -= 1
    elif word in ("AND", "OR"):
        group[0].add(word)
        if len(group[0]) > 1:
            raise BadFilter("AND and OR side by side need parentheses, e.g. a = 1 OR (b = 2 AND c = 3).")


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


def _fix_json_boxes(node):
    """pygeofilter spreads a JSON {"bbox": [w, s, e, n]} over Envelope(x1, x2, y1, y2) in array order;
    mark those envelopes so they are read in bbox order."""
    if isinstance(node, values.Envelope):
        return _JsonBox(node.x1, node.x2, node.y1, node.y2)
    if isinstance(node, ast.Node):
        for name, value in vars(node).items():
            if isinstance(value, ast.Node | values.Envelope):
                setattr(node, name, _fix_json_boxes(value))
            elif isinstance(value, list):
                setattr(node, name, [_fix_json_boxes(v) for v in value])
    return node


@dataclass
class _JsonBox:
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float


def to_sql(flt: CqlFilter, queryables: dict[str, Queryable], geometry: Points | None = None):
    """The filter as one SQL condition; BadFilter naming the first thing it cannot translate."""
    return _Translator(queryables, geometry).condition(flt.node, 0)


COMPARISONS = {
    ast.Equal: operator.eq,
    ast.NotEqual: operator.ne,
    ast.LessThan: operator.lt,
    ast.LessEqual: operator.le,
    ast.GreaterThan: operator.gt,
    ast.GreaterEqual: operator.ge,
}
# `5 < direction` is `direction > 5`.
MIRRORED = {operator.lt: operator.gt, operator.gt: operator.lt, operator.le: operator.ge, operator.ge: operator.le}


class _Translator:
    def __init__(self, queryables: dict[str, Queryable], geometry: Points | None):
        self.queryables, self.geometry = queryables, geometry

    def condition(self, node, depth: int):
        if depth > MAX_DEPTH:
            raise BadFilter("The filter is nested too deeply.")
        if isinstance(node, ast.And | ast.Or):
            join = and_ if isinstance(node, ast.And) else or_
            return join(self.condition(node.lhs, depth + 1), self.condition(node.rhs, depth + 1))
        if isinstance(node, ast.Not):
            return not_(self.condition(node.sub_node, depth + 1))
        if isinstance(node, ast.Include):
            return false() if node.not_ else true()
        if type(node) in COMPARISONS:
            return self.comparison(node)
        handler = {
            ast.Like: self.like,
            ast.In: self.in_list,
            ast.Between: self.between,
            ast.IsNull: self.is_null,
            ast.GeometryIntersects: self.intersects,
            ast.BBox: self.bbox_predicate,
        }.get(type(node))
        if handler is None:
            raise BadFilter(f"{_name(node)} is not supported here; see the conformance classes.")
        return handler(node)

    def attribute(self, node) -> Queryable:
        if not isinstance(node, ast.Attribute):
            raise BadFilter(f"Expected a property name, got {_name(node)}.")
        queryable = self.queryables.get(node.name)
        if queryable is None:
            raise BadFilter(f"{node.name!r} is not a queryable; see the collection's /queryables.")
        return queryable

    def comparison(self, node):
        op, lhs, rhs = COMPARISONS[type(node)], node.lhs, node.rhs
        if not isinstance(lhs, ast.Attribute) and isinstance(rhs, ast.Attribute):
            op, lhs, rhs = MIRRORED.get(op, op), rhs, lhs
        queryable = self.attribute(lhs)
        return op(queryable.column, literal(rhs, queryable, lhs.name))

    def like(self, node):
        queryable = self.attribute(node.lhs)
        if queryable.type != "string" or not isinstance(node.pattern, str):
            raise BadFilter(f"LIKE compares text with a quoted pattern; {node.lhs.name!r} is {queryable.type}.")
        found = exact_like(queryable.column, node.pattern)
        return not_(found) if node.not_ else found

    def in_list(self, node):
        queryable = self.attribute(node.lhs)
        if not 0 < len(node.sub_nodes) <= MAX_IN_VALUES:
            raise BadFilter(f"IN takes 1 to {MAX_IN_VALUES} values.")
        items = [literal(item, queryable, node.lhs.name) for item in node.sub_nodes]
        return queryable.column.not_in(items) if node.not_ else queryable.column.in_(items)

    def between(self, node):
        queryable = self.attribute(node.lhs)
        low, high = (literal(v, queryable, node.lhs.name) for v in (node.low, node.high))
        found = queryable.column.between(low, high)
        return not_(found) if node.not_ else found

    def is_null(self, node):
        column = self.attribute(node.lhs).column
        return column.is_not(None) if node.not_ else column.is_(None)

    def intersects(self, node):
        lhs, rhs = node.lhs, node.rhs
        if not isinstance(lhs, ast.Attribute):
            lhs, rhs = rhs, lhs
        self.spatial(lhs)
        if isinstance(rhs, values.Geometry) and rhs.geometry.get("type") == "Point":
            lon, lat = _numbers(rhs.geometry.get("coordinates", [])[:2], "POINT")
            return and_(self.geometry.lon == lon, self.geometry.lat == lat)
        return within(self.geometry.lat, self.geometry.lon, box_of(rhs))

    def bbox_predicate(self, node):
        self.spatial(node.lhs)
        return within(self.geometry.lat, self.geometry.lon, _box([node.minx, node.miny, node.maxx, node.maxy]))

    def spatial(self, node) -> None:
        if self.geometry is None or not isinstance(node, ast.Attribute) or node.name != "geometry":
            raise BadFilter("Spatial functions take the queryable 'geometry' and a BBOX or POINT.")


def box_of(node) -> BBox:
    """A BBOX(...) literal (text) or {"bbox": [...]} (JSON) as a box; anything else is refused."""
    if isinstance(node, _JsonBox):
        return _box([node.min_lon, node.min_lat, node.max_lon, node.max_lat])
    if isinstance(node, ast.Function) and node.name.lower() == "bbox" and len(node.arguments) in (4, 6):
        return _box(node.arguments)
    if (isinstance(node, ast.Function) and node.name.lower() == "bbox") or isinstance(node, list):
        raise BadFilter("BBOX takes four numbers (minLon, minLat, maxLon, maxLat) or six with heights.")
    raise BadFilter("S_INTERSECTS takes a BBOX(minLon, minLat, maxLon, maxLat) or a POINT here.")


def _box(numbers) -> BBox:
    try:
        return parse_bbox(",".join(repr(float(n)) for n in _numbers(numbers, "BBOX")))
    except ValueError as exc:
        raise BadFilter(str(exc)) from None


def _numbers(items, what: str) -> list[float]:
    if not items or not all(isinstance(n, int | float) and not isinstance(n, bool) for n in items):
        raise BadFilter(f"{what} takes numbers.")
    return [float(n) for n in items]


def literal(value, queryable: Queryable, name: str):
    """A literal checked against the queryable's type; dates also as quoted ISO text (GDAL sends those)."""
    if queryable.format == "date":
        return _day(value, name)
    if queryable.type == "string":
        if not isinstance(value, str):
            raise BadFilter(f"{name!r} is text: compare it with a quoted string.")
        return value
    if queryable.type == "boolean":
        return _truth(value, name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadFilter(f"{name!r} is a number: compare it with a number.")
    return value


def _truth(value, name: str) -> bool:
    """TRUE or FALSE; also 1 or 0, as GDAL writes a boolean field's value in a -where."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise BadFilter(f"{name!r} is true or false: compare it with TRUE or FALSE.")


def _day(value, name: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            pass
    raise BadFilter(f"{name!r} is a date: compare it with DATE('2026-05-01').")


def _name(node) -> str:
    return type(node).__name__ if not isinstance(node, str | int | float) else repr(node)


class exact_like(FunctionElement):
    """CQL2 LIKE, case-sensitive on both databases: SQLite's LIKE ignores case, so it gets GLOB."""

    type = Boolean()
    inherit_cache = True

    def __init__(self, column, pattern: str):
        super().__init__(column, pattern, glob_pattern(pattern))


@compiles(exact_like)
def _like_sqlite(element, compiler, **kw):
    column, _like, glob = element.clauses.clauses
    return f"({compiler.process(column, **kw)} GLOB {compiler.process(glob, **kw)})"


@compiles(exact_like, "postgresql")
def _like_postgresql(element, compiler, **kw):
    column, like, _glob = element.clauses.clauses
    return f"({compiler.process(column, **kw)} LIKE {compiler.process(like, **kw)} ESCAPE '\\')"


def glob_pattern(pattern: str) -> str:
    """A CQL2 LIKE pattern (% any, _ one, backslash escapes) as a GLOB pattern (* any, ? one)."""
    out, chars = [], iter(pattern)
    for char in chars:
        if char == "\\":
            char = next(chars, "\\")
            out.append(f"[{char}]" if char in "*?[" else char)
        elif char in "%_":
            out.append("*" if char == "%" else "?")
        else:
            out.append(f"[{char}]" if char in "*?[" else char)
    return "".join(out)
