/* The field values records hold: strings read from a batch's arena,
 * exact decimals, timestamps, and the keys that name exchanges and
 * instruments. */

#include "cbuild.h"

/* A str of the arena's UTF-8 bytes `s` points to, checked to lie inside it. */
PyObject *text(const Arena *arena, BarterStr s) {
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

PyObject *decimal(BarterDecimal d) {
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

PyObject *timestamp(BarterTimestamp t) {
    PyObject *items[2];
    items[0] = PyLong_FromLongLong(t.seconds);
    items[1] = items[0] ? PyLong_FromUnsignedLong(t.nanos) : NULL;
    return record(B.timestamp, B.alloc_timestamp, items, 2);
}

PyObject *none(void) {
    Py_INCREF(Py_None);
    return Py_None;
}

/* A new reference to `dict[key]`, NULL (no error set) when it is absent. */
PyObject *lookup(PyObject *dict, PyObject *key) {
    PyObject *value = PyDict_GetItemWithError(dict, key); /* borrowed */
    Py_XINCREF(value);
    return value;
}

/* `dict[number]` as a new reference, or NULL with *fallback set (no error)
 * when it is absent: a value this build does not know. */
PyObject *lookup_number(PyObject *dict, unsigned long number, int *fallback) {
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

/* The exchange of a key: an index, or the ExchangeId of a serde name; NULL
 * with no error set for a name this package does not know. */
PyObject *exchange(const Arena *arena, BarterKey key) {
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

/* An exchange key: an index, or a known ExchangeId; NULL with *fallback
 * set for a name not known here or a key of another kind. */
PyObject *known_exchange(const Arena *arena, BarterKey key, int *fallback) {
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

PyObject *instrument(const Arena *arena, BarterKey key) {
    if (key.kind == BARTER_KEY_KIND_INDEX) {
        return PyLong_FromSize_t(key.index);
    }
    return text(arena, key.name);
}
