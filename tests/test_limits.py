"""The library's limits: each tested exactly at the limit and one over it,
changed and restored through ``barter_python.limits``; deep nesting; and a
100 MB input that neither a limit nor a successful decode lets use memory
without bound."""

from __future__ import annotations

import gc
import json
import os
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from barter_python import BarterLimitError, BarterValueError, Status
from barter_python._native import ffi, lib
from barter_python.execution import (
    AccountEvent,
    AccountSnapshot,
    AssetBalance,
    Keys,
    Message,
    Open,
    OrderEvent,
    OrderKey,
    OrderRequestCancel,
    OrderRequestOpen,
    OrderResponseCancel,
    OrderResponseOpen,
    OrderSnapshot,
    Timestamp,
    Trade,
)
from barter_python.limits import (
    DEFAULT_LIMITS,
    Limits,
    get_limits,
    reset_limits,
    set_limits,
    temporary_limits,
)
from conftest import BY_NAME, CASES, MESSAGES

OPEN = BY_NAME["open"].serde.encode()
LINES = b"".join(case.serde.encode() + b"\n" for case in CASES)
STATM = Path("/proc/self/statm")
STATUS = Path("/proc/self/status")
CLEAR_REFS = Path("/proc/self/clear_refs")
MB = 1_000_000
MESSAGE_CLASSES: list[type[Message]] = [
    OrderEvent,
    OrderRequestOpen,
    OrderRequestCancel,
    OrderResponseCancel,
    OrderSnapshot,
    OrderResponseOpen,
    Trade,
    AssetBalance,
    AccountSnapshot,
    AccountEvent,
]


def rss() -> int:
    """This process's resident set size in bytes (Linux)."""
    return int(STATM.read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_rss() -> int:
    """VmHWM: the peak resident set size since the last reset, in bytes."""
    for line in STATUS.read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM in /proc/self/status")


needs_proc = pytest.mark.skipif(
    not STATM.exists(), reason="RSS is read from /proc/self/statm (Linux only)"
)


@pytest.fixture(autouse=True)
def _default_limits() -> Iterator[None]:
    """Every test starts from, and leaves, the defaults."""
    assert get_limits() == DEFAULT_LIMITS
    yield
    assert get_limits() == DEFAULT_LIMITS, "a test left the limits changed"


# --- reading and changing the limits -------------------------------------------------


def test_defaults_are_the_documented_ones() -> None:
    documented = Limits(
        max_input_bytes=1 << 30, max_string_bytes=1 << 20, max_events_per_call=1 << 24
    )
    assert documented == DEFAULT_LIMITS
    assert get_limits() == DEFAULT_LIMITS


def test_set_changes_only_what_is_given_and_returns_the_previous_limits() -> None:
    previous = set_limits(max_string_bytes=100)
    try:
        assert previous == DEFAULT_LIMITS
        assert get_limits() == DEFAULT_LIMITS._replace(max_string_bytes=100)
    finally:
        assert reset_limits() == DEFAULT_LIMITS._replace(max_string_bytes=100)


def test_temporary_limits_are_restored_even_after_an_error() -> None:
    with temporary_limits(max_input_bytes=10) as inside:
        assert inside.max_input_bytes == 10
        with pytest.raises(BarterLimitError):
            OrderEvent.from_json(OPEN)
    assert get_limits() == DEFAULT_LIMITS
    with pytest.raises(KeyError), temporary_limits(max_input_bytes=10):
        raise KeyError
    assert get_limits() == DEFAULT_LIMITS


@pytest.mark.parametrize("value", [0, -1, 1.5, "10", True, 1 << 63, 1 << 64])
def test_invalid_limits_are_refused_and_nothing_changes(value: object) -> None:
    for field in Limits._fields:
        with pytest.raises(BarterValueError):
            set_limits(**{field: value})  # type: ignore[arg-type]
        assert get_limits() == DEFAULT_LIMITS


def test_the_largest_valid_limit_is_accepted() -> None:
    largest = (1 << (8 * ffi.sizeof("size_t") - 1)) - 1
    with temporary_limits(max_input_bytes=largest) as limits:
        assert limits.max_input_bytes == largest
        assert OrderEvent.from_json(OPEN).to_json() == OPEN


# --- max_input_bytes ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("parse", "data"),
    [
        (OrderEvent.from_json, OPEN),
        (OrderEvent.from_json_array, b"[" + OPEN + b"]"),
        (OrderEvent.from_json_lines, LINES),
        (OrderEvent.decode_json_lines, LINES),
    ],
    ids=["from_json", "from_json_array", "from_json_lines", "decode_json_lines"],
)
def test_input_exactly_at_the_limit_passes_and_one_byte_over_fails(
    parse: object, data: bytes
) -> None:
    with temporary_limits(max_input_bytes=len(data)):
        parse(data)  # type: ignore[operator]
    with temporary_limits(max_input_bytes=len(data) - 1):
        with pytest.raises(BarterLimitError) as info:
            parse(data)  # type: ignore[operator]
        assert info.value.status is Status.LIMIT_EXCEEDED
        assert info.value.message == (
            f"input is {len(data)} bytes, over the limit of {len(data) - 1} bytes "
            "(BarterLimits.max_input_bytes)"
        )


