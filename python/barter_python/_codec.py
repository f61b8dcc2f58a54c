"""What every typed barter class shares: validation of hand-built values,
the C struct helpers, and ``Message``, the base of each class that crosses the
ABI on its own (``from_json``, ``to_json`` and their batch forms).

A decode is one call into Rust for the whole input (``barter_decode``), after
which the batch's C structs become Python objects and the batch is freed
(large JSON lines go through a decode stream instead, and a single value is
decoded into reused memory by ``barter_decode_one_into``); an
encode builds the C structs, and Rust validates them and writes serde's JSON.
"""

from __future__ import annotations

import enum
import gc
import json
import platform
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Context, Decimal, Inexact, Rounded
from typing import Any, Callable, ClassVar, Generic, NamedTuple, TypeVar, Union

from ._native import check, ffi, lib, string, take_buffer
from ._record import Record
from .errors import BarterValueError, Status
from .timestamp import Timestamp

JsonInput = Union[str, bytes, bytearray, memoryview]

USIZE_MAX = (1 << (8 * ffi.sizeof("size_t"))) - 1
_MANTISSA_MAX = (1 << 96) - 1
_MAX_SCALE = lib.BARTER_DECIMAL_MAX_SCALE
# Wide enough to hold any rust_decimal exactly while normalising exponents.
_EXACT = Context(prec=100)


class Keys(enum.IntEnum):
    """barter's two key forms."""

    #: ``ExchangeIndex``, ``AssetIndex``, ``InstrumentIndex`` (ints).
    INDEXED = lib.BARTER_KEYS_INDEXED
    #: ``ExchangeId``, and exchange asset and instrument names (str): what
    #: barter's execution clients and MockExchange emit.
    UNINDEXED = lib.BARTER_KEYS_UNINDEXED


# For the per-call key check: an enum member read through its class costs
# ~60 ns on CPython 3.11.
_INDEXED, _UNINDEXED = Keys.INDEXED, Keys.UNINDEXED


# --- validation of hand-built values -------------------------------------------------


def check_str(value: object, field: str) -> str:
    if type(value) is not str:
        raise BarterValueError(f"{field} must be a str, got {type(value).__name__}")
    return value


def check_index(value: object, field: str) -> int:
    if type(value) is not int or not 0 <= value <= USIZE_MAX:
        raise BarterValueError(f"{field} must be an int in 0..={USIZE_MAX}, got {value!r}")
    return value


def check_bool(value: object, field: str) -> bool:
    if type(value) is not bool:
        raise BarterValueError(f"{field} must be a bool, got {type(value).__name__}")
    return value


def check_decimal(value: object, field: str) -> Decimal:
    """A Decimal that rust_decimal holds exactly, in the form it would hold it:
    no positive exponent, no negative zero."""
    if not isinstance(value, Decimal):
        raise BarterValueError(f"{field} must be a decimal.Decimal, got {type(value).__name__}")
    if not value.is_finite():
        raise BarterValueError(f"{field} must be finite, got {value}")
    if value.as_tuple().exponent > 0:  # type: ignore[operator]
        value = value.quantize(Decimal(1), context=_EXACT)
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    if -exponent > _MAX_SCALE:
        raise BarterValueError(f"{field} has {-exponent} decimal places; at most {_MAX_SCALE} fit")
    if _mantissa(digits) > _MANTISSA_MAX:
        raise BarterValueError(f"{field} has more digits than a 96-bit decimal mantissa holds")
    if sign and value.is_zero():
        value = value.copy_abs()
    return value


def check_timestamp(value: object, field: str) -> Timestamp:
    if type(value) is not Timestamp:
        raise BarterValueError(f"{field} must be a Timestamp, got {type(value).__name__}")
    return value


def check_type(value: object, expected: Any, field: str) -> Any:
    if not isinstance(value, expected):
        names = getattr(expected, "__name__", None) or " or ".join(t.__name__ for t in expected)
        raise BarterValueError(f"{field} must be {names}, got {type(value).__name__}")
    return value


# --- C struct helpers -----------------------------------------------------------------


