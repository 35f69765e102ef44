"""Rewrite the declared shapes of an ONNX model's inputs and outputs, on its protobuf bytes.

What the `onnx` package would do with a few wire-format fields of ModelProto.graph, without that
31 MB dependency. Pure: bytes in, bytes out.
"""

from __future__ import annotations

from collections.abc import Iterator

_GRAPH, _GRAPH_INPUT, _GRAPH_OUTPUT = 7, 11, 12  # field numbers in onnx.proto
_LENGTH_DELIMITED = 2


def dynamic_shapes(model: bytes, dims: dict[str, list]) -> bytes:
    """``model`` with the declared shapes of the named inputs and outputs set to ``dims``; all else unchanged.

    A str dim is symbolic.
    """
    out = bytearray()
    for number, wire, value, raw in _fields(model):
        if number != _GRAPH or wire != _LENGTH_DELIMITED:
            out += raw
            continue
        graph = bytearray()
        for g_number, g_wire, g_value, g_raw in _fields(value):
            name = None
            if g_number in (_GRAPH_INPUT, _GRAPH_OUTPUT) and g_wire == _LENGTH_DELIMITED:
                name = next((v.decode() for n, _, v, _ in _fields(g_value) if n == 1), None)
            if name in dims:
                graph += _message(g_number, _value_info(name, dims[name]))
            else:
                graph += g_raw
        out += _message(_GRAPH, bytes(graph))
    return bytes(out)


def _read_varint(buf: bytes, i: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = buf[i]
        i += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, i
        shift += 7


def _varint(n: int) -> bytes:
    out = bytearray()
    while n > 0x7F:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _fields(buf: bytes) -> Iterator[tuple[int, int, bytes | int, bytes]]:
    """(field number, wire type, value, the field's raw bytes) for each top-level field of a message."""
    i = 0
    while i < len(buf):
        start = i
        key, i = _read_varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _read_varint(buf, i)
        elif wire == 1:
            value, i = buf[i : i + 8], i + 8
        elif wire == _LENGTH_DELIMITED:
            length, i = _read_varint(buf, i)
            value, i = buf[i : i + length], i + length
        elif wire == 5:
            value, i = buf[i : i + 4], i + 4
        else:
            raise ValueError(f"unexpected protobuf wire type {wire}")
        yield number, wire, value, buf[start:i]


def _message(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | _LENGTH_DELIMITED) + _varint(len(payload)) + payload


def _value_info(name: str, dims: list) -> bytes:
    """ValueInfoProto {name, type {tensor_type {elem_type FLOAT, shape {dim...}}}}; a str dim is symbolic."""
    shape = b"".join(
        _message(1, _message(2, d.encode()) if isinstance(d, str) else _varint(1 << 3) + _varint(d)) for d in dims
    )
    tensor = _varint(1 << 3) + _varint(1) + _message(2, shape)  # elem_type 1 is FLOAT
    return _message(1, name.encode()) + _message(2, _message(1, tensor))