def test_the_input_limit_applies_to_every_message_type() -> None:
    classes = {cls.__name__: cls for cls in MESSAGE_CLASSES}
    for case in MESSAGES:
        cls = classes["".join(part.title() for part in case.message.split("_"))]
        data = case.serde.encode()
        keys = Keys.INDEXED if case.keys == "indexed" else Keys.UNINDEXED
        with temporary_limits(max_input_bytes=len(data)):
            cls.from_json(data, keys)
        with temporary_limits(max_input_bytes=len(data) - 1), pytest.raises(BarterLimitError):
            cls.from_json(data, keys)


# --- max_string_bytes --------------------------------------------------------------


def event_with_cid(cid: str) -> OrderEvent:
    # The other strings are 1 byte, under every limit tested.
    return OrderEvent(OrderKey(1, 3, "s", cid), Open("o", Timestamp(1, 0), Decimal("0.50")))


@pytest.mark.parametrize("limit", [1, 6, 1000])
def test_a_string_exactly_at_the_limit_passes_and_one_byte_over_fails(limit: int) -> None:
    at, over = (
        event_with_cid("é" * (limit // 2) + "x" * (limit % 2)),
        event_with_cid("x" * (limit + 1)),
    )
    at_json, over_json = at.to_json(), over.to_json()
    with temporary_limits(max_string_bytes=limit):
        # Decoding (Rust reads the JSON) ...
        assert OrderEvent.from_json(at_json) == at
        with pytest.raises(BarterLimitError, match=rf"key\.cid: string is {limit + 1} bytes"):
            OrderEvent.from_json(over_json)
        # ... and encoding (Rust reads the C struct Python filled).
        assert at.to_json() == at_json
        with pytest.raises(BarterLimitError, match=rf"event 0: key\.cid: string is {limit + 1}"):
            over.to_json()


def test_the_default_string_limit_exactly() -> None:
    limit = DEFAULT_LIMITS.max_string_bytes
    assert OrderEvent.from_json(event_with_cid("x" * limit).to_json()).key.cid == "x" * limit
    text = OPEN.replace(b'"cid-42"', b'"' + b"x" * (limit + 1) + b'"')
    with pytest.raises(BarterLimitError, match=rf"string is {limit + 1} bytes, over the limit"):
        OrderEvent.from_json(text)


def test_collected_lines_over_the_string_limit_are_line_errors() -> None:
    long_line = OPEN.replace(b'"cid-42"', b'"' + b"y" * 50 + b'"')
    with temporary_limits(max_string_bytes=49):
        events, errors = OrderEvent.decode_json_lines(OPEN + b"\n" + long_line + b"\n" + OPEN)
    assert len(events) == 2
    assert [(e.line, e.status) for e in errors] == [(2, Status.LIMIT_EXCEEDED)]
    assert "string is 50 bytes" in errors[0].message


# --- max_events_per_call -----------------------------------------------------------


def test_events_per_call_exactly_at_the_limit_pass_and_one_over_fails() -> None:
    events = OrderEvent.from_json_lines(LINES)[:4]
    with temporary_limits(max_events_per_call=3):
        assert OrderEvent.from_json_lines(OrderEvent.to_json_lines(events[:3])) == events[:3]
        assert OrderEvent.from_json_array(OrderEvent.to_json_array(events[:3])) == events[:3]
        with pytest.raises(BarterLimitError, match=r"input is 4 items, over the limit of 3"):
            OrderEvent.to_json_lines(events)
        with pytest.raises(BarterLimitError, match=r"input is 4 items"):
            OrderEvent.to_json_array(events)


# --- nesting -----------------------------------------------------------------------


def _paths(value: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


def _with_deep_value(value: object, path: tuple[object, ...], depth: int) -> bytes:
    marker = "\x00deep\x00"
    copy = json.loads(json.dumps(value))
    if path:
        target = copy
        for part in path[:-1]:
            target = target[part]  # type: ignore[index]
        target[path[-1]] = marker  # type: ignore[index]
    else:
        copy = marker
    nested = "[" * depth + "]" * depth
    return json.dumps(copy).replace(json.dumps(marker), nested).encode()


@pytest.mark.parametrize("depth", [127, 128, 129, 100_000])
def test_deep_nesting_anywhere_is_an_error_and_never_a_crash(depth: int) -> None:
    """Every value of a nested message replaced by `depth` nested arrays: the
    parser stops where the type's fixed shape does not fit, so any depth is
    an ordinary error and costs no stack."""
    case = next(m for m in MESSAGES if m.message == "account_event" and "snapshot" in m.name)
    value = json.loads(case.serde)
    paths = _paths(value)
    assert len(paths) > 20
    for path in paths:
        with pytest.raises(BarterValueError):
            AccountEvent.from_json(_with_deep_value(value, path, depth))


def test_deep_nesting_in_an_unknown_field_is_skipped_without_recursion() -> None:
    deep = OPEN[:-1] + b',"extra":' + b"[" * 1_000_000 + b"]" * 1_000_000 + b"}"
    assert OrderEvent.from_json(deep) == OrderEvent.from_json(OPEN)
    with pytest.raises(BarterValueError):
        OrderEvent.from_json(OPEN[:-1] + b',"extra":' + b"[" * 1_000_000 + b"}")


# --- a 100 MB input ----------------------------------------------------------------


@pytest.fixture(scope="module")
def hundred_megabytes() -> bytes:
    return LINES * (100 * MB // len(LINES) + 1)


@needs_proc
def test_a_100_mb_input_over_a_lowered_limit_is_refused_before_it_is_parsed(
    hundred_megabytes: bytes,
) -> None:
    data = hundred_megabytes
    before = rss()
    with temporary_limits(max_input_bytes=MB):
        for parse in (OrderEvent.from_json_lines, OrderEvent.decode_json_lines):
            started = time.perf_counter()
            with pytest.raises(BarterLimitError, match=rf"input is {len(data)} bytes"):
                parse(data)
            assert time.perf_counter() - started < 0.5
    assert rss() - before < 8 * MB


@needs_proc
def test_a_100_mb_input_decodes_in_one_call_with_bounded_memory(hundred_megabytes: bytes) -> None:
    """One C call over 100 MB of JSON lines: the batch it holds, and the peak
    while building it, stay within a small multiple of the input, and all of
    it is returned when the batch is freed."""
    data = hundred_megabytes
    out = ffi.new("BarterOrderEventBatch **")
    before = rss()
    CLEAR_REFS.write_text("5")  # resets VmHWM to the current RSS
    status = lib.barter_order_events_decode(data, len(data), lib.BARTER_JSON_FORMAT_LINES, 0, out)
    try:
        assert status == Status.OK
        assert out[0].len == len(CASES) * (len(data) // len(LINES))
        held, peak = rss() - before, peak_rss() - before
        # 208-byte C structs for ~175-byte lines, plus the strings.
        assert held < 2 * len(data), held
        assert peak < 2 * len(data) + 32 * MB, peak
    finally:
        lib.barter_order_event_batch_free(out)
    assert rss() - before < 16 * MB


@needs_proc
def test_a_100_mb_input_decodes_in_chunks_into_python_with_bounded_memory(
    hundred_megabytes: bytes,
) -> None:
    """The Python pattern for input larger than one wants in memory at once:
    cut at line boundaries and decode each chunk. RSS stays flat however
    large the input."""
    data = memoryview(hundred_megabytes)
    chunk = 1 * MB
    count, position, highest, warm = 0, 0, 0, 0
    while position < len(data):
        end = min(position + chunk, len(data))
        while end < len(data) and data[end - 1] != ord("\n"):
            end += 1
        count += len(OrderEvent.from_json_lines(data[position:end]))
        position = end
        # What is alive, not what awaits collection: PyPy's first major
        # collection depends on the machine, and on one (AMD EPYC, 32 MB of
        # L3) it came only after ~125 MB of garbage.
        gc.collect()
        if warm == 0 and position >= 10 * MB:
            warm = rss()
        highest = max(highest, rss())
    assert count == len(CASES) * (len(data) // len(LINES))
    assert highest - warm < 32 * MB, (highest - warm) / MB
