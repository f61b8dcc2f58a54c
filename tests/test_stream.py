"""Large JSON lines inputs decode through the library's decode stream (Rust
parses batch k+1 while Python builds batch k). Whatever the batch size, the
result is the one-call decode's: the same objects, the same line errors, the
same exception for a bad line; a failure half way frees everything."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import threads
from barter_python import BarterValueError, Status, _codec, execution
from barter_python._codec import Message
from barter_python.execution import Keys, OrderEvent
from conftest import CASES, MESSAGES

WORKLOAD = Path(__file__).resolve().parent.parent / "benchmarks/data/order_events_100k.jsonl.gz"
LINES = b"".join(case.serde.encode() + b"\n" for case in CASES)


def class_of(message: str) -> type[Message]:
    cls: type[Message] = getattr(execution, "".join(p.title() for p in message.split("_")))
    return cls


@pytest.fixture
def streamed() -> Iterator[None]:
    """Every JSON lines decode goes through the stream, in batches of 3."""
    saved = _codec._STREAM_FROM_BYTES, _codec._STREAM_ITEMS
    _codec._STREAM_FROM_BYTES, _codec._STREAM_ITEMS = 0, 3
    try:
        yield
    finally:
        _codec._STREAM_FROM_BYTES, _codec._STREAM_ITEMS = saved


def one_call(cls: type[Message], data: bytes, keys: Keys, collect: bool = False) -> Any:
    """The same decode with one barter_decode call."""
    saved = _codec._STREAM_FROM_BYTES
    _codec._STREAM_FROM_BYTES = len(data) + 1
    try:
        if collect:
            return cls.decode_json_lines(data, keys)
        return cls.from_json_lines(data, keys)
    finally:
        _codec._STREAM_FROM_BYTES = saved


def test_the_workload_streams_to_the_same_events_by_default() -> None:
    data = gzip.decompress(WORKLOAD.read_bytes())
    assert len(data) >= _codec._STREAM_FROM_BYTES  # so this is the streamed path
    assert OrderEvent.from_json_lines(data) == one_call(OrderEvent, data, Keys.INDEXED)


@pytest.mark.usefixtures("streamed")
def test_every_message_and_key_form_streams_like_one_call() -> None:
    groups: dict[tuple[str, str], list[str]] = {}
    for case in MESSAGES:
        groups.setdefault((case.message, case.keys), []).append(case.serde)
    for (message, key_form), serdes in groups.items():
        cls, keys = class_of(message), Keys[key_form.upper()]
        data = "\n".join(serdes * 3).encode()
        streamed = cls.from_json_lines(data, keys)
        assert streamed == one_call(cls, data, keys), (message, key_form)
        assert len(streamed) == 3 * len(serdes)


@pytest.mark.usefixtures("streamed")
def test_collected_errors_keep_their_lines_across_batches() -> None:
    lines = LINES.splitlines()
    bad = [b"{", b"", b'{"key": 1}', b"nope", b"  ", b"[]"]
    mixed = b"\n".join(x for pair in zip(lines, bad * len(lines)) for x in pair) + b"\n"
    result = OrderEvent.decode_json_lines(mixed)
    expected = one_call(OrderEvent, mixed, Keys.INDEXED, collect=True)
    assert result == expected
    assert len(result.events) == len(lines)
    assert [e.line for e in result.errors] == [e.line for e in expected.errors]
    assert len(result.errors) > 3  # spread over several batches


@pytest.mark.usefixtures("streamed")
def test_a_bad_line_raises_what_one_call_raises() -> None:
    lines = LINES.splitlines()
    data = b"\n".join([*lines[:7], b'{"key": {"exchange": 1}}', *lines[7:]])
    with pytest.raises(BarterValueError) as streamed:
        OrderEvent.from_json_lines(data)
    with pytest.raises(BarterValueError) as whole:
        one_call(OrderEvent, data, Keys.INDEXED)
    assert (streamed.value.status, streamed.value.message) == (
        whole.value.status,
        whole.value.message,
    )
    assert streamed.value.message.startswith("line 8 column ")


@pytest.mark.usefixtures("streamed")
def test_input_refusals_are_the_same_as_one_call() -> None:
    for data in (b"\xff\n", LINES + b"\xc3"):
        with pytest.raises(BarterValueError) as info:
            OrderEvent.from_json_lines(data)
        assert info.value.status == Status.INVALID_UTF8
        assert info.value.message.startswith("input is not valid UTF-8")


@pytest.mark.usefixtures("streamed")
def test_a_failure_while_building_frees_the_stream_and_its_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = 0
    real = _codec._items

    def fail_on_second_batch(*args: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise KeyboardInterrupt  # what a user's Ctrl-C mid-decode looks like
        return real(*args)

    before = threads.task_ids()
    monkeypatch.setattr(_codec, "_items", fail_on_second_batch)
    with pytest.raises(KeyboardInterrupt):
        OrderEvent.from_json_lines(LINES * 50)
    assert calls == 2
    monkeypatch.undo()
    assert not threads.started_since(before)  # the stream's thread was joined
    assert OrderEvent.from_json_lines(LINES) == one_call(OrderEvent, LINES, Keys.INDEXED)


@pytest.mark.usefixtures("streamed")
def test_threads_stream_at_once() -> None:
    data = LINES * 20
    expected = one_call(OrderEvent, data, Keys.INDEXED)
    results: list[bool] = []

    def work() -> None:
        results.extend(OrderEvent.from_json_lines(data) == expected for _ in range(20))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True] * 80
