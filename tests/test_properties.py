"""Property tests: any valid event built in Python survives
Python → C → Rust (serde) → JSON → Rust → C → Python unchanged, and
``to_dict`` agrees with serde's JSON for it."""

from __future__ import annotations

import contextlib
import json
from decimal import Decimal
from typing import Any, Callable, TypeVar

from hypothesis import given, settings
from hypothesis import strategies as st

from barter_python import BarterValueError, Status, execution
from barter_python.execution import (
    AssetInvalid,
    BalanceInsufficient,
    CancelInFlight,
    Cancelled,
    ExchangeId,
    ExchangeOffline,
    Expired,
    FullyFilled,
    InstrumentInvalid,
    Keys,
    Open,
    OpenFailed,
    OpenInFlight,
    OrderAlreadyCancelled,
    OrderAlreadyFullyFilled,
    OrderEvent,
    OrderKey,
    OrderRejected,
    RateLimit,
    Socket,
    Timeout,
    Timestamp,
)
from conftest import CASES, MESSAGES

T = TypeVar("T")

# chrono's DateTime<Utc> covers years -262143..=262142 (seconds below).
MIN_SECONDS, MAX_SECONDS = -8_334_601_228_800, 8_210_266_876_799

indices = st.integers(0, 2**64 - 1)
texts = st.text(st.characters(codec="utf-8"), max_size=40)
decimals = st.builds(
    lambda mantissa, scale, negative: Decimal((negative, tuple(map(int, str(mantissa))), -scale)),
    st.integers(0, 2**96 - 1),
    st.integers(0, 28),
    st.integers(0, 1),
)
ordinary_times = st.builds(
    Timestamp, st.integers(MIN_SECONDS, MAX_SECONDS), st.integers(0, 999_999_999)
)
leap_seconds = st.builds(
    lambda day, nanos: Timestamp(day * 86_400 + 86_399, 1_000_000_000 + nanos),
    st.integers(-10_000, 10_000),
    st.integers(0, 999_999_999),
)
timestamps = st.one_of(ordinary_times, leap_seconds)
opens = st.builds(Open, texts, timestamps, decimals)


