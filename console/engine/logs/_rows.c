/* The join's rows in C: the usual intact row made (join_match), and `baton logs join --json` rows written, byte for
   byte what orjson writes of join_output.row_dict(row).

   A million rows cost ~4 s of Python (a dict and an orjson call a row, or a column at a time); this writes each
   two-sided row's members straight into one buffer (~0.3 s). Strings are escaped as orjson escapes them ('"', '\\',
   and U+0000-U+001F: \b \t \n \f \r, else \u00XX in lowercase hex; everything else as UTF-8), integers as decimal
   (orjson's range: -2^63 .. 2^64-1). A row with one side is handed to `one(row)` (orjson of row_dict in Python).
   Anything else (a value of a type row_dict does not declare, a lone surrogate, an integer beyond 64 bits) makes the
   batch None: the caller renders it the reference way, so nothing here decides what a strange value looks like. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

typedef struct {
    char *data;
    Py_ssize_t size, room;
} Out;

static int grow(Out *out, Py_ssize_t more) {
    if (out->size + more <= out->room) {
        return 0;
    }
    Py_ssize_t room = out->room ? out->room : 1 << 16;
    while (room < out->size + more) {
        room *= 2;
    }
    char *data = PyMem_Realloc(out->data, (size_t)room);
    if (data == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    out->data = data;
    out->room = room;
    return 0;
}

static int put(Out *out, const char *text, Py_ssize_t n) {
    if (grow(out, n) < 0) {
        return -1;
    }
    memcpy(out->data + out->size, text, (size_t)n);
    out->size += n;
    return 0;
}

#define PUT_LITERAL(out, text) put((out), (text), (Py_ssize_t)(sizeof(text) - 1))

/* 1: the byte is written as it is inside a JSON string */
static unsigned char verbatim[256];

enum { OK = 0, FAILED = -1, UNUSUAL = 1 };

/* The string's JSON text (quotes included): UNUSUAL for a lone surrogate (no UTF-8 of it). */
static int put_text(Out *out, PyObject *value, int quoted) {
    Py_ssize_t n;
    const char *p = PyUnicode_AsUTF8AndSize(value, &n);
    if (p == NULL) {
        if (PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) {
            PyErr_Clear();
            return UNUSUAL;
        }
        return FAILED;
    }
    if (grow(out, 6 * n + 2) < 0) { /* the worst case: every byte \u00XX */
        return FAILED;
    }
    char *w = out->data + out->size;
    if (quoted) {
        *w++ = '"';
    }
    static const char hex[] = "0123456789abcdef";
    for (Py_ssize_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)p[k];
        if (verbatim[c]) {
            *w++ = (char)c;
            continue;
        }
        *w++ = '\\';
        switch (c) {
        case '"': *w++ = '"'; break;
        case '\\': *w++ = '\\'; break;
        case '\b': *w++ = 'b'; break;
        case '\t': *w++ = 't'; break;
        case '\n': *w++ = 'n'; break;
        case '\f': *w++ = 'f'; break;
        case '\r': *w++ = 'r'; break;
        default:
            *w++ = 'u';
            *w++ = '0';
            *w++ = '0';
            *w++ = hex[c >> 4];
            *w++ = hex[c & 15];
        }
    }
    if (quoted) {
        *w++ = '"';
    }
    out->size = w - out->data;
    return OK;
}

/* A str (any subclass: orjson writes its text) or None. */
static int put_string(Out *out, PyObject *value) {
    if (value == Py_None) {
        return PUT_LITERAL(out, "null");
    }
    if (!PyUnicode_Check(value)) {
        return UNUSUAL;
    }
    return put_text(out, value, 1);
}

/* An int as decimal (not a bool: orjson writes true/false), within orjson's range; `none_ok`: None is null. */
static int put_int(Out *out, PyObject *value, int none_ok) {
    if (value == Py_None && none_ok) {
        return PUT_LITERAL(out, "null");
    }
    if (!PyLong_CheckExact(value)) {
        return UNUSUAL;
    }
    char text[32];
    int overflow = 0;
    long long small = PyLong_AsLongLongAndOverflow(value, &overflow);
    if (small == -1 && PyErr_Occurred()) {
        return FAILED;
    }
    int n;
    if (overflow == 0) {
        n = snprintf(text, sizeof text, "%lld", small);
    } else if (overflow > 0) {
        unsigned long long big = PyLong_AsUnsignedLongLong(value);
        if (big == (unsigned long long)-1 && PyErr_Occurred()) {
            PyErr_Clear();
            return UNUSUAL; /* beyond 64 bits: orjson refuses it */
        }
        n = snprintf(text, sizeof text, "%llu", big);
    } else {
        return UNUSUAL;
    }
    return put(out, text, n);
}

