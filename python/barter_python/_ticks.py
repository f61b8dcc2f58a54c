"""The typed ``AuditTick``s of a ``BarterAuditBatch`` (one
``barter_system_audit_drain_structs``).

The usual tick (the engine processed a market or an account event, with no
output and no error) arrives as the event's C struct and the tick's context:
its event is built as any decoded market item or account event is (by the C
builder on CPython), and the few records around it here. Every other tick
arrives as serde's JSON and is read by ``AuditTick.from_dict``, which stays
the one decoder of those types.
"""

from __future__ import annotations

import json
from typing import Any

from ._codec import objects_of, timestamp_from_c
from ._messages import AccountEvent
from ._native import ffi, lib
from ._record import make
from ._serde import items
from .engine import Account, AccountItem, AuditTick, EngineContext, Market, ProcessAudit
from .market import MarketStreamEvent

_MARKET = lib.BARTER_AUDIT_TICK_KIND_MARKET
_ACCOUNT = lib.BARTER_AUDIT_TICK_KIND_ACCOUNT
#: ``NoneOneOrMany::None``: a structured tick's outputs and errors.
_NONE = items(())


def ticks_of(batch: Any) -> list[AuditTick]:
    """The ticks of ``batch``, in engine order."""
    count = batch.len
    if count == 0:
        return []
    strings = batch.strings
    markets = objects_of(MarketStreamEvent, batch.market_events, batch.market_events_len, strings)
    accounts = objects_of(AccountEvent, batch.account_events, batch.account_events_len, strings)
    raw = batch.json
    lines = ffi.buffer(raw.ptr, raw.len)[:].splitlines() if raw.len else []
    entries = batch.entries
    out: list[AuditTick] = []
    append = out.append
    for i in range(count):
        entry = entries[i]
        kind = entry.kind
        if kind == _MARKET:
            event: Any = make(Market, (markets[entry.index],))
        elif kind == _ACCOUNT:
            event = make(Account, (make(AccountItem, (accounts[entry.index],)),))
        else:
            append(AuditTick.from_dict(json.loads(lines[entry.index])))
            continue
        context = make(EngineContext, (entry.sequence, timestamp_from_c(entry.time)))
        append(make(AuditTick, (make(ProcessAudit, (event, _NONE, _NONE)), context)))
    return out
