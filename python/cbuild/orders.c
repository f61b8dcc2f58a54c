/* OrderEvent: its key, its state and the state's error; the batch entry
 * point, the whole single decode, and `configure`, which also hands over
 * what every other file reads (B). */

#include "cbuild.h"

BuilderConfig B;

/* The OrderError leaf of `c`, whose keys have the event's `key_kind`, or
 * NULL with *fallback set where the per-field decoder owns it: a kind or a
 * key it refuses or names (an unknown exchange, a key of another form). */
PyObject *order_error(const Arena *arena, const BarterOrderError *c, uint32_t key_kind,
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
PyObject *state(const Arena *arena, const BarterOrderState *c, uint32_t key_kind,
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
PyObject *order_key(const Arena *arena, const BarterOrderKey *k, int *fallback) {
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

static PyObject *build_order_event(const Arena *arena, const void *item, size_t index,
                                   PyObject *items, PyObject *keys) {
    Fallback f = {items, keys, B.event_from_c, 0};
    return order_event(arena, (const BarterOrderEvent *)item, index, &f);
}

PyObject *order_events(PyObject *module, PyObject *args) {
    (void)module;
    return batch(args, "OnOnOO:order_events", B.ready, sizeof(BarterOrderEvent),
                 build_order_event);
}

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
PyObject *order_event_one(PyObject *module, PyObject *args) {
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

PyObject *configure(PyObject *module, PyObject *args) {
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

PyObject *configure_errors(PyObject *module, PyObject *args) {
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