class Keep:
    """Holds the buffers C structs point into until the call that reads them returns."""

    __slots__ = ("buffers",)

    def __init__(self) -> None:
        self.buffers: list[Any] = []

    def text(self, view: Any, value: str, field: str) -> None:
        try:
            data = value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise BarterValueError(f"{field}: not encodable as UTF-8: {exc.reason}") from None
        if data:
            buffer = ffi.new("uint8_t[]", data)
            self.buffers.append(buffer)
            view.ptr = buffer
        view.len = len(data)

    def array(self, c_type: str, count: int) -> Any:
        """A zeroed C array kept alive like the strings."""
        items = ffi.new(f"{c_type}[]", count)
        self.buffers.append(items)
        return items


# 29 digits hold any 96-bit mantissa, so the product below never rounds; if
# it ever had to, the traps make that an exception rather than a wrong value.
_MANTISSA_EXACT = Context(prec=29, traps=[Inexact, Rounded])
#: ``multiply(mantissa, UNITS[negative][scale])``: the exact ``Decimal`` of a
#: C decimal. The unit is 1E-scale (or -1E-scale), so the product keeps the
#: scale (0.50 stays 0.50) and the sign, of a zero too. One C call on an
#: int: half the cost of ``Decimal(int).scaleb`` on CPython, and text plus
#: ``Decimal(str)`` costs ~1 us on PyPy. rust_decimal's scales are 0..28.
multiply = _MANTISSA_EXACT.multiply
UNITS = (
    tuple(Decimal(f"1E-{scale}") for scale in range(29)),
    tuple(Decimal(f"-1E-{scale}") for scale in range(29)),
)


def decimal_of(mantissa: int, scale: int, negative: int) -> Decimal:
    """The exact ``Decimal`` of a C decimal's parts (see ``UNITS``)."""
    return multiply(mantissa, UNITS[negative][scale])


def decimal_from_c(c: Any) -> Decimal:
    return decimal_of(c.mantissa_lo | (c.mantissa_hi << 64), c.scale, c.negative)


def _mantissa(digits: tuple[int, ...]) -> int:
    return int("".join(map(str, digits)))


def decimal_to_c(c: Any, value: Decimal) -> None:
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    mantissa = _mantissa(digits)
    c.mantissa_lo = mantissa & 0xFFFF_FFFF_FFFF_FFFF
    c.mantissa_hi = mantissa >> 64
    c.scale = -exponent
    c.negative = sign


def decimal_text(value: Decimal) -> str:
    # rust_decimal's Display: plain notation with exactly `scale` decimals.
    return format(value, "f")


def timestamp_from_c(c: Any) -> Timestamp:
    return Timestamp._of(c.seconds, c.nanos)


def timestamp_to_c(c: Any, value: Timestamp) -> None:
    c.seconds = value.seconds
    c.nanos = value.nanos


# --- Message: a type that crosses the ABI on its own ----------------------------------

M = TypeVar("M", bound="Message")


class LineError(NamedTuple):
    """A line of JSON lines input that could not be decoded."""

    line: int
    status: Status
    message: str


class JsonLinesResult(Generic[M]):
    """The items of JSON lines input, and the lines that failed; unpacks as
    ``events, errors = ...``. (Not a NamedTuple: those cannot be generic
    before Python 3.11.)"""

    __slots__ = ("errors", "events")

    def __init__(self, events: list[M], errors: list[LineError]) -> None:
        self.events = events
        self.errors = errors

    def __iter__(self) -> Iterator[Any]:
        return iter((self.events, self.errors))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, JsonLinesResult):
            return NotImplemented
        return (self.events, self.errors) == (other.events, other.errors)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"JsonLinesResult(events={self.events!r}, errors={self.errors!r})"


def _input_bytes(data: JsonInput) -> bytes:
    if isinstance(data, str):
        try:
            return data.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise BarterValueError(
                f"input is not valid UTF-8 text: {exc.reason} at index {exc.start}",
                Status.INVALID_UTF8,
            ) from None
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise BarterValueError(f"JSON input must be str or bytes, got {type(data).__name__}")


