"""CPython's C builder (``barter_python._cbuild``) against the cffi builder
and the per-field decoder: the same objects, no reference leaked or lost, and
an allocation failure anywhere in a batch leaves nothing behind.

Collected on CPython unless BARTER_PYTHON_BUILDER=cffi (see conftest.py);
PyPy's builder is checked in test_fastpath.py."""

from __future__ import annotations

import datetime
import gc
import gzip
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from barter_python import _codec, _fastpath, _market_fast, _messages_fast, builder
from barter_python._keys import QUOTE
from barter_python._native import lib
from barter_python._order_state import ERROR_UNITS
from barter_python._record import Record
from barter_python._requests import ORDER_KIND_FROM_C, SIDE_FROM_C, TIME_IN_FORCE_FROM_C
from barter_python.execution import (
    AccountEvent,
    ExchangeId,
    Keys,
    Open,
    OpenFailed,
    OrderEvent,
    OrderKey,
    Timestamp,
)
from barter_python.market import (
    Level,
    MarketEvent,
    MarketItem,
    MarketResultItem,
    MarketStreamEvent,
    OrderBookL1,
    PublicTrade,
)
from conftest import CASES, serde_lines
from test_properties import events as indexed_events
from test_properties import states, texts

WORKLOAD = Path(__file__).resolve().parent.parent / "benchmarks/data/order_events_100k.jsonl.gz"
ORDER_EVENT = lib.BARTER_MESSAGE_ORDER_EVENT

# The error states' keys are indices (their unindexed form is the per-field
# decoder's, checked in test_properties.py).
unindexed_events = st.builds(
    OrderEvent,
    st.builds(OrderKey, st.sampled_from(list(ExchangeId)), texts, texts, texts),
    states.filter(lambda state: not isinstance(state, OpenFailed)),
)


@contextmanager
def fast_decoder(message: int, decode: Any) -> Iterator[None]:
    """Batches of ``message`` decode through ``decode`` (None: the per-field
    path)."""
    saved = _codec.FAST_DECODERS.pop(message)
    if decode is not None:
        _codec.FAST_DECODERS[message] = decode
    try:
        yield
    finally:
        _codec.FAST_DECODERS[message] = saved


def decoder(decode: Any) -> Any:
    """Order events decode through ``decode`` (None: the per-field path)."""
    return fast_decoder(ORDER_EVENT, decode)


CFFI_DECODE, _ = _fastpath._cffi_order_event_decoders()


def test_the_c_builder_is_active() -> None:
    assert builder() == "c"
    assert os.environ.get(_fastpath.BUILDER_VARIABLE, "c") == "c"
    assert Timestamp.datetime.fget is _fastpath._CBUILD.timestamp_datetime


def by_every_path(lines: bytes, keys: Keys) -> list[list[OrderEvent]]:
    c = OrderEvent.from_json_lines(lines, keys)
    with decoder(CFFI_DECODE):
        cffi = OrderEvent.from_json_lines(lines, keys)
    with decoder(None):
        fields = OrderEvent.from_json_lines(lines, keys)
    return [c, cffi, fields]


def assert_same(paths: list[list[OrderEvent]]) -> None:
    c = paths[0]
    for other in paths[1:]:
        assert c == other
        assert [hash(e) for e in c] == [hash(e) for e in other]
        assert [e.to_dict() for e in c] == [e.to_dict() for e in other]
        assert [(type(e.key.exchange), type(e.state)) for e in c] == [
            (type(e.key.exchange), type(e.state)) for e in other
        ]


@settings(max_examples=200, deadline=None)
@given(st.lists(indexed_events, max_size=25))
def test_indexed_events_build_alike_on_every_path(batch: list[OrderEvent]) -> None:
    paths = by_every_path(OrderEvent.to_json_lines(batch), Keys.INDEXED)
    assert_same(paths)
    assert paths[0] == batch


@settings(max_examples=200, deadline=None)
@given(st.lists(unindexed_events, max_size=25))
def test_unindexed_events_build_alike_on_every_path(batch: list[OrderEvent]) -> None:
    paths = by_every_path(OrderEvent.to_json_lines(batch), Keys.UNINDEXED)
    assert_same(paths)
    assert paths[0] == batch


