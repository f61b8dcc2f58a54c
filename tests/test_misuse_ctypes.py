"""Misuse of the C ABI from ctypes, with nothing but the shared library and
hand-written declarations: NULL for every pointer argument, lengths that do
not match, double frees through the pointer-to-pointer free functions,
out-of-range tags in input structs, and a panic on purpose. Every call must
come back with an error status (never a crash), and the library must stay
usable afterwards."""

from __future__ import annotations

import ctypes
import re
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from ctypes import (
    POINTER,
    Structure,
    byref,
    c_int,
    c_int64,
    c_size_t,
    c_uint8,
    c_uint16,
    c_uint32,
    c_uint64,
    c_void_p,
    sizeof,
)
from pathlib import Path
from typing import Any, Callable

import pytest

from barter_python import BarterPanicError, Status
from barter_python._native import check, ffi, library_path
from barter_python.execution import OrderEvent as PyOrderEvent
from barter_python.limits import get_limits, temporary_limits
from conftest import CASES, MESSAGES
from hooks import debug_panic

LIBRARY = library_path()
HEADER = Path(__file__).resolve().parent.parent / "include" / "barter_ffi.h"
SIZE_MAX = (1 << (8 * sizeof(c_size_t))) - 1
ONE, ARRAY, LINES, COLLECT = 1, 2, 3, 1
OPEN = next(c.serde for c in CASES if c.name == "open").encode()

# The library through ctypes alone. The module-level handle is shared by all
# tests; argtypes are set per function below.
C = ctypes.CDLL(LIBRARY)


# --- minimal declarations of the structs these tests touch --------------------------


class Str(Structure):
    _fields_ = [("ptr", c_void_p), ("len", c_size_t)]


class Buffer(Structure):
    _fields_ = [("data", c_void_p), ("len", c_size_t)]


class Key(Structure):
    _fields_ = [("kind", c_uint32), ("reserved", c_uint32), ("index", c_size_t), ("name", Str)]


class OrderKey(Structure):
    _fields_ = [("exchange", Key), ("instrument", Key), ("strategy", Str), ("cid", Str)]


class Timestamp(Structure):
    _fields_ = [("seconds", c_int64), ("nanos", c_uint32), ("reserved", c_uint32)]


class Decimal(Structure):
    _fields_ = [
        ("mantissa_lo", c_uint64),
        ("mantissa_hi", c_uint32),
        ("scale", c_uint8),
        ("negative", c_uint8),
        ("reserved", c_uint16),
    ]


class OrderError(Structure):
    _fields_ = [("kind", c_uint32), ("reserved", c_uint32), ("key", Key), ("message", Str)]


class OrderState(Structure):
    _fields_ = [
        ("kind", c_uint32),
        ("has_order", c_uint8),
        ("reserved", c_uint8 * 3),
        ("id", Str),
        ("time_exchange", Timestamp),
        ("filled_quantity", Decimal),
        ("error", OrderError),
    ]


class OrderEvent(Structure):
    _fields_ = [("key", OrderKey), ("state", OrderState)]


class OrderEventBatch(Structure):
    _fields_ = [
        ("events", POINTER(OrderEvent)),
        ("len", c_size_t),
        ("errors", c_void_p),
        ("errors_len", c_size_t),
        ("strings", Str),
    ]


class Batch(Structure):
    _fields_ = [
        ("message", c_uint32),
        ("keys", c_uint32),
        ("items", c_void_p),
        ("len", c_size_t),
        ("item_size", c_size_t),
        ("errors", c_void_p),
        ("errors_len", c_size_t),
        ("strings", Str),
    ]


class Limits(Structure):
    _fields_ = [
        ("max_input_bytes", c_size_t),
        ("max_string_bytes", c_size_t),
        ("max_events_per_call", c_size_t),
    ]


class TradePrefix(Structure):
    """The leading fields of ``BarterTrade``, to find its first key."""

    _fields_ = [("id", Str), ("order_id", Str), ("instrument", Key)]


P = c_void_p
FUNCTIONS: dict[str, list[Any]] = {
    "barter_abi_version": [P],
    "barter_abi_struct_layout": [c_uint32, P, P],
    "barter_library_version": [P],
    "barter_last_error": [P],
    "barter_buffer_free": [P],
    "barter_limits_get": [P],
    "barter_limits_set": [P],
    "barter_decode": [c_uint32, c_uint32, P, c_size_t, c_uint32, c_uint32, P],
    "barter_batch_free": [P],
    "barter_encode": [c_uint32, c_uint32, P, c_size_t, c_uint32, P],
    "barter_order_events_decode": [P, c_size_t, c_uint32, c_uint32, P],
    "barter_order_event_batch_free": [P],
    "barter_order_events_encode": [P, c_size_t, c_uint32, P],
}
for _name, _args in FUNCTIONS.items():
    getattr(C, _name).argtypes = _args
    getattr(C, _name).restype = c_int

