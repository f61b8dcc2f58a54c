/*
 * barter_python._cbuild: the CPython builder of typed records from the
 * library's C structs (include/barter_ffi.h is the contract).
 *
 * Python code building each record costs ~1.2 us an event on CPython; here a
 * record is its type's tp_alloc plus item stores, strings come straight from
 * the batch's UTF-8 arena, and only the exact Decimal goes back through
 * Python (decimal's own C multiply). It reads memory the cffi extension (or
 * ABI mode) hands over by address and links nothing but libpython.
 *
 * Built against the stable ABI (3.9) so the cp39-abi3 wheel stays one wheel.
 * Every record is a tuple subclass created with all its items, so no
 * half-built record is ever visible: an error releases what was built and
 * the batch's list, and raises.
 */
#define Py_LIMITED_API 0x03090000
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "barter_ffi.h"

#define SCALES 29 /* rust_decimal's scales, 0..=28 */

/* What `configure` hands over once, at import: the record types, their
 * allocators, and the Python helpers the few slow paths need. */
static struct {
    int ready;
    PyObject *order_event, *order_key, *open, *cancelled, *cancel_in_flight, *timestamp;
    allocfunc alloc_event, alloc_key, alloc_open, alloc_cancelled, alloc_cancel_in_flight,
        alloc_timestamp;
    PyObject *units;      /* dict: state kind -> the immutable state it always is */
    PyObject *exchanges;  /* dict: serde name -> ExchangeId member */
    PyObject *multiply;   /* exact Context.multiply */
    PyObject *event_from_c, *state_from_c; /* the per-field decoder */
    /* `configure_errors`: OpenFailed, and per BarterOrderErrorKind its
     * class, or the one instance of a leaf without fields. */
    PyObject *open_failed, *errors;
    allocfunc alloc_open_failed;
    PyObject *scale_units[2][SCALES]; /* [negative][scale] -> Decimal 1E-scale */
    /* barter_decode_one_into, as the loaded library exports it. */
    BarterStatus (*decode_one_into)(uint32_t, uint32_t, const uint8_t *, size_t, void *, size_t,
                                    size_t *);
} B;

/* The same for market stream items (`configure_market`). */
static struct {
    int ready;
    PyObject *item, *result_item, *event, *trade, *l1, *level;
    allocfunc alloc_item, alloc_result_item, alloc_event, alloc_trade, alloc_l1, alloc_level;
    PyObject *sides;          /* dict: BarterSide -> Side */
    PyObject *stream_from_c;  /* the per-field decoder */
} M;

/* Stores a new reference in *slot, releasing the old one. */
static void replace(PyObject **slot, PyObject *value) {
    PyObject *old = *slot;
    Py_INCREF(value);
    *slot = value;
    Py_XDECREF(old);
}

/* A record of type `type` (a tuple subclass) holding the `n` new references
 * in `items`, which it steals, also on failure. */
static PyObject *record(PyObject *type, allocfunc alloc, PyObject **items, Py_ssize_t n) {
    Py_ssize_t i;
    PyObject *self = NULL;
    for (i = 0; i < n; i++) {
        if (items[i] == NULL) {
            goto fail;
        }
    }
    self = alloc((PyTypeObject *)type, n);
    if (self == NULL) {
        goto fail;
    }
    for (i = 0; i < n; i++) {
        /* Steals items[i]; it cannot fail on a new tuple of refcount 1. */
        PyTuple_SetItem(self, i, items[i]);
    }
    /* No reference cycle can run through it: it is immutable and each item
     * existed before it (a fresh value, or a singleton of the library's).
     * CPython untracks such exact tuples itself in its first collection,
     * but never a subclass's, so without this every record of a batch was
     * scanned by each collection the batch survives (~40% of a 100,000
     * event decode with full access, the GC on). */
    PyObject_GC_UnTrack(self);
    return self;
fail:
    for (i = 0; i < n; i++) {
        Py_XDECREF(items[i]);
    }
    return NULL;
}

typedef struct {
    const char *base;
    size_t len;
} Arena;

/* A str of the arena's UTF-8 bytes `s` points to, checked to lie inside it. */
static PyObject *text(const Arena *arena, BarterStr s) {
    const char *ptr = (const char *)s.ptr;
    if (s.len == 0) {
        return PyUnicode_FromStringAndSize("", 0);
    }
    if (ptr < arena->base || s.len > arena->len ||
        (size_t)(ptr - arena->base) > arena->len - s.len) {
        PyErr_SetString(PyExc_ValueError, "a string lies outside its batch's string buffer");
        return NULL;
    }
    return PyUnicode_DecodeUTF8(ptr, (Py_ssize_t)s.len, "strict");
}

static PyObject *decimal(BarterDecimal d) {
    PyObject *mantissa, *result;
    if (d.scale >= SCALES || d.negative > 1) {
        PyErr_Format(PyExc_ValueError, "a decimal with scale %u and sign %u", d.scale,
                     d.negative);
        return NULL;
    }
    if (d.mantissa_hi == 0) {
        mantissa = PyLong_FromUnsignedLongLong(d.mantissa_lo);
    } else {
        PyObject *hi = PyLong_FromUnsignedLong(d.mantissa_hi), *shift = PyLong_FromLong(64);
        PyObject *high = hi && shift ? PyNumber_Lshift(hi, shift) : NULL;
        PyObject *lo = high ? PyLong_FromUnsignedLongLong(d.mantissa_lo) : NULL;
        mantissa = lo ? PyNumber_Or(high, lo) : NULL;
        Py_XDECREF(hi);
        Py_XDECREF(shift);
        Py_XDECREF(high);
        Py_XDECREF(lo);
    }
    if (mantissa == NULL) {
        return NULL;
    }
    result = PyObject_CallFunctionObjArgs(B.multiply, mantissa,
                                          B.scale_units[d.negative][d.scale], NULL);
    Py_DECREF(mantissa);
    return result;
}

static PyObject *timestamp(BarterTimestamp t) {
    PyObject *items[2];
    items[0] = PyLong_FromLongLong(t.seconds);
    items[1] = items[0] ? PyLong_FromUnsignedLong(t.nanos) : NULL;
    return record(B.timestamp, B.alloc_timestamp, items, 2);
}

/* What `configure_datetime` hands over: the datetime type, UTC, and the
 * Python property's own function for what this one leaves to it. */
static struct {
    PyObject *type, *utc, *fallback;
} D;

/* Days from 1970-01-01 to (year, month, day), proleptic Gregorian: the
 * inverse of H. Hinnant's days_from_civil, as timestamp.py has it. */
static void civil_from_days(long long days, long long *year, int *month, int *day) {
    long long z = days + 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    *day = (int)(doy - (153 * mp + 2) / 5 + 1);
    *month = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = yoe + era * 400 + (*month <= 2);
}

/* Timestamp.datetime: the aware UTC datetime of a Timestamp (seconds,
 * nanos), truncated to microseconds, from its calendar fields computed
 * here. Python's own path (the `datetime + timedelta` it caches per
 * second) cost ~600 ns for a second not seen before; this ~200 for any.
 * Years outside 1..9999, and anything not a plain Timestamp, go to the
 * Python property, which raises what it always has. */
