"""Paper trading on barter's MockExchange running inside the library: typed
requests in, barter's typed answers and account events out."""

from __future__ import annotations

import gc
import json
import re
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import threads
from barter_python import BarterLimitError, BarterValueError
from barter_python.execution import (
    AccountEvent,
    AccountSnapshot,
    AssetBalance,
    AssetFees,
    Balance,
    BalanceInsufficient,
    Err,
    ExchangeId,
    ExchangeOffline,
    FullyFilled,
    GoodUntilCancelled,
    ImmediateOrCancel,
    InstrumentInvalid,
    Keys,
    Ok,
    Open,
    OpenFailed,
    OrderKey,
    OrderKind,
    OrderRejected,
    OrderRequestCancel,
    OrderRequestOpen,
    OrderResponseCancel,
    OrderResponseOpen,
    OrderSnapshot,
    QuoteAsset,
    RequestCancel,
    RequestOpen,
    Side,
    Timeout,
    Timestamp,
    Trade,
)
from barter_python.session import (
    MockConfig,
    MockInstrument,
    Session,
    SessionClosedError,
    default_config,
)

D = Decimal
CONFIG = MockConfig(
    instruments=[MockInstrument("BTCUSDT", "btc", "usdt")],
    balances={"usdt": D("10000"), "btc": D("0.5")},
    fees_percent=D("0.001"),
    latency_ms=1,
)
EXCHANGE = ExchangeId.BINANCE_SPOT


def key(cid: str, instrument: str = "BTCUSDT") -> OrderKey[ExchangeId, str]:
    return OrderKey(EXCHANGE, instrument, "strat", cid)


def market(cid: str, side: Side, price: str, quantity: str, instrument: str = "BTCUSDT") -> Any:
    state = RequestOpen(side, D(price), D(quantity), OrderKind.MARKET, ImmediateOrCancel())
    return OrderRequestOpen(key(cid, instrument), state)


def limit(cid: str, price: str, quantity: str) -> OrderRequestOpen:
    state = RequestOpen(Side.BUY, D(price), D(quantity), OrderKind.LIMIT, GoodUntilCancelled(False))
    return OrderRequestOpen(key(cid), state)


def cancel(cid: str, order_id: str | None = None) -> OrderRequestCancel:
    return OrderRequestCancel(key(cid), RequestCancel(order_id))


def order(request: OrderRequestOpen, state: Any) -> OrderSnapshot:
    s = request.state
    return OrderSnapshot(request.key, s.side, s.price, s.quantity, s.kind, s.time_in_force, state)


def balance(asset: str, amount: str, at: Timestamp) -> AccountEvent:
    return AccountEvent(EXCHANGE, AssetBalance(asset, Balance(D(amount), D(amount)), at))