#: The C parameter types of the header, as ctypes types (pointers are P).
C_TYPES = {
    "uint8_t": c_uint8,
    "uint16_t": c_uint16,
    "uint32_t": c_uint32,
    "uint64_t": c_uint64,
    "int64_t": c_int64,
    "size_t": c_size_t,
}


def header_functions() -> dict[str, list[str]]:
    """Every function the header declares, with its parameter types."""
    text = re.sub(r"/\*.*?\*/", "", HEADER.read_text(encoding="utf-8"), flags=re.S)
    functions = {}
    for match in re.finditer(r"BarterStatus\s+(barter_\w+)\s*\(([^)]*)\)\s*;", text):
        params = [" ".join(p.split()) for p in match.group(2).split(",") if p.strip()]
        # Drop the parameter name: "const uint8_t *input" -> "const uint8_t *".
        functions[match.group(1)] = [re.sub(r"\s*\w+$", "", p) for p in params]
    return functions


def last_error() -> str:
    view = Str()
    assert C.barter_last_error(byref(view)) == Status.OK
    return ctypes.string_at(view.ptr, view.len).decode() if view.len else ""


def expect(status: int, expected: Status, *parts: str) -> None:
    message = last_error() if status != Status.OK else ""
    assert status == expected, f"status {status}, expected {expected!r}: {message}"
    for part in parts:
        assert part in message, f"{message!r} lacks {part!r}"


# --- helpers that own what the library hands out ------------------------------------


class Decoded:
    """A batch from barter_decode, freed (twice, harmlessly) on close."""

    def __init__(self, message: int, keys: int, data: bytes, format: int = ONE) -> None:
        self.data = ctypes.create_string_buffer(data, len(data))
        self.out = POINTER(Batch)()
        status = C.barter_decode(message, keys, self.data, len(data), format, 0, byref(self.out))
        expect(status, Status.OK)
        self.batch = self.out.contents

    def item_bytes(self, index: int = 0) -> bytearray:
        size = self.batch.item_size
        return bytearray(ctypes.string_at(self.batch.items + index * size, size))

    def close(self) -> None:
        assert C.barter_batch_free(byref(self.out)) == Status.OK
        assert not self.out
        assert C.barter_batch_free(byref(self.out)) == Status.OK


def encode_raw(message: int, keys: int, item: bytes, len_: int = 1, format: int = ONE) -> int:
    """barter_encode of raw struct bytes; a buffer handed out is freed."""
    items = ctypes.create_string_buffer(bytes(item), len(item))
    out = POINTER(Buffer)()
    status: int = C.barter_encode(message, keys, items, len_, format, byref(out))
    if status == Status.OK:
        assert C.barter_buffer_free(byref(out)) == Status.OK
    assert not out
    return status


def message_samples() -> Iterator[tuple[int, int, str, str]]:
    """(BarterMessage, BarterKeys, label, serde JSON): one per message and key form."""
    names = [
        "order_event",
        "order_request_open",
        "order_request_cancel",
        "order_response_cancel",
        "order_snapshot",
        "order_response_open",
        "trade",
        "asset_balance",
        "account_snapshot",
        "account_event",
    ]
    seen = set()
    for case in MESSAGES:
        if (case.message, case.keys) not in seen:
            seen.add((case.message, case.keys))
            keys = 1 if case.keys == "indexed" else 2
            yield names.index(case.message) + 1, keys, f"{case.message}-{case.keys}", case.serde


SAMPLES = list(message_samples())


# --- the declarations match the library ---------------------------------------------


def test_ctypes_declarations_match_the_library_layouts() -> None:
    size, align = c_size_t(), c_size_t()
    for which, struct in [
        (1, Str),
        (2, Decimal),
        (3, Timestamp),
        (4, Key),
        (5, OrderKey),
        (6, OrderError),
        (7, OrderState),
        (8, OrderEvent),
        (10, OrderEventBatch),
        (11, Buffer),
        (12, Batch),
    ]:
        expect(C.barter_abi_struct_layout(which, byref(size), byref(align)), Status.OK)
        assert (size.value, align.value) == (sizeof(struct), ctypes.alignment(struct)), struct