static PyObject *timestamp_datetime(PyObject *module, PyObject *stamp) {
    long long seconds, days, year;
    long nanos, micros, second_of_day;
    int month, day, overflow;
    (void)module;
    if (D.type == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "configure_datetime was not called");
        return NULL;
    }
    if (!PyTuple_Check(stamp) || PyTuple_Size(stamp) != 2) {
        goto python;
    }
    seconds = PyLong_AsLongLongAndOverflow(PyTuple_GetItem(stamp, 0), &overflow);
    if (overflow || (seconds == -1 && PyErr_Occurred())) {
        PyErr_Clear();
        goto python;
    }
    nanos = PyLong_AsLong(PyTuple_GetItem(stamp, 1));
    if (nanos < 0 || nanos >= 2000000000L) {
        PyErr_Clear();
        goto python;
    }
    days = seconds / 86400 - (seconds % 86400 < 0);
    second_of_day = (long)(seconds - days * 86400);
    civil_from_days(days, &year, &month, &day);
    if (year < 1 || year > 9999) {
        goto python;
    }
    /* A leap second (nanos from 10**9) shows as 23:59:59.999999. */
    micros = (nanos < 1000000000L ? nanos : 999999999L) / 1000;
    return PyObject_CallFunction(D.type, "LiiiiilO", year, month, day, (int)(second_of_day / 3600),
                                 (int)(second_of_day / 60 % 60), (int)(second_of_day % 60),
                                 micros, D.utc);
python:
    return PyObject_CallFunctionObjArgs(D.fallback, stamp, NULL);
}

static PyObject *configure_datetime(PyObject *module, PyObject *args) {
    PyObject *type, *utc, *fallback;
    (void)module;
    if (!PyArg_ParseTuple(args, "O!OO:configure_datetime", &PyType_Type, &type, &utc,
                          &fallback)) {
        return NULL;
    }
    replace(&D.type, type);
    replace(&D.utc, utc);
    replace(&D.fallback, fallback);
    Py_RETURN_NONE;
}

/* A new reference to `dict[key]`, NULL (no error set) when it is absent. */
static PyObject *lookup(PyObject *dict, PyObject *key) {
    PyObject *value = PyDict_GetItemWithError(dict, key); /* borrowed */
    Py_XINCREF(value);
    return value;
}

/* The exchange of a key: an index, or the ExchangeId of a serde name; NULL
 * with no error set for a name this package does not know. */
static PyObject *exchange(const Arena *arena, BarterKey key) {
    PyObject *name, *member;
    if (key.kind == BARTER_KEY_KIND_INDEX) {
        return PyLong_FromSize_t(key.index);
    }
    name = text(arena, key.name);
    if (name == NULL) {
        return NULL;
    }
    member = lookup(B.exchanges, name);
    Py_DECREF(name);
    return member;
}

/* `dict[number]` as a new reference, or NULL with *fallback set (no error)
 * when it is absent: a value this build does not know. */
static PyObject *lookup_number(PyObject *dict, unsigned long number, int *fallback) {
    PyObject *key = PyLong_FromUnsignedLong(number), *value;
    if (key == NULL) {
        return NULL;
    }
    value = lookup(dict, key);
    Py_DECREF(key);
    if (value == NULL) {
        *fallback = !PyErr_Occurred();
    }
    return value;
}

/* An exchange key: an index, or a known ExchangeId; NULL with *fallback
 * set for a name not known here or a key of another kind. */
static PyObject *known_exchange(const Arena *arena, BarterKey key, int *fallback) {
    PyObject *built;
    if (key.kind != BARTER_KEY_KIND_INDEX && key.kind != BARTER_KEY_KIND_NAME) {
        *fallback = 1;
        return NULL;
    }
    built = exchange(arena, key);
    if (built == NULL) {
        *fallback = !PyErr_Occurred();
    }
    return built;
}

static PyObject *instrument(const Arena *arena, BarterKey key) {
    if (key.kind == BARTER_KEY_KIND_INDEX) {
        return PyLong_FromSize_t(key.index);
    }
    return text(arena, key.name);
}

/* The OrderError leaf of `c`, whose keys have the event's `key_kind`, or
 * NULL with *fallback set where the per-field decoder owns it: a kind or a
 * key it refuses or names (an unknown exchange, a key of another form). */
static PyObject *order_error(const Arena *arena, const BarterOrderError *c, uint32_t key_kind,
                             int *fallback) {
    PyObject *kind, *leaf, *items[2];
    allocfunc alloc;
    void *slot_at;
    Py_ssize_t n;
    kind = PyLong_FromUnsignedLong(c->kind);
    if (kind == NULL) {
        return NULL;
    }
    leaf = B.errors ? PyDict_GetItemWithError(B.errors, kind) : NULL; /* borrowed */
    Py_DECREF(kind);
    if (leaf == NULL || !PyType_Check(leaf)) {
        if (leaf != NULL) { /* a leaf without fields: its one instance */
            Py_INCREF(leaf);
            return leaf;
        }
        *fallback = !PyErr_Occurred();
        return NULL;
    }
    switch (c->kind) {
    case BARTER_ORDER_ERROR_KIND_CONNECTIVITY_EXCHANGE_OFFLINE:
        if (c->key.kind != BARTER_KEY_KIND_NAME) {
            *fallback = 1;
            return NULL;
        }
        items[0] = exchange(arena, c->key);
        if (items[0] == NULL) {
            *fallback = !PyErr_Occurred();
            return NULL;
        }
        n = 1;
        break;
    case BARTER_ORDER_ERROR_KIND_CONNECTIVITY_SOCKET:
    case BARTER_ORDER_ERROR_KIND_API_ORDER_REJECTED:
        items[0] = text(arena, c->message);
        n = 1;
        break;
    case BARTER_ORDER_ERROR_KIND_API_ASSET_INVALID:
    case BARTER_ORDER_ERROR_KIND_API_INSTRUMENT_INVALID:
    case BARTER_ORDER_ERROR_KIND_API_BALANCE_INSUFFICIENT:
        if (c->key.kind != key_kind) {
            *fallback = 1;
            return NULL;
        }
        items[0] = instrument(arena, c->key); /* an index or a name, as an instrument's */
        items[1] = items[0] ? text(arena, c->message) : NULL;
        n = 2;
        break;
    default:
        *fallback = 1;
        return NULL;
    }
    slot_at = PyType_GetSlot((PyTypeObject *)leaf, Py_tp_alloc);
    memcpy(&alloc, &slot_at, sizeof alloc);
    return record(leaf, alloc, items, n);
}

/* The state of `c`, whose keys have `key_kind`, or NULL with *fallback set
 * when the per-field decoder owns it. */