def test_a_full_script_gives_barters_exact_event_sequence() -> None:
    buy = market("c1", Side.BUY, "50000", "0.1")
    sell = market("c2", Side.SELL, "51000", "0.04")
    too_large = market("c3", Side.BUY, "50000", "1")
    resting = limit("c4", "49000", "0.01")
    unknown = market("c5", Side.BUY, "1", "1", instrument="DOGEUSDT")
    started = Timestamp.from_unix_nanos(time.time_ns() - 1_000_000)
    with Session(CONFIG) as session:
        responses = [
            session.open_order(buy),
            session.open_order(sell),
            session.open_order(too_large),
            session.open_order(resting),
            session.open_order(unknown),
            session.cancel_order(cancel("c4")),
        ]
        events = list(session.events(timeout=0.05))
        stats = session.stats()

    # Answers: ids come from MockExchange's order sequence ("0", "1", ...),
    # times from its clock (request time + latency / 2).
    times = []
    for index, (response, request) in enumerate(zip(responses[:2], (buy, sell))):
        assert type(response) is OrderResponseOpen
        assert response.key == request.key
        assert isinstance(response.state, Ok)
        opened = response.state.value
        assert isinstance(opened, Open)
        assert opened.id == str(index)
        assert opened.filled_quantity == request.state.quantity
        assert opened.time_exchange >= started
        times.append(opened.time_exchange)
    assert times[0] <= times[1]
    assert responses[2].state == Err(
        BalanceInsufficient(
            "usdt",
            "Available Balance: 4994.95996, Required Balance inc. fees: 50050.000",
        )
    )
    assert responses[3].state == Err(
        OrderRejected("MockExchange does not supported OrderKind: Limit")
    )
    assert responses[4].state == Err(
        InstrumentInvalid("DOGEUSDT", "MockExchange is not set-up for managing: DOGEUSDT")
    )
    # MockExchange drops cancel requests unanswered; barter's client reports
    # the dropped answer channel as the exchange being offline.
    assert responses[5] == OrderResponseCancel(key("c4"), Err(ExchangeOffline(EXCHANGE)))

    # The stream, exactly: barter's ExecutionManager mapping of each answer
    # (FullyFilled / OpenFailed / OrderCancelled) plus MockExchange's own
    # BalanceSnapshot and Trade notifications.
    snapshot = events[0]
    assert isinstance(snapshot.kind, AccountSnapshot)
    assert snapshot.kind.exchange == EXCHANGE
    assert {b.asset: b.balance for b in snapshot.kind.balances} == {
        "usdt": Balance(D("10000"), D("10000")),
        "btc": Balance(D("0.5"), D("0.5")),
    }
    assert snapshot.kind.instruments == ()
    t0, t1 = times
    expected = [
        snapshot,
        AccountEvent(EXCHANGE, order(buy, FullyFilled())),
        balance("usdt", "4995.00000", t0),  # 10000 - 5000 - 5 fees
        AccountEvent(
            EXCHANGE,
            Trade(
                "0", "0", "BTCUSDT", "strat", t0, Side.BUY, D("50000"), D("0.1"),
                AssetFees(QuoteAsset(), D("5.00000")),
            ),
        ),
        AccountEvent(EXCHANGE, order(sell, FullyFilled())),
        # MockExchange takes a sell's base quantity (+ fees) from the quote
        # balance: passed through as it is.
        balance("usdt", "4994.95996", t1),
        AccountEvent(
            EXCHANGE,
            Trade(
                "1", "1", "BTCUSDT", "strat", t1, Side.SELL, D("51000"), D("0.04"),
                AssetFees(QuoteAsset(), D("2.04000")),
            ),
        ),
        AccountEvent(EXCHANGE, order(too_large, OpenFailed(responses[2].state.error))),
        AccountEvent(EXCHANGE, order(resting, OpenFailed(responses[3].state.error))),
        AccountEvent(EXCHANGE, order(unknown, OpenFailed(responses[4].state.error))),
        AccountEvent(EXCHANGE, responses[5]),
    ]  # fmt: skip
    assert events == expected
    assert stats.drained == len(expected) == stats.pushed
    assert stats.rejected == stats.pending == 0


def test_the_default_config_and_other_config_forms() -> None:
    with Session() as session:
        assert session.exchange is EXCHANGE
        (snapshot,) = session.drain()
        assert isinstance(snapshot.kind, AccountSnapshot)
        assets = {b.asset for b in snapshot.kind.balances}
        assert assets == {"usdt", "btc", "eth"}
        assert session.open_order(market("x", Side.BUY, "60000", "0.01")).state.value.id == "0"
    with Session(default_config()) as session:
        assert session.exchange is EXCHANGE