# --- NULL pointers ----------------------------------------------------------------


@pytest.mark.parametrize("fill", [0, 1, 99])
def test_every_function_in_the_header_survives_null_for_every_pointer(fill: int) -> None:
    """Each function of the header, this one's and any added later, called
    with NULL for all its pointers and `fill` for its integers: free functions
    do nothing, every other function reports an error, nothing crashes."""
    functions = header_functions()
    assert set(FUNCTIONS) <= set(functions), "a function this file declares left the header"
    for name, params in functions.items():
        argtypes = [P if "*" in p else C_TYPES[p] for p in params]
        function = getattr(C, name)
        function.argtypes, function.restype = argtypes, c_int
        args = [None if t is P else fill for t in argtypes]
        status = function(*args)
        assert status in set(Status), f"{name}: unknown status {status}"
        if name.endswith("_free"):
            assert status == Status.OK, f"{name}(NULL): {last_error()}"
        else:
            assert status != Status.OK, f"{name} accepted NULL for every pointer"
            assert last_error(), f"{name} failed without a message"
        getattr(C, name).argtypes = FUNCTIONS.get(name, argtypes)


def test_null_in_each_pointer_position() -> None:
    size, out32 = c_size_t(), c_uint32()
    batch, obatch, buffer = POINTER(Batch)(), POINTER(OrderEventBatch)(), POINTER(Buffer)()
    event = (OrderEvent * 1)()
    calls: list[tuple[Callable[[], int], Status, str]] = [
        (lambda: C.barter_abi_version(None), Status.NULL_POINTER, "`out`"),
        (lambda: C.barter_abi_struct_layout(1, None, byref(size)), Status.NULL_POINTER, "out_size"),
        (
            lambda: C.barter_abi_struct_layout(1, byref(size), None),
            Status.NULL_POINTER,
            "out_align",
        ),
        (lambda: C.barter_library_version(None), Status.NULL_POINTER, "`out`"),
        (lambda: C.barter_limits_get(None), Status.NULL_POINTER, "`out`"),
        (lambda: C.barter_limits_set(None), Status.NULL_POINTER, "`limits`"),
        (
            lambda: C.barter_decode(1, 1, None, 5, ONE, 0, byref(batch)),
            Status.NULL_POINTER,
            "`input`",
        ),
        (
            lambda: C.barter_decode(1, 1, OPEN, len(OPEN), ONE, 0, None),
            Status.NULL_POINTER,
            "out_batch",
        ),
        (
            lambda: C.barter_encode(1, 1, None, 1, ONE, byref(buffer)),
            Status.NULL_POINTER,
            "`items`",
        ),
        (lambda: C.barter_encode(1, 1, event, 1, ONE, None), Status.NULL_POINTER, "out_buffer"),
        (
            lambda: C.barter_order_events_decode(None, 5, ONE, 0, byref(obatch)),
            Status.NULL_POINTER,
            "`input`",
        ),
        (
            lambda: C.barter_order_events_decode(OPEN, len(OPEN), ONE, 0, None),
            Status.NULL_POINTER,
            "out_batch",
        ),
        (
            lambda: C.barter_order_events_encode(None, 1, ONE, byref(buffer)),
            Status.NULL_POINTER,
            "`events`",
        ),
        (
            lambda: C.barter_order_events_encode(event, 1, ONE, None),
            Status.NULL_POINTER,
            "out_buffer",
        ),
    ]
    for call, status, part in calls:
        expect(call(), status, part)
    assert not batch
    assert not obatch
    assert not buffer
    # barter_last_error(NULL) reports NULL without overwriting the message.
    assert C.barter_last_error(None) == Status.NULL_POINTER
    assert "out_buffer" in last_error()
    assert C.barter_abi_version(byref(out32)) == Status.OK


def test_free_functions_accept_null_and_a_pointer_to_null() -> None:
    for name in ("barter_buffer_free", "barter_batch_free", "barter_order_event_batch_free"):
        assert getattr(C, name)(None) == Status.OK
        null = c_void_p()
        assert getattr(C, name)(byref(null)) == Status.OK


# --- double frees -----------------------------------------------------------------


