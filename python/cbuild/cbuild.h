/*
 * barter_python._cbuild, the CPython builder of typed records from the
 * library's C structs (include/barter_ffi.h is the contract): what its
 * files share. module.c says what the builder is for.
 */
#ifndef BARTER_PYTHON_CBUILD_H
#define BARTER_PYTHON_CBUILD_H

#define Py_LIMITED_API 0x03090000
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "barter_ffi.h"

/* Nothing here is exported from the extension but PyInit__cbuild: short
 * names like `record` must not bind to an interpreter's symbol. */
#if defined(__GNUC__)
#pragma GCC visibility push(hidden)
#endif

#define SCALES 29 /* rust_decimal's scales, 0..=28 */

/* What `configure` hands over once, at import: the record types, their
 * allocators, and the Python helpers the few slow paths need. */
typedef struct {
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
} BuilderConfig;

extern BuilderConfig B;

/* A batch's string buffer: every BarterStr points into it. */
typedef struct {
    const char *base;
    size_t len;
} Arena;

/* A record type and its allocator. */
typedef struct {
    PyObject *type;
    allocfunc alloc;
} RecordType;

/* What is left to the per-field decoder: the item `items[index]` (a cffi
 * pointer) whole, or a part of it. */
typedef struct {
    PyObject *items, *keys;
    /* The per-field decoder of a whole item: `from_c(item, keys)`. */
    PyObject *from_c;
    /* Set instead when `items` is NULL (a single decode into C memory): the
     * caller hands the whole decode back to Python. */
    int declined;
} Fallback;

/* Builds item `index` of a batch, the struct at `item` (a new reference,
 * or NULL with an error). */
typedef PyObject *(*Build)(const Arena *arena, const void *item, size_t index, PyObject *items,
                           PyObject *extra);

/* records.c */
void replace(PyObject **slot, PyObject *value);
PyObject *record(PyObject *type, allocfunc alloc, PyObject **items, Py_ssize_t n);
PyObject *make(const RecordType *t, PyObject **items, Py_ssize_t n);
int take_type(PyObject *type, PyObject **slot, allocfunc *alloc);
int address(PyObject *number, const void **out);
PyObject *batch(PyObject *args, const char *format, int ready, size_t size, Build build);
PyObject *item_at(const Fallback *f, size_t index);
PyObject *fallback_item(Fallback *f, size_t index);
PyObject *whole_event(Fallback *f, size_t index);

/* fields.c */
PyObject *text(const Arena *arena, BarterStr s);
PyObject *decimal(BarterDecimal d);
PyObject *timestamp(BarterTimestamp t);
PyObject *none(void);
PyObject *lookup(PyObject *dict, PyObject *key);
PyObject *lookup_number(PyObject *dict, unsigned long number, int *fallback);
PyObject *exchange(const Arena *arena, BarterKey key);
PyObject *known_exchange(const Arena *arena, BarterKey key, int *fallback);
PyObject *instrument(const Arena *arena, BarterKey key);

/* orders.c */
PyObject *order_error(const Arena *arena, const BarterOrderError *c, uint32_t key_kind,
                      int *fallback);
PyObject *state(const Arena *arena, const BarterOrderState *c, uint32_t key_kind, int *fallback);
PyObject *order_key(const Arena *arena, const BarterOrderKey *k, int *fallback);

/* Every message but OrderEvent and the market streams, with its batch entry
 * point's name, its BarterMessage, its struct, and its builder in
 * messages.c. */
#define OTHER_MESSAGES(X)                                                                    \
    X(open_requests, BARTER_MESSAGE_ORDER_REQUEST_OPEN, BarterOrderRequestOpen,               \
      order_request_open)                                                                      \
    X(cancel_requests, BARTER_MESSAGE_ORDER_REQUEST_CANCEL, BarterOrderRequestCancel,         \
      order_request_cancel)                                                                    \
    X(cancel_responses, BARTER_MESSAGE_ORDER_RESPONSE_CANCEL, BarterOrderResponseCancel,      \
      response_cancel)                                                                         \
    X(order_snapshots, BARTER_MESSAGE_ORDER_SNAPSHOT, BarterOrderSnapshot, order_snapshot)    \
    X(open_responses, BARTER_MESSAGE_ORDER_RESPONSE_OPEN, BarterOrderResponseOpen,            \
      response_open)                                                                           \
    X(trades, BARTER_MESSAGE_TRADE, BarterTrade, trade)                                        \
    X(asset_balances, BARTER_MESSAGE_ASSET_BALANCE, BarterAssetBalance, asset_balance)        \
    X(account_snapshots, BARTER_MESSAGE_ACCOUNT_SNAPSHOT, BarterAccountSnapshot,              \
      account_snapshot)                                                                        \
    X(account_events, BARTER_MESSAGE_ACCOUNT_EVENT, BarterAccountEvent, account_event)

/* The module's functions, by file. */
PyObject *configure(PyObject *module, PyObject *args);
PyObject *configure_errors(PyObject *module, PyObject *args);
PyObject *order_events(PyObject *module, PyObject *args);
PyObject *order_event_one(PyObject *module, PyObject *args);
PyObject *configure_market(PyObject *module, PyObject *args);
PyObject *market_items(PyObject *module, PyObject *args);
PyObject *configure_messages(PyObject *module, PyObject *args);
#define DECLARE_BATCH(name, message, c_type, build) PyObject *name(PyObject *module, PyObject *args);
OTHER_MESSAGES(DECLARE_BATCH)
#undef DECLARE_BATCH
PyObject *configure_datetime(PyObject *module, PyObject *args);
PyObject *timestamp_datetime(PyObject *module, PyObject *stamp);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#endif