def test_a_config_file_in_barters_shape(tmp_path: Path) -> None:
    path = tmp_path / "system_config.json"
    config = CONFIG.to_dict()
    config["risk_free_return"] = 0.05  # other SystemConfig fields are ignored
    path.write_text(json.dumps(config))
    with Session(path) as session:
        assert session.open_order(market("a", Side.BUY, "1", "1")).state.value.id == "0"
    with Session(str(path)) as session:
        assert session.exchange is EXCHANGE


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda c: c["executions"][0]["kind"]["initial_state"]["balances"][1]["balance"].update(
                total="-1", free="-1"
            ),
            "config: config: executions[0].initial_state.balances[1] (btc): negative balance "
            "(total -1, free -1)",
        ),
        (
            lambda c: c["executions"][0]["kind"].update(type="Live"),
            'only "Mock" executions are supported',
        ),
        (
            lambda c: c["executions"][0]["kind"]["initial_state"]["balances"].pop(0),
            "quote asset usdt has no balance",
        ),
        (
            lambda c: c["instruments"][0].update(exchange="kraken"),
            "no instrument in `instruments` is on the mocked exchange binance_spot",
        ),
        (
            lambda c: c["executions"][0]["kind"].update(fees_percent="lots"),
            "executions[0]: ",
        ),
    ],
)
def test_bad_configs_are_refused_clearly(edit: Any, message: str) -> None:
    config = CONFIG.to_dict()
    edit(config)
    with pytest.raises(BarterValueError, match=re.escape(message)):
        Session(config)


