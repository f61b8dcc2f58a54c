"""The C ABI of ``libbarter_ffi`` declared with :mod:`ctypes` alone.

For debugging at the lowest level: this module imports nothing but the
standard library (no cffi, nothing else of this package), so it also works
when the package's cffi layer does not. It declares every struct, union,
constant and exported function of ``include/barter_ffi.h`` (shipped as
``barter_python/include/barter_ffi.h``); the test suite checks each field
offset and size against cffi's and against the layouts the library reports
(``barter_abi_struct_layout``), and each signature against the header.

A session (``docs/ownership.md`` says who frees what)::

    import ctypes
    from barter_python import ctypes_abi as abi

    lib = abi.load()                       # the library shipped in the package
    data = b'{"key":{"exchange":1,"instrument":3,"strategy":"mm","cid":"c"},'
    data += b'"state":{"Inactive":"Expired"}}'
    batch = ctypes.POINTER(abi.BarterOrderEventBatch)()
    abi.check(lib, lib.barter_order_events_decode(
        data, len(data), abi.BARTER_JSON_FORMAT_ONE, 0, ctypes.byref(batch)))
    event = batch.contents.events[0]
    print(abi.string(event.key.cid), event.state.kind)    # c 7
    print(abi.order_event_to_dict(event))                 # == json.loads(data)
    lib.barter_order_event_batch_free(ctypes.byref(batch))

``const uint8_t *`` parameters are declared ``c_char_p`` so that ``bytes``
pass directly; a length always travels beside them and nothing relies on a
NUL terminator. ``BarterStatus`` results are plain ``int``.

The module is loaded from the package (``barter_python.ctypes_abi``), or,
with no cffi installed at all, from its file beside the shared library
(``importlib.util.spec_from_file_location``).
"""

from __future__ import annotations

import ctypes
import os
import sys
from ctypes import (
    POINTER,
    Structure,
    Union,
    c_char_p,
    c_double,
    c_int64,
    c_size_t,
    c_uint8,
    c_uint16,
    c_uint32,
    c_uint64,
    c_void_p,
)
from typing import Any

# --- #define constants --------------------------------------------------------

BARTER_ABI_VERSION = 6
BARTER_DECODE_COLLECT_ERRORS = 1
BARTER_DECIMAL_MAX_SCALE = 28
BARTER_MAX_INPUT_BYTES = 1073741824
BARTER_MAX_STRING_BYTES = 1048576
BARTER_MAX_EVENTS_PER_CALL = 16777216
BARTER_SESSION_DEFAULT_QUEUE_CAPACITY = 65536
BARTER_SESSION_DEFAULT_REQUEST_TIMEOUT_MS = 5000
BARTER_EVENT_BATCH_FINISHED = 1
BARTER_SYSTEM_DEFAULT_AUDIT_CAPACITY = 65536

# --- enums (C enums travel as uint32_t) ---------------------------------------

# BarterStatus
BARTER_STATUS_OK = 0
BARTER_STATUS_NULL_POINTER = 1
BARTER_STATUS_INVALID_ARGUMENT = 2
BARTER_STATUS_INVALID_UTF8 = 3
BARTER_STATUS_INVALID_JSON = 4
BARTER_STATUS_INVALID_DATA = 5
BARTER_STATUS_LIMIT_EXCEEDED = 6
BARTER_STATUS_PANIC = 7
BARTER_STATUS_BUFFER_TOO_SMALL = 8
BARTER_STATUS_CLOSED = 9

# BarterKeyKind
BARTER_KEY_KIND_INDEX = 1
BARTER_KEY_KIND_NAME = 2
BARTER_KEY_KIND_QUOTE = 3

# BarterOrderErrorKind
BARTER_ORDER_ERROR_KIND_CONNECTIVITY_EXCHANGE_OFFLINE = 1
BARTER_ORDER_ERROR_KIND_CONNECTIVITY_TIMEOUT = 2
BARTER_ORDER_ERROR_KIND_CONNECTIVITY_SOCKET = 3
BARTER_ORDER_ERROR_KIND_API_ASSET_INVALID = 4
BARTER_ORDER_ERROR_KIND_API_INSTRUMENT_INVALID = 5
BARTER_ORDER_ERROR_KIND_API_RATE_LIMIT = 6
BARTER_ORDER_ERROR_KIND_API_BALANCE_INSUFFICIENT = 7
BARTER_ORDER_ERROR_KIND_API_ORDER_REJECTED = 8
BARTER_ORDER_ERROR_KIND_API_ORDER_ALREADY_CANCELLED = 9
BARTER_ORDER_ERROR_KIND_API_ORDER_ALREADY_FULLY_FILLED = 10

# BarterOrderStateKind
BARTER_ORDER_STATE_KIND_OPEN_IN_FLIGHT = 1
BARTER_ORDER_STATE_KIND_OPEN = 2
BARTER_ORDER_STATE_KIND_CANCEL_IN_FLIGHT = 3
BARTER_ORDER_STATE_KIND_CANCELLED = 4
BARTER_ORDER_STATE_KIND_FULLY_FILLED = 5
BARTER_ORDER_STATE_KIND_OPEN_FAILED = 6
BARTER_ORDER_STATE_KIND_EXPIRED = 7

# BarterJsonFormat
BARTER_JSON_FORMAT_ONE = 1
BARTER_JSON_FORMAT_ARRAY = 2
BARTER_JSON_FORMAT_LINES = 3

