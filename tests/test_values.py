"""Attribute values of decoded events are exact: decimals, nanoseconds,
strings and indices, checked against the serde text of each sample."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from barter_python import timestamp
from barter_python._fastpath import PYTHON_DATETIME
from barter_python.execution import (
    BalanceInsufficient,
    CancelInFlight,
    Cancelled,
    ExchangeId,
    ExchangeOffline,
    InstrumentInvalid,
    Open,
    OpenFailed,
    OrderEvent,
    OrderRejected,
    Socket,
    Timestamp,
)
from conftest import BY_NAME

USIZE_MAX = 2**64 - 1


def event(name: str) -> OrderEvent:
    return OrderEvent.from_json(BY_NAME[name].serde)


def open_state(name: str) -> Open:
    state = event(name).state
    assert isinstance(state, Open)
    return state


def test_key_fields_and_aliases() -> None:
    key = event("open").key
    assert (key.exchange, key.instrument, key.strategy, key.cid) == (1, 3, "mm", "cid-42")
    assert key.strategy_id == "mm"
    assert key.client_order_id == "cid-42"


def test_open_fields() -> None:
    state = open_state("open")
    assert state.id == "ord-1"
    assert state.filled_quantity == Decimal("0.50")
    assert str(state.filled_quantity) == "0.50"
    assert state.time_exchange == Timestamp(1759659300, 123456789)
    assert state.time_exchange.unix_nanos == 1759659300123456789
    assert state.time_exchange.datetime == dt.datetime(
        2025, 10, 5, 10, 15, 0, 123456, tzinfo=dt.timezone.utc
    )


@pytest.mark.parametrize(
    ("name", "text", "exponent"),
    [
        ("decimal_scale_28", "0.0000000000000000000000000001", -28),
        ("decimal_max_mantissa", "79228162514264337593543950335", 0),
        ("decimal_negative_scale_28", "-1.0000000000000000000000000001", -28),
        ("decimal_trailing_zeros", "100.000000", -6),
        ("decimal_zero", "0", 0),
    ],
)
def test_decimals_keep_value_and_scale(name: str, text: str, exponent: int) -> None:
    quantity = open_state(name).filled_quantity
    assert quantity == Decimal(text)
    assert quantity.as_tuple().exponent == exponent
    assert format(quantity, "f") == text


@pytest.mark.parametrize(
    ("name", "seconds", "nanos", "text"),
    [
        ("time_millis", 1759659300, 123_000_000, "2025-10-05T10:15:00.123Z"),
        ("time_micros", 1759659300, 123_456_000, "2025-10-05T10:15:00.123456Z"),
        ("open", 1759659300, 123_456_789, "2025-10-05T10:15:00.123456789Z"),
        ("time_before_1970", -14182940, 1, "1969-07-20T20:17:40.000000001Z"),
        ("time_after_2262", 9223372036, 854_775_808, "2262-04-11T23:47:16.854775808Z"),
        ("time_year_10000", 253402300800, 0, "+10000-01-01T00:00:00Z"),
        ("time_year_0", -62167219200, 0, "0000-01-01T00:00:00Z"),
        ("time_leap_second", 1483228799, 1_500_000_000, "2016-12-31T23:59:60.500Z"),
    ],
)
def test_timestamps_keep_every_nanosecond(name: str, seconds: int, nanos: int, text: str) -> None:
    stamp = open_state(name).time_exchange
    assert (stamp.seconds, stamp.nanos) == (seconds, nanos)
    assert stamp.isoformat() == text
    assert Timestamp.parse(text) == stamp


def test_after_2262_exceeds_int64_nanoseconds() -> None:
    assert open_state("time_after_2262").time_exchange.unix_nanos == 2**63


def test_datetime_views() -> None:
    assert open_state("time_before_1970").time_exchange.datetime == dt.datetime(
        1969, 7, 20, 20, 17, 40, tzinfo=dt.timezone.utc
    )
    leap = open_state("time_leap_second").time_exchange.datetime
    assert leap == dt.datetime(2016, 12, 31, 23, 59, 59, 999999, tzinfo=dt.timezone.utc)
    with pytest.raises(ValueError, match="outside the years"):
        _ = open_state("time_year_10000").time_exchange.datetime


_UTC_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_DATETIME_SECONDS = st.integers(
    (dt.datetime.min.replace(tzinfo=dt.timezone.utc) - _UTC_EPOCH) // dt.timedelta(seconds=1),
    (dt.datetime.max.replace(tzinfo=dt.timezone.utc) - _UTC_EPOCH) // dt.timedelta(seconds=1),
)


@given(_DATETIME_SECONDS, st.integers(0, 999_999_999))
def test_datetime_is_epoch_plus_the_truncated_time(seconds: int, nanos: int) -> None:
    stamp = Timestamp(seconds, nanos)
    expected = _UTC_EPOCH + dt.timedelta(seconds=seconds, microseconds=nanos // 1_000)
    assert stamp.datetime == expected
    assert Timestamp(seconds, 999).datetime == expected.replace(microsecond=0)
    # The Python getter, whichever getter is active, and both its calendars
    # (the second _cached read comes from its cache).
    assert PYTHON_DATETIME(stamp) == expected
    fields = expected.timetuple()[:6]
    assert timestamp._computed(seconds) == timestamp._cached(seconds) == fields
    assert timestamp._cached(seconds) == fields


@pytest.mark.parametrize("seconds", [-62_135_596_801, 253_402_300_800, -(2**70), 2**70])
def test_the_calendar_stops_where_datetime_does(seconds: int) -> None:
    with pytest.raises(OverflowError):
        timestamp._computed(seconds)
    with pytest.raises(ValueError, match="outside the years"):
        PYTHON_DATETIME(Timestamp(seconds, 0))


def test_datetime_calendar_cache_is_bounded_and_exact() -> None:
    start = 1_759_659_300
    for offset in range(timestamp._CALENDAR_SIZE + 10):
        fields = (_UTC_EPOCH + dt.timedelta(seconds=start + offset)).timetuple()[:6]
        assert timestamp._cached(start + offset) == fields
        assert len(timestamp._CALENDAR) <= timestamp._CALENDAR_SIZE


def test_strings_keep_nul_and_unicode() -> None:
    decoded = event("strings_unicode_and_nul")
    assert decoded.key.cid == "cid\0with-nul"
    assert decoded.key.strategy == 'stratégie 🚀 "quoted" \\ back'
    assert open_state("strings_unicode_and_nul").id == "ордер-\x01-\x7f-\uffff"


def test_long_strings() -> None:
    decoded = event("strings_long")
    assert decoded.key.strategy == "s" * 100
    assert decoded.key.cid == "a-client-order-id-that-is-longer-than-23-bytes"
    assert decoded.state == OpenFailed(OrderRejected("x" * 300))


def test_empty_strings() -> None:
    key = event("strings_empty").key
    assert (key.strategy, key.cid) == ("", "")


def test_usize_max_indices() -> None:
    decoded = event("index_max")
    assert decoded.key.exchange == USIZE_MAX
    assert decoded.key.instrument == USIZE_MAX
    assert decoded.state == OpenFailed(BalanceInsufficient(USIZE_MAX, ""))


def test_error_payloads() -> None:
    assert event("open_failed_exchange_offline").state == OpenFailed(
        ExchangeOffline(ExchangeId.BINANCE_SPOT)
    )
    assert event("open_failed_socket").state == OpenFailed(Socket("connection reset by peer"))
    assert event("open_failed_instrument_invalid").state == OpenFailed(
        InstrumentInvalid(3, "market closed")
    )
    balance = event("open_failed_balance_insufficient").state
    assert isinstance(balance, OpenFailed)
    assert isinstance(balance.error, BalanceInsufficient)
    assert (balance.error.asset, balance.error.message) == (1, "need 10")


def test_cancel_states() -> None:
    with_order = event("cancel_in_flight_with_order").state
    assert isinstance(with_order, CancelInFlight)
    assert with_order.order == Open(
        "ord-1", Timestamp.parse("2025-10-05T10:15:01.5Z"), Decimal("1.25")
    )
    assert event("cancel_in_flight_without_order").state == CancelInFlight(None)
    assert event("cancelled").state == Cancelled("ord-1", Timestamp(1759659360))