static PyObject *state(const Arena *arena, const BarterOrderState *c, uint32_t key_kind,
                       int *fallback) {
    PyObject *kind, *unit, *items[3];
    kind = PyLong_FromUnsignedLong(c->kind);
    if (kind == NULL) {
        return NULL;
    }
    unit = PyDict_GetItemWithError(B.units, kind); /* borrowed */
    Py_DECREF(kind);
    if (unit == NULL && PyErr_Occurred()) {
        return NULL;
    }
    if (unit != NULL && !(c->kind == BARTER_ORDER_STATE_KIND_CANCEL_IN_FLIGHT && c->has_order)) {
        Py_INCREF(unit);
        return unit;
    }
    switch (c->kind) {
    case BARTER_ORDER_STATE_KIND_CANCELLED:
        items[0] = text(arena, c->id);
        items[1] = items[0] ? timestamp(c->time_exchange) : NULL;
        return record(B.cancelled, B.alloc_cancelled, items, 2);
    case BARTER_ORDER_STATE_KIND_OPEN:
    case BARTER_ORDER_STATE_KIND_CANCEL_IN_FLIGHT: {
        PyObject *open;
        items[0] = text(arena, c->id);
        items[1] = items[0] ? timestamp(c->time_exchange) : NULL;
        items[2] = items[1] ? decimal(c->filled_quantity) : NULL;
        open = record(B.open, B.alloc_open, items, 3);
        if (c->kind == BARTER_ORDER_STATE_KIND_OPEN) {
            return open;
        }
        return record(B.cancel_in_flight, B.alloc_cancel_in_flight, &open, 1);
    }
    case BARTER_ORDER_STATE_KIND_OPEN_FAILED:
        if (B.open_failed != NULL) {
            items[0] = order_error(arena, &c->error, key_kind, fallback);
            return *fallback ? NULL : record(B.open_failed, B.alloc_open_failed, items, 1);
        }
        *fallback = 1;
        return NULL;
    default:
        *fallback = 1;
        return NULL;
    }
}

/* What this file leaves to the per-field decoder: the event `items[index]`
 * (a cffi pointer) whole, or its state. */
typedef struct {
    PyObject *items, *keys;
    /* The per-field decoder of a whole item: `from_c(item, keys)`. */
    PyObject *from_c;
    /* Set instead when `items` is NULL (a single decode into C memory): the
     * caller hands the whole decode back to Python. */
    int declined;
} Fallback;

/* items[index]: a cffi pointer indexes through the mapping protocol only. */
static PyObject *item_at(const Fallback *f, size_t index) {
    PyObject *i = PyLong_FromSize_t(index), *item;
    if (i == NULL) {
        return NULL;
    }
    item = PyObject_GetItem(f->items, i);
    Py_DECREF(i);
    return item;
}

/* items[index] for the per-field decoder, or NULL: with an error, or with
 * `declined` set when there are no cffi items to index. */
static PyObject *fallback_item(Fallback *f, size_t index) {
    if (f->items == NULL) {
        f->declined = 1;
        return NULL;
    }
    return item_at(f, index);
}

static PyObject *whole_event(Fallback *f, size_t index) {
    PyObject *item = fallback_item(f, index), *result;
    if (item == NULL) {
        return NULL;
    }
    result = PyObject_CallFunctionObjArgs(f->from_c, item, f->keys, NULL);
    Py_DECREF(item);
    return result;
}

static PyObject *its_state(Fallback *f, size_t index) {
    PyObject *item = fallback_item(f, index), *state, *result;
    if (item == NULL) {
        return NULL;
    }
    state = PyObject_GetAttrString(item, "state");
    Py_DECREF(item);
    if (state == NULL) {
        return NULL;
    }
    result = PyObject_CallFunctionObjArgs(B.state_from_c, state, NULL);
    Py_DECREF(state);
    return result;
}

/* The OrderKey of `k`, or NULL with *fallback set where the per-field
 * decoder owns it: a key barter's OrderKey cannot have (an index beside a
 * name), which it refuses, or an exchange name unknown here, which it names. */
static PyObject *order_key(const Arena *arena, const BarterOrderKey *k, int *fallback) {
    PyObject *items[4];
    if (!((k->exchange.kind == BARTER_KEY_KIND_INDEX &&
           k->instrument.kind == BARTER_KEY_KIND_INDEX) ||
          (k->exchange.kind == BARTER_KEY_KIND_NAME &&
           k->instrument.kind == BARTER_KEY_KIND_NAME))) {
        *fallback = 1;
        return NULL;
    }
    items[0] = known_exchange(arena, k->exchange, fallback);
    if (items[0] == NULL) {
        return NULL;
    }
    items[1] = instrument(arena, k->instrument);
    items[2] = items[1] ? text(arena, k->strategy) : NULL;
    items[3] = items[2] ? text(arena, k->cid) : NULL;
    return record(B.order_key, B.alloc_key, items, 4);
}

static PyObject *order_event(const Arena *arena, const BarterOrderEvent *c, size_t index,
                             Fallback *f) {
    PyObject *items[2];
    int fallback = 0;
    items[0] = order_key(arena, &c->key, &fallback);
    if (fallback) {
        return whole_event(f, index);
    }
    items[1] = items[0] ? state(arena, &c->state, c->key.exchange.kind, &fallback) : NULL;
    if (fallback) {
        items[1] = its_state(f, index);
    }
    return record(B.order_event, B.alloc_event, items, 2);
}

/* --- market stream items ---------------------------------------------------------- */

static PyObject *level(const BarterLevel *c) {
    PyObject *items[2];
    items[0] = decimal(c->price);
    items[1] = items[0] ? decimal(c->amount) : NULL;
    return record(M.level, M.alloc_level, items, 2);
}

static PyObject *none(void) {
    Py_INCREF(Py_None);
    return Py_None;
}

/* The data of a trade or an order book top, or NULL with *fallback set for
 * every other kind (and for a side this build does not know). */
static PyObject *market_data(const Arena *arena, const BarterMarketEvent *c, int *fallback) {
    PyObject *items[4];
    if (c->kind == BARTER_DATA_KIND_TRADE) {
        const BarterPublicTrade *t = &c->data.trade;
        PyObject *side = lookup_number(M.sides, t->side, fallback);
        if (side == NULL) {
            return NULL;
        }
        items[0] = text(arena, t->id);
        items[1] = items[0] ? PyFloat_FromDouble(t->price) : NULL;
        items[2] = items[1] ? PyFloat_FromDouble(t->amount) : NULL;
        items[3] = side;
        return record(M.trade, M.alloc_trade, items, 4);
    }
    if (c->kind == BARTER_DATA_KIND_ORDER_BOOK_L1) {
        const BarterOrderBookL1 *l1 = &c->data.l1;
        items[0] = timestamp(l1->last_update_time);
        items[1] = !items[0] ? NULL : l1->has_best_bid ? level(&l1->best_bid) : none();
        items[2] = !items[1] ? NULL : l1->has_best_ask ? level(&l1->best_ask) : none();
        return record(M.l1, M.alloc_l1, items, 3);
    }
    *fallback = 1;
    return NULL;
}

/* An item as market.stream_from_c builds it: reconnects, errors, the other
 * data kinds. */
static PyObject *market_fallback(PyObject *items_ptr, size_t index, PyObject *result) {
    Fallback f = {items_ptr, NULL, NULL, 0};
    PyObject *item = item_at(&f, index), *built;
    if (item == NULL) {
        return NULL;
    }
    built = PyObject_CallFunctionObjArgs(M.stream_from_c, item, result, NULL);
    Py_DECREF(item);
    return built;
}