# BarterAbiStruct
BARTER_ABI_STRUCT_STR = 1
BARTER_ABI_STRUCT_DECIMAL = 2
BARTER_ABI_STRUCT_TIMESTAMP = 3
BARTER_ABI_STRUCT_KEY = 4
BARTER_ABI_STRUCT_ORDER_KEY = 5
BARTER_ABI_STRUCT_ORDER_ERROR = 6
BARTER_ABI_STRUCT_ORDER_STATE = 7
BARTER_ABI_STRUCT_ORDER_EVENT = 8
BARTER_ABI_STRUCT_LINE_ERROR = 9
BARTER_ABI_STRUCT_ORDER_EVENT_BATCH = 10
BARTER_ABI_STRUCT_BUFFER = 11
BARTER_ABI_STRUCT_BATCH = 12
BARTER_ABI_STRUCT_TIME_IN_FORCE = 13
BARTER_ABI_STRUCT_REQUEST_OPEN = 14
BARTER_ABI_STRUCT_REQUEST_CANCEL = 15
BARTER_ABI_STRUCT_ORDER_REQUEST_OPEN = 16
BARTER_ABI_STRUCT_ORDER_REQUEST_CANCEL = 17
BARTER_ABI_STRUCT_ORDER_RESULT = 18
BARTER_ABI_STRUCT_ORDER_RESPONSE_CANCEL = 19
BARTER_ABI_STRUCT_ORDER_SNAPSHOT = 20
BARTER_ABI_STRUCT_ORDER_RESPONSE_OPEN = 21
BARTER_ABI_STRUCT_TRADE = 22
BARTER_ABI_STRUCT_ASSET_BALANCE = 23
BARTER_ABI_STRUCT_INSTRUMENT_SNAPSHOT = 24
BARTER_ABI_STRUCT_ACCOUNT_SNAPSHOT = 25
BARTER_ABI_STRUCT_ACCOUNT_EVENT = 26
BARTER_ABI_STRUCT_SINK_ENTRY = 27
BARTER_ABI_STRUCT_SINK_ERROR = 28
BARTER_ABI_STRUCT_EVENT_BATCH = 29
BARTER_ABI_STRUCT_SINK_STATS = 30
BARTER_ABI_STRUCT_SESSION_OPTIONS = 31
BARTER_ABI_STRUCT_SESSION_REPLY = 32
BARTER_ABI_STRUCT_SYSTEM_OPTIONS = 34
BARTER_ABI_STRUCT_INSTRUMENT_FILTER = 35
BARTER_ABI_STRUCT_AUDIT_STATS = 36
BARTER_ABI_STRUCT_LEVEL = 37
BARTER_ABI_STRUCT_PUBLIC_TRADE = 38
BARTER_ABI_STRUCT_ORDER_BOOK_L1 = 39
BARTER_ABI_STRUCT_ORDER_BOOK = 40
BARTER_ABI_STRUCT_CANDLE = 41
BARTER_ABI_STRUCT_LIQUIDATION = 42
BARTER_ABI_STRUCT_MARKET_EVENT = 43
BARTER_ABI_STRUCT_DATA_ERROR = 44
BARTER_ABI_STRUCT_MARKET_STREAM_EVENT = 45
BARTER_ABI_STRUCT_BACKTEST_ARGS = 46
BARTER_ABI_STRUCT_BACKTEST_PROGRESS = 47
BARTER_ABI_STRUCT_AUDIT_ENTRY = 48
BARTER_ABI_STRUCT_AUDIT_BATCH = 49

# BarterMessage
BARTER_MESSAGE_ORDER_EVENT = 1
BARTER_MESSAGE_ORDER_REQUEST_OPEN = 2
BARTER_MESSAGE_ORDER_REQUEST_CANCEL = 3
BARTER_MESSAGE_ORDER_RESPONSE_CANCEL = 4
BARTER_MESSAGE_ORDER_SNAPSHOT = 5
BARTER_MESSAGE_ORDER_RESPONSE_OPEN = 6
BARTER_MESSAGE_TRADE = 7
BARTER_MESSAGE_ASSET_BALANCE = 8
BARTER_MESSAGE_ACCOUNT_SNAPSHOT = 9
BARTER_MESSAGE_ACCOUNT_EVENT = 10
BARTER_MESSAGE_MARKET_STREAM_EVENT = 11
BARTER_MESSAGE_MARKET_STREAM_RESULT = 12

# BarterKeys
BARTER_KEYS_INDEXED = 1
BARTER_KEYS_UNINDEXED = 2

# BarterResultKind
BARTER_RESULT_KIND_OK = 1
BARTER_RESULT_KIND_ERR = 2

# BarterSide
BARTER_SIDE_BUY = 1
BARTER_SIDE_SELL = 2

# BarterOrderKind
BARTER_ORDER_KIND_MARKET = 1
BARTER_ORDER_KIND_LIMIT = 2

# BarterTimeInForceKind
BARTER_TIME_IN_FORCE_KIND_GOOD_UNTIL_CANCELLED = 1
BARTER_TIME_IN_FORCE_KIND_GOOD_UNTIL_END_OF_DAY = 2
BARTER_TIME_IN_FORCE_KIND_FILL_OR_KILL = 3
BARTER_TIME_IN_FORCE_KIND_IMMEDIATE_OR_CANCEL = 4

# BarterAccountEventKind
BARTER_ACCOUNT_EVENT_KIND_SNAPSHOT = 1
BARTER_ACCOUNT_EVENT_KIND_BALANCE_SNAPSHOT = 2
BARTER_ACCOUNT_EVENT_KIND_ORDER_SNAPSHOT = 3
BARTER_ACCOUNT_EVENT_KIND_ORDER_CANCELLED = 4
BARTER_ACCOUNT_EVENT_KIND_TRADE = 5

# BarterDataKind
BARTER_DATA_KIND_TRADE = 1
BARTER_DATA_KIND_ORDER_BOOK_L1 = 2
BARTER_DATA_KIND_ORDER_BOOK_SNAPSHOT = 3
BARTER_DATA_KIND_ORDER_BOOK_UPDATE = 4
BARTER_DATA_KIND_CANDLE = 5
BARTER_DATA_KIND_LIQUIDATION = 6

# BarterSubKind
BARTER_SUB_KIND_PUBLIC_TRADES = 1
BARTER_SUB_KIND_ORDER_BOOKS_L1 = 2
BARTER_SUB_KIND_ORDER_BOOKS_L2 = 3
BARTER_SUB_KIND_ORDER_BOOKS_L3 = 4
BARTER_SUB_KIND_LIQUIDATIONS = 5
BARTER_SUB_KIND_CANDLES = 6