def test_double_free_through_the_pointer_to_pointer_is_a_no_op() -> None:
    """The first free sets the caller's pointer to NULL, so a second free
    through the same variable frees nothing. (Freeing a stale *copy* of the
    pointer is undefined behaviour and is not, and cannot be, tested.)"""
    obatch = POINTER(OrderEventBatch)()
    expect(C.barter_order_events_decode(OPEN, len(OPEN), ONE, 0, byref(obatch)), Status.OK)
    assert obatch
    for _ in range(3):
        assert C.barter_order_event_batch_free(byref(obatch)) == Status.OK
        assert not obatch

    batch = POINTER(Batch)()
    expect(C.barter_decode(1, 1, OPEN, len(OPEN), ONE, 0, byref(batch)), Status.OK)
    for _ in range(3):
        assert C.barter_batch_free(byref(batch)) == Status.OK
        assert not batch

    buffer = POINTER(Buffer)()
    decoded = Decoded(1, 1, OPEN)
    items = decoded.batch.items
    expect(C.barter_encode(1, 1, items, 1, ONE, byref(buffer)), Status.OK)
    assert ctypes.string_at(buffer.contents.data, buffer.contents.len) == OPEN
    for _ in range(3):
        assert C.barter_buffer_free(byref(buffer)) == Status.OK
        assert not buffer
    decoded.close()


# --- lengths that do not match ------------------------------------------------------


def test_input_lengths_that_do_not_match_the_json() -> None:
    out = POINTER(OrderEventBatch)()
    data = ctypes.create_string_buffer(OPEN + b"\xff", len(OPEN) + 1)
    decode = C.barter_order_events_decode
    expect(decode(data, len(OPEN) - 1, ONE, 0, byref(out)), Status.INVALID_JSON, "EOF")
    expect(decode(data, len(OPEN) + 1, ONE, 0, byref(out)), Status.INVALID_UTF8, "offset")
    expect(decode(data, 0, ONE, 0, byref(out)), Status.INVALID_JSON, "empty input")
    expect(decode(data, 0, LINES, 0, byref(out)), Status.OK)
    assert out.contents.len == 0
    assert C.barter_order_event_batch_free(byref(out)) == Status.OK
    # Longer than the limit: refused before the bytes are read.
    limit = Limits()
    assert C.barter_limits_get(byref(limit)) == Status.OK
    over = limit.max_input_bytes + 1
    expect(decode(data, over, ONE, 0, byref(out)), Status.LIMIT_EXCEEDED, f"input is {over} bytes")
    expect(C.barter_decode(1, 1, data, over, LINES, COLLECT, byref(out)), Status.LIMIT_EXCEEDED)
    assert not out


def test_item_counts_that_do_not_match() -> None:
    decoded = Decoded(1, 1, OPEN)
    items = decoded.batch.items
    out = POINTER(Buffer)()
    encode = C.barter_order_events_encode
    expect(encode(items, 0, ONE, byref(out)), Status.INVALID_ARGUMENT, "exactly 1 value, got 0")
    pair = ctypes.create_string_buffer(bytes(decoded.item_bytes() * 2), 2 * decoded.batch.item_size)
    expect(encode(pair, 2, ONE, byref(out)), Status.INVALID_ARGUMENT, "exactly 1 value, got 2")
    # A count no array can have: refused by the limit before any item is read.
    expect(encode(items, SIZE_MAX, ARRAY, byref(out)), Status.LIMIT_EXCEEDED, "items")
    expect(C.barter_encode(1, 1, items, SIZE_MAX, ARRAY, byref(out)), Status.LIMIT_EXCEEDED)
    assert not out
    decoded.close()


def test_string_views_whose_length_does_not_match() -> None:
    decoded = Decoded(1, 1, OPEN)
    event = OrderEvent.from_buffer_copy(decoded.item_bytes())
    out = POINTER(Buffer)()
    text = ctypes.create_string_buffer("é".encode(), 2)
    event.key.cid = Str(ctypes.addressof(text), 1)  # cuts "é" in half
    expect(C.barter_order_events_encode(byref(event), 1, ONE, byref(out)), Status.INVALID_UTF8)
    event.key.cid = Str(None, 6)
    expect(
        C.barter_order_events_encode(byref(event), 1, ONE, byref(out)),
        Status.INVALID_ARGUMENT,
        "key.cid: string pointer is NULL but its length is 6",
    )
    assert not out
    decoded.close()


_HUGE_LENGTH = """
import ctypes, sys
lib = ctypes.CDLL(sys.argv[1])
out = ctypes.c_void_p()
data = ctypes.create_string_buffer(b"{}", 2)
lib.barter_order_events_decode.argtypes = [
    ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint32, ctypes.c_uint32, ctypes.c_void_p]
print(lib.barter_order_events_decode(data, 1 << 40, 1, 0, ctypes.byref(out)))
"""


