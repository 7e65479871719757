/* Runs of plain JSON lines read column by column (console/engine/logs/gateway_rows.py, `baton logs join`).

   A run is a block of lines each exactly `{"k1":"v1","k2":"v2",...}` (then CR LF or LF), the keys given, in order,
   every value a JSON string written without an escape: no '"', no '\\', no byte below 0x20, valid UTF-8. Such a line
   is read by orjson as exactly that object, so these values are what the line-by-line read gives. This does in one
   pass what gateway_rows' per-shape regular expression does (its findall costs ~2.4 s a million lines here): any line
   that is not so, and the whole block is refused (None), to be read as before. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

/* 1 for the bytes a plain JSON string value may hold */
static unsigned char plain[256];

static PyObject *text(const char *p, Py_ssize_t n, int ascii) {
    if (ascii) {
        PyObject *s = PyUnicode_New(n, 127);
        if (s != NULL) {
            memcpy(PyUnicode_1BYTE_DATA(s), p, (size_t)n);
        }
        return s;
    }
    return PyUnicode_DecodeUTF8(p, n, NULL); /* strict: bytes that are not UTF-8 refuse the run */
}

/* columns(block, keys, wanted) -> list of columns (one list of str per wanted key, in key order), or None.
   keys: tuple of bytes (each key's UTF-8, written plainly); wanted: tuple of bools, one per key. */
static PyObject *columns(PyObject *self, PyObject *args) {
    Py_buffer buf;
    PyObject *keys, *wanted;
    if (!PyArg_ParseTuple(args, "y*O!O!", &buf, &PyTuple_Type, &keys, &PyTuple_Type, &wanted)) {
        return NULL;
    }
    PyObject *result = NULL, *out = NULL;
    Py_ssize_t nkeys = PyTuple_GET_SIZE(keys);
    const char **name = NULL;
    Py_ssize_t *length = NULL;
    PyObject **column = NULL; /* per key: its output list, or NULL when not wanted */
    if (nkeys == 0 || PyTuple_GET_SIZE(wanted) != nkeys) {
        PyErr_SetString(PyExc_ValueError, "keys and wanted must be non-empty and of one length");
        goto done;
    }
    name = PyMem_Calloc((size_t)nkeys, sizeof(*name));
    length = PyMem_Calloc((size_t)nkeys, sizeof(*length));
    column = PyMem_Calloc((size_t)nkeys, sizeof(*column));
    out = PyList_New(0);
    if (name == NULL || length == NULL || column == NULL || out == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t k = 0; k < nkeys; k++) {
        PyObject *key = PyTuple_GET_ITEM(keys, k);
        if (!PyBytes_Check(key)) {
            PyErr_SetString(PyExc_TypeError, "keys must be bytes");
            goto done;
        }
        name[k] = PyBytes_AS_STRING(key);
        length[k] = PyBytes_GET_SIZE(key);
        int want = PyObject_IsTrue(PyTuple_GET_ITEM(wanted, k));
        if (want < 0) {
            goto done;
        }
        if (want) {
            column[k] = PyList_New(0);
            if (column[k] == NULL || PyList_Append(out, column[k]) < 0) {
                goto done;
            }
            Py_DECREF(column[k]); /* `out` holds it */
        }
    }
    const char *p = buf.buf, *end = p + buf.len;
    if (p == end) {
        goto refuse;
    }
    while (p < end) {
        if (*p++ != '{') {
            goto refuse;
        }
        for (Py_ssize_t k = 0; k < nkeys; k++) {
            if (k > 0 && (p >= end || *p++ != ',')) {
                goto refuse;
            }
            /* "key":" */
            if (end - p < length[k] + 4 || p[0] != '"' || memcmp(p + 1, name[k], (size_t)length[k]) != 0) {
                goto refuse;
            }
            p += 1 + length[k];
            if (p[0] != '"' || p[1] != ':' || p[2] != '"') {
                goto refuse;
            }
            p += 3;
            const char *start = p;
            unsigned char high = 0;
            while (p < end && plain[(unsigned char)*p]) {
                high |= (unsigned char)*p;
                p++;
            }
            if (p >= end || *p != '"') { /* an escape, a control character, or the end of the block */
                goto refuse;
            }
            if (column[k] != NULL || high >= 0x80) { /* a value not read must be UTF-8 too, as orjson wants */
                PyObject *value = text(start, p - start, high < 0x80);
                if (value == NULL) {
                    if (!PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) {
                        goto done;
                    }
                    PyErr_Clear();
                    goto refuse;
                }
                int failed = column[k] != NULL ? PyList_Append(column[k], value) : 0;
                Py_DECREF(value);
                if (failed < 0) {
                    goto done;
                }
            }
            p++; /* the closing quote */
        }
        if (p < end && *p == '}') {
            p++;
        } else {
            goto refuse;
        }
        if (p < end && *p == '\r') {
            p++;
        }
        if (p >= end || *p++ != '\n') {
            goto refuse;
        }
    }
    result = out;
    out = NULL;
    goto done;
refuse:
    result = Py_NewRef(Py_None);
done:
    Py_XDECREF(out);
    PyMem_Free(name);
    PyMem_Free(length);
    PyMem_Free(column);
    PyBuffer_Release(&buf);
    return result;
}

static PyMethodDef methods[] = {
    {"columns", columns, METH_VARARGS,
     "columns(block, keys, wanted): the wanted keys' values of a run of plain JSON lines, a list per key; None "
     "when a line is not {\"k\":\"v\",...} with these keys in this order and plain string values"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_runs", NULL, -1, methods};

PyMODINIT_FUNC PyInit__runs(void) {
    for (int c = 0; c < 256; c++) {
        plain[c] = (unsigned char)(c >= 0x20 && c != '"' && c != '\\');
    }
    return PyModule_Create(&module);
}