def keyed_errors(names: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Every OrderError leaf, its asset and instrument keys drawn from ``names``."""
    return st.one_of(
        st.builds(ExchangeOffline, st.sampled_from(list(ExchangeId))),
        st.just(Timeout()),
        st.builds(Socket, texts),
        st.builds(AssetInvalid, names, texts),
        st.builds(InstrumentInvalid, names, texts),
        st.just(RateLimit()),
        st.builds(BalanceInsufficient, names, texts),
        st.builds(OrderRejected, texts),
        st.just(OrderAlreadyCancelled()),
        st.just(OrderAlreadyFullyFilled()),
    )


errors = keyed_errors(indices)
states = st.one_of(
    st.just(OpenInFlight()),
    opens,
    st.builds(CancelInFlight, st.one_of(st.none(), opens)),
    st.builds(Cancelled, texts, timestamps),
    st.just(FullyFilled()),
    st.builds(OpenFailed, errors),
    st.just(Expired()),
)
events = st.builds(OrderEvent, st.builds(OrderKey, indices, indices, texts, texts), states)


@settings(max_examples=300, deadline=None)
@given(events)
def test_valid_events_round_trip_through_rust(event: OrderEvent) -> None:
    serde = event.to_json()
    assert OrderEvent.from_json(serde) == event
    assert event.to_dict() == json.loads(serde)
    assert OrderEvent.from_dict(event.to_dict()) == event


@settings(max_examples=50, deadline=None)
@given(st.lists(events, max_size=20))
def test_batches_round_trip(batch: list[OrderEvent]) -> None:
    assert OrderEvent.from_json_lines(OrderEvent.to_json_lines(batch)) == batch
    assert OrderEvent.from_json_array(OrderEvent.to_json_array(batch)) == batch


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_are_an_event_or_a_value_error(data: bytes) -> None:
    for parse in (OrderEvent.from_json, OrderEvent.from_json_lines, OrderEvent.from_json_array):
        with contextlib.suppress(BarterValueError):
            parse(data)


# --- mutated valid JSON -------------------------------------------------------------
#
# Valid serde lines from the fixtures, with byte flips, insertions (of JSON
# syntax, UTF-8 fragments and arbitrary bytes), deletions, truncations and
# duplicated spans, given to every public parser. Each must return valid
# values (that round-trip through Rust) or raise BarterValueError: any other
# exception fails the test, and a crash would end the run.

FIXTURE_LINES = [case.serde.encode() for case in CASES]
MESSAGE_LINES = [
    (getattr(execution, "".join(p.title() for p in m.message.split("_"))), m.keys, m.serde.encode())
    for m in MESSAGES
]
TOKENS = [
    b'"',
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"\\",
    b"\x00",
    b"\xff",
    b"\xc3",
    b"\xe2\x82",
    b"\n",
    b"\r\n",
    b"null",
    b"true",
    b"-",
    b"0",
    b"1e999",
    b"-0",
    b"18446744073709551616",
    b'"\\u0000"',
    b'"\\ud800"',
    b'"Open"',
    b'"Active"',
    b'"Inactive"',
    b"9" * 30,
    b".",
]
positions = st.integers(0, 1 << 16)
mutations = st.one_of(
    st.tuples(st.just("flip"), positions, st.integers(1, 255)),
    st.tuples(
        st.just("insert"),
        positions,
        st.one_of(st.sampled_from(TOKENS), st.binary(min_size=1, max_size=4)),
    ),
    st.tuples(st.just("delete"), positions, st.integers(1, 12)),
    st.tuples(st.just("truncate"), positions, st.just(0)),
    st.tuples(st.just("duplicate"), positions, st.integers(1, 24)),
)


def mutate(data: bytes, ops: list[tuple[str, int, object]]) -> bytes:
    out = bytearray(data)
    for op, where, arg in ops:
        at = where % (len(out) + 1)
        if op == "flip" and out:
            out[at % len(out)] ^= int(arg)  # type: ignore[call-overload]
        elif op == "insert":
            out[at:at] = arg  # type: ignore[index]
        elif op == "delete":
            del out[at : at + int(arg)]  # type: ignore[call-overload]
        elif op == "truncate":
            del out[at:]
        elif op == "duplicate":
            out[at:at] = out[at : at + int(arg)]  # type: ignore[call-overload]
    return bytes(out)


def mutated(lines: list[bytes]) -> st.SearchStrategy[bytes]:
    return st.builds(mutate, st.sampled_from(lines), st.lists(mutations, min_size=1, max_size=4))


def value_or_error(parse: Callable[[], T]) -> T | None:
    """The parser's result, or None for BarterValueError; anything else raises."""
    try:
        return parse()
    except BarterValueError:
        return None


def is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def assert_valid(cls: Any, values: list[Any], keys: Keys = Keys.INDEXED) -> None:
    for value in values:
        assert type(value) is cls
        assert cls.from_json(value.to_json(), keys) == value
        assert cls.from_dict(value.to_dict(), keys) == value


@settings(max_examples=400, deadline=None)
@given(mutated(FIXTURE_LINES), st.sampled_from(FIXTURE_LINES))
def test_mutated_json_gives_events_or_a_value_error(data: bytes, good: bytes) -> None:
    one = value_or_error(lambda: OrderEvent.from_json(data))
    assert_valid(OrderEvent, [] if one is None else [one])
    text = data.decode("utf-8", "surrogateescape")  # lone surrogates where bytes were bad
    one_text = value_or_error(lambda: OrderEvent.from_json(text))
    assert one_text == one
    for lines in (data, good + b"\n" + data + b"\n" + good):
        events = value_or_error(lambda: OrderEvent.from_json_lines(lines))  # noqa: B023
        assert_valid(OrderEvent, events or [])
        collected = value_or_error(lambda: OrderEvent.decode_json_lines(lines))  # noqa: B023
        if collected is None:  # only input that is not UTF-8 fails as a whole
            assert not is_utf8(lines)
            continue
        assert_valid(OrderEvent, collected.events)
        for error in collected.errors:
            assert error.status in set(Status) - {Status.OK, Status.PANIC}
            assert error.message
    for array in (data, b"[" + good + b"," + data + b"]"):
        assert_valid(OrderEvent, value_or_error(lambda: OrderEvent.from_json_array(array)) or [])  # noqa: B023
    try:
        shape = json.loads(data)
    except ValueError:  # not JSON for Python either (UnicodeDecodeError included)
        return
    from_dict = value_or_error(lambda: OrderEvent.from_dict(shape))
    assert_valid(OrderEvent, [] if from_dict is None else [from_dict])


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(MESSAGE_LINES), st.lists(mutations, min_size=1, max_size=4))
def test_mutated_json_of_every_message_gives_values_or_a_value_error(
    case: tuple[Any, str, bytes], ops: list[tuple[str, int, object]]
) -> None:
    cls, key_form, good = case
    keys = Keys.INDEXED if key_form == "indexed" else Keys.UNINDEXED
    data = mutate(good, ops)
    one = value_or_error(lambda: cls.from_json(data, keys))
    assert_valid(cls, [] if one is None else [one], keys)
    assert_valid(cls, value_or_error(lambda: cls.from_json_lines(data, keys)) or [], keys)
    assert_valid(
        cls, value_or_error(lambda: cls.from_json_array(b"[" + data + b"]", keys)) or [], keys
    )
    collected = value_or_error(lambda: cls.decode_json_lines(good + b"\n" + data, keys))
    if collected is None:  # only input that is not UTF-8 fails as a whole
        assert not is_utf8(data)
    else:
        assert collected.events[0] == cls.from_json(good, keys)
        assert_valid(cls, collected.events, keys)