# Once a crash: the arena was sized from input_len before the limit check.
def test_an_input_length_far_beyond_the_buffer_is_refused_not_fatal() -> None:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_HUGE_LENGTH), str(LIBRARY)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-500:]
    assert result.stdout.strip() == str(int(Status.LIMIT_EXCEEDED))


# --- out-of-range values ---------------------------------------------------------------


def test_unknown_selectors_are_refused() -> None:
    out = POINTER(Batch)()
    buffer = POINTER(Buffer)()
    decoded = Decoded(1, 1, OPEN)
    items = decoded.batch.items
    for message, keys, format, flags, part in [
        (0, 1, ONE, 0, "unknown BarterMessage value 0"),
        (13, 1, ONE, 0, "unknown BarterMessage value 13"),
        (1, 0, ONE, 0, "unknown BarterKeys value 0"),
        (1, 3, ONE, 0, "unknown BarterKeys value 3"),
        (1, 1, 0, 0, "unknown BarterJsonFormat value 0"),
        (1, 1, 4, 0, "unknown BarterJsonFormat value 4"),
        (1, 1, ONE, 2, "unknown decode flags 0x2"),
        (1, 1, ONE, COLLECT, "needs BARTER_JSON_FORMAT_LINES"),
        (0xFFFFFFFF, 1, ONE, 0, "unknown BarterMessage value 4294967295"),
    ]:
        status = C.barter_decode(message, keys, OPEN, len(OPEN), format, flags, byref(out))
        expect(status, Status.INVALID_ARGUMENT, part)
        if flags == 0:
            status = C.barter_encode(message, keys, items, 1, format, byref(buffer))
            expect(status, Status.INVALID_ARGUMENT, part)
    assert not out
    assert not buffer
    size, align = c_size_t(), c_size_t()
    expect(C.barter_abi_struct_layout(0, byref(size), byref(align)), Status.INVALID_ARGUMENT)
    decoded.close()


@pytest.mark.parametrize(
    ("field", "value", "part"),
    [
        ("state.kind", 0, "unknown BarterOrderStateKind value 0"),
        ("state.kind", 8, "unknown BarterOrderStateKind value 8"),
        ("state.kind", 0xFFFFFFFF, "unknown BarterOrderStateKind value 4294967295"),
        ("key.exchange.kind", 4, "key.exchange: unknown BarterKeyKind value 4"),
        ("key.instrument.kind", 2, "key.instrument: expected an index key, found a name key"),
        ("state.filled_quantity.scale", 255, "decimal scale 255"),
        ("state.filled_quantity.negative", 7, "decimal sign flag is 7"),
        ("state.time_exchange.nanos", 0xFFFFFFFF, "time_exchange"),
    ],
)
def test_out_of_range_values_in_an_order_event(field: str, value: int, part: str) -> None:
    decoded = Decoded(1, 1, OPEN)
    event = OrderEvent.from_buffer_copy(decoded.item_bytes())
    target: Any = event
    *path, last = field.split(".")
    for name in path:
        target = getattr(target, name)
    setattr(target, last, value)
    out = POINTER(Buffer)()
    expect(
        C.barter_order_events_encode(byref(event), 1, ONE, byref(out)),
        Status.INVALID_ARGUMENT,
        part,
    )
    expect(C.barter_encode(1, 1, byref(event), 1, ONE, byref(out)), Status.INVALID_ARGUMENT, part)
    assert not out
    decoded.close()


def test_order_error_and_flags_out_of_range() -> None:
    failed = next(c.serde for c in CASES if '"OpenFailed"' in c.serde).encode()
    cancel = next(c.serde for c in CASES if '"CancelInFlight":{"order":{' in c.serde).encode()
    for data, field, value, part in [
        (failed, "error.kind", 11, "unknown BarterOrderErrorKind value 11"),
        (failed, "error.kind", 0, "unknown BarterOrderErrorKind value 0"),
        (cancel, "has_order", 2, "has_order is 2, expected 0 or 1"),
    ]:
        decoded = Decoded(1, 1, data)
        event = OrderEvent.from_buffer_copy(decoded.item_bytes())
        target: Any = event.state
        *path, last = field.split(".")
        for name in path:
            target = getattr(target, name)
        setattr(target, last, value)
        out = POINTER(Buffer)()
        expect(
            C.barter_order_events_encode(byref(event), 1, ONE, byref(out)),
            Status.INVALID_ARGUMENT,
            part,
        )
        decoded.close()


