/* Market stream items: public trades and order book tops. */

#include "cbuild.h"

/* What `configure_market` hands over: the market records and their helpers. */
static struct {
    int ready;
    PyObject *item, *result_item, *event, *trade, *l1, *level;
    allocfunc alloc_item, alloc_result_item, alloc_event, alloc_trade, alloc_l1, alloc_level;
    PyObject *sides;          /* dict: BarterSide -> Side */
    PyObject *stream_from_c;  /* the per-field decoder */
} M;

static PyObject *level(const BarterLevel *c) {
    PyObject *items[2];
    items[0] = decimal(c->price);
    items[1] = items[0] ? decimal(c->amount) : NULL;
    return record(M.level, M.alloc_level, items, 2);
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
    PyObject *items[5], *event;
    int fallback = 0;
    if (c->kind != BARTER_MARKET_STREAM_KIND_ITEM || e->exchange.kind != BARTER_KEY_KIND_NAME ||
        e->instrument.kind != BARTER_KEY_KIND_INDEX) {
        return market_fallback(items_ptr, index, result);
    }
    items[2] = known_exchange(arena, e->exchange, &fallback);
    if (items[2] == NULL) {
        return fallback ? market_fallback(items_ptr, index, result) : NULL;
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

static PyObject *build_market_item(const Arena *arena, const void *item, size_t index,
                                   PyObject *items, PyObject *result) {
    return market_item(arena, (const BarterMarketStreamEvent *)item, index, items, result);
}

PyObject *market_items(PyObject *module, PyObject *args) {
    (void)module;
    return batch(args, "OnOnOO:market_items", B.ready && M.ready,
                 sizeof(BarterMarketStreamEvent), build_market_item);
}

PyObject *configure_market(PyObject *module, PyObject *args) {
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