# BarterDataErrorKind
BARTER_DATA_ERROR_KIND_INDEX_EXCHANGE = 1
BARTER_DATA_ERROR_KIND_INDEX_ASSET = 2
BARTER_DATA_ERROR_KIND_INDEX_INSTRUMENT = 3
BARTER_DATA_ERROR_KIND_SUBSCRIPTIONS_EMPTY = 4
BARTER_DATA_ERROR_KIND_UNSUPPORTED_SUB_KIND = 5
BARTER_DATA_ERROR_KIND_INITIAL_SNAPSHOT_MISSING = 6
BARTER_DATA_ERROR_KIND_INITIAL_SNAPSHOT_INVALID = 7
BARTER_DATA_ERROR_KIND_SOCKET = 8
BARTER_DATA_ERROR_KIND_UNSUPPORTED = 9
BARTER_DATA_ERROR_KIND_INVALID_SEQUENCE = 10

# BarterMarketStreamKind
BARTER_MARKET_STREAM_KIND_ITEM = 1
BARTER_MARKET_STREAM_KIND_RECONNECTING = 2
BARTER_MARKET_STREAM_KIND_ERROR = 3

# BarterSinkFullPolicy
BARTER_SINK_FULL_POLICY_BLOCK = 1
BARTER_SINK_FULL_POLICY_REJECT = 2

# BarterFeedMode
BARTER_FEED_MODE_STREAM = 1
BARTER_FEED_MODE_ITERATOR = 2

# BarterInstrumentFilterKind
BARTER_INSTRUMENT_FILTER_KIND_NONE = 1
BARTER_INSTRUMENT_FILTER_KIND_EXCHANGES = 2
BARTER_INSTRUMENT_FILTER_KIND_INSTRUMENTS = 3
BARTER_INSTRUMENT_FILTER_KIND_UNDERLYINGS = 4

# BarterSummaryInterval
BARTER_SUMMARY_INTERVAL_DAILY = 1
BARTER_SUMMARY_INTERVAL_ANNUAL252 = 2
BARTER_SUMMARY_INTERVAL_ANNUAL365 = 3

# BarterEngineValue
BARTER_ENGINE_VALUE_AUDIT_TICK = 1
BARTER_ENGINE_VALUE_STATE_SNAPSHOT = 2
BARTER_ENGINE_VALUE_MARKET_STREAM_EVENT = 3
BARTER_ENGINE_VALUE_ENGINE_EVENT = 4
BARTER_ENGINE_VALUE_COMMAND = 5
BARTER_ENGINE_VALUE_INSTRUMENT_FILTER = 6
BARTER_ENGINE_VALUE_TRADING_SUMMARY_DAILY = 7
BARTER_ENGINE_VALUE_TRADING_SUMMARY_ANNUAL252 = 8
BARTER_ENGINE_VALUE_TRADING_SUMMARY_ANNUAL365 = 9
BARTER_ENGINE_VALUE_MARKET_STREAM_RESULT = 10

# BarterAuditTickKind
BARTER_AUDIT_TICK_KIND_JSON = 1
BARTER_AUDIT_TICK_KIND_MARKET = 2
BARTER_AUDIT_TICK_KIND_ACCOUNT = 3

# --- opaque handles -------------------------------------------------------------


class BarterDecodeStream(Structure):
    """Opaque: only ever used through a pointer."""


class BarterEventSink(Structure):
    """Opaque: only ever used through a pointer."""


class BarterSession(Structure):
    """Opaque: only ever used through a pointer."""


class BarterSystem(Structure):
    """Opaque: only ever used through a pointer."""


class BarterMarketData(Structure):
    """Opaque: only ever used through a pointer."""


class BarterBacktest(Structure):
    """Opaque: only ever used through a pointer."""


# --- structs and unions, in dependency order ------------------------------------


class BarterStr(Structure):
    _fields_ = [("ptr", POINTER(c_uint8)), ("len", c_size_t)]


class BarterBuffer(Structure):
    _fields_ = [("data", POINTER(c_uint8)), ("len", c_size_t)]


class BarterLimits(Structure):
    _fields_ = [
        ("max_input_bytes", c_size_t),
        ("max_string_bytes", c_size_t),
        ("max_events_per_call", c_size_t),
    ]


class BarterLineError(Structure):
    _fields_ = [
        ("status", c_uint32),
        ("reserved", c_uint32),
        ("line", c_size_t),
        ("message", BarterStr),
    ]


class BarterBatch(Structure):
    _fields_ = [
        ("message", c_uint32),
        ("keys", c_uint32),
        ("items", c_void_p),
        ("len", c_size_t),
        ("item_size", c_size_t),
        ("errors", POINTER(BarterLineError)),
        ("errors_len", c_size_t),
        ("strings", BarterStr),
    ]


class BarterKey(Structure):
    _fields_ = [
        ("kind", c_uint32),
        ("reserved", c_uint32),
        ("index", c_size_t),
        ("name", BarterStr),
    ]


class BarterOrderKey(Structure):
    _fields_ = [
        ("exchange", BarterKey),
        ("instrument", BarterKey),
        ("strategy", BarterStr),
        ("cid", BarterStr),
    ]


class BarterTimestamp(Structure):
    _fields_ = [("seconds", c_int64), ("nanos", c_uint32), ("reserved", c_uint32)]


class BarterDecimal(Structure):
    _fields_ = [
        ("mantissa_lo", c_uint64),
        ("mantissa_hi", c_uint32),
        ("scale", c_uint8),
        ("negative", c_uint8),
        ("reserved", c_uint16),
    ]


class BarterOrderError(Structure):
    _fields_ = [
        ("kind", c_uint32),
        ("reserved", c_uint32),
        ("key", BarterKey),
        ("message", BarterStr),
    ]


class BarterOrderState(Structure):
    _fields_ = [
        ("kind", c_uint32),
        ("has_order", c_uint8),
        ("reserved", c_uint8 * 3),
        ("id", BarterStr),
        ("time_exchange", BarterTimestamp),
        ("filled_quantity", BarterDecimal),
        ("error", BarterOrderError),
    ]


class BarterOrderEvent(Structure):
    _fields_ = [("key", BarterOrderKey), ("state", BarterOrderState)]


