/* How a record is made, how a batch of them is built, and how a value this
 * builder leaves alone goes back to the per-field decoder. */

#include "cbuild.h"

/* Stores a new reference in *slot, releasing the old one. */
void replace(PyObject **slot, PyObject *value) {
    PyObject *old = *slot;
    Py_INCREF(value);
    *slot = value;
    Py_XDECREF(old);
}

/* A record of type `type` (a tuple subclass) holding the `n` new references
 * in `items`, which it steals, also on failure. */
PyObject *record(PyObject *type, allocfunc alloc, PyObject **items, Py_ssize_t n) {
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

PyObject *make(const RecordType *t, PyObject **items, Py_ssize_t n) {
    return record(t->type, t->alloc, items, n);
}

int take_type(PyObject *type, PyObject **slot, allocfunc *alloc) {
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

int address(PyObject *number, const void **out) {
    void *pointer = PyLong_AsVoidPtr(number);
    if (pointer == NULL && PyErr_Occurred()) {
        return 0;
    }
    *out = pointer;
    return 1;
}

/* The arguments of every batch entry point: (items_address, count,
 * strings_address, strings_len, items, extra), where `items` is the batch's
 * cffi pointer, for the per-field decoder. */
PyObject *batch(PyObject *args, const char *format, int ready, size_t size, Build build) {
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

/* items[index]: a cffi pointer indexes through the mapping protocol only. */
PyObject *item_at(const Fallback *f, size_t index) {
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
PyObject *fallback_item(Fallback *f, size_t index) {
    if (f->items == NULL) {
        f->declined = 1;
        return NULL;
    }
    return item_at(f, index);
}

PyObject *whole_event(Fallback *f, size_t index) {
    PyObject *item = fallback_item(f, index), *result;
    if (item == NULL) {
        return NULL;
    }
    result = PyObject_CallFunctionObjArgs(f->from_c, item, f->keys, NULL);
    Py_DECREF(item);
    return result;
}
