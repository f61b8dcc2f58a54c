/*
 * Python as the guest: a C program embeds CPython (linked with the flags of
 * `python3-config --embed`), imports barter_python from a virtualenv, decodes
 * an order event through the Rust library, checks it, and finalizes the
 * interpreter cleanly.
 *
 * usage: host PYTHON   where PYTHON is the venv's interpreter (bin/python):
 * the embedded interpreter takes it as its program name, so it finds the
 * venv's site-packages exactly as that interpreter would.
 *
 * The last line printed is "N passed, M failed"; the exit status is 0 only
 * when nothing failed.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdio.h>
#include <string.h>

static int passed;
static int failed;

static void check(int ok, const char *what) {
    if (ok) {
        passed++;
        printf("ok: %s\n", what);
    } else {
        failed++;
        printf("FAILED: %s\n", what);
        if (PyErr_Occurred()) {
            PyErr_Print();
        }
    }
}

/* str(getattr(obj, "a.b.c")) == expected, with every step checked. */
static int attribute_text_is(PyObject *obj, const char *path, const char *expected) {
    char buffer[256];
    snprintf(buffer, sizeof buffer, "%s", path);
    PyObject *value = obj;
    Py_INCREF(value);
    for (char *name = strtok(buffer, "."); name != NULL; name = strtok(NULL, ".")) {
        PyObject *next = PyObject_GetAttrString(value, name);
        Py_DECREF(value);
        if (next == NULL) {
            return 0;
        }
        value = next;
    }
    PyObject *text = PyObject_Str(value);
    Py_DECREF(value);
    if (text == NULL) {
        return 0;
    }
    const char *utf8 = PyUnicode_AsUTF8(text);
    int same = utf8 != NULL && strcmp(utf8, expected) == 0;
    if (!same && utf8 != NULL) {
        printf("  %s is %s, expected %s\n", path, utf8, expected);
    }
    Py_DECREF(text);
    return same;
}

static const char EVENT[] =
    "{\"key\":{\"exchange\":1,\"instrument\":3,\"strategy\":\"mm\",\"cid\":\"cid-42\"},"
    "\"state\":{\"Active\":{\"Open\":{\"id\":\"ord-1\","
    "\"time_exchange\":\"2025-10-05T10:15:00.123456789Z\",\"filled_quantity\":\"0.50\"}}}}";

static void run_checks(void) {
    PyObject *package = PyImport_ImportModule("barter_python");
    check(package != NULL, "import barter_python");
    PyObject *execution = PyImport_ImportModule("barter_python.execution");
    check(execution != NULL, "import barter_python.execution");
    if (package == NULL || execution == NULL) {
        Py_XDECREF(package);
        Py_XDECREF(execution);
        return;
    }

    PyObject *mode = PyObject_CallMethod(package, "native_mode", NULL);
    check(mode != NULL && PyUnicode_Check(mode) && strcmp(PyUnicode_AsUTF8(mode), "api") == 0,
          "native_mode() is \"api\"");
    Py_XDECREF(mode);

    PyObject *event_class = PyObject_GetAttrString(execution, "OrderEvent");
    PyObject *event =
        event_class ? PyObject_CallMethod(event_class, "from_json", "s", EVENT) : NULL;
    check(event != NULL, "OrderEvent.from_json decodes an event");
    if (event != NULL) {
        check(attribute_text_is(event, "key.cid", "cid-42") &&
                  attribute_text_is(event, "key.exchange", "1") &&
                  attribute_text_is(event, "state.filled_quantity", "0.50") &&
                  attribute_text_is(event, "state.time_exchange.nanos", "123456789"),
              "the typed fields are exact (cid, index, decimal scale, nanoseconds)");
        PyObject *json = PyObject_CallMethod(event, "to_json", NULL);
        check(json != NULL && PyBytes_Check(json) && strcmp(PyBytes_AsString(json), EVENT) == 0,
              "to_json() gives serde's exact bytes back");
        Py_XDECREF(json);
    }
    Py_XDECREF(event);
    Py_XDECREF(event_class);

    PyObject *event_class2 = PyObject_GetAttrString(execution, "OrderEvent");
    PyObject *none = PyObject_CallMethod(event_class2, "from_json", "s", "{\"key\":1}");
    int raised = none == NULL && PyErr_ExceptionMatches(PyExc_ValueError);
    PyErr_Clear();
    check(raised, "bad input raises ValueError in the guest, the host carries on");
    Py_XDECREF(none);
    Py_XDECREF(event_class2);

    Py_DECREF(execution);
    Py_DECREF(package);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s PYTHON (the interpreter of the venv to use)\n", argv[0]);
        return 2;
    }
    PyConfig config;
    PyConfig_InitPythonConfig(&config);
    PyStatus status = PyConfig_SetBytesString(&config, &config.program_name, argv[1]);
    if (!PyStatus_Exception(status)) {
        status = Py_InitializeFromConfig(&config);
    }
    PyConfig_Clear(&config);
    if (PyStatus_Exception(status)) {
        Py_ExitStatusException(status);
    }

    run_checks();

    check(Py_FinalizeEx() == 0, "Py_FinalizeEx() succeeds");
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