class BarterOrderEventBatch(Structure):
    _fields_ = [
        ("events", POINTER(BarterOrderEvent)),
        ("len", c_size_t),
        ("errors", POINTER(BarterLineError)),
        ("errors_len", c_size_t),
        ("strings", BarterStr),
    ]


class BarterSessionOptions(Structure):
    _fields_ = [
        ("queue_capacity", c_size_t),
        ("request_timeout_ms", c_uint32),
        ("reserved", c_uint32),
    ]


class BarterTimeInForce(Structure):
    _fields_ = [("kind", c_uint32), ("post_only", c_uint8), ("reserved", c_uint8 * 3)]


class BarterRequestOpen(Structure):
    _fields_ = [
        ("side", c_uint32),
        ("kind", c_uint32),
        ("time_in_force", BarterTimeInForce),
        ("price", BarterDecimal),
        ("quantity", BarterDecimal),
    ]


class BarterOrderRequestOpen(Structure):
    _fields_ = [("key", BarterOrderKey), ("state", BarterRequestOpen)]


class BarterSessionReply(Structure):
    _fields_ = [
        ("message", c_uint32),
        ("keys", c_uint32),
        ("item", c_void_p),
        ("strings", BarterStr),
    ]


class BarterRequestCancel(Structure):
    _fields_ = [("has_id", c_uint8), ("reserved", c_uint8 * 7), ("id", BarterStr)]


class BarterOrderRequestCancel(Structure):
    _fields_ = [("key", BarterOrderKey), ("state", BarterRequestCancel)]


class BarterSinkEntry(Structure):
    _fields_ = [
        ("message", c_uint32),
        ("keys", c_uint32),
        ("index", c_size_t),
        ("sequence", c_uint64),
    ]


class BarterAssetBalance(Structure):
    _fields_ = [
        ("asset", BarterKey),
        ("total", BarterDecimal),
        ("free", BarterDecimal),
        ("time_exchange", BarterTimestamp),
    ]


class BarterOrderSnapshot(Structure):
    _fields_ = [
        ("key", BarterOrderKey),
        ("order", BarterRequestOpen),
        ("state", BarterOrderState),
    ]


class BarterInstrumentSnapshot(Structure):
    _fields_ = [
        ("instrument", BarterKey),
        ("orders", POINTER(BarterOrderSnapshot)),
        ("orders_len", c_size_t),
    ]


class BarterAccountSnapshot(Structure):
    _fields_ = [
        ("exchange", BarterKey),
        ("balances", POINTER(BarterAssetBalance)),
        ("balances_len", c_size_t),
        ("instruments", POINTER(BarterInstrumentSnapshot)),
        ("instruments_len", c_size_t),
    ]


class BarterOrderResult(Structure):
    _fields_ = [
        ("kind", c_uint32),
        ("reserved", c_uint32),
        ("id", BarterStr),
        ("time_exchange", BarterTimestamp),
        ("filled_quantity", BarterDecimal),
        ("error", BarterOrderError),
    ]


class BarterOrderResponseCancel(Structure):
    _fields_ = [("key", BarterOrderKey), ("state", BarterOrderResult)]


class BarterOrderResponseOpen(Structure):
    _fields_ = [
        ("key", BarterOrderKey),
        ("order", BarterRequestOpen),
        ("state", BarterOrderResult),
    ]


class BarterTrade(Structure):
    _fields_ = [
        ("id", BarterStr),
        ("order_id", BarterStr),
        ("instrument", BarterKey),
        ("strategy", BarterStr),
        ("time_exchange", BarterTimestamp),
        ("side", c_uint32),
        ("reserved", c_uint32),
        ("price", BarterDecimal),
        ("quantity", BarterDecimal),
        ("fees_asset", BarterKey),
        ("fees", BarterDecimal),
    ]


class BarterAccountEventPayload(Union):
    _fields_ = [
        ("snapshot", BarterAccountSnapshot),
        ("balance", BarterAssetBalance),
        ("order", BarterOrderSnapshot),
        ("cancelled", BarterOrderResponseCancel),
        ("trade", BarterTrade),
    ]


class BarterAccountEvent(Structure):
    _fields_ = [
        ("exchange", BarterKey),
        ("kind", c_uint32),
        ("reserved", c_uint32),
        ("payload", BarterAccountEventPayload),
    ]


class BarterLevel(Structure):
    _fields_ = [("price", BarterDecimal), ("amount", BarterDecimal)]


class BarterPublicTrade(Structure):
    _fields_ = [
        ("id", BarterStr),
        ("price", c_double),
        ("amount", c_double),
        ("side", c_uint32),
        ("reserved", c_uint32),
    ]


class BarterOrderBookL1(Structure):
    _fields_ = [
        ("last_update_time", BarterTimestamp),
        ("has_best_bid", c_uint8),
        ("has_best_ask", c_uint8),
        ("reserved", c_uint8 * 6),
        ("best_bid", BarterLevel),
        ("best_ask", BarterLevel),
    ]


class BarterOrderBook(Structure):
    _fields_ = [
        ("sequence", c_uint64),
        ("has_time_engine", c_uint8),
        ("reserved", c_uint8 * 7),
        ("time_engine", BarterTimestamp),
        ("bids", POINTER(BarterLevel)),
        ("bids_len", c_size_t),
        ("asks", POINTER(BarterLevel)),
        ("asks_len", c_size_t),
    ]


class BarterCandle(Structure):
    _fields_ = [
        ("close_time", BarterTimestamp),
        ("open", c_double),
        ("high", c_double),
        ("low", c_double),
        ("close", c_double),
        ("volume", c_double),
        ("trade_count", c_uint64),
    ]


class BarterLiquidation(Structure):
    _fields_ = [
        ("side", c_uint32),
        ("reserved", c_uint32),
        ("price", c_double),
        ("quantity", c_double),
        ("time", BarterTimestamp),
    ]


class BarterDataKindPayload(Union):
    _fields_ = [
        ("trade", BarterPublicTrade),
        ("l1", BarterOrderBookL1),
        ("book", BarterOrderBook),
        ("candle", BarterCandle),
        ("liquidation", BarterLiquidation),
    ]


