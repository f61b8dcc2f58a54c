"""Parity with serde over the whole Rust-generated sample set."""

from __future__ import annotations

import json

from barter_python import execution as ex
from barter_python.execution import OrderEvent
from conftest import CASES, Case

ALL_LINES = "".join(case.serde + "\n" for case in CASES)


def test_sample_set_covers_every_state_and_error_leaf() -> None:
    kinds = set()
    for case in CASES:
        state = OrderEvent.from_json(case.serde).state
        kinds.add(type(state))
        if isinstance(state, ex.OpenFailed):
            kinds.add(type(state.error))
        if isinstance(state, ex.CancelInFlight):
            kinds.add((ex.CancelInFlight, state.order is None))
    leaves = {
        ex.OpenInFlight, ex.Open, ex.CancelInFlight, ex.Cancelled, ex.FullyFilled,
        ex.OpenFailed, ex.Expired, ex.ExchangeOffline, ex.Timeout, ex.Socket,
        ex.AssetInvalid, ex.InstrumentInvalid, ex.RateLimit, ex.BalanceInsufficient,
        ex.OrderRejected, ex.OrderAlreadyCancelled, ex.OrderAlreadyFullyFilled,
        (ex.CancelInFlight, True), (ex.CancelInFlight, False),
    }  # fmt: skip
    assert leaves <= kinds


def test_from_json_to_dict_is_serde(case: Case) -> None:
    assert OrderEvent.from_json(case.serde).to_dict() == json.loads(case.serde)


def test_from_json_accepts_bytes(case: Case) -> None:
    assert OrderEvent.from_json(case.serde.encode()) == OrderEvent.from_json(case.serde)


def test_to_json_is_serde_bytes(case: Case) -> None:
    event = OrderEvent.from_json(case.serde)
    assert event.to_json() == case.serde.encode()
    assert OrderEvent.from_json(event.to_json()) == event


def test_from_dict_round_trips(case: Case) -> None:
    data = json.loads(case.serde)
    event = OrderEvent.from_dict(data)
    assert event.to_dict() == data
    assert event == OrderEvent.from_json(case.serde)


def test_batches_decode_in_order() -> None:
    singles = [OrderEvent.from_json(case.serde) for case in CASES]
    assert OrderEvent.from_json_lines(ALL_LINES) == singles
    assert OrderEvent.from_json_array("[" + ",".join(c.serde for c in CASES) + "]") == singles
    assert OrderEvent.from_json_lines("\n\n" + ALL_LINES.replace("\n", "\r\n\n")) == singles


def test_batches_encode_as_serde() -> None:
    events = OrderEvent.from_json_lines(ALL_LINES)
    assert OrderEvent.to_json_lines(events) == ALL_LINES.encode()
    array = OrderEvent.to_json_array(events)
    assert json.loads(array) == [json.loads(case.serde) for case in CASES]
    assert OrderEvent.from_json_array(array) == events


def test_empty_batches() -> None:
    assert OrderEvent.from_json_lines("") == []
    assert OrderEvent.from_json_array("[]") == []
    assert OrderEvent.to_json_lines([]) == b""
    assert OrderEvent.to_json_array([]) == b"[]"
