"""Out schemas and the fields they dump rows with, compiled once into plain getters.

marshmallow's own dump walks a queue page of 50 (about 6,000 members with the candidates) ten
times slower than building the dicts by hand did, which would have spent the queue's whole 20 ms
budget. So an Out schema's dump reads the same declarations once into a list of getters and
converters per schema, and calls only those. tests/schemas checks that it gives what
marshmallow's dump gives; set Out.compiled = False to use marshmallow's.
"""

from collections.abc import Callable
from operator import attrgetter

from marshmallow import RAISE, Schema, fields, missing
from marshmallow.utils import get_value

Getter = Callable[[str], Callable[[object], object]]  # attribute -> (obj -> its value; AttributeError if none)
_COMPILED: dict[type, Callable] = {}
_FAST = {fields.Integer: int, fields.Float: float, fields.String: str, fields.Dict: None, fields.Raw: None}


class _Keys:
    """A dict read by attribute, so one getter serves rows, dataclasses and the few dicts dumped."""

    __slots__ = ("_data",)

    def __init__(self, data: dict):
        self._data = data

    def __getattr__(self, name):
        try:
            return self._data[name]
        except KeyError:
            raise AttributeError(name) from None


class Out(Schema):
    """A response shape: the spec says every member is always sent (but OPTIONAL ones) and no other is.

    So schemathesis, reading the spec, fails a body that misses a member or grows an unknown one.
    """

    OPTIONAL: tuple[str, ...] = ()
    compiled = True

    class Meta:
        unknown = RAISE  # apispec documents an explicit RAISE as additionalProperties: false

    def on_bind_field(self, field_name, field_obj):
        field_obj.required = field_name not in self.OPTIONAL

    def getter(self) -> Getter:
        return attrgetter

    def dump(self, obj, *, many=None):
        many = self.many if many is None else bool(many)
        if not Out.compiled or self.only or self.exclude or any(self._hooks.values()):
            return super().dump(obj, many=many)
        if type(self) not in _COMPILED:
            _COMPILED[type(self)] = compile_dump(self, self.getter())
        dump = _COMPILED[type(self)]
        return [dump(each) for each in obj] if many else dump(obj)


def compile_dump(schema: Schema, get: Getter, absent_is_null: bool = False) -> Callable[[object], dict]:
    """One function that dumps what `schema` would, reading attributes with `get`.

    An attribute the object lacks leaves its member out, as marshmallow does (or null, in a Part).
    """
    steps = [_step(name, field, get) for name, field in schema.dump_fields.items()]

    def dump(obj) -> dict:
        if type(obj) is dict:
            obj = _Keys(obj)
        found = {}
        for key, read, convert, default in steps:
            try:
                value = read(obj)
            except AttributeError:
                if absent_is_null:
                    value = None
                elif default is missing:
                    continue
                else:
                    value = default() if callable(default) else default
            found[key] = value if value is None or convert is None else convert(value)
        return found

    return dump


def _step(name: str, field: fields.Field, get: Getter) -> tuple:
    key = field.data_key or name
    if isinstance(field, Part):
        return key, field.reader(get), None, missing
    return key, get(field.attribute or name), _converter(field), field.dump_default


def _converter(field: fields.Field) -> Callable | None:
    if type(field) in _FAST:
        return _FAST[type(field)]
    if isinstance(field, fields.Nested):
        nested = field.schema
        dump = compile_dump(nested, nested.getter() if isinstance(nested, Out) else attrgetter)
        return (lambda value: [dump(each) for each in value]) if nested.many or field.many else dump
    if type(field) is fields.List:
        inner = _converter(field.inner) or (lambda value: value)
        return lambda value: [inner(each) for each in value]
    return lambda value: field._serialize(value, None, None)


class Part(fields.Nested):
    """Some of a row's own columns, shown as one nested object.

    Each field of the nested schema reads `prefix` + its name from the row (exif_lat for `lat`
    with prefix "exif_"); a column the row lacks is null. With `present`, the whole part is
    null when that column is.
    """

    def __init__(self, nested, *, prefix: str = "", present: str | None = None, **kwargs):
        super().__init__(nested, allow_none=present is not None, **kwargs)
        self.prefix, self.present = prefix, present

    def reader(self, get: Getter) -> Callable:
        """The compiled dump of this part, reading the parent's row through `get`."""
        dump = compile_dump(self.schema, lambda name: get(self.prefix + name), absent_is_null=True)
        if self.present is None:
            return dump
        present = get(self.prefix + self.present)
        return lambda obj: None if present(obj) is None else dump(obj)

    def serialize(self, attr, obj, accessor=None, **kwargs):
        def column(name):
            value = (accessor or get_value)(obj, self.prefix + name, None)
            return None if value is missing else value

        if self.present and column(self.present) is None:
            return None
        return self._serialize(_Columns(column), attr, obj, **kwargs)


class _Columns:
    """The row as the nested schema sees it: attribute access goes through the parent's accessor."""

    def __init__(self, column):
        self._column = column

    def __getattr__(self, name):
        return self._column(name)


class Beside(Out):
    """Dumps a small dataclass that holds a row (`ROW`) and a few members of its own (`OWN`).

    The row's columns are read from the row, so a dataclass carries only what the row lacks.
    """

    ROW = "row"
    OWN: tuple[str, ...] = ()

    def get_attribute(self, obj, attr, default):
        source = obj if attr in self.OWN else getattr(obj, self.ROW)
        return super().get_attribute(source, attr, default)

    def getter(self) -> Getter:
        return lambda attr: attrgetter(attr if attr in self.OWN else f"{self.ROW}.{attr}")


class Rounded(fields.Float):
    """A float given to `places` decimals."""

    def __init__(self, places: int, **kwargs):
        super().__init__(**kwargs)
        self.places = places

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else round(float(value), self.places)


class Count(fields.Integer):
    """How many items the attribute holds."""

    def _serialize(self, value, attr, obj, **kwargs):
        return len(value)
