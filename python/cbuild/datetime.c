/* Timestamp.datetime in C. */

#include "cbuild.h"

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
PyObject *timestamp_datetime(PyObject *module, PyObject *stamp) {
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

PyObject *configure_datetime(PyObject *module, PyObject *args) {
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
