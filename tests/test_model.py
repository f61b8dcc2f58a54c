"""The typed classes: immutable, hashable, comparable, readable, picklable."""

from __future__ import annotations

import copy
import datetime as dt
import pickle
from decimal import Decimal

import pytest

from barter_python.execution import (
    ActiveOrderState,
    ApiError,
    ConnectivityError,
    Expired,
    FullyFilled,
    InactiveOrderState,
    Open,
    OpenFailed,
    OpenInFlight,
    OrderEvent,
    OrderKey,
    RateLimit,
    Timeout,
    Timestamp,
)
from conftest import BY_NAME, CASES

EVENTS = [OrderEvent.from_json(case.serde) for case in CASES]


def test_objects_are_immutable() -> None:
    event = EVENTS[1]
    with pytest.raises(AttributeError, match="OrderEvent is immutable"):
        event.key = event.key  # type: ignore[misc]
    with pytest.raises(AttributeError, match="OrderKey is immutable"):
        event.key.cid = "other"  # type: ignore[misc]
    with pytest.raises(AttributeError, match="Open is immutable"):
        del event.state.id  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        event.extra = 1  # type: ignore[attr-defined]


def test_equality_and_hash_are_by_type_and_value() -> None:
    again = [OrderEvent.from_json(case.serde) for case in CASES]
    assert again == EVENTS
    assert len(set(EVENTS) | set(again)) == len({case.serde for case in CASES})
    assert Timeout() == Timeout()
    assert Timeout() != RateLimit()
    assert FullyFilled() != Expired()
    assert OrderKey(1, 2, "s", "c") != (1, 2, "s", "c")
    assert hash(OpenFailed(Timeout())) == hash(OpenFailed(Timeout()))


def test_hand_built_equals_decoded() -> None:
    built = OrderEvent(
        OrderKey(1, 3, "mm", "cid-42"),
        Open("ord-1", Timestamp.parse("2025-10-05T10:15:00.123456789Z"), Decimal("0.50")),
    )
    assert built == OrderEvent.from_json(BY_NAME["open"].serde)
    assert built.to_json() == BY_NAME["open"].serde.encode()


def test_decimal_normalisation_matches_rust() -> None:
    # rust_decimal has no positive exponents and no negative zero.
    state = Open("x", Timestamp(0), Decimal("1E+3"))
    assert format(state.filled_quantity, "f") == "1000"
    zero = Open("x", Timestamp(0), Decimal("-0.00"))
    assert format(zero.filled_quantity, "f") == "0.00"
    event = OrderEvent(OrderKey(0, 0, "s", "c"), zero)
    assert event.to_dict() == __import__("json").loads(event.to_json())


def test_repr_is_readable_and_evaluable() -> None:
    event = EVENTS[1]
    assert repr(event) == (
        "OrderEvent(key=OrderKey(exchange=1, instrument=3, strategy='mm', cid='cid-42'), "
        "state=Open(id='ord-1', time_exchange=Timestamp.parse('2025-10-05T10:15:00.123456789Z'), "
        "filled_quantity=Decimal('0.50')))"
    )
    namespace = {
        name: getattr(__import__("barter_python.execution", fromlist=["*"]), name)
        for name in ("OrderEvent", "OrderKey", "Open", "Timestamp")
    }
    namespace["Decimal"] = Decimal
    assert eval(repr(event), namespace) == event


def test_pickle_and_copy() -> None:
    for event in EVENTS:
        assert pickle.loads(pickle.dumps(event)) == event
        assert copy.deepcopy(event) is event


def test_isinstance_hierarchy() -> None:
    assert isinstance(OpenInFlight(), ActiveOrderState)
    assert isinstance(Expired(), InactiveOrderState)
    assert isinstance(Timeout(), ConnectivityError)
    assert isinstance(RateLimit(), ApiError)


def test_timestamp_conversions() -> None:
    moment = dt.datetime(2025, 1, 2, 3, 4, 5, 678901, tzinfo=dt.timezone.utc)
    stamp = Timestamp.from_datetime(moment)
    assert stamp.datetime == moment
    assert stamp.isoformat() == "2025-01-02T03:04:05.678901Z"
    assert Timestamp.from_unix_nanos(-1) == Timestamp(-1, 999_999_999)
    assert Timestamp(5) < Timestamp(5, 1) < Timestamp(6)
    with pytest.raises(ValueError, match="needs an aware datetime"):
        Timestamp.from_datetime(dt.datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="leap second"):
        Timestamp(0, 1_000_000_000)
    with pytest.raises(ValueError, match="not a valid date"):
        Timestamp.parse("2025-02-30T00:00:00Z")
    with pytest.raises(ValueError, match="not an RFC 3339 UTC timestamp"):
        Timestamp.parse("2025-01-01T00:00:00+02:00")