static PyObject *market_item(const Arena *arena, const BarterMarketStreamEvent *c,
                             size_t index, PyObject *items_ptr, PyObject *result) {
    const BarterMarketEvent *e = &c->payload.event;
    PyObject *items[5], *event, *name;
    int fallback = 0;
    if (c->kind != BARTER_MARKET_STREAM_KIND_ITEM || e->exchange.kind != BARTER_KEY_KIND_NAME ||
        e->instrument.kind != BARTER_KEY_KIND_INDEX) {
        return market_fallback(items_ptr, index, result);
    }
    name = text(arena, e->exchange.name);
    if (name == NULL) {
        return NULL;
    }
    items[2] = lookup(B.exchanges, name);
    Py_DECREF(name);
    if (items[2] == NULL) {
        return PyErr_Occurred() ? NULL : market_fallback(items_ptr, index, result);
    }
    items[4] = market_data(arena, e, &fallback);
    if (items[4] == NULL) {
        Py_DECREF(items[2]);
        return fallback ? market_fallback(items_ptr, index, result) : NULL;
    }
    items[0] = timestamp(e->time_exchange);
    items[1] = items[0] ? timestamp(e->time_received) : NULL;
    items[3] = items[1] ? PyLong_FromSize_t(e->instrument.index) : NULL;
    event = record(M.event, M.alloc_event, items, 5);
    if (result == Py_True) {
        return record(M.result_item, M.alloc_result_item, &event, 1);
    }
    return record(M.item, M.alloc_item, &event, 1);
}

/* --- the other messages: the account stream and the requests ----------------------- */

/* A record type and its allocator. */
typedef struct {
    PyObject *type;
    allocfunc alloc;
} RecordType;

static PyObject *make(const RecordType *t, PyObject **items, Py_ssize_t n) {
    return record(t->type, t->alloc, items, n);
}

/* What `configure_messages` hands over: the records of every message but
 * OrderEvent, and the singletons and lookups their fields take. */
static struct {
    int ready;
    RecordType account_event, trade, fees, asset_balance, balance, snapshot, cancel, ok, err,
        account_snapshot, instrument_snapshot, request_open, request_cancel, order_request_open,
        order_request_cancel, response_open;
    PyObject *quote;          /* QuoteAsset's one instance */
    PyObject *sides;          /* dict: BarterSide -> Side */
    PyObject *order_kinds;    /* dict: BarterOrderKind -> OrderKind */
    PyObject *time_in_force;  /* dict: kind * 2 + post_only -> the TimeInForce it always is */
    /* The per-field decoders of whole items, by BarterMessage. */
    PyObject *from_c[BARTER_MESSAGE_MARKET_STREAM_EVENT];
} A;

/* The record types `configure_messages` takes, by class name. */
static const struct {
    const char *name;
    RecordType *slot;
} A_TYPES[] = {
    {"AccountEvent", &A.account_event},
    {"Trade", &A.trade},
    {"AssetFees", &A.fees},
    {"AssetBalance", &A.asset_balance},
    {"Balance", &A.balance},
    {"OrderSnapshot", &A.snapshot},
    {"OrderResponseCancel", &A.cancel},
    {"Ok", &A.ok},
    {"Err", &A.err},
    {"AccountSnapshot", &A.account_snapshot},
    {"InstrumentAccountSnapshot", &A.instrument_snapshot},
    {"RequestOpen", &A.request_open},
    {"RequestCancel", &A.request_cancel},
    {"OrderRequestOpen", &A.order_request_open},
    {"OrderRequestCancel", &A.order_request_cancel},
    {"OrderResponseOpen", &A.response_open},
};

/* An asset or instrument key: an index, a name, or QUOTE. */
static PyObject *any_key(const Arena *arena, BarterKey key, int *fallback) {
    switch (key.kind) {
    case BARTER_KEY_KIND_INDEX:
        return PyLong_FromSize_t(key.index);
    case BARTER_KEY_KIND_NAME:
        return text(arena, key.name);
    case BARTER_KEY_KIND_QUOTE:
        Py_INCREF(A.quote);
        return A.quote;
    default:
        *fallback = 1;
        return NULL;
    }
}

static PyObject *trade(const Arena *arena, const BarterTrade *c, int *fallback) {
    PyObject *items[9], *fees[2];
    items[5] = lookup_number(A.sides, c->side, fallback);
    if (items[5] == NULL) {
        return NULL;
    }
    items[2] = any_key(arena, c->instrument, fallback);
    fees[0] = items[2] ? any_key(arena, c->fees_asset, fallback) : NULL;
    if (fees[0] == NULL) {
        Py_XDECREF(items[2]);
        Py_DECREF(items[5]);
        return NULL;
    }
    fees[1] = decimal(c->fees);
    items[8] = make(&A.fees, fees, 2);
    items[0] = items[8] ? text(arena, c->id) : NULL;
    items[1] = items[0] ? text(arena, c->order_id) : NULL;
    items[3] = items[1] ? text(arena, c->strategy) : NULL;
    items[4] = items[3] ? timestamp(c->time_exchange) : NULL;
    items[6] = items[4] ? decimal(c->price) : NULL;
    items[7] = items[6] ? decimal(c->quantity) : NULL;
    return make(&A.trade, items, 9);
}

static PyObject *asset_balance(const Arena *arena, const BarterAssetBalance *c, int *fallback) {
    PyObject *items[3], *amounts[2];
    items[0] = any_key(arena, c->asset, fallback);
    if (items[0] == NULL) {
        return NULL;
    }
    amounts[0] = decimal(c->total);
    amounts[1] = amounts[0] ? decimal(c->free) : NULL;
    items[1] = make(&A.balance, amounts, 2);
    items[2] = items[1] ? timestamp(c->time_exchange) : NULL;
    return make(&A.asset_balance, items, 3);
}

/* Stores the five order parameters of `c` at items[0..5], or returns 0
 * (with *fallback set for a value this build does not know). */
static int order_params(const BarterRequestOpen *c, PyObject **items, int *fallback) {
    const BarterTimeInForce *tif = &c->time_in_force;
    items[0] = lookup_number(A.sides, c->side, fallback);
    items[3] = items[0] ? lookup_number(A.order_kinds, c->kind, fallback) : NULL;
    items[4] = items[3] && tif->post_only <= 1
                   ? lookup_number(A.time_in_force, tif->kind * 2UL + tif->post_only, fallback)
                   : NULL;
    if (items[3] != NULL && tif->post_only > 1) {
        *fallback = 1;
    }
    if (items[4] == NULL) {
        Py_XDECREF(items[0]);
        Py_XDECREF(items[3]);
        return 0;
    }
    items[1] = decimal(c->price);
    items[2] = items[1] ? decimal(c->quantity) : NULL;
    return 1;
}