def test_a_malformed_config_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"instruments": [\n  {"exchange": "binance_spot",\n')
    with pytest.raises(BarterValueError, match=r"config file .*broken.json.*line 3 column 0"):
        Session(path)
    with pytest.raises(FileNotFoundError):
        Session(tmp_path / "missing.json")
    with pytest.raises(BarterValueError, match="negative"):
        Session(CONFIG._replace(balances={"usdt": D("-5")}))


def test_bad_requests_leave_the_session_usable() -> None:
    with Session(CONFIG) as session:
        wrong_exchange = OrderRequestOpen(
            OrderKey(ExchangeId.KRAKEN, "BTCUSDT", "s", "w"), market("w", Side.BUY, "1", "1").state
        )
        with pytest.raises(
            BarterValueError,
            match=re.escape("key.exchange is kraken, but this session's MockExchange is"),
        ):
            session.open_order(wrong_exchange)
        indexed = OrderRequestOpen(OrderKey(1, 2, "s", "i"), wrong_exchange.state)
        with pytest.raises(BarterValueError, match="unindexed requests"):
            session.open_order(indexed)
        with pytest.raises(BarterValueError, match="must be a OrderRequestOpen"):
            session.open_order(cancel("x"))  # type: ignore[arg-type]
        # An unknown instrument is MockExchange's own rejection, not an error.
        answer = session.open_order(market("u", Side.BUY, "1", "1", instrument="NOPE"))
        assert isinstance(answer.state.error, InstrumentInvalid)
        assert session.open_order(market("ok", Side.BUY, "1", "1")).state.value.id == "0"


def test_closing_reports_discarded_events_and_refuses_use() -> None:
    session = Session(CONFIG)
    session.open_order(market("a", Side.BUY, "100", "1"))
    stats = session.close()
    # Snapshot, OrderSnapshot, BalanceSnapshot, Trade: never drained.
    assert (stats.pushed, stats.drained, stats.discarded, stats.pending) == (4, 0, 4, 0)
    assert stats.closed
    assert session.close() == stats
    assert session.closed
    assert repr(session) == "<Session binance_spot closed>"
    with pytest.raises(SessionClosedError, match="the session is closed"):
        session.open_order(market("b", Side.BUY, "1", "1"))
    with pytest.raises(SessionClosedError):
        session.cancel_order(cancel("b"))
    with pytest.raises(SessionClosedError):
        session.drain()
    with pytest.raises(SessionClosedError):
        list(session.events())
    assert issubclass(SessionClosedError, BarterValueError)


def test_undrained_events_stay_readable_until_close() -> None:
    with Session(CONFIG) as session:
        session.open_order(market("a", Side.BUY, "100", "1"))
        time.sleep(0.05)
        assert len(session.drain(2)) == 2
        assert len(session.drain(100)) == 2
        assert session.stats().drained == 4


def test_a_full_event_queue_refuses_requests_until_drained() -> None:
    with Session(CONFIG, queue_capacity=7) as session:
        session.open_order(market("a", Side.BUY, "1", "1"))
        session.open_order(market("b", Side.BUY, "1", "1"))
        with pytest.raises(BarterLimitError, match=r"event queue is full \(7 events not drained"):
            session.open_order(market("c", Side.BUY, "1", "1"))
        assert len(session.drain(100)) == 7
        assert session.open_order(market("c", Side.BUY, "1", "1")).state.value.id == "2"
        assert session.stats().rejected == 0


def test_close_while_another_thread_waits_for_events() -> None:
    session = Session(CONFIG)
    session.drain()
    result: dict[str, Any] = {}

    def wait() -> None:
        started = time.monotonic()
        try:
            result["events"] = list(session.events(timeout=60))
        except SessionClosedError as exc:
            result["error"] = exc
        result["waited"] = time.monotonic() - started

    thread = threading.Thread(target=wait)
    thread.start()
    time.sleep(0.05)
    started = time.monotonic()
    session.close()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert time.monotonic() - started < 5
    assert result["waited"] < 10


def test_close_while_a_request_is_in_flight() -> None:
    slow = CONFIG._replace(latency_ms=1000)  # the session starts after one latency
    session = Session(slow, request_timeout=30)
    result: dict[str, Any] = {}

    def request() -> None:
        try:
            result["answer"] = session.open_order(market("s", Side.BUY, "1", "1"))
        except BarterValueError as exc:
            result["error"] = exc

    thread = threading.Thread(target=request)
    thread.start()
    time.sleep(0.1)
    started = time.monotonic()
    session.close()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert time.monotonic() - started < 5
    assert "closed while the request was in flight" in str(result["error"])


def test_a_request_mock_exchange_does_not_answer_in_time_times_out() -> None:
    with Session(CONFIG._replace(latency_ms=1000), request_timeout=0.05) as session:
        # Even the account snapshot timed out: the stream starts empty.
        request = market("t", Side.BUY, "1", "1")
        answer = session.open_order(request)
        assert answer.state == Err(Timeout())
        (event,) = session.drain()
        assert event == AccountEvent(EXCHANGE, order(request, OpenFailed(answer.state.error)))


def test_sessions_are_independent() -> None:
    with Session(CONFIG) as one, Session(CONFIG) as two:
        assert one.open_order(market("a", Side.BUY, "1", "1")).state.value.id == "0"
        assert two.open_order(market("a", Side.BUY, "1", "1")).state.value.id == "0"
        assert one.open_order(market("b", Side.BUY, "1", "1")).state.value.id == "1"
        assert {e.keys for e in one.drain()} == {Keys.UNINDEXED}


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads RSS from /proc")
def test_session_lifecycles_do_not_leak() -> None:
    def rss_kib() -> int:
        return int(Path("/proc/self/statm").read_text().split()[1]) * 4096 // 1024

    def lifecycle() -> None:
        with Session(CONFIG._replace(latency_ms=0)) as session:
            session.open_order(market("a", Side.BUY, "1", "1"))
            session.cancel_order(cancel("a"))
            session.drain(2)  # the rest is discarded on close

    for _ in range(20):
        lifecycle()
    before = rss_kib()
    for _ in range(100):
        lifecycle()
    # Runtimes, threads, queues, batches and replies are all released.
    assert rss_kib() - before < 2048


@pytest.mark.skipif(not threads.AVAILABLE, reason="counts threads in /proc")
def test_a_session_dropped_without_close_stops_its_threads() -> None:
    gc.collect()  # so that no earlier test's garbage closes during this one
    before = threads.task_ids()
    session = Session(CONFIG)
    session.open_order(market("a", Side.BUY, "1", "1"))
    assert threads.task_ids() - before
    del session
    assert not threads.started_since(before)
