"""CPython's C builder for every message but OrderEvent and the market
streams (``_messages_fast``) against the per-field decoder (each class's
``_from_c``, PyPy's path): every value equals, hashes and prints as the
per-field one, in batches, one at a time and in drains.

Collected on CPython unless BARTER_PYTHON_BUILDER is set (see conftest.py)."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from barter_python import _codec, _messages_fast
from barter_python.execution import (
    AccountEvent,
    AccountSnapshot,
    AssetBalance,
    AssetFees,
    Balance,
    Cancelled,
    Err,
    ExchangeId,
    FillOrKill,
    GoodUntilCancelled,
    GoodUntilEndOfDay,
    ImmediateOrCancel,
    InstrumentAccountSnapshot,
    Keys,
    Ok,
    Open,
    OrderKey,
    OrderKind,
    OrderRequestCancel,
    OrderRequestOpen,
    OrderResponseCancel,
    OrderResponseOpen,
    OrderSnapshot,
    QuoteAsset,
    RequestCancel,
    RequestOpen,
    Side,
    Trade,
)
from barter_python.session import MockConfig, MockInstrument, Session
from conftest import serde_lines
from test_properties import decimals, indices, keyed_errors, texts, timestamps
from test_properties import states as indexed_states

BUILT = [cls for cls, _ in _messages_fast.BUILT]


@contextmanager
def per_field() -> Iterator[None]:
    """Every account-stream decode goes through the classes' ``_from_c``."""
    saved = {}
    for cls in BUILT:
        saved[cls._message] = (
            _codec.FAST_DECODERS.pop(cls._message),
            _codec.FAST_ONE_DECODERS.pop(cls._message),
        )
    try:
        yield
    finally:
        for message, (batch, one) in saved.items():
            _codec.FAST_DECODERS[message] = batch
            _codec.FAST_ONE_DECODERS[message] = one


def assert_same(built: list[Any], reference: list[Any]) -> None:
    assert built == reference
    assert [hash(v) for v in built] == [hash(v) for v in reference]
    assert [v.to_dict() for v in built] == [v.to_dict() for v in reference]
    assert [repr(v) for v in built] == [repr(v) for v in reference]


def assert_built_in_c(values: list[Any]) -> None:
    """The C builder's records are untracked by the GC, the per-field
    decoder's are not."""
    assert not any(map(gc.is_tracked, values))


def test_every_message_has_the_c_builder() -> None:
    for cls in BUILT:
        assert _codec.FAST_DECODERS[cls._message].__qualname__.startswith("c_batch_decoder")


@pytest.mark.parametrize("cls", BUILT, ids=lambda cls: cls.__name__)
def test_every_fixture_builds_alike(cls: Any) -> None:
    for keys in Keys:
        lines = serde_lines(cls, keys.name.lower())
        assert lines, (cls, keys)
        raw = b"".join(line + b"\n" for line in lines)
        built = cls.from_json_lines(raw, keys)
        one = [cls.from_json(line, keys) for line in lines]
        with per_field():
            reference = cls.from_json_lines(raw, keys)
            reference_one = [cls.from_json(line, keys) for line in lines]
        assert_same(built, reference)
        assert_same(one, reference_one)
        assert_built_in_c(built + one)
        assert all(map(gc.is_tracked, reference))
        assert [v.to_json() for v in built] == lines


# --- every value, in either key form -----------------------------------------------------

sides = st.sampled_from(list(Side))
quantities = decimals.map(lambda d: d.copy_abs())  # never negative; exact, unlike abs()
time_in_force = st.sampled_from(
    [GoodUntilCancelled(False), GoodUntilCancelled(True), GoodUntilEndOfDay(), FillOrKill(),
     ImmediateOrCancel()]
)  # fmt: skip