/* `Result<Open, OrderError>` (`open`) or `Result<Cancelled, OrderError>`. */
static PyObject *order_result(const Arena *arena, const BarterOrderResult *c, uint32_t key_kind,
                              int open, int *fallback) {
    PyObject *items[3], *inner;
    switch (c->kind) {
    case BARTER_RESULT_KIND_OK:
        items[0] = text(arena, c->id);
        items[1] = items[0] ? timestamp(c->time_exchange) : NULL;
        if (open) {
            items[2] = items[1] ? decimal(c->filled_quantity) : NULL;
            inner = record(B.open, B.alloc_open, items, 3);
        } else {
            inner = record(B.cancelled, B.alloc_cancelled, items, 2);
        }
        return make(&A.ok, &inner, 1);
    case BARTER_RESULT_KIND_ERR:
        inner = order_error(arena, &c->error, key_kind, fallback);
        return *fallback ? NULL : make(&A.err, &inner, 1);
    default:
        *fallback = 1;
        return NULL;
    }
}

/* An `Order`: its key, the five parameters of `order`, then `state` (a new
 * reference, stolen, or NULL as its builder left it). */
static PyObject *order(const Arena *arena, const RecordType *type, const BarterOrderKey *key,
                       const BarterRequestOpen *params, const void *state,
                       PyObject *(*state_of)(const Arena *, const void *, uint32_t, int *),
                       int *fallback) {
    PyObject *items[7];
    int i;
    items[0] = order_key(arena, key, fallback);
    if (items[0] == NULL) {
        return NULL;
    }
    if (!order_params(params, items + 1, fallback)) {
        Py_DECREF(items[0]);
        return NULL;
    }
    items[6] = state_of(arena, state, key->exchange.kind, fallback);
    if (items[6] == NULL && *fallback) {
        for (i = 0; i < 6; i++) {
            Py_XDECREF(items[i]);
        }
        return NULL;
    }
    return make(type, items, 7);
}

static PyObject *snapshot_state(const Arena *arena, const void *c, uint32_t key_kind,
                                int *fallback) {
    return state(arena, (const BarterOrderState *)c, key_kind, fallback);
}

static PyObject *open_state(const Arena *arena, const void *c, uint32_t key_kind,
                            int *fallback) {
    return order_result(arena, (const BarterOrderResult *)c, key_kind, 1, fallback);
}

static PyObject *order_snapshot(const Arena *arena, const BarterOrderSnapshot *c,
                                int *fallback) {
    return order(arena, &A.snapshot, &c->key, &c->order, &c->state, snapshot_state, fallback);
}

static PyObject *response_open(const Arena *arena, const BarterOrderResponseOpen *c,
                               int *fallback) {
    return order(arena, &A.response_open, &c->key, &c->order, &c->state, open_state, fallback);
}

/* A keyed message: `(key, state)`, `state` a new reference or NULL as its
 * builder left it. */
static PyObject *keyed(const RecordType *type, PyObject *key, PyObject *state, int *fallback) {
    PyObject *items[2] = {key, state};
    if (state == NULL && *fallback) {
        Py_DECREF(key);
        return NULL;
    }
    return make(type, items, 2);
}

static PyObject *response_cancel(const Arena *arena, const BarterOrderResponseCancel *c,
                                 int *fallback) {
    PyObject *key = order_key(arena, &c->key, fallback);
    if (key == NULL) {
        return NULL;
    }
    return keyed(&A.cancel, key,
                 order_result(arena, &c->state, c->key.exchange.kind, 0, fallback), fallback);
}

static PyObject *order_request_open(const Arena *arena, const BarterOrderRequestOpen *c,
                                    int *fallback) {
    PyObject *key = order_key(arena, &c->key, fallback), *params[5], *request;
    if (key == NULL) {
        return NULL;
    }
    request = order_params(&c->state, params, fallback) ? make(&A.request_open, params, 5) : NULL;
    return keyed(&A.order_request_open, key, request, fallback);
}

static PyObject *order_request_cancel(const Arena *arena, const BarterOrderRequestCancel *c,
                                      int *fallback) {
    PyObject *key = order_key(arena, &c->key, fallback), *id, *request;
    if (key == NULL) {
        return NULL;
    }
    /* As the per-field decoder reads it: any nonzero flag holds an id. */
    if (c->state.has_id) {
        id = text(arena, c->state.id);
    } else {
        Py_INCREF(Py_None);
        id = Py_None;
    }
    request = make(&A.request_cancel, &id, 1);
    return keyed(&A.order_request_cancel, key, request, fallback);
}

/* A tuple of `len` structs of `size` bytes at `items`, each built by
 * `part`; NULL (error, or *fallback) as soon as one part is. */
static PyObject *tuple_of(const Arena *arena, const void *items, size_t len, size_t size,
                          PyObject *(*part)(const Arena *, const void *, int *), int *fallback) {
    PyObject *tuple;
    size_t i;
    if (len > 0 && items == NULL) {
        PyErr_SetString(PyExc_ValueError, "an array with a length has no pointer");
        return NULL;
    }
    if (len > (size_t)PY_SSIZE_T_MAX) {
        PyErr_SetString(PyExc_ValueError, "an array longer than a tuple can be");
        return NULL;
    }
    tuple = PyTuple_New((Py_ssize_t)len);
    for (i = 0; tuple != NULL && i < len; i++) {
        PyObject *built = part(arena, (const char *)items + i * size, fallback);
        if (built == NULL) {
            Py_CLEAR(tuple);
        } else {
            PyTuple_SetItem(tuple, (Py_ssize_t)i, built);
        }
    }
    return tuple;
}

static PyObject *balance_part(const Arena *arena, const void *c, int *fallback) {
    return asset_balance(arena, (const BarterAssetBalance *)c, fallback);
}

static PyObject *snapshot_part(const Arena *arena, const void *c, int *fallback) {
    return order_snapshot(arena, (const BarterOrderSnapshot *)c, fallback);
}

static PyObject *instrument_part(const Arena *arena, const void *item, int *fallback) {
    const BarterInstrumentSnapshot *c = (const BarterInstrumentSnapshot *)item;
    PyObject *items[2];
    items[0] = any_key(arena, c->instrument, fallback);
    if (items[0] == NULL) {
        return NULL;
    }
    items[1] = tuple_of(arena, c->orders, c->orders_len, sizeof *c->orders, snapshot_part,
                        fallback);
    if (items[1] == NULL && *fallback) {
        Py_DECREF(items[0]);
        return NULL;
    }
    return make(&A.instrument_snapshot, items, 2);
}

static PyObject *account_snapshot(const Arena *arena, const BarterAccountSnapshot *c,
                                  int *fallback) {
    PyObject *items[3];
    items[0] = known_exchange(arena, c->exchange, fallback);
    if (items[0] == NULL) {
        return NULL;
    }
    items[1] = tuple_of(arena, c->balances, c->balances_len, sizeof *c->balances, balance_part,
                        fallback);
    items[2] = items[1] ? tuple_of(arena, c->instruments, c->instruments_len,
                                   sizeof *c->instruments, instrument_part, fallback)
                        : NULL;
    if (items[2] == NULL && *fallback) {
        Py_DECREF(items[0]);
        Py_XDECREF(items[1]);
        return NULL;
    }
    return make(&A.account_snapshot, items, 3);
}

