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
#include "cbuild.h"

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
#define MESSAGE_METHOD(name, message, c_type, build)                                         \
    {#name, name, METH_VARARGS,                                                                \
     #name "(items_address, count, strings_address, strings_len, items, keys) -> list: the "   \
           "records of `count` " #c_type " structs."},
    OTHER_MESSAGES(MESSAGE_METHOD)
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