@settings(max_examples=200, deadline=None)
@given(indexed_events)
def test_a_single_event_builds_alike(event: OrderEvent) -> None:
    serde = event.to_json()
    built = OrderEvent.from_json(serde)
    assert built == event
    assert type(built.state) is type(event.state)
    assert built.to_json() == serde


def shared_objects() -> list[Any]:
    """Every object the C builder stores in records without making it."""
    kept = [*_fastpath._UNITS.values(), *ExchangeId, *_codec.UNITS[0], *_codec.UNITS[1]]
    kept += [OrderEvent, OrderKey, _codec.multiply, *SIDE_FROM_C.values()]
    kept += [MarketItem, MarketResultItem, MarketEvent, PublicTrade, OrderBookL1, Level]
    kept += [type(state) for state in _fastpath._UNITS.values()]
    kept += [cls for cls, _ in _messages_fast.BUILT]
    kept += [*_messages_fast._PARTS, QUOTE, *ORDER_KIND_FROM_C.values()]
    kept += TIME_IN_FORCE_FROM_C.values()
    return kept


def test_a_million_events_leave_every_shared_refcount_as_it_was() -> None:
    data = gzip.decompress(WORKLOAD.read_bytes())
    keys = Keys.INDEXED  # the workload's keys are indices
    shared = shared_objects()
    OrderEvent.from_json_lines(data, keys)  # warm every cache first
    gc.collect()
    before = [sys.getrefcount(obj) for obj in shared]
    decoded = 0
    while decoded < 1_000_000:
        decoded += len(OrderEvent.from_json_lines(data, keys))
    gc.collect()
    after = [sys.getrefcount(obj) for obj in shared]
    changed = [(obj, b, a) for obj, b, a in zip(shared, before, after) if a != b]
    assert not changed


def test_every_other_message_leaves_every_shared_refcount_as_it_was() -> None:
    """The same for the messages of _messages_fast: every fixture of each,
    in both key forms, decoded until 200,000 values."""
    batches = []
    for cls, _ in _messages_fast.BUILT:
        for keys in Keys:
            lines = serde_lines(cls, keys.name.lower())
            batches.append((cls, keys, b"".join(line + b"\n" for line in lines) * 50))
    shared = shared_objects()
    for cls, keys, raw in batches:  # warm every cache first
        cls.from_json_lines(raw, keys)
    gc.collect()
    before = [sys.getrefcount(obj) for obj in shared]
    decoded = 0
    while decoded < 200_000:
        for cls, keys, raw in batches:
            decoded += len(cls.from_json_lines(raw, keys))
    gc.collect()
    after = [sys.getrefcount(obj) for obj in shared]
    changed = [(obj, b, a) for obj, b, a in zip(shared, before, after) if a != b]
    assert not changed


def record_types() -> list[type]:
    found, todo = [], [Record]
    while todo:
        kind = todo.pop()
        found.append(kind)
        todo += kind.__subclasses__()
    return found


def live_records() -> int:
    """Records alive, by the reference each holds to its (heap) type: the C
    builder's records are untracked, so ``gc.get_objects`` cannot see them."""
    gc.collect()
    return sum(sys.getrefcount(kind) for kind in record_types())


def test_the_c_builders_records_are_left_to_reference_counting() -> None:
    lines = gzip.decompress(WORKLOAD.read_bytes()).splitlines()[:2000]
    events = OrderEvent.from_json_lines(b"\n".join(lines))
    stamps = [e.state.time_exchange for e in events if isinstance(e.state, Open)]
    assert stamps
    for event in events:
        assert not gc.is_tracked(event)
        assert not gc.is_tracked(event.key)
    # Unit states (CancelInFlight(None) too) and errors without fields are
    # shared singletons.
    units = [id(unit) for unit in [*_fastpath._UNITS.values(), *ERROR_UNITS.values()]]
    built = [e.state for e in events if id(e.state) not in units]
    errors = [s.error for s in built if isinstance(s, OpenFailed) and id(s.error) not in units]
    assert errors
    assert len(built) > len(events) / 2
    assert not any(map(gc.is_tracked, built + stamps + errors))


MARKET_LINES = (
    Path(__file__).resolve().parent.parent / "python/barter_python/data/market_events.jsonl"
).read_bytes()


