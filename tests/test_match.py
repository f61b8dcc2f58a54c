"""States and errors work with structural pattern matching (Python 3.10+)."""

from __future__ import annotations

from barter_python.execution import (
    ActiveOrderState,
    BalanceInsufficient,
    Open,
    OpenFailed,
    OrderEvent,
    OrderKey,
)
from conftest import BY_NAME


def classify(event: OrderEvent) -> str:
    match event:
        case OrderEvent(OrderKey(exchange, _, _, cid), Open(id, _, filled)) if filled > 0:
            return f"{cid}@{exchange} open {id} filled {filled}"
        case OrderEvent(state=OpenFailed(BalanceInsufficient(asset, message))):
            return f"no balance of asset {asset}: {message}"
        case OrderEvent(state=ActiveOrderState()):
            return "active"
        case _:
            return "inactive"


def test_match_on_states_and_errors() -> None:
    assert (
        classify(OrderEvent.from_json(BY_NAME["open"].serde)) == "cid-42@1 open ord-1 filled 0.50"
    )
    balance = OrderEvent.from_json(BY_NAME["open_failed_balance_insufficient"].serde)
    assert classify(balance) == "no balance of asset 1: need 10"
    assert classify(OrderEvent.from_json(BY_NAME["open_in_flight"].serde)) == "active"
    assert classify(OrderEvent.from_json(BY_NAME["expired"].serde)) == "inactive"