class BarterMarketEvent(Structure):
    _fields_ = [
        ("time_exchange", BarterTimestamp),
        ("time_received", BarterTimestamp),
        ("exchange", BarterKey),
        ("instrument", BarterKey),
        ("kind", c_uint32),
        ("reserved", c_uint32),
        ("data", BarterDataKindPayload),
    ]


class BarterDataError(Structure):
    _fields_ = [
        ("kind", c_uint32),
        ("sub_kind", c_uint32),
        ("message", BarterStr),
        ("exchange", BarterKey),
        ("prev_last_update_id", c_uint64),
        ("first_update_id", c_uint64),
    ]


class BarterMarketStreamPayload(Union):
    _fields_ = [
        ("event", BarterMarketEvent),
        ("exchange", BarterKey),
        ("error", BarterDataError),
    ]


class BarterMarketStreamEvent(Structure):
    _fields_ = [
        ("kind", c_uint32),
        ("reserved", c_uint32),
        ("payload", BarterMarketStreamPayload),
    ]


class BarterAuditEntry(Structure):
    _fields_ = [
        ("sequence", c_uint64),
        ("time", BarterTimestamp),
        ("kind", c_uint32),
        ("reserved", c_uint32),
        ("index", c_size_t),
    ]


class BarterAuditBatch(Structure):
    _fields_ = [
        ("entries", POINTER(BarterAuditEntry)),
        ("len", c_size_t),
        ("market_events", POINTER(BarterMarketStreamEvent)),
        ("market_events_len", c_size_t),
        ("account_events", POINTER(BarterAccountEvent)),
        ("account_events_len", c_size_t),
        ("json", BarterStr),
        ("strings", BarterStr),
    ]


class BarterBacktestArgs(Structure):
    _fields_ = [("id", BarterStr), ("risk_free_return", BarterDecimal)]


class BarterBacktestProgress(Structure):
    _fields_ = [
        ("processed", c_size_t),
        ("position", c_size_t),
        ("total", c_size_t),
        ("time", BarterTimestamp),
        ("ended", c_uint32),
        ("reserved", c_uint32),
    ]


class BarterSinkError(Structure):
    _fields_ = [
        ("sequence", c_uint64),
        ("status", c_uint32),
        ("reserved", c_uint32),
        ("message", BarterStr),
    ]


class BarterEventBatch(Structure):
    _fields_ = [
        ("entries", POINTER(BarterSinkEntry)),
        ("len", c_size_t),
        ("order_events", POINTER(BarterOrderEvent)),
        ("order_events_len", c_size_t),
        ("account_events", POINTER(BarterAccountEvent)),
        ("account_events_len", c_size_t),
        ("errors", POINTER(BarterSinkError)),
        ("errors_len", c_size_t),
        ("strings", BarterStr),
        ("flags", c_uint32),
        ("reserved", c_uint32),
    ]


class BarterSinkStats(Structure):
    _fields_ = [
        ("pushed", c_uint64),
        ("rejected", c_uint64),
        ("drained", c_uint64),
        ("discarded", c_uint64),
        ("failed", c_uint64),
        ("pending", c_uint64),
        ("capacity", c_uint64),
        ("policy", c_uint32),
        ("closed", c_uint32),
    ]


class BarterSystemOptions(Structure):
    _fields_ = [
        ("feed_mode", c_uint32),
        ("trading_disabled", c_uint32),
        ("audit", c_uint32),
        ("reserved", c_uint32),
        ("audit_capacity", c_size_t),
    ]


class BarterInstrumentFilter(Structure):
    _fields_ = [
        ("kind", c_uint32),
        ("reserved", c_uint32),
        ("len", c_size_t),
        ("indices", POINTER(c_size_t)),
    ]


class BarterAuditStats(Structure):
    _fields_ = [
        ("received", c_uint64),
        ("delivered", c_uint64),
        ("queued", c_uint64),
        ("max_queued", c_uint64),
        ("producer_waits", c_uint64),
        ("capacity", c_uint64),
        ("ended", c_uint32),
        ("reserved", c_uint32),
    ]


#: Every struct and union of the header with a layout, by its C name.
STRUCTS: dict[str, type[ctypes.Structure] | type[ctypes.Union]] = {
    cls.__name__: cls
    for cls in (
        BarterStr,
        BarterBuffer,
        BarterLimits,
        BarterLineError,
        BarterBatch,
        BarterKey,
        BarterOrderKey,
        BarterTimestamp,
        BarterDecimal,
        BarterOrderError,
        BarterOrderState,
        BarterOrderEvent,
        BarterOrderEventBatch,
        BarterSessionOptions,
        BarterTimeInForce,
        BarterRequestOpen,
        BarterOrderRequestOpen,
        BarterSessionReply,
        BarterRequestCancel,
        BarterOrderRequestCancel,
        BarterSinkEntry,
        BarterAssetBalance,
        BarterOrderSnapshot,
        BarterInstrumentSnapshot,
        BarterAccountSnapshot,
        BarterOrderResult,
        BarterOrderResponseCancel,
        BarterOrderResponseOpen,
        BarterTrade,
        BarterAccountEventPayload,
        BarterAccountEvent,
        BarterLevel,
        BarterPublicTrade,
        BarterOrderBookL1,
        BarterOrderBook,
        BarterCandle,
        BarterLiquidation,
        BarterDataKindPayload,
        BarterMarketEvent,
        BarterDataError,
        BarterMarketStreamPayload,
        BarterMarketStreamEvent,
        BarterAuditEntry,
        BarterAuditBatch,
        BarterBacktestArgs,
        BarterBacktestProgress,
        BarterSinkError,
        BarterEventBatch,
        BarterSinkStats,
        BarterSystemOptions,
        BarterInstrumentFilter,
        BarterAuditStats,
    )
}

#: The header's opaque types, only ever behind a pointer.
OPAQUE: dict[str, type[ctypes.Structure]] = {
    cls.__name__: cls
    for cls in (
        BarterDecodeStream,
        BarterEventSink,
        BarterSession,
        BarterSystem,
        BarterMarketData,
        BarterBacktest,
    )
}

# --- exported functions ---------------------------------------------------------

