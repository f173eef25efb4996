"""The grader's wire format between the trusted parent and the sandboxed child.

Messages are JSON objects, each framed by an 8-byte big-endian length. Arrays travel as
``{"__ndarray__": dtype, "shape": [...], "data": base64 bytes}`` of a numeric dtype only, tuples as
``{"__tuple__": [...]}``; nothing is ever unpickled, and an array is rebuilt with
``np.frombuffer``, so it is read-only on arrival. A message longer than :data:`MAX_MESSAGE` bytes,
malformed JSON or an unknown shape of value is refused with :class:`WireError`.
"""

import base64
import json
import struct

import numpy as np

MAX_MESSAGE = 64 * 2**20  # bytes: far above any exercise's arrays, far below the parent's memory
_HEADER = struct.Struct(">Q")
_NUMERIC_KINDS = "biufc"  # bool, signed and unsigned integers, floats, complex numbers


class WireError(ValueError):
    """A message that breaks the wire format (too long, not JSON, or an unknown value)."""


def encode_value(value):
    """``value`` (numbers, strings, None, lists, tuples, numeric arrays) as JSON-ready data."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        items = [encode_value(item) for item in value]
        return {"__tuple__": items} if isinstance(value, tuple) else items
    array = np.asarray(value)
    if array.dtype.kind not in _NUMERIC_KINDS:
        raise WireError(f"value: cannot send a {type(value).__name__} (dtype {array.dtype})")
    array = np.ascontiguousarray(array)
    return {"__ndarray__": array.dtype.str, "shape": list(array.shape),
            "data": base64.b64encode(array.tobytes()).decode("ascii")}


def decode_value(data):
    """The value :func:`encode_value` encoded; arrays come back read-only."""
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode_value(item) for item in data]
    if isinstance(data, dict) and set(data) == {"__tuple__"}:
        return tuple(decode_value(item) for item in data["__tuple__"])
    if isinstance(data, dict) and set(data) == {"__ndarray__", "shape", "data"}:
        dtype = np.dtype(str(data["__ndarray__"]))
        shape = tuple(int(size) for size in data["shape"])
        if dtype.kind not in _NUMERIC_KINDS or any(size < 0 for size in shape):
            raise WireError(f"data: an array of dtype {dtype} and shape {shape} is refused")
        raw = base64.b64decode(str(data["data"]), validate=True)
        if len(raw) != dtype.itemsize * int(np.prod(shape, dtype=np.int64)):
            raise WireError(f"data: {len(raw)} bytes do not fill shape {shape} of {dtype}")
        return np.frombuffer(raw, dtype=dtype).reshape(shape)
    raise WireError(f"data: not a value of the wire format: {str(data)[:80]!r}")


def send(sock, message):
    """Send one message (a dict of JSON-ready data) over the socket ``sock``."""
    body = json.dumps(message).encode("utf-8")
    if len(body) > MAX_MESSAGE:
        raise WireError(f"message: {len(body)} bytes exceed the limit of {MAX_MESSAGE}")
    sock.sendall(_HEADER.pack(len(body)) + body)


def _receive_exactly(sock, size):
    chunks, left = [], size
    while left:
        chunk = sock.recv(min(left, 2**20))
        if not chunk:
            raise EOFError("the other end closed the channel")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def receive(sock):
    """One message from ``sock`` as a dict; :class:`WireError` if it breaks the format."""
    (size,) = _HEADER.unpack(_receive_exactly(sock, _HEADER.size))
    if size > MAX_MESSAGE:
        raise WireError(f"message: announced {size} bytes, over the limit of {MAX_MESSAGE}")
    try:
        message = json.loads(_receive_exactly(sock, size).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise WireError(f"message: not JSON ({error})") from None
    if not isinstance(message, dict):
        raise WireError("message: not a JSON object")
    return message