/* "source:line", as row_dict's f-string writes it (an exact str and an exact int only). */
static int put_at(Out *out, PyObject *source, PyObject *line) {
    if (!PyUnicode_CheckExact(source) || !PyLong_CheckExact(line)) {
        return UNUSUAL;
    }
    if (PUT_LITERAL(out, "\"") < 0) {
        return FAILED;
    }
    int done = put_text(out, source, 0);
    if (done != OK) {
        return done;
    }
    PyObject *digits = PyObject_Str(line);
    if (digits == NULL) {
        return FAILED;
    }
    Py_ssize_t n;
    const char *p = PyUnicode_AsUTF8AndSize(digits, &n);
    int failed = p == NULL || PUT_LITERAL(out, ":") < 0 || put(out, p, n) < 0 || PUT_LITERAL(out, "\"") < 0;
    Py_DECREF(digits);
    return failed ? FAILED : OK;
}

#define STEP(call)                                                                                                   \
    do {                                                                                                             \
        int step_ = (call);                                                                                          \
        if (step_ != OK) {                                                                                           \
            return step_;                                                                                            \
        }                                                                                                            \
    } while (0)

/* One row with both sides, in row_dict's member order. */
static int put_row(Out *out, PyObject *row, PyObject *g, PyObject *i, PyObject *times) {
    PyObject *logged = PyTuple_GET_ITEM(g, 10);
    PyObject *time = PyObject_GetItem(times, logged); /* join_output._gateway_iso: a remembered conversion */
    if (time == NULL) {
        return FAILED;
    }
    int done = PUT_LITERAL(out, "{\"key\":") < 0 ? FAILED : put_string(out, PyTuple_GET_ITEM(row, 0));
    if (done == OK) {
        done = PUT_LITERAL(out, ",\"verdict\":") < 0 ? FAILED : put_string(out, PyTuple_GET_ITEM(row, 1));
    }
    if (done == OK) {
        done = PUT_LITERAL(out, ",\"time\":") < 0 ? FAILED : put_string(out, time);
    }
    Py_DECREF(time);
    STEP(done);
    STEP(PUT_LITERAL(out, ",\"method\":"));
    STEP(put_string(out, PyTuple_GET_ITEM(g, 8)));
    STEP(PUT_LITERAL(out, ",\"path\":"));
    STEP(put_string(out, PyTuple_GET_ITEM(g, 9)));
    STEP(PUT_LITERAL(out, ",\"gateway_caller\":"));
    STEP(put_string(out, PyTuple_GET_ITEM(row, 4)));
    STEP(PUT_LITERAL(out, ",\"iis_user\":"));
    STEP(put_string(out, PyTuple_GET_ITEM(row, 5)));
    STEP(PUT_LITERAL(out, ",\"gateway_status\":"));
    STEP(put_int(out, PyTuple_GET_ITEM(row, 6), 1));
    STEP(PUT_LITERAL(out, ",\"iis_status\":"));
    STEP(put_string(out, PyTuple_GET_ITEM(row, 7)));
    STEP(PUT_LITERAL(out, ",\"gateway_at\":"));
    STEP(put_at(out, PyTuple_GET_ITEM(g, 0), PyTuple_GET_ITEM(g, 1)));
    STEP(PUT_LITERAL(out, ",\"iis_at\":"));
    STEP(put_at(out, PyTuple_GET_ITEM(i, 0), PyTuple_GET_ITEM(i, 1)));
    PyObject *i_key = PyTuple_GET_ITEM(i, 2), *g_key = PyTuple_GET_ITEM(g, 2);
    int certain = 0;
    if (i_key != Py_None) {
        certain = PyObject_RichCompareBool(i_key, g_key, Py_EQ);
        if (certain < 0) {
            return FAILED;
        }
    }
    STEP(certain ? PUT_LITERAL(out, ",\"confidence\":\"certain\"") : PUT_LITERAL(out, ",\"confidence\":\"possible\""));
    STEP(PUT_LITERAL(out, ",\"note\":"));
    STEP(put_string(out, PyTuple_GET_ITEM(row, 8)));
    PyObject *callers = PyTuple_GET_ITEM(g, 4);
    if (!PyTuple_CheckExact(callers)) {
        return UNUSUAL;
    }
    STEP(PUT_LITERAL(out, ",\"gateway_callers\":["));
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(callers); k++) {
        if (k > 0) {
            STEP(PUT_LITERAL(out, ","));
        }
        PyObject *caller = PyTuple_GET_ITEM(callers, k);
        if (caller == Py_None) {
            return UNUSUAL; /* list(callers) holds text only; None would be null, leave it to the reference */
        }
        STEP(put_string(out, caller));
    }
    STEP(PUT_LITERAL(out, "],\"request_id\":"));
    STEP(put_string(out, PyTuple_GET_ITEM(g, 3)));
    STEP(PUT_LITERAL(out, ",\"integration_status\":"));
    STEP(put_int(out, PyTuple_GET_ITEM(g, 6), 1));
    STEP(PUT_LITERAL(out, ",\"iis_duplicates\":"));
    STEP(put_int(out, PyTuple_GET_ITEM(i, 9), 0));
    STEP(PUT_LITERAL(out, ",\"gateway_duplicates\":"));
    STEP(put_int(out, PyTuple_GET_ITEM(g, 11), 0));
    return PUT_LITERAL(out, "}");
}

