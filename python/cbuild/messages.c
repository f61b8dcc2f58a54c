/* Every other message: the requests, their responses, and the account
 * stream's events. */

#include "cbuild.h"

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

/* Each message's batch entry point: its structs built here, or by the
 * message's per-field decoder (from_c[message]) where its builder falls
 * back. */
#define MESSAGE_BATCH(name, message, c_type, build)                                          \
    static PyObject *build_##name(const Arena *arena, const void *item, size_t index,          \
                                  PyObject *items, PyObject *keys) {                           \
        int fallback = 0;                                                                      \
        PyObject *built = build(arena, (const c_type *)item, &fallback);                       \
        if (built == NULL && fallback) {                                                       \
            Fallback f = {items, keys, A.from_c[message - 1], 0};                              \
            return whole_event(&f, index);                                                     \
        }                                                                                      \
        return built;                                                                          \
    }                                                                                          \
    PyObject *name(PyObject *module, PyObject *args) {                                         \
        (void)module;                                                                          \
        return batch(args, "OnOnOO:" #name, B.ready && A.ready, sizeof(c_type), build_##name); \
    }

OTHER_MESSAGES(MESSAGE_BATCH)

PyObject *configure_messages(PyObject *module, PyObject *args) {
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