_Status = c_uint32
_Bytes = c_char_p  # const uint8_t *: bytes pass directly, the length beside them

#: Every exported function: name -> (result type, argument types).
FUNCTIONS: dict[str, tuple[Any, list[Any]]] = {
    "barter_abi_version": (_Status, [POINTER(c_uint32)]),
    "barter_abi_struct_layout": (_Status, [c_uint32, POINTER(c_size_t), POINTER(c_size_t)]),
    "barter_library_version": (_Status, [POINTER(BarterStr)]),
    "barter_last_error": (_Status, [POINTER(BarterStr)]),
    "barter_buffer_free": (_Status, [POINTER(POINTER(BarterBuffer))]),
    "barter_limits_get": (_Status, [POINTER(BarterLimits)]),
    "barter_limits_set": (_Status, [POINTER(BarterLimits)]),
    "barter_decode": (
        _Status,
        [c_uint32, c_uint32, _Bytes, c_size_t, c_uint32, c_uint32, POINTER(POINTER(BarterBatch))],
    ),
    "barter_batch_free": (_Status, [POINTER(POINTER(BarterBatch))]),
    # `out` must be aligned for the item's struct: a ctypes array of the
    # struct, or of c_uint64, is; a bytearray is not guaranteed to be.
    "barter_decode_one_into": (
        _Status,
        [c_uint32, c_uint32, _Bytes, c_size_t, c_void_p, c_size_t, POINTER(c_size_t)],
    ),
    "barter_encode": (
        _Status,
        [c_uint32, c_uint32, c_void_p, c_size_t, c_uint32, POINTER(POINTER(BarterBuffer))],
    ),
    "barter_order_events_decode": (
        _Status,
        [_Bytes, c_size_t, c_uint32, c_uint32, POINTER(POINTER(BarterOrderEventBatch))],
    ),
    "barter_order_event_batch_free": (_Status, [POINTER(POINTER(BarterOrderEventBatch))]),
    "barter_order_events_encode": (
        _Status,
        [POINTER(BarterOrderEvent), c_size_t, c_uint32, POINTER(POINTER(BarterBuffer))],
    ),
    "barter_session_new": (
        _Status,
        [_Bytes, c_size_t, POINTER(BarterSessionOptions), POINTER(POINTER(BarterSession))],
    ),
    "barter_session_sink": (
        _Status,
        [POINTER(BarterSession), POINTER(POINTER(BarterEventSink))],
    ),
    "barter_session_open_order": (
        _Status,
        [
            POINTER(BarterSession),
            POINTER(BarterOrderRequestOpen),
            POINTER(POINTER(BarterSessionReply)),
        ],
    ),
    "barter_session_cancel_order": (
        _Status,
        [
            POINTER(BarterSession),
            POINTER(BarterOrderRequestCancel),
            POINTER(POINTER(BarterSessionReply)),
        ],
    ),
    "barter_session_reply_free": (_Status, [POINTER(POINTER(BarterSessionReply))]),
    "barter_session_close": (_Status, [POINTER(BarterSession)]),
    "barter_session_free": (_Status, [POINTER(POINTER(BarterSession))]),
    "barter_event_sink_new": (_Status, [c_size_t, c_uint32, POINTER(POINTER(BarterEventSink))]),
    "barter_event_sink_drain": (
        _Status,
        [POINTER(BarterEventSink), c_size_t, c_uint32, POINTER(POINTER(BarterEventBatch))],
    ),
    "barter_event_batch_free": (_Status, [POINTER(POINTER(BarterEventBatch))]),
    "barter_event_sink_stats": (_Status, [POINTER(BarterEventSink), POINTER(BarterSinkStats)]),
    "barter_event_sink_close": (_Status, [POINTER(BarterEventSink)]),
    "barter_event_sink_discard": (_Status, [POINTER(BarterEventSink), POINTER(c_uint64)]),
    "barter_event_sink_free": (_Status, [POINTER(POINTER(BarterEventSink))]),
    # The stream reads `input` until it is freed: keep the bytes alive as long.
    "barter_decode_stream_new": (
        _Status,
        [
            c_uint32,
            c_uint32,
            _Bytes,
            c_size_t,
            c_uint32,
            c_size_t,
            POINTER(POINTER(BarterDecodeStream)),
        ],
    ),
    "barter_decode_stream_next": (
        _Status,
        [POINTER(BarterDecodeStream), POINTER(POINTER(BarterBatch))],
    ),
    "barter_decode_stream_free": (_Status, [POINTER(POINTER(BarterDecodeStream))]),
    "barter_system_new": (
        _Status,
        [
            _Bytes,
            c_size_t,
            _Bytes,
            c_size_t,
            POINTER(BarterSystemOptions),
            POINTER(POINTER(BarterSystem)),
        ],
    ),
    "barter_system_send_open_requests": (
        _Status,
        [POINTER(BarterSystem), POINTER(BarterOrderRequestOpen), c_size_t],
    ),
    "barter_system_send_cancel_requests": (
        _Status,
        [POINTER(BarterSystem), POINTER(BarterOrderRequestCancel), c_size_t],
    ),
    "barter_system_close_positions": (
        _Status,
        [POINTER(BarterSystem), POINTER(BarterInstrumentFilter)],
    ),
    "barter_system_cancel_orders": (
        _Status,
        [POINTER(BarterSystem), POINTER(BarterInstrumentFilter)],
    ),
    "barter_system_set_trading_enabled": (_Status, [POINTER(BarterSystem), c_uint32]),
    "barter_system_feed_market": (
        _Status,
        [POINTER(BarterSystem), _Bytes, c_size_t, c_uint32],
    ),
    "barter_system_feed_market_events": (
        _Status,
        [POINTER(BarterSystem), POINTER(BarterMarketStreamEvent), c_size_t],
    ),
    "barter_system_is_running": (_Status, [POINTER(BarterSystem), POINTER(c_uint32)]),
    "barter_system_audit_snapshot": (
        _Status,
        [POINTER(BarterSystem), POINTER(POINTER(BarterBuffer))],
    ),
    "barter_system_audit_drain": (
        _Status,
        [
            POINTER(BarterSystem),
            c_size_t,
            c_uint32,
            POINTER(POINTER(BarterBuffer)),
            POINTER(c_size_t),
        ],
    ),
    "barter_system_audit_drain_structs": (
        _Status,
        [POINTER(BarterSystem), c_size_t, c_uint32, POINTER(POINTER(BarterAuditBatch))],
    ),
    "barter_audit_batch_free": (_Status, [POINTER(POINTER(BarterAuditBatch))]),
    "barter_system_audit_stats": (
        _Status,
        [POINTER(BarterSystem), POINTER(BarterAuditStats)],
    ),
    "barter_system_shutdown": (_Status, [POINTER(BarterSystem)]),
    "barter_system_abort": (_Status, [POINTER(BarterSystem)]),
    "barter_system_trading_summary": (
        _Status,
        [POINTER(BarterSystem), POINTER(BarterDecimal), c_uint32, POINTER(POINTER(BarterBuffer))],
    ),
    "barter_system_free": (_Status, [POINTER(POINTER(BarterSystem))]),
    "barter_market_data_from_json": (
        _Status,
        [_Bytes, c_size_t, c_uint32, POINTER(POINTER(BarterMarketData))],
    ),
    "barter_market_data_from_events": (
        _Status,
        [POINTER(BarterMarketStreamEvent), c_size_t, POINTER(POINTER(BarterMarketData))],
    ),
    "barter_market_data_len": (_Status, [POINTER(BarterMarketData), POINTER(c_size_t)]),
    "barter_market_data_free": (_Status, [POINTER(POINTER(BarterMarketData))]),
    "barter_backtest_run": (
        _Status,
        [
            _Bytes,
            c_size_t,
            POINTER(BarterMarketData),
            POINTER(BarterBacktestArgs),
            c_size_t,
            c_uint32,
            POINTER(POINTER(BarterBuffer)),
        ],
    ),
    "barter_backtest_new": (
        _Status,
        [
            _Bytes,
            c_size_t,
            POINTER(BarterMarketData),
            c_uint32,
            c_uint32,
            POINTER(POINTER(BarterBacktest)),
        ],
    ),
    "barter_backtest_step": (
        _Status,
        [
            POINTER(BarterBacktest),
            c_size_t,
            POINTER(BarterTimestamp),
            POINTER(BarterBacktestProgress),
        ],
    ),
    "barter_backtest_progress": (
        _Status,
        [POINTER(BarterBacktest), POINTER(BarterBacktestProgress)],
    ),
    "barter_backtest_send_open_requests": (
        _Status,
        [POINTER(BarterBacktest), POINTER(BarterOrderRequestOpen), c_size_t],
    ),
    "barter_backtest_send_cancel_requests": (
        _Status,
        [POINTER(BarterBacktest), POINTER(BarterOrderRequestCancel), c_size_t],
    ),
    "barter_backtest_close_positions": (
        _Status,
        [POINTER(BarterBacktest), POINTER(BarterInstrumentFilter)],
    ),
    "barter_backtest_cancel_orders": (
        _Status,
        [POINTER(BarterBacktest), POINTER(BarterInstrumentFilter)],
    ),
    "barter_backtest_set_trading_enabled": (_Status, [POINTER(BarterBacktest), c_uint32]),
    "barter_backtest_drain_audit": (
        _Status,
        [POINTER(BarterBacktest), POINTER(POINTER(BarterBuffer)), POINTER(c_size_t)],
    ),
    "barter_backtest_state": (
        _Status,
        [POINTER(BarterBacktest), POINTER(POINTER(BarterBuffer))],
    ),
    "barter_backtest_latest_market": (
        _Status,
        [POINTER(BarterBacktest), POINTER(POINTER(BarterBatch))],
    ),
    "barter_backtest_trading_summary": (
        _Status,
        [
            POINTER(BarterBacktest),
            POINTER(BarterDecimal),
            c_uint32,
            POINTER(POINTER(BarterBuffer)),
        ],
    ),
    "barter_backtest_free": (_Status, [POINTER(POINTER(BarterBacktest))]),
    "barter_engine_json_normalize": (
        _Status,
        [c_uint32, c_uint32, _Bytes, c_size_t, POINTER(POINTER(BarterBuffer))],
    ),
}