@contextmanager
def direct_one(cbuild: Any) -> Iterator[None]:
    """Single order events decode through ``cbuild.order_event_one``."""
    table = _codec.DIRECT_ONE_DECODERS
    saved = table[ORDER_EVENT]
    table[ORDER_EVENT] = cbuild.order_event_one
    try:
        yield
    finally:
        table[ORDER_EVENT] = saved


def batches() -> list[tuple[str, Callable[[Any], Any], Callable[[], list[Any]]]]:
    """(name, the C builder's decoders installed around a given builder
    module (a context manager), the decode)."""
    every = [c.serde.encode() for c in CASES]
    account_lines = b"".join(line + b"\n" for line in serde_lines(AccountEvent, "indexed"))
    order_lines = b"".join(line + b"\n" for line in every)
    return [
        (
            "order events",
            lambda cbuild: fast_decoder(
                ORDER_EVENT, _fastpath.c_decoders(cbuild.order_events, "BarterOrderEvent")[0]
            ),
            lambda: OrderEvent.from_json_lines(order_lines, Keys.INDEXED),
        ),
        (
            "single order events",
            direct_one,
            lambda: [OrderEvent.from_json(line) for line in every],
        ),
        (
            "market items",
            lambda cbuild: fast_decoder(
                lib.BARTER_MESSAGE_MARKET_STREAM_EVENT, _market_fast._decoder(cbuild, result=False)
            ),
            lambda: MarketStreamEvent.from_json_lines(MARKET_LINES),
        ),
        (
            "account events",
            lambda cbuild: fast_decoder(
                AccountEvent._message,
                _fastpath.c_decoders(cbuild.account_events, "BarterAccountEvent")[0],
            ),
            lambda: AccountEvent.from_json_lines(account_lines, Keys.INDEXED),
        ),
    ]


@pytest.mark.parametrize("case", batches(), ids=lambda case: case[0])
def test_an_allocation_failure_anywhere_in_a_batch_frees_everything(case: Any) -> None:
    """CPython's _testcapi fails the n-th allocation inside the C builder: for
    every n up to past the end of a batch, the decode either succeeds or
    raises MemoryError, and no record or reference outlives it. Every
    fixture event is built in C, error states too."""
    import _testcapi as testcapi  # noqa: PLC0415 - CPython's own test module

    _, install, decode = case
    real = _fastpath._CBUILD

    class Failing:
        """The builder module, with each call's n-th allocation failing."""

        def __init__(self, n: int) -> None:
            self.n = n

        def __getattr__(self, name: str) -> Any:
            function = getattr(real, name)

            def failing(*args: Any) -> Any:
                testcapi.set_nomemory(self.n, self.n + 1)
                try:
                    return function(*args)
                finally:
                    testcapi.remove_mem_hooks()

            return failing

    expected = decode()
    shared = shared_objects()
    base = live_records()
    counts = [sys.getrefcount(obj) for obj in shared]
    failures = successes = 0
    for n in range(600):
        with install(Failing(n)):
            try:
                items = decode()
            except MemoryError:
                failures += 1
                continue
        successes += 1
        assert items == expected
        del items
    assert failures >= 10
    assert successes > 0
    assert live_records() == base
    assert [sys.getrefcount(obj) for obj in shared] == counts


@settings(max_examples=2000, deadline=None)
@given(
    st.one_of(
        st.integers(-62_135_596_800 - 86_400, 253_402_300_799 + 86_400),
        st.integers(-(2**63), 2**63 - 1),
        st.integers(),
    ),
    st.integers(0, 1_999_999_999),
)
def test_the_c_datetime_is_the_python_one(seconds: int, nanos: int) -> None:
    if nanos >= 1_000_000_000 and seconds % 60 != 59:
        nanos -= 1_000_000_000  # only second 59 holds a leap second
    stamp = Timestamp(seconds, nanos)
    try:
        expected: Any = _fastpath.PYTHON_DATETIME(stamp)
    except ValueError as exc:
        expected = str(exc)
    try:
        got: Any = stamp.datetime
    except ValueError as exc:
        got = str(exc)
    assert got == expected
    assert type(got) is type(expected)
    if isinstance(got, datetime.datetime):
        assert got.tzinfo is datetime.timezone.utc
