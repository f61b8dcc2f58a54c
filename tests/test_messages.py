"""Every message type, indexed and unindexed: exact parity with serde's JSON
from the Rust fixture generator, and typed attribute values."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest

from barter_python import BarterValueError
from barter_python.execution import (
    AccountEvent,
    AccountSnapshot,
    AssetBalance,
    AuditEntry,
    Cancelled,
    Err,
    ErrorEntry,
    ExchangeId,
    GoodUntilCancelled,
    Keys,
    Message,
    Ok,
    Open,
    OrderEvent,
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
    TimeInForce,
    Timestamp,
    Trade,
    audit,
)
from conftest import MESSAGES, MessageCase

CLASSES: dict[str, type[Message]] = {
    "order_event": OrderEvent,
    "order_request_open": OrderRequestOpen,
    "order_request_cancel": OrderRequestCancel,
    "order_response_cancel": OrderResponseCancel,
    "order_snapshot": OrderSnapshot,
    "order_response_open": OrderResponseOpen,
    "trade": Trade,
    "asset_balance": AssetBalance,
    "account_snapshot": AccountSnapshot,
    "account_event": AccountEvent,
}


def find(message: str, keys: str, name: str | None = None) -> MessageCase:
    return next(
        c for c in MESSAGES if (c.message, c.keys) == (message, keys) and name in (None, c.name)
    )


def parse(case: MessageCase) -> Any:
    return CLASSES[case.message].from_json(case.serde, Keys[case.keys.upper()])


def test_every_type_and_key_form_is_in_the_fixtures() -> None:
    present = {(case.message, case.keys) for case in MESSAGES}
    assert present == {(m, k) for m in CLASSES for k in ("indexed", "unindexed")}


def test_to_dict_is_serde(message_case: MessageCase) -> None:
    assert parse(message_case).to_dict() == json.loads(message_case.serde)


def test_to_json_is_serde_bytes(message_case: MessageCase) -> None:
    value = parse(message_case)
    assert value.to_json() == message_case.serde.encode()
    assert value.keys == Keys[message_case.keys.upper()]


def test_from_dict_round_trips(message_case: MessageCase) -> None:
    cls = CLASSES[message_case.message]
    data = json.loads(message_case.serde)
    value = cls.from_dict(data, Keys[message_case.keys.upper()])
    assert value == parse(message_case)
    assert value.to_dict() == data


@pytest.mark.parametrize("group", sorted({(c.message, c.keys) for c in MESSAGES}))
def test_batches_round_trip_per_type(group: tuple[str, str]) -> None:
    message, keys = group
    cases = [c for c in MESSAGES if (c.message, c.keys) == group]
    lines = "".join(c.serde + "\n" for c in cases)
    cls = CLASSES[message]
    values = cls.from_json_lines(lines, Keys[keys.upper()])
    assert values == [parse(c) for c in cases]
    assert cls.to_json_lines(values) == lines.encode()


def walk(value: Any) -> list[Any]:
    """Every value reachable through the typed fields."""
    out = [value]
    for field in getattr(value, "_fields", ()):
        child = getattr(value, field)
        for item in child if isinstance(child, tuple) else (child,):
            out.extend(walk(item))
    return out


def test_attribute_values_are_typed(message_case: MessageCase) -> None:
    for node in walk(parse(message_case)):
        for field in ("side", "kind", "time_in_force", "price", "quantity"):
            value = getattr(node, field, None)
            if value is None:
                continue
            expected = {
                "side": Side,
                "kind": (OrderKind, AccountSnapshot, AssetBalance, OrderSnapshot,
                         OrderResponseCancel, Trade),
                "time_in_force": TimeInForce,
                "price": Decimal,
                "quantity": Decimal,
            }[field]  # fmt: skip
            assert isinstance(value, expected), (field, value)  # type: ignore[arg-type]
        if isinstance(node, OrderKey):
            if message_case.keys == "indexed":
                assert type(node.exchange) is int
                assert type(node.instrument) is int
            else:
                assert isinstance(node.exchange, ExchangeId)
                assert type(node.instrument) is str


def test_request_values() -> None:
    case = next(c for c in MESSAGES if c.name == "limit_buy_gtc_post_only" and c.keys == "indexed")
    request = parse(case)
    assert request.state == RequestOpen(
        Side.BUY, Decimal("64250.50"), Decimal("0.0150"), OrderKind.LIMIT, GoodUntilCancelled(True)
    )
    assert str(request.state.price) == "64250.50"


def test_unindexed_keys_and_quote_asset() -> None:
    case = next(c for c in MESSAGES if c.message == "trade" and c.keys == "unindexed")
    trade = parse(case)
    assert trade.instrument == "BTCUSDT"
    assert isinstance(trade.fees.asset, QuoteAsset)
    assert trade.fees.to_dict()["asset"] is None
    snapshot = next(
        c for c in MESSAGES if c.message == "account_snapshot" and c.keys == "unindexed"
    )
    value = parse(snapshot)
    assert value.exchange is ExchangeId.MOCK
    assert [b.asset for b in value.balances] == ["btc", "usdt"]
    assert len(value.instruments[0].orders) == 4


def test_hand_built_requests_match_serde() -> None:
    case = next(
        c for c in MESSAGES if c.name == "market_sell_fill_or_kill" and c.keys == "unindexed"
    )
    built = OrderRequestOpen(
        OrderKey(ExchangeId.MOCK, "BTCUSDT", "mm", "c4"),
        RequestOpen(Side.SELL, Decimal("64250.50"), Decimal("0.0150"), OrderKind.MARKET,
                    TimeInForce.__subclasses__()[2]()),
    )  # fmt: skip
    assert built.to_json() == case.serde.encode()
    cancel = OrderRequestCancel(OrderKey(1, 0, "mm", "c2"), RequestCancel(None))
    expected = next(c for c in MESSAGES if c.name == "without_id" and c.keys == "indexed")
    assert cancel.to_json() == expected.serde.encode()


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: RequestOpen(Side.BUY, Decimal(1), Decimal("-0.1"), OrderKind.LIMIT,
                                GoodUntilCancelled(False)),
            "RequestOpen.quantity must not be negative",
        ),
        (
            lambda: RequestOpen(Side.BUY, 100.0, Decimal(1), OrderKind.LIMIT,
                                GoodUntilCancelled(False)),
            "RequestOpen.price must be a decimal.Decimal, got float",
        ),
        (
            lambda: RequestOpen("Buy", Decimal(1), Decimal(1), OrderKind.LIMIT,
                                GoodUntilCancelled(False)),
            "RequestOpen.side must be Side, got str",
        ),
        (lambda: GoodUntilCancelled(1), "GoodUntilCancelled.post_only must be a bool"),
        (lambda: OrderKey(1, "BTCUSDT", "s", "c"), "OrderKey: mixes index keys and name keys"),
        (lambda: OrderKey("mock", 1, "s", "c"), "must be an int index or an ExchangeId"),
        (lambda: Ok("done"), "Ok.value must be Open or Cancelled, got str"),
        (lambda: AccountEvent(1, "trade"), "AccountEvent.kind must be one of"),
    ],
)  # fmt: skip
def test_construction_validates(build: Any, message: str) -> None:
    with pytest.raises(BarterValueError, match=re.escape(message)):
        build()


def test_negative_price_is_allowed_as_in_barter() -> None:
    request = RequestOpen(Side.BUY, Decimal("-37.63"), Decimal(1), OrderKind.LIMIT,
                          GoodUntilCancelled(False))  # fmt: skip
    assert request.price == Decimal("-37.63")


@pytest.mark.parametrize(
    ("cls", "text", "message"),
    [
        (
            OrderRequestOpen,
            '{"key":{"exchange":1,"instrument":1,"strategy":"s","cid":"c"},"state":{"side":"Buy",'
            '"price":"1","quantity":"1","kind":"Limit","time_in_force":{"GoodUntilCancelled":{}}}}',
            "missing field `post_only`",
        ),
        (
            OrderResponseCancel,
            '{"key":{"exchange":1,"instrument":1,"strategy":"s","cid":"c"},"state":{"Ok":{"id":'
            '"a","time_exchange":"2025-01-01T00:00:00Z"},"Err":{"Connectivity":"Timeout"}}}',
            "expected value",
        ),
        (
            AccountEvent,
            '{"exchange":"nasdaq","kind":{"Trade":{}}}',
            "unknown variant `nasdaq`",
        ),
        (AccountEvent, '{"exchange":1,"kind":{"Deposit":{}}}', "unknown variant `Deposit`"),
    ],
)
def test_bad_input_raises_with_serde_message(cls: type[Message], text: str, message: str) -> None:
    keys = Keys.UNINDEXED if "nasdaq" in text else Keys.INDEXED
    with pytest.raises(BarterValueError, match=re.escape(message)):
        cls.from_json(text, keys)


def test_exchange_ids_are_serdes_list() -> None:
    with pytest.raises(BarterValueError) as info:
        OrderEvent.from_json(
            '{"key":{"exchange":"?","instrument":"x","strategy":"s","cid":"c"},'
            '"state":{"Inactive":"Expired"}}',
            Keys.UNINDEXED,
        )
    names = re.findall(r"`([a-z_]+)`", info.value.message.split("expected one of", 1)[1])
    # serde also lists `huobi`, its alias of `htx`.
    assert [e.value for e in ExchangeId] == [name for name in names if name != "huobi"]
    alias = '{"exchange":"huobi","kind":{"BalanceSnapshot":{"asset":"btc","balance":{"total":"1",'
    alias += '"free":"1"},"time_exchange":"2025-01-01T00:00:00Z"}}}'
    assert AccountEvent.from_json(alias, Keys.UNINDEXED).exchange is ExchangeId.HTX


def test_keys_form_is_checked_by_rust() -> None:
    indexed = next(c for c in MESSAGES if c.message == "order_event" and c.keys == "unindexed")
    with pytest.raises(BarterValueError, match="invalid type: string"):
        OrderEvent.from_json(indexed.serde)  # indexed is the default


def test_audit_pairs_requests_with_results() -> None:
    key = OrderKey(1, 0, "mm", "c1")
    other = OrderKey(1, 0, "mm", "c2")
    params = RequestOpen(
        Side.BUY, Decimal(1), Decimal(1), OrderKind.LIMIT, GoodUntilCancelled(False)
    )
    opened = Open("ord-1", Timestamp(0), Decimal(0))
    rejected = next(c for c in MESSAGES if c.message == "order_response_cancel"
                    and c.keys == "indexed" and c.name == "balance_insufficient")  # fmt: skip
    response_cancel = parse(rejected)
    requests = [
        OrderRequestOpen(key, params),
        OrderRequestCancel(response_cancel.key, RequestCancel("ord-9")),
        OrderRequestOpen(other, params),
    ]
    responses = [
        OrderResponseOpen(key, params.side, params.price, params.quantity, params.kind,
                          params.time_in_force, Ok(opened)),
        AccountEvent(1, response_cancel),
    ]  # fmt: skip
    entries = audit(requests, responses)
    assert entries[0] == AuditEntry(requests[0], Ok(opened))
    error = response_cancel.state.error
    assert entries[1] == AuditEntry(
        requests[1], ErrorEntry(error, "asset 1 balance insufficient: need 10")
    )
    assert entries[2] == AuditEntry(requests[2], None)
    assert isinstance(response_cancel.state, Err)
    assert Ok(Cancelled("x", Timestamp(0))).to_dict() == {
        "Ok": {"id": "x", "time_exchange": "1970-01-01T00:00:00Z"}
    }
