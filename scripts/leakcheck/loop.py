"""The Python half of scripts/leakcheck.sh, run under valgrind memcheck:
at least EVENTS events (default 100,000) through every allocate/free pair
of the C ABI that the package uses, the error paths included.

usage: python loop.py FIXTURES_DIR [EVENTS]
Prints "loop: N events decoded, M encoded, E errors raised, R rounds".
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from barter_python import BarterLimitError, BarterPanicError, BarterValueError, execution
from barter_python._native import check, ffi, lib
from barter_python.execution import Keys, OrderEvent
from barter_python.limits import temporary_limits


def main() -> None:
    fixtures = Path(sys.argv[1])
    target = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    with (fixtures / "order_events.jsonl").open(encoding="utf-8") as rows:
        serde = [json.loads(row)["serde"].encode() for row in rows]
    lines = b"".join(s + b"\n" for s in serde)
    array = b"[" + b",".join(serde) + b"]"
    with_bad = lines + b'{"key":1}\n' + lines.replace(b'"Inactive"', b'"Inactiv"', 1)
    bad = serde[0].replace(b'"Active"', b'"Activ"')
    groups: dict[tuple[str, str], list[bytes]] = {}
    with (fixtures / "messages.jsonl").open(encoding="utf-8") as rows:
        for row in map(json.loads, rows):
            groups.setdefault((row["message"], row["keys"]), []).append(row["serde"].encode())
    messages = []
    for (name, keys), items in groups.items():
        cls = getattr(execution, "".join(part.title() for part in name.split("_")))
        key_form = Keys.INDEXED if keys == "indexed" else Keys.UNINDEXED
        messages.append((cls, key_form, b"".join(i + b"\n" for i in items)))

    decoded = encoded = errors = rounds = 0
    obatch = ffi.new("BarterOrderEventBatch **")
    buffer = ffi.new("BarterBuffer **")
    while decoded < target:
        rounds += 1
        # barter_decode + barter_batch_free, barter_encode + barter_buffer_free.
        events = OrderEvent.from_json_lines(lines)
        assert OrderEvent.to_json_lines(events) == lines
        assert OrderEvent.from_json_array(array) == events
        good, line_errors = OrderEvent.decode_json_lines(with_bad)
        assert len(line_errors) == 2
        decoded += 3 * len(events) + len(good)
        encoded += len(events)
        for cls, keys, data in messages:
            values = cls.from_json_lines(data, keys)
            assert cls.to_json_lines(values) == data
            decoded += len(values)
            encoded += len(values)
        # barter_order_events_decode + barter_order_event_batch_free, and its
        # encode + barter_buffer_free.
        check(lib.barter_order_events_decode(lines, len(lines), 3, 0, obatch))
        decoded += obatch[0].len
        check(lib.barter_order_events_encode(obatch[0].events, obatch[0].len, 3, buffer))
        assert ffi.buffer(buffer[0].data, buffer[0].len)[:] == lines
        check(lib.barter_buffer_free(buffer))
        # An out-of-range tag in an input struct: refused, nothing handed out.
        obatch[0].events[0].state.kind = 99
        try:
            check(lib.barter_order_events_encode(obatch[0].events, 1, 1, buffer))
        except BarterValueError:
            errors += 1
        check(lib.barter_order_event_batch_free(obatch))
        # Errors: bad JSON, bad lines without collecting, a limit, a panic.
        for parse in (OrderEvent.from_json, OrderEvent.from_json_lines):
            try:
                parse(bad)
            except BarterValueError:
                errors += 1
        if rounds % 10 == 0:
            with temporary_limits(max_string_bytes=4):
                try:
                    OrderEvent.from_json_lines(lines)
                except BarterLimitError:
                    errors += 1
            message = b"leak check panic"
            try:
                check(lib.barter_debug_panic(message, len(message)))
            except BarterPanicError:
                errors += 1
    print(f"loop: {decoded} events decoded, {encoded} encoded, {errors} errors raised, {rounds} rounds")


if __name__ == "__main__":
    main()