def account_values(keys: Keys) -> dict[type, Any]:
    """A strategy per built class, with ``keys``' key form."""
    indexed = keys is Keys.INDEXED
    exchanges = indices if indexed else st.sampled_from(list(ExchangeId))
    names = indices if indexed else texts
    order_keys = st.builds(OrderKey, exchanges, names, texts, texts)
    errors = keyed_errors(names)
    trades = st.builds(
        Trade, texts, texts, names, texts, timestamps, sides, decimals, decimals,
        st.builds(AssetFees, st.just(QuoteAsset()), decimals),
    )  # fmt: skip
    balances = st.builds(AssetBalance, names, st.builds(Balance, decimals, decimals), timestamps)
    # Error states' keys follow the form (indexed_states holds index keys).
    states = (
        indexed_states if indexed else indexed_states.filter(lambda s: "error" not in s._fields)
    )
    snapshots = st.builds(
        OrderSnapshot, order_keys, sides, decimals, quantities, st.sampled_from(list(OrderKind)),
        time_in_force, states,
    )  # fmt: skip
    cancels = st.builds(
        OrderResponseCancel,
        order_keys,
        st.one_of(st.builds(Ok, st.builds(Cancelled, texts, timestamps)), st.builds(Err, errors)),
    )
    params = (sides, decimals, quantities, st.sampled_from(list(OrderKind)), time_in_force)
    opens = st.builds(
        OrderResponseOpen,
        order_keys,
        *params,
        st.one_of(
            st.builds(Ok, st.builds(Open, texts, timestamps, decimals)), st.builds(Err, errors)
        ),
    )
    account_snapshots = st.builds(
        AccountSnapshot,
        exchanges,
        st.lists(balances, max_size=2).map(tuple),
        st.lists(
            st.builds(InstrumentAccountSnapshot, names, st.lists(snapshots, max_size=2).map(tuple)),
            max_size=2,
        ).map(tuple),
    )
    payloads = st.one_of(trades, balances, snapshots, cancels, account_snapshots)
    return {
        OrderRequestOpen: st.builds(OrderRequestOpen, order_keys, st.builds(RequestOpen, *params)),
        OrderRequestCancel: st.builds(
            OrderRequestCancel, order_keys, st.builds(RequestCancel, st.none() | texts)
        ),
        OrderResponseOpen: opens,
        AccountSnapshot: account_snapshots,
        AccountEvent: st.builds(AccountEvent, exchanges, payloads),
        Trade: trades,
        AssetBalance: balances,
        OrderSnapshot: snapshots,
        OrderResponseCancel: cancels,
    }


CASES = [(cls, keys) for keys in Keys for cls in BUILT]


@pytest.mark.parametrize(("cls", "keys"), CASES, ids=lambda v: getattr(v, "__name__", str(v)))
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_generated_values_build_alike(cls: Any, keys: Keys, data: st.DataObject) -> None:
    values = data.draw(st.lists(account_values(keys)[cls], max_size=12))
    raw = cls.to_json_lines(values)
    built = cls.from_json_lines(raw, keys)
    one = [cls.from_json(v.to_json(), keys) for v in values]
    with per_field():
        reference = cls.from_json_lines(raw, keys)
    assert reference == values
    assert_same(built, reference)
    assert_same(one, reference)
    assert_built_in_c(built + one)


def test_a_sessions_drain_is_built_in_c() -> None:
    instrument = MockInstrument("BTCUSDT", "btc", "usdt")
    config = MockConfig(
        instruments=[instrument],
        balances={"usdt": Decimal(10_000)},
        fees_percent=Decimal("0.001"),
        latency_ms=1,
    )
    key = OrderKey(ExchangeId.BINANCE_SPOT, "BTCUSDT", "strat", "c1")
    buy = RequestOpen(Side.BUY, Decimal(50_000), Decimal("0.1"), OrderKind.MARKET,
                      ImmediateOrCancel())  # fmt: skip
    # MockExchange's opening AccountSnapshot, then the fill's events.
    kinds = {AccountSnapshot, AssetBalance, OrderSnapshot, Trade}
    events: list[AccountEvent] = []
    with Session(config) as session:
        session.open_order(OrderRequestOpen(key, buy))
        # MockExchange sends the answer and the fill's events from separate
        # tasks: the events may come well after the answer on a busy machine.
        deadline = time.monotonic() + 10
        while {type(e.kind) for e in events} != kinds and time.monotonic() < deadline:
            events += session.events(timeout=0.05)
    assert {type(e.kind) for e in events} == kinds
    assert_built_in_c(events)
    with per_field():
        reference = [AccountEvent.from_json(e.to_json(), Keys.UNINDEXED) for e in events]
    assert_same(events, reference)
