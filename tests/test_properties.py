"""Property tests: any valid event built in Python survives
Python → C → Rust (serde) → JSON → Rust → C → Python unchanged, and
``to_dict`` agrees with serde's JSON for it."""

from __future__ import annotations

import contextlib
import json
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from barter_python import BarterValueError
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
errors = st.one_of(
    st.builds(ExchangeOffline, st.sampled_from(list(ExchangeId))),
    st.just(Timeout()),
    st.builds(Socket, texts),
    st.builds(AssetInvalid, indices, texts),
    st.builds(InstrumentInvalid, indices, texts),
    st.just(RateLimit()),
    st.builds(BalanceInsufficient, indices, texts),
    st.builds(OrderRejected, texts),
    st.just(OrderAlreadyCancelled()),
    st.just(OrderAlreadyFullyFilled()),
)
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