/* An AccountEvent; a value this build does not know falls back. */
static PyObject *account_event(const Arena *arena, const BarterAccountEvent *c, int *fallback) {
    PyObject *kind;
    const BarterAccountEventPayload *p = &c->payload;
    PyObject *exchange_key = known_exchange(arena, c->exchange, fallback);
    if (exchange_key == NULL) {
        return NULL;
    }
    switch (c->kind) {
    case BARTER_ACCOUNT_EVENT_KIND_SNAPSHOT:
        kind = account_snapshot(arena, &p->snapshot, fallback);
        break;
    case BARTER_ACCOUNT_EVENT_KIND_BALANCE_SNAPSHOT:
        kind = asset_balance(arena, &p->balance, fallback);
        break;
    case BARTER_ACCOUNT_EVENT_KIND_ORDER_SNAPSHOT:
        kind = order_snapshot(arena, &p->order, fallback);
        break;
    case BARTER_ACCOUNT_EVENT_KIND_ORDER_CANCELLED:
        kind = response_cancel(arena, &p->cancelled, fallback);
        break;
    case BARTER_ACCOUNT_EVENT_KIND_TRADE:
        kind = trade(arena, &p->trade, fallback);
        break;
    default:
        *fallback = 1;
        kind = NULL;
    }
    return keyed(&A.account_event, exchange_key, kind, fallback);
}

static int address(PyObject *number, const void **out) {
    void *pointer = PyLong_AsVoidPtr(number);
    if (pointer == NULL && PyErr_Occurred()) {
        return 0;
    }
    *out = pointer;
    return 1;
}

/* One batch: `count` structs of `size` bytes at `items`, their strings in
 * the arena; `build` makes item i (a new reference, or NULL with an error). */
typedef PyObject *(*Build)(const Arena *arena, const void *item, size_t index, PyObject *items,
                           PyObject *extra);

static PyObject *build_order_event(const Arena *arena, const void *item, size_t index,
                                   PyObject *items, PyObject *keys) {
    Fallback f = {items, keys, B.event_from_c, 0};
    return order_event(arena, (const BarterOrderEvent *)item, index, &f);
}

static PyObject *build_market_item(const Arena *arena, const void *item, size_t index,
                                   PyObject *items, PyObject *result) {
    return market_item(arena, (const BarterMarketStreamEvent *)item, index, items, result);
}

/* A message built by `build`, or by its per-field decoder (from_c[message])
 * where `build` leaves it (falls back). */
#define MESSAGE_BUILD(name, message, c_type, build)                                          \
    static PyObject *name(const Arena *arena, const void *item, size_t index, PyObject *items, \
                          PyObject *keys) {                                                    \
        int fallback = 0;                                                                      \
        PyObject *built = build(arena, (const c_type *)item, &fallback);                       \
        if (built == NULL && fallback) {                                                       \
            Fallback f = {items, keys, A.from_c[message - 1], 0};                              \
            return whole_event(&f, index);                                                     \
        }                                                                                      \
        return built;                                                                          \
    }

MESSAGE_BUILD(build_request_open, BARTER_MESSAGE_ORDER_REQUEST_OPEN, BarterOrderRequestOpen,
              order_request_open)
MESSAGE_BUILD(build_request_cancel, BARTER_MESSAGE_ORDER_REQUEST_CANCEL,
              BarterOrderRequestCancel, order_request_cancel)
MESSAGE_BUILD(build_response_cancel, BARTER_MESSAGE_ORDER_RESPONSE_CANCEL,
              BarterOrderResponseCancel, response_cancel)
MESSAGE_BUILD(build_order_snapshot, BARTER_MESSAGE_ORDER_SNAPSHOT, BarterOrderSnapshot,
              order_snapshot)
MESSAGE_BUILD(build_response_open, BARTER_MESSAGE_ORDER_RESPONSE_OPEN, BarterOrderResponseOpen,
              response_open)
MESSAGE_BUILD(build_trade, BARTER_MESSAGE_TRADE, BarterTrade, trade)
MESSAGE_BUILD(build_asset_balance, BARTER_MESSAGE_ASSET_BALANCE, BarterAssetBalance,
              asset_balance)
MESSAGE_BUILD(build_account_snapshot, BARTER_MESSAGE_ACCOUNT_SNAPSHOT, BarterAccountSnapshot,
              account_snapshot)
MESSAGE_BUILD(build_account_event, BARTER_MESSAGE_ACCOUNT_EVENT, BarterAccountEvent,
              account_event)

/* The arguments of every batch entry point: (items_address, count,
 * strings_address, strings_len, items, extra), where `items` is the batch's
 * cffi pointer, for the per-field decoder. */
static PyObject *batch(PyObject *args, const char *format, int ready, size_t size, Build build) {
    PyObject *items_at, *strings_at, *items_ptr, *extra, *out;
    Py_ssize_t count, strings_len, i;
    const void *items, *strings;
    Arena arena;
    if (!ready) {
        PyErr_SetString(PyExc_RuntimeError, "barter_python._cbuild is not configured");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, format, &items_at, &count, &strings_at, &strings_len,
                          &items_ptr, &extra) ||
        !address(items_at, &items) || !address(strings_at, &strings)) {
        return NULL;
    }
    if (count < 0 || strings_len < 0 || (count > 0 && items == NULL)) {
        PyErr_SetString(PyExc_ValueError, "a batch with a negative count or NULL items");
        return NULL;
    }
    arena.base = (const char *)strings;
    arena.len = strings == NULL ? 0 : (size_t)strings_len;
    out = PyList_New(count);
    if (out == NULL) {
        return NULL;
    }
    for (i = 0; i < count; i++) {
        PyObject *built =
            build(&arena, (const char *)items + (size_t)i * size, (size_t)i, items_ptr, extra);
        if (built == NULL) {
            Py_DECREF(out); /* frees the items built so far */
            return NULL;
        }
        PyList_SetItem(out, i, built);
    }
    return out;
}

static PyObject *order_events(PyObject *module, PyObject *args) {
    (void)module;
    return batch(args, "OnOnOO:order_events", B.ready, sizeof(BarterOrderEvent),
                 build_order_event);
}

static PyObject *market_items(PyObject *module, PyObject *args) {
    (void)module;
    return batch(args, "OnOnOO:market_items", B.ready && M.ready,
                 sizeof(BarterMarketStreamEvent), build_market_item);
}