def library_path() -> str:
    """The shared library shipped beside this module (libbarter_ffi.so)."""
    name = "libbarter_ffi.dylib" if sys.platform == "darwin" else "libbarter_ffi.so"
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), name)


def load(path: str | None = None) -> ctypes.CDLL:
    """Opens the library (by default the one shipped in the package) and
    declares the argument and result types of every function in
    :data:`FUNCTIONS` on it."""
    lib = ctypes.CDLL(path or library_path())
    for name, (restype, argtypes) in FUNCTIONS.items():
        function = getattr(lib, name)
        function.restype = restype
        function.argtypes = argtypes
    return lib


# --- reading values (ctypes-only debugging helpers) --------------------------------


def string(view: BarterStr) -> str:
    """Copies a ``BarterStr`` view into a Python str (NUL and all)."""
    if view.len == 0:
        return ""
    return ctypes.string_at(view.ptr, view.len).decode("utf-8")


def last_error(lib: ctypes.CDLL) -> str:
    """This thread's last error message from the library."""
    view = BarterStr()
    lib.barter_last_error(ctypes.byref(view))
    return string(view)


def check(lib: ctypes.CDLL, status: int) -> None:
    """Raises RuntimeError with the library's message unless ``status`` is OK."""
    if status != BARTER_STATUS_OK:
        raise RuntimeError(f"barter_ffi status {status}: {last_error(lib)}")


def decimal_text(value: BarterDecimal) -> str:
    """rust_decimal's text of a ``BarterDecimal``, scale kept ("0.50")."""
    digits = str(value.mantissa_hi << 64 | value.mantissa_lo)
    scale = value.scale
    if scale:
        digits = digits.rjust(scale + 1, "0")
        digits = f"{digits[:-scale]}.{digits[-scale:]}"
    return f"-{digits}" if value.negative else digits