#: Whole-batch decoders by ``BarterMessage``, where an interpreter has a
#: faster way than ``_from_c`` per item (see ``_fastpath``), and their
#: counterparts for one item in a ``Scratch``: (scratch, bytes used, keys)
#: -> item.
FAST_DECODERS: dict[int, Callable[[Any, Keys], list[Any]]] = {}
FAST_ONE_DECODERS: dict[int, Callable[[Scratch, int, Keys], Any]] = {}
#: A whole single decode (the C builder's, for order events): (bytes, keys)
#: -> item, or None to take the path below (which then reports any error).
DIRECT_ONE_DECODERS: dict[int, Callable[[bytes, Keys], Any]] = {}


#: JSON lines inputs from this size on are decoded by a library thread in
#: batches of ``_STREAM_ITEMS``: Rust parses batch k+1 while Python builds
#: the objects of batch k. Smaller inputs are not worth the thread.
_STREAM_FROM_BYTES = 1 << 18
_STREAM_ITEMS = 512
#: CPython's cyclic GC would scan every live object several times while
#: thousands of (acyclic) objects are built. PyPy's GC needs no pause, and
#: re-enabling it can start a major collection at once.
_PAUSE_GC = platform.python_implementation() == "CPython"


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pauses CPython's cyclic GC (if it is on) while a large batch is built."""
    paused = _PAUSE_GC and gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def decode_batch(
    cls: type[M], data: JsonInput, keys: Keys, format: int, flags: int = 0
) -> tuple[list[M], list[LineError]]:
    raw = data if type(data) is bytes else _input_bytes(data)
    if keys is not _INDEXED and keys is not _UNINDEXED:
        keys = Keys(keys)
    if format == lib.BARTER_JSON_FORMAT_LINES and len(raw) >= _STREAM_FROM_BYTES:
        return _decode_stream(cls, raw, keys, flags)
    out = ffi.new("BarterBatch **")
    check(lib.barter_decode(cls._message, keys, raw, len(raw), format, flags, out))
    try:
        return _items(cls, out[0], keys, flags)
    finally:
        lib.barter_batch_free(out)


def _decode_stream(
    cls: type[M], raw: bytes, keys: Keys, flags: int
) -> tuple[list[M], list[LineError]]:
    # The library thread reads the input after the call that starts it has
    # returned: a plain bytes argument is only valid during a call, this
    # cdata until it is dropped, after the stream is freed.
    data = ffi.from_buffer("uint8_t[]", raw)
    stream = ffi.new("BarterDecodeStream **")
    check(
        lib.barter_decode_stream_new(
            cls._message, keys, data, len(raw), flags, _STREAM_ITEMS, stream
        )
    )
    out = ffi.new("BarterBatch **")
    items: list[M] = []
    errors: list[LineError] = []
    try:
        with gc_paused():  # for the whole input, not batch by batch
            while True:
                check(lib.barter_decode_stream_next(stream[0], out))
                if out[0] == ffi.NULL:
                    return items, errors
                try:
                    more, bad = _items(cls, out[0], keys, flags)
                finally:
                    lib.barter_batch_free(out)
                items += more
                errors += bad
    finally:
        lib.barter_decode_stream_free(stream)