#define MESSAGE_BATCH(name, c_type, build)                                                   \
    static PyObject *name(PyObject *module, PyObject *args) {                                  \
        (void)module;                                                                          \
        return batch(args, "OnOnOO:" #name, B.ready && A.ready, sizeof(c_type), build);        \
    }

MESSAGE_BATCH(open_requests, BarterOrderRequestOpen, build_request_open)
MESSAGE_BATCH(cancel_requests, BarterOrderRequestCancel, build_request_cancel)
MESSAGE_BATCH(cancel_responses, BarterOrderResponseCancel, build_response_cancel)
MESSAGE_BATCH(order_snapshots, BarterOrderSnapshot, build_order_snapshot)
MESSAGE_BATCH(open_responses, BarterOrderResponseOpen, build_response_open)
MESSAGE_BATCH(trades, BarterTrade, build_trade)
MESSAGE_BATCH(asset_balances, BarterAssetBalance, build_asset_balance)
MESSAGE_BATCH(account_snapshots, BarterAccountSnapshot, build_account_snapshot)
MESSAGE_BATCH(account_events, BarterAccountEvent, build_account_event)

/* Inputs up to this size decode into memory on the C stack: struct plus
 * strings never exceed the struct and the input (strings are never longer
 * than their JSON). Larger inputs take the Python path. */
#define ONE_INPUT_MAX 8192

/* OrderEvent.from_json's whole path for what single events usually are: the
 * library decodes `raw` into a buffer on this stack (so a re-entrant call,
 * from a finalizer the allocations run, gets its own), then the event is
 * built here. Returns None, having built nothing, for every other case (not
 * bytes, too large, any failure status, an event the per-field decoder owns):
 * the Python path then decodes again and reports what it finds. */
static PyObject *order_event_one(PyObject *module, PyObject *args) {
    uint64_t memory[(sizeof(BarterOrderEvent) + ONE_INPUT_MAX) / 8 + 1];
    PyObject *raw, *keys, *event;
    unsigned long keys_raw;
    char *input;
    Py_ssize_t input_len;
    size_t used = 0;
    BarterStatus status;
    Arena arena;
    Fallback f = {NULL, NULL, NULL, 0};
    (void)module;
    if (!B.ready || B.decode_one_into == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "barter_python._cbuild is not configured");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "OO:order_event_one", &raw, &keys)) {
        return NULL;
    }
    if (!PyBytes_CheckExact(raw) || PyBytes_AsStringAndSize(raw, &input, &input_len) < 0 ||
        input_len > ONE_INPUT_MAX) {
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    keys_raw = PyLong_AsUnsignedLong(keys);
    if (keys_raw == (unsigned long)-1 && PyErr_Occurred()) {
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    status = B.decode_one_into(BARTER_MESSAGE_ORDER_EVENT, (uint32_t)keys_raw,
                               (const uint8_t *)input, (size_t)input_len, memory, sizeof memory,
                               &used);
    Py_END_ALLOW_THREADS
    if (status != BARTER_STATUS_OK || used < sizeof(BarterOrderEvent) || used > sizeof memory) {
        Py_RETURN_NONE;
    }
    arena.base = (const char *)memory + sizeof(BarterOrderEvent);
    arena.len = used - sizeof(BarterOrderEvent);
    event = order_event(&arena, (const BarterOrderEvent *)memory, 0, &f);
    if (event == NULL && f.declined) {
        PyErr_Clear(); /* a record() that met the declined item raised nothing more */
        Py_RETURN_NONE;
    }
    return event;
}

static int take_type(PyObject *type, PyObject **slot, allocfunc *alloc) {
    if (!PyType_Check(type) || !PyType_IsSubtype((PyTypeObject *)type, &PyTuple_Type) ||
        !(PyType_GetFlags((PyTypeObject *)type) & Py_TPFLAGS_HEAPTYPE)) {
        PyErr_SetString(PyExc_TypeError, "configure: each record type is a tuple subclass");
        return 0;
    }
    void *slot_at = PyType_GetSlot((PyTypeObject *)type, Py_tp_alloc);
    if (slot_at == NULL) {
        return 0;
    }
    memcpy(alloc, &slot_at, sizeof *alloc); /* ISO C: no object-to-function pointer cast */
    replace(slot, type);
    return 1;
}

static PyObject *configure(PyObject *module, PyObject *args) {
    PyObject *event, *key, *open, *cancelled, *cancel_in_flight, *stamp;
    PyObject *units, *exchanges, *multiply, *scale_units, *event_from_c, *state_from_c;
    PyObject *decode_one_into;
    const void *decode_one_into_at;
    int negative, scale;
    (void)module;
    if (!PyArg_ParseTuple(args, "OOOOOOO!O!OO!OOO:configure", &event, &key, &open, &cancelled,
                          &cancel_in_flight, &stamp, &PyDict_Type, &units, &PyDict_Type,
                          &exchanges, &multiply, &PyTuple_Type, &scale_units, &event_from_c,
                          &state_from_c, &decode_one_into) ||
        !address(decode_one_into, &decode_one_into_at)) {
        return NULL;
    }
    if (PyTuple_Size(scale_units) != 2) {
        PyErr_SetString(PyExc_ValueError, "configure: scale units are (positive, negative)");
        return NULL;
    }
    for (negative = 0; negative < 2; negative++) {
        PyObject *row = PyTuple_GetItem(scale_units, negative);
        if (!PyTuple_Check(row) || PyTuple_Size(row) != SCALES) {
            PyErr_SetString(PyExc_ValueError, "configure: 29 scale units per sign");
            return NULL;
        }
    }
    B.ready = 0;
    if (!take_type(event, &B.order_event, &B.alloc_event) ||
        !take_type(key, &B.order_key, &B.alloc_key) ||
        !take_type(open, &B.open, &B.alloc_open) ||
        !take_type(cancelled, &B.cancelled, &B.alloc_cancelled) ||
        !take_type(cancel_in_flight, &B.cancel_in_flight, &B.alloc_cancel_in_flight) ||
        !take_type(stamp, &B.timestamp, &B.alloc_timestamp)) {
        return NULL;
    }
    replace(&B.units, units);
    replace(&B.exchanges, exchanges);
    replace(&B.multiply, multiply);
    replace(&B.event_from_c, event_from_c);
    replace(&B.state_from_c, state_from_c);
    /* An object pointer to a function pointer: what cffi's address is. */
    memcpy(&B.decode_one_into, &decode_one_into_at, sizeof B.decode_one_into);
    for (negative = 0; negative < 2; negative++) {
        PyObject *row = PyTuple_GetItem(scale_units, negative);
        for (scale = 0; scale < SCALES; scale++) {
            replace(&B.scale_units[negative][scale], PyTuple_GetItem(row, scale));
        }
    }
    B.ready = 1;
    Py_RETURN_NONE;
}

static PyObject *configure_errors(PyObject *module, PyObject *args) {
    PyObject *open_failed, *errors;
    (void)module;
    if (!PyArg_ParseTuple(args, "OO!:configure_errors", &open_failed, &PyDict_Type, &errors)) {
        return NULL;
    }
    Py_CLEAR(B.open_failed); /* error states fall back until both are set */
    replace(&B.errors, errors);
    if (!take_type(open_failed, &B.open_failed, &B.alloc_open_failed)) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *configure_market(PyObject *module, PyObject *args) {
    PyObject *item, *result_item, *event, *trade, *l1, *lvl, *sides, *stream_from_c;
    (void)module;
    if (!PyArg_ParseTuple(args, "OOOOOOO!O:configure_market", &item, &result_item, &event,
                          &trade, &l1, &lvl, &PyDict_Type, &sides, &stream_from_c)) {
        return NULL;
    }
    M.ready = 0;
    if (!take_type(item, &M.item, &M.alloc_item) ||
        !take_type(result_item, &M.result_item, &M.alloc_result_item) ||
        !take_type(event, &M.event, &M.alloc_event) ||
        !take_type(trade, &M.trade, &M.alloc_trade) || !take_type(l1, &M.l1, &M.alloc_l1) ||
        !take_type(lvl, &M.level, &M.alloc_level)) {
        return NULL;
    }
    replace(&M.sides, sides);
    replace(&M.stream_from_c, stream_from_c);
    M.ready = 1;
    Py_RETURN_NONE;
}

static PyObject *configure_messages(PyObject *module, PyObject *args) {
    PyObject *types, *quote, *sides, *order_kinds, *time_in_force, *from_c;
    size_t i;
    (void)module;
    if (!PyArg_ParseTuple(args, "O!OO!O!O!O!:configure_messages", &PyDict_Type, &types, &quote,
                          &PyDict_Type, &sides, &PyDict_Type, &order_kinds, &PyDict_Type,
                          &time_in_force, &PyDict_Type, &from_c)) {
        return NULL;
    }
    A.ready = 0;
    for (i = 0; i < sizeof A_TYPES / sizeof A_TYPES[0]; i++) {
        PyObject *type = PyDict_GetItemString(types, A_TYPES[i].name); /* borrowed */
        if (type == NULL) {
            PyErr_Format(PyExc_KeyError, "configure_messages: no type %s", A_TYPES[i].name);
            return NULL;
        }
        if (!take_type(type, &A_TYPES[i].slot->type, &A_TYPES[i].slot->alloc)) {
            return NULL;
        }
    }
    /* Every message but OrderEvent (1) and the market streams. */
    for (i = BARTER_MESSAGE_ORDER_REQUEST_OPEN; i <= BARTER_MESSAGE_ACCOUNT_EVENT; i++) {
        PyObject *key = PyLong_FromSize_t(i), *decoder;
        decoder = key ? PyDict_GetItemWithError(from_c, key) : NULL; /* borrowed */
        Py_XDECREF(key);
        if (decoder == NULL) {
            if (!PyErr_Occurred()) {
                PyErr_Format(PyExc_KeyError, "configure_messages: no decoder of message %zu", i);
            }
            return NULL;
        }
        replace(&A.from_c[i - 1], decoder);
    }
    replace(&A.quote, quote);
    replace(&A.sides, sides);
    replace(&A.order_kinds, order_kinds);
    replace(&A.time_in_force, time_in_force);
    A.ready = 1;
    Py_RETURN_NONE;
}

/* What this builder was compiled against, for the package to check against
 * the library it loaded: the ABI version and the size of each struct it
 * reads, in the order of `_fastpath._C_STRUCTS`. */
static PyObject *layout(PyObject *module, PyObject *unused) {
    static const size_t sizes[] = {
        sizeof(BarterOrderEvent),          sizeof(BarterMarketStreamEvent),
        sizeof(BarterOrderRequestOpen),    sizeof(BarterOrderRequestCancel),
        sizeof(BarterOrderResponseCancel), sizeof(BarterOrderSnapshot),
        sizeof(BarterOrderResponseOpen),   sizeof(BarterTrade),
        sizeof(BarterAssetBalance),        sizeof(BarterAccountSnapshot),
        sizeof(BarterAccountEvent),
    };
    PyObject *out = PyTuple_New(1 + sizeof sizes / sizeof sizes[0]);
    size_t i;
    (void)module;
    (void)unused;
    if (out == NULL) {
        return NULL;
    }
    for (i = 0; i <= sizeof sizes / sizeof sizes[0]; i++) {
        PyObject *n = i == 0 ? PyLong_FromUnsignedLong(BARTER_ABI_VERSION)
                             : PyLong_FromSize_t(sizes[i - 1]);
        if (n == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        PyTuple_SetItem(out, (Py_ssize_t)i, n);
    }
    return out;
}

static PyMethodDef methods[] = {
    {"layout", layout, METH_NOARGS,
     "layout() -> (abi_version, sizeof each struct read, as _fastpath._C_STRUCTS lists them)."},
    {"configure", configure, METH_VARARGS,
     "configure(OrderEvent, OrderKey, Open, Cancelled, CancelInFlight, Timestamp, units, "
     "exchanges, multiply, scale_units, event_from_c, state_from_c, decode_one_into_address): "
     "the record types and helpers, once."},
    {"configure_errors", configure_errors, METH_VARARGS,
     "configure_errors(OpenFailed, errors): error states, with `errors` mapping each "
     "BarterOrderErrorKind to its class, or to the one instance of a leaf without fields."},
    {"configure_datetime", configure_datetime, METH_VARARGS,
     "configure_datetime(datetime, utc, fallback): what timestamp_datetime builds, and the "
     "Python property it hands the rest to."},
    {"timestamp_datetime", timestamp_datetime, METH_O,
     "timestamp_datetime(stamp) -> datetime: Timestamp.datetime, in C."},
    {"order_event_one", order_event_one, METH_VARARGS,
     "order_event_one(raw, keys) -> OrderEvent or None: the whole single decode of the usual "
     "event; None hands it back to the Python path."},
    {"configure_market", configure_market, METH_VARARGS,
     "configure_market(MarketItem, MarketResultItem, MarketEvent, PublicTrade, OrderBookL1, "
     "Level, sides, stream_from_c): the market records and helpers, once (after configure)."},
    {"market_items", market_items, METH_VARARGS,
     "market_items(items_address, count, strings_address, strings_len, items, result) -> list: "
     "the MarketItems (MarketResultItems if `result` is True) of `count` "
     "BarterMarketStreamEvent structs."},
    {"configure_messages", configure_messages, METH_VARARGS,
     "configure_messages(types, QUOTE, sides, order_kinds, time_in_force, from_c): the records "
     "of every message but OrderEvent (`types`: class name -> class), the values their fields "
     "take, and each message's per-field decoder (`from_c`: BarterMessage -> decoder), once "
     "(after configure and configure_errors)."},
#define MESSAGE_METHOD(name, c_type)                                                           \
    {#name, name, METH_VARARGS,                                                                \
     #name "(items_address, count, strings_address, strings_len, items, keys) -> list: the "   \
           "records of `count` " #c_type " structs."},
    MESSAGE_METHOD(open_requests, BarterOrderRequestOpen)
    MESSAGE_METHOD(cancel_requests, BarterOrderRequestCancel)
    MESSAGE_METHOD(cancel_responses, BarterOrderResponseCancel)
    MESSAGE_METHOD(order_snapshots, BarterOrderSnapshot)
    MESSAGE_METHOD(open_responses, BarterOrderResponseOpen)
    MESSAGE_METHOD(trades, BarterTrade)
    MESSAGE_METHOD(asset_balances, BarterAssetBalance)
    MESSAGE_METHOD(account_snapshots, BarterAccountSnapshot)
    MESSAGE_METHOD(account_events, BarterAccountEvent)
    {"order_events", order_events, METH_VARARGS,
     "order_events(items_address, count, strings_address, strings_len, items, keys) -> list: "
     "the OrderEvents of `count` BarterOrderEvent structs (`items`, their cffi pointer, and "
     "`keys` serve the per-field decoder)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "barter_python._cbuild",
    "The CPython builder of typed records from the library's C structs.", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__cbuild(void) { return PyModule_Create(&module); }