def timestamp_text(value: BarterTimestamp) -> str:
    """chrono's RFC 3339 text of a ``BarterTimestamp`` as serde writes it: UTC
    with ``Z``, 0, 3, 6 or 9 fractional digits, signed years past 9999 and
    second 60 for a leap second."""
    nanos = value.nanos
    days, second_of_day = divmod(value.seconds, 86_400)
    hour, rest = divmod(second_of_day, 3_600)
    minute, second = divmod(rest, 60)
    if nanos >= 1_000_000_000:  # chrono's leap second: 23:59:59 plus a second of nanos
        second += 1
        nanos -= 1_000_000_000
    # days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm)
    z = days + 719_468
    era = z // 146_097
    doe = z - era * 146_097
    yoe = (doe - doe // 1_460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    year = yoe + era * 400 + (month <= 2)
    year_text = f"{year:04d}" if 0 <= year <= 9999 else f"{year:+05d}"
    if nanos == 0:
        fraction = ""
    elif nanos % 1_000_000 == 0:
        fraction = f".{nanos // 1_000_000:03d}"
    elif nanos % 1_000 == 0:
        fraction = f".{nanos // 1_000:06d}"
    else:
        fraction = f".{nanos:09d}"
    return f"{year_text}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}{fraction}Z"


def key_value(key: BarterKey) -> int | str:
    """An index key as int, a name key as str."""
    if key.kind == BARTER_KEY_KIND_INDEX:
        return int(key.index)
    if key.kind == BARTER_KEY_KIND_NAME:
        return string(key.name)
    raise ValueError(f"BarterKey kind {key.kind} has no serde value of its own")


def order_error_to_dict(error: BarterOrderError) -> Any:
    """serde's JSON value of an ``OrderError``."""
    kind = error.kind
    if kind == BARTER_ORDER_ERROR_KIND_CONNECTIVITY_EXCHANGE_OFFLINE:
        return {"Connectivity": {"ExchangeOffline": key_value(error.key)}}
    if kind == BARTER_ORDER_ERROR_KIND_CONNECTIVITY_TIMEOUT:
        return {"Connectivity": "Timeout"}
    if kind == BARTER_ORDER_ERROR_KIND_CONNECTIVITY_SOCKET:
        return {"Connectivity": {"Socket": string(error.message)}}
    with_key = {
        BARTER_ORDER_ERROR_KIND_API_ASSET_INVALID: "AssetInvalid",
        BARTER_ORDER_ERROR_KIND_API_INSTRUMENT_INVALID: "InstrumentInvalid",
        BARTER_ORDER_ERROR_KIND_API_BALANCE_INSUFFICIENT: "BalanceInsufficient",
    }
    if kind in with_key:
        return {"Rejected": {with_key[kind]: [key_value(error.key), string(error.message)]}}
    if kind == BARTER_ORDER_ERROR_KIND_API_ORDER_REJECTED:
        return {"Rejected": {"OrderRejected": string(error.message)}}
    unit = {
        BARTER_ORDER_ERROR_KIND_API_RATE_LIMIT: "RateLimit",
        BARTER_ORDER_ERROR_KIND_API_ORDER_ALREADY_CANCELLED: "OrderAlreadyCancelled",
        BARTER_ORDER_ERROR_KIND_API_ORDER_ALREADY_FULLY_FILLED: "OrderAlreadyFullyFilled",
    }
    if kind in unit:
        return {"Rejected": unit[kind]}
    raise ValueError(f"unknown BarterOrderErrorKind {kind}")


def order_state_to_dict(state: BarterOrderState) -> Any:
    """serde's JSON value of an ``OrderState``."""
    kind = state.kind

    def open_order() -> dict[str, Any]:
        return {
            "id": string(state.id),
            "time_exchange": timestamp_text(state.time_exchange),
            "filled_quantity": decimal_text(state.filled_quantity),
        }

    if kind == BARTER_ORDER_STATE_KIND_OPEN_IN_FLIGHT:
        return {"Active": {"OpenInFlight": None}}
    if kind == BARTER_ORDER_STATE_KIND_OPEN:
        return {"Active": {"Open": open_order()}}
    if kind == BARTER_ORDER_STATE_KIND_CANCEL_IN_FLIGHT:
        order = open_order() if state.has_order else None
        return {"Active": {"CancelInFlight": {"order": order}}}
    if kind == BARTER_ORDER_STATE_KIND_CANCELLED:
        cancelled = {"id": string(state.id), "time_exchange": timestamp_text(state.time_exchange)}
        return {"Inactive": {"Cancelled": cancelled}}
    if kind == BARTER_ORDER_STATE_KIND_FULLY_FILLED:
        return {"Inactive": "FullyFilled"}
    if kind == BARTER_ORDER_STATE_KIND_OPEN_FAILED:
        return {"Inactive": {"OpenFailed": order_error_to_dict(state.error)}}
    if kind == BARTER_ORDER_STATE_KIND_EXPIRED:
        return {"Inactive": "Expired"}
    raise ValueError(f"unknown BarterOrderStateKind {kind}")


def order_event_to_dict(event: BarterOrderEvent) -> dict[str, Any]:
    """serde's JSON value of an ``OrderEvent<OrderState>`` (``json.loads`` of
    what serde_json prints), read from the C struct with ctypes alone."""
    key = event.key
    return {
        "key": {
            "exchange": key_value(key.exchange),
            "instrument": key_value(key.instrument),
            "strategy": string(key.strategy),
            "cid": string(key.cid),
        },
        "state": order_state_to_dict(event.state),
    }


def decode_order_events(lib: ctypes.CDLL, data: bytes) -> list[dict[str, Any]]:
    """Decodes JSON lines of indexed order events with
    ``barter_order_events_decode`` and returns each one's serde JSON value;
    the batch is freed before returning."""
    batch = POINTER(BarterOrderEventBatch)()
    status = lib.barter_order_events_decode(
        data, len(data), BARTER_JSON_FORMAT_LINES, 0, ctypes.byref(batch)
    )
    check(lib, status)
    try:
        events = batch.contents.events
        return [order_event_to_dict(events[i]) for i in range(batch.contents.len)]
    finally:
        lib.barter_order_event_batch_free(ctypes.byref(batch))