/* render(rows, times, one[, lo, hi]) -> bytes of rows[lo:hi] (each row preceded by ",\n  ") or None (a row it
   does not vouch for). */
static PyObject *render(PyObject *self, PyObject *args) {
    PyObject *rows, *times, *one;
    Py_ssize_t lo = 0, hi = -1;
    if (!PyArg_ParseTuple(args, "O!OO|nn", &PyList_Type, &rows, &times, &one, &lo, &hi)) {
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(rows);
    hi = hi < 0 || hi > n ? n : hi;
    lo = lo < 0 ? 0 : lo;
    Out out = {NULL, 0, 0};
    PyObject *result = NULL;
    /* rows[lo:hi] read in place, no reference taken to a row: a forked writer copies none of their pages */
    for (Py_ssize_t r = lo; r < hi; r++) {
        PyObject *row = PyList_GET_ITEM(rows, r);
        if (!PyTuple_Check(row) || PyTuple_GET_SIZE(row) != 9) {
            goto unusual;
        }
        if (PUT_LITERAL(&out, ",\n  ") < 0) {
            goto done;
        }
        PyObject *g = PyTuple_GET_ITEM(row, 2), *i = PyTuple_GET_ITEM(row, 3);
        int step;
        if (g == Py_None || i == Py_None) { /* one side: row_dict's other branch, in Python */
            PyObject *text = PyObject_CallOneArg(one, row);
            if (text == NULL) {
                goto done;
            }
            step = PyBytes_Check(text) ? put(&out, PyBytes_AS_STRING(text), PyBytes_GET_SIZE(text)) : UNUSUAL;
            Py_DECREF(text);
        } else if (!PyTuple_Check(g) || PyTuple_GET_SIZE(g) != 12 || !PyTuple_Check(i) || PyTuple_GET_SIZE(i) != 13) {
            step = UNUSUAL;
        } else {
            step = put_row(&out, row, g, i, times);
        }
        if (step == UNUSUAL) {
            goto unusual;
        }
        if (step != OK) {
            goto done;
        }
    }
    result = PyBytes_FromStringAndSize(out.data ? out.data : "", out.size);
    goto done;
unusual:
    result = Py_NewRef(Py_None);
done:
    PyMem_Free(out.data);
    return result;
}

/* A tuple subclass instance (a NamedTuple: no fields of its own) holding `items`, as tuple.__new__(type, items). */
static PyObject *made(PyTypeObject *type, PyObject *const *items, Py_ssize_t n) {
    PyObject *obj = type->tp_alloc(type, n);
    if (obj == NULL) {
        return NULL;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        PyTuple_SET_ITEM(obj, k, Py_NewRef(items[k]));
    }
    return obj;
}

/* intact(sides, keys, gateways, repeated, row_type, gateway_type, verdict, refusing) -> list: per IIS side, its
   JoinRow when it is the usual intact record (a gateway record whose callers hold the IIS user, IIS not refusing,
   no gateway error type logged, a key on one IIS line), else None (join_match's rules decide). */
static PyObject *intact(PyObject *self, PyObject *args) {
    PyObject *sides, *keys, *gateways, *repeated, *verdict, *refusing;
    PyTypeObject *row_type, *gateway_type;
    if (!PyArg_ParseTuple(args, "O!O!O!OO!O!OO", &PyList_Type, &sides, &PyList_Type, &keys, &PyList_Type, &gateways,
                          &repeated, &PyType_Type, &row_type, &PyType_Type, &gateway_type, &verdict, &refusing)) {
        return NULL;
    }
    if (!PyType_IsSubtype(row_type, &PyTuple_Type) || !PyType_IsSubtype(gateway_type, &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "row_type and gateway_type must be tuple types");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(sides);
    if (PyList_GET_SIZE(keys) != n || PyList_GET_SIZE(gateways) != n) {
        PyErr_SetString(PyExc_ValueError, "sides, keys and gateways must be of one length");
        return NULL;
    }
    PyObject *out = PyList_New(n);
    if (out == NULL) {
        return NULL;
    }
    PyObject *empty = PyUnicode_New(0, 0);
    for (Py_ssize_t r = 0; r < n; r++) {
        PyObject *side = PyList_GET_ITEM(sides, r), *key = PyList_GET_ITEM(keys, r);
        PyObject *g = PyList_GET_ITEM(gateways, r), *row = Py_None;
        PyObject *user = PyTuple_Check(side) && PyTuple_GET_SIZE(side) == 13 ? PyTuple_GET_ITEM(side, 3) : Py_None;
        if (g != Py_None && user != Py_None && PyTuple_Check(g) && PyTuple_GET_SIZE(g) == 12 &&
            PyTuple_GET_ITEM(g, 7) == Py_None) {
            int yes = PySequence_Contains(PyTuple_GET_ITEM(g, 4), user);
            if (yes > 0) {
                int refused = PySequence_Contains(refusing, PyTuple_GET_ITEM(side, 5));
                yes = refused < 0 ? -1 : !refused;
            }
            if (yes > 0) {
                int twice = PySequence_Contains(repeated, key);
                yes = twice < 0 ? -1 : !twice;
            }
            if (yes < 0) {
                Py_DECREF(out);
                Py_XDECREF(empty);
                return NULL;
            }
            if (yes) {
                PyObject *gateway = made(gateway_type, &PyTuple_GET_ITEM(g, 0), 12);
                if (gateway != NULL) {
                    PyObject *items[9] = {key,  verdict, gateway, side, user, user, PyTuple_GET_ITEM(g, 5),
                                          PyTuple_GET_ITEM(side, 4), empty};
                    row = made(row_type, items, 9);
                    Py_DECREF(gateway);
                }
                if (gateway == NULL || row == NULL) {
                    Py_DECREF(out);
                    Py_XDECREF(empty);
                    return NULL;
                }
                PyList_SET_ITEM(out, r, row);
                continue;
            }
        }
        PyList_SET_ITEM(out, r, Py_NewRef(Py_None));
    }
    Py_XDECREF(empty);
    return out;
}

static PyMethodDef methods[] = {
    {"intact", intact, METH_VARARGS,
     "intact(sides, keys, gateways, repeated, row_type, gateway_type, verdict, refusing): per IIS side, its intact "
     "JoinRow when it is the usual record, else None"},
    {"render", render, METH_VARARGS,
     "render(rows, times, one[, lo, hi]): the JSON of rows[lo:hi] as orjson writes row_dict's, each preceded by "
     "',\\n  '; None when a "
     "row holds a value it does not vouch for. times: logged gateway time -> ISO text; one(row): a one-sided row's "
     "JSON."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_rows", NULL, -1, methods};

PyMODINIT_FUNC PyInit__rows(void) {
    for (int c = 0; c < 256; c++) {
        verbatim[c] = (unsigned char)(c >= 0x20 && c != '"' && c != '\\');
    }
    return PyModule_Create(&module);
}