class Scratch:
    """Memory a single value is decoded into by ``barter_decode_one_into``:
    its C struct first, then the strings and arrays it points to. Reused
    from call to call, so a single decode allocates nothing in Rust and
    needs no second call to free."""

    __slots__ = ("_items", "address", "buffer", "memory", "size", "start", "used")

    def __init__(self, size: int) -> None:
        # uint64_t: aligned for every struct of the ABI.
        self.memory = ffi.new("uint64_t[]", max(1, -(-size // 8)))
        self.size = ffi.sizeof(self.memory)
        self.buffer = ffi.buffer(self.memory)
        self.start = ffi.cast("uint8_t *", self.memory)
        self.address = int(ffi.cast("uintptr_t", self.memory))
        self.used = ffi.new("size_t *")
        self._items: dict[str, Any] = {}

    def items(self, c_pointer_type: str) -> Any:
        """The memory as a pointer to structs, e.g. ``BarterOrderEvent *``."""
        items = self._items.get(c_pointer_type)
        if items is None:
            items = self._items[c_pointer_type] = ffi.cast(c_pointer_type, self.memory)
        return items

    def decode(self, cls: type[M], raw: bytes, keys: Keys) -> int:
        """Decodes ``raw`` as one ``cls`` into this memory; returns the
        ``BarterStatus`` (``self.used[0]`` says how many bytes it took, or
        would take if the status is ``BUFFER_TOO_SMALL``)."""
        status: int = _decode_one_into(
            cls._message, keys, raw, len(raw), self.memory, self.size, self.used
        )
        return status


def _larger(status: int, memory: Scratch, cls: type[M], raw: bytes, keys: Keys) -> Scratch:
    """After a failed decode into ``memory``: raises for bad input, else
    decodes again into memory of the size the value needs."""
    if status != _BUFFER_TOO_SMALL:
        check(status)
    larger = Scratch(memory.used[0])
    check(larger.decode(cls, raw, keys))
    return larger


_decode_one_into = lib.barter_decode_one_into
_BUFFER_TOO_SMALL = lib.BARTER_STATUS_BUFFER_TOO_SMALL
#: Free scratches, taken and put back by ``decode_one``: list pop and append
#: are atomic, so each thread (and a re-entrant call) gets its own.
_SCRATCHES: list[Scratch] = []
_SCRATCH_BYTES = 1 << 16
_SCRATCHES_KEPT = 16


def decode_one(cls: type[M], data: JsonInput, keys: Keys) -> M:
    raw = data if type(data) is bytes else _input_bytes(data)
    if keys is not _INDEXED and keys is not _UNINDEXED:
        keys = Keys(keys)
    direct = DIRECT_ONE_DECODERS.get(cls._message)
    if direct is not None:
        item: M | None = direct(raw, keys)
        if item is not None:
            return item
    try:
        scratch = _SCRATCHES.pop()
    except IndexError:
        scratch = Scratch(_SCRATCH_BYTES)
    try:
        memory = scratch
        # Strings are never longer than their JSON, and a struct is under
        # half a scratch: struct plus input fits, except for arrays (an
        # AccountSnapshot's), which the retry sizes.
        if len(raw) > _SCRATCH_BYTES // 2:
            memory = Scratch(len(raw) + ffi.sizeof(cls._c_type))
        # Scratch.decode, inlined: a method call is ~3% of a single decode.
        status = _decode_one_into(
            cls._message, keys, raw, len(raw), memory.memory, memory.size, memory.used
        )
        if status:
            memory = _larger(status, memory, cls, raw, keys)
        used = memory.used[0]
        fast = FAST_ONE_DECODERS.get(cls._message)
        if fast is not None:
            built: M = fast(memory, used, keys)
            return built
        return cls._from_c(memory.items(f"{cls._c_type} *")[0], keys)
    finally:
        if len(_SCRATCHES) < _SCRATCHES_KEPT:
            _SCRATCHES.append(scratch)


class _ArrayView:
    """The attributes a fast decoder reads of a batch, for one typed array."""

    __slots__ = ("items", "len", "strings")

    def __init__(self, items: Any, count: int, strings: Any) -> None:
        self.items = items
        self.len = count
        self.strings = strings


def objects_of(
    cls: Any, items: Any, count: int, strings: Any, keys: Keys = Keys.INDEXED
) -> list[Any]:
    """The objects of ``count`` structs of ``cls`` at ``items`` (a typed
    cffi pointer into a batch whose string buffer is ``strings``). ``keys``
    names the decode; ``_from_c`` reads each key's own form."""
    if count == 0:
        return []
    fast = FAST_DECODERS.get(cls._message)
    if fast is not None:
        return fast(_ArrayView(items, count, strings), keys)
    from_c = cls._from_c
    return [from_c(items[i], keys) for i in range(count)]


def _items(cls: type[M], batch: Any, keys: Keys, flags: int) -> tuple[list[M], list[LineError]]:
    """The objects and line errors of one decoded batch."""
    c_items = ffi.cast(f"{cls._c_type} *", batch.items)
    items = objects_of(cls, c_items, batch.len, batch.strings, keys)
    # Only a collecting decode can succeed with bad lines.
    errors = _line_errors(batch) if flags & lib.BARTER_DECODE_COLLECT_ERRORS else []
    return items, errors


def _line_errors(batch: Any) -> list[LineError]:
    return [
        LineError(e.line, Status(e.status), string(e.message))
        for e in (batch.errors[i] for i in range(batch.errors_len))
    ]


def encode_batch(cls: type[Message], items: list[Any], format: int) -> bytes:
    for index, item in enumerate(items):
        if type(item) is not cls:
            raise BarterValueError(
                f"event {index} is a {type(item).__name__}, expected {cls.__name__}"
            )
    keys = items[0].keys if items else Keys.INDEXED
    keep = Keep()
    structs = ffi.new(f"{cls._c_type}[]", len(items))
    for index, item in enumerate(items):
        try:
            item._to_c(structs[index], keep)
        except BarterValueError as exc:
            raise BarterValueError(f"event {index}: {exc.message}", exc.status) from None
    return encode_structs(cls._message, keys, structs, len(items), format)


def encode_structs(message: int, keys: Keys, structs: Any, count: int, format: int) -> bytes:
    """serde's JSON of ``count`` C structs of ``message``, written by Rust."""
    out = ffi.new("BarterBuffer **")
    check(lib.barter_encode(message, keys, structs, count, format, out))
    return take_buffer(out)


class Message(Record):
    """A barter type with its own serde JSON, parsed and written by Rust."""

    __slots__ = ()
    #: The ``BarterMessage`` value and the C struct of its items.
    _message: ClassVar[int]
    _c_type: ClassVar[str]

    @property
    def keys(self) -> Keys:
        """Which key form this value uses (INDEXED or UNINDEXED)."""
        raise NotImplementedError

    @classmethod
    def _from_c(cls: type[M], c: Any, keys: Keys) -> M:
        raise NotImplementedError

    def _to_c(self, c: Any, keep: Keep) -> None:
        raise NotImplementedError

    def to_dict(self) -> Any:
        """Exactly ``json.loads`` of serde's JSON for this value."""
        raise NotImplementedError

    @classmethod
    def from_json(cls: type[M], data: JsonInput, keys: Keys = Keys.INDEXED) -> M:
        """Parses one value of serde JSON in Rust, into reused memory."""
        return decode_one(cls, data, keys)

    @classmethod
    def from_json_array(cls: type[M], data: JsonInput, keys: Keys = Keys.INDEXED) -> list[M]:
        """Parses a JSON array with one call into Rust."""
        return decode_batch(cls, data, keys, lib.BARTER_JSON_FORMAT_ARRAY)[0]

    @classmethod
    def from_json_lines(cls: type[M], data: JsonInput, keys: Keys = Keys.INDEXED) -> list[M]:
        """Parses JSON lines (blank lines skipped) with one call into Rust.
        The first bad line raises, naming its line number."""
        return decode_batch(cls, data, keys, lib.BARTER_JSON_FORMAT_LINES)[0]

    @classmethod
    def decode_json_lines(
        cls: type[M], data: JsonInput, keys: Keys = Keys.INDEXED
    ) -> JsonLinesResult[M]:
        """Like ``from_json_lines``, but bad lines are returned as ``LineError``s
        and every good line is still decoded."""
        flags = lib.BARTER_DECODE_COLLECT_ERRORS
        return JsonLinesResult(*decode_batch(cls, data, keys, lib.BARTER_JSON_FORMAT_LINES, flags))

    @classmethod
    def from_dict(cls: type[M], data: dict[str, Any], keys: Keys = Keys.INDEXED) -> M:
        """Builds a value from serde's JSON shape (``json.loads`` of serde's
        text), validated by the same Rust parser as ``from_json``."""
        try:
            text = json.dumps(data, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise BarterValueError(f"from_dict: not a JSON value: {exc}") from None
        return cls.from_json(text, keys)

    def to_json(self) -> bytes:
        """serde's JSON bytes, produced in Rust from this value's C struct."""
        return encode_batch(type(self), [self], lib.BARTER_JSON_FORMAT_ONE)

    @classmethod
    def to_json_lines(cls, items: list[Any]) -> bytes:
        """serde's JSON of each item, one per line, in one call into Rust."""
        return encode_batch(cls, list(items), lib.BARTER_JSON_FORMAT_LINES)

    @classmethod
    def to_json_array(cls, items: list[Any]) -> bytes:
        """serde's JSON array of the items, in one call into Rust."""
        return encode_batch(cls, list(items), lib.BARTER_JSON_FORMAT_ARRAY)
