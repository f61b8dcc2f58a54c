"""A single ``from_json`` decodes into reused memory
(``barter_decode_one_into``): the same objects as a batch decode, whatever
was decoded before, however large the value, on any thread."""

from __future__ import annotations

import json
import threading

import pytest

from barter_python import BarterValueError, Status, _codec
from barter_python._native import ffi, lib
from barter_python.execution import AccountSnapshot, Keys, OrderEvent
from conftest import CASES, MessageCase
from test_messages import CLASSES, find


def test_every_message_matches_its_batch_decode(message_case: MessageCase) -> None:
    cls, keys = CLASSES[message_case.message], Keys[message_case.keys.upper()]
    single = cls.from_json(message_case.serde, keys)
    assert single == cls.from_json_lines(message_case.serde, keys)[0]
    assert json.dumps(single.to_dict()) == json.dumps(json.loads(message_case.serde))


def test_order_events_match_the_field_path_after_any_predecessor() -> None:
    # Each decode reuses the memory the one before wrote, longer or shorter.
    lines = [c.serde for c in CASES]
    pairs = list(zip(lines, reversed(lines)))
    fast = [(OrderEvent.from_json(a), OrderEvent.from_json(b)) for a, b in pairs]
    saved = _codec.FAST_ONE_DECODERS.pop(lib.BARTER_MESSAGE_ORDER_EVENT)
    try:
        slow = [(OrderEvent.from_json(a), OrderEvent.from_json(b)) for a, b in pairs]
    finally:
        _codec.FAST_ONE_DECODERS[lib.BARTER_MESSAGE_ORDER_EVENT] = saved
    assert fast == slow
    assert [type(b.state) for _, b in fast] == [type(b.state) for _, b in slow]


def test_a_value_larger_than_the_scratch_memory() -> None:
    cid = "c" * (_codec._SCRATCH_BYTES * 2)
    line = find("order_event", "indexed").serde.replace('"cid":"', f'"cid":"{cid}', 1)
    event = OrderEvent.from_json(line)
    assert event.key.cid.startswith(cid)
    assert event == OrderEvent.from_json_lines(line)[0]
    # The large memory was not kept for later calls.
    assert all(s.size == _codec._SCRATCH_BYTES for s in _codec._SCRATCHES)


def test_arrays_larger_than_their_json_are_sized_by_a_retry() -> None:
    snapshot = json.loads(find("account_snapshot", "indexed").serde)
    order = snapshot["instruments"][0]["orders"][0]
    order["key"].update(strategy="", cid="")
    order.update(price="1", quantity="1")
    snapshot["instruments"][0]["orders"] = [order] * 400
    raw = json.dumps(snapshot, separators=(",", ":")).encode()
    # Each order's struct is larger than its JSON: the first memory (struct
    # plus input) is too small, and the size Rust reports is used.
    probe = _codec.Scratch(0)
    assert probe.decode(AccountSnapshot, raw, Keys.INDEXED) == Status.BUFFER_TOO_SMALL
    assert probe.used[0] > len(raw) + ffi.sizeof("BarterAccountSnapshot")
    decoded = AccountSnapshot.from_json(raw)
    assert decoded == AccountSnapshot.from_json_lines(raw)[0]
    assert len(decoded.instruments[0].orders) == 400


def test_too_small_memory_reports_the_size_it_needs() -> None:
    raw = CASES[0].serde.encode()
    small = _codec.Scratch(8)
    assert small.decode(OrderEvent, raw, Keys.INDEXED) == Status.BUFFER_TOO_SMALL
    needed = small.used[0]
    assert needed > ffi.sizeof("BarterOrderEvent")
    exact = _codec.Scratch(needed)
    assert exact.decode(OrderEvent, raw, Keys.INDEXED) == Status.OK
    assert exact.used[0] == needed


def test_bad_input_raises_and_leaves_the_memory_usable() -> None:
    with pytest.raises(BarterValueError, match="expected value at line 1 column 1"):
        OrderEvent.from_json(b"x")
    with pytest.raises(BarterValueError, match="not valid UTF-8"):
        OrderEvent.from_json(b'{"key":"\xff"}')
    assert OrderEvent.from_json(CASES[0].serde) == OrderEvent.from_json_lines(CASES[0].serde)[0]


def test_structs_fit_in_half_a_scratch() -> None:
    # decode_one gives an input over half a scratch its own memory,
    # which is only enough if struct plus input fits in the rest.
    for cls in CLASSES.values():
        assert ffi.sizeof(cls._c_type) < _codec._SCRATCH_BYTES // 2


def test_threads_decode_single_values_at_once() -> None:
    lines = [c.serde for c in CASES]
    expected = [OrderEvent.from_json_lines(line)[0] for line in lines]
    failures: list[str] = []

    def work() -> None:
        for _ in range(50):
            for line, want in zip(lines, expected):
                if OrderEvent.from_json(line) != want:
                    failures.append(line)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(_codec._SCRATCHES) <= _codec._SCRATCHES_KEPT