@pytest.mark.parametrize(
    ("message", "keys", "label", "serde"), SAMPLES, ids=[s[2] for s in SAMPLES]
)
def test_an_unknown_key_kind_in_every_message_struct(
    message: int, keys: int, label: str, serde: str
) -> None:
    """The first key of each message's C struct set to a kind that does not
    exist; the struct is otherwise valid (its views point into the batch)."""
    decoded = Decoded(message, keys, serde.encode())
    item = decoded.item_bytes()
    assert encode_raw(message, keys, item) == Status.OK
    offset = TradePrefix.instrument.offset if label.startswith("trade-") else 0
    for kind in (0, 4, 0xFFFFFFFF):
        ctypes.c_uint32.from_buffer(item, offset).value = kind
        expect(
            encode_raw(message, keys, item), Status.INVALID_ARGUMENT, f"BarterKeyKind value {kind}"
        )
    decoded.close()


def test_limits_set_refuses_out_of_range_values_and_changes_nothing() -> None:
    before = Limits()
    assert C.barter_limits_get(byref(before)) == Status.OK
    for values in [(0, 1, 1), (1, 0, 1), (1, 1, 0), (SIZE_MAX, 1, 1), (1 << 63, 1, 1)]:
        expect(
            C.barter_limits_set(byref(Limits(*values))), Status.INVALID_ARGUMENT, "expected 1..="
        )
        after = Limits()
        assert C.barter_limits_get(byref(after)) == Status.OK
        assert bytes(after) == bytes(before)


# --- panics (the test variant's barter_debug_panic) ------------------------------------


@pytest.fixture
def panicking() -> None:
    C.barter_debug_panic.argtypes = [P, c_size_t]


@pytest.mark.hooks
@pytest.mark.usefixtures("panicking")
def test_a_panic_becomes_a_status_and_the_next_call_works() -> None:
    # NULL with a length is refused before any panic.
    assert C.barter_debug_panic(None, 3) == Status.NULL_POINTER
    assert last_error() == "`message` must not be NULL"
    message = "boom from ctypes: ünïcode".encode()
    assert C.barter_debug_panic(message, len(message)) == Status.PANIC
    assert last_error() == "panic in barter-ffi: boom from ctypes: ünïcode"
    # The same thread goes on working: a decode, then an error of its own.
    batch = POINTER(OrderEventBatch)()
    expect(C.barter_order_events_decode(OPEN, len(OPEN), ONE, 0, byref(batch)), Status.OK)
    assert batch.contents.len == 1
    assert C.barter_order_event_batch_free(byref(batch)) == Status.OK
    expect(C.barter_order_events_decode(b"{", 1, ONE, 0, byref(batch)), Status.INVALID_JSON)
    # Invalid UTF-8 in the message is replaced, not trusted.
    assert C.barter_debug_panic(b"\xff!", 2) == Status.PANIC
    assert last_error() == "panic in barter-ffi: \ufffd!"


@pytest.mark.hooks
def test_python_raises_a_clear_error_for_a_panic() -> None:
    with pytest.raises(BarterPanicError, match=r"^panic in barter-ffi: on purpose$") as info:
        check(debug_panic(b"on purpose"))
    assert info.value.status is Status.PANIC
    assert isinstance(info.value, RuntimeError)
    # And the package keeps working.
    assert PyOrderEvent.from_json(OPEN).to_json() == OPEN


@pytest.mark.hooks
@pytest.mark.usefixtures("panicking")
def test_a_panic_in_one_thread_leaves_other_threads_alone() -> None:
    seen: dict[str, Any] = {}

    def panic() -> None:
        seen["status"] = C.barter_debug_panic(b"thread", 6)
        seen["message"] = last_error()

    assert C.barter_order_events_decode(b"[", 1, ONE, 0, byref(POINTER(OrderEventBatch)())) != 0
    mine = last_error()
    thread = threading.Thread(target=panic)
    thread.start()
    thread.join()
    assert seen == {"status": Status.PANIC, "message": "panic in barter-ffi: thread"}
    assert last_error() == mine


def test_cffi_and_ctypes_share_one_library() -> None:
    """The package's cffi module and this file's ctypes handle are the same
    library: a limit set through one is seen through the other."""
    with temporary_limits(max_string_bytes=12345):
        seen = Limits()
        assert C.barter_limits_get(byref(seen)) == Status.OK
        assert seen.max_string_bytes == 12345 == get_limits().max_string_bytes
    assert ffi.sizeof("BarterLimits") == sizeof(Limits)
