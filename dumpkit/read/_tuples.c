/* The VALUES scanner of mysql_tuples.py, compiled: one pass over
 * `(1,'a\'b',NULL),(2,...)` that unescapes every value into one buffer, remembers
 * where each field starts, and reads numbers and dates of typed columns on the
 * way; then field order to column order. The Python side allocates every array
 * and turns them into Arrow columns. No Python object is touched while a pass
 * runs, so the GIL is released.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

enum { NULL_ = 0, STR = 1, TOKEN = 2, VALUE = 3, ZERO = 4 };                      /* field kinds */
/* column codes: C_TEXT (a string column, or none known) and C_CAST (a type the scan leaves to
 * DuckDB's cast) keep values as text; the others the scan reads itself */
enum { C_TEXT = 0, C_INT = 1, C_DECIMAL = 2, C_TIMESTAMP = 3, C_DATE = 4, C_CAST = 5 };
#define DECLINE (-1)

static int is_space(uint8_t c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
static int is_digit(uint8_t c) { return c >= '0' && c <= '9'; }
static int converted(uint8_t ctype) { return ctype >= C_INT && ctype <= C_DATE; }

/* what the number token d[s:e] is: 0 when MySQL does not read it as one literal (5-3, E115,
 * 1.04.7735, a lone '-', --5) or may find it too large (1e309: the slow path judges); else
 * NUM_OK, with NUM_EXP for an exponent (a DOUBLE) and NUM_PLAIN when the text is the one the server writes for it into a string column (an
 * integer or decimal without '+', leading zeros, a bare '.' or a negative zero) */
enum { NUM_OK = 1, NUM_EXP = 2, NUM_PLAIN = 4 };
__attribute__((noinline)) static int number_form(const uint8_t *d, int64_t s, int64_t e) {
    int64_t k = s;
    uint8_t sign = k < e && (d[k] == '-' || d[k] == '+') ? d[k++] : 0;
    int64_t whole = k, nonzero = 0;
    while (k < e && is_digit(d[k])) nonzero |= d[k++] != '0';
    int64_t nwhole = k - whole, nfrac = 0, dot = k < e && d[k] == '.';
    if (dot) {
        int64_t frac = ++k;
        while (k < e && is_digit(d[k])) nonzero |= d[k++] != '0';
        nfrac = k - frac;
    }
    if (nwhole + nfrac == 0) return 0;
    int form = NUM_OK;
    if (k < e && (d[k] == 'e' || d[k] == 'E')) {
        k++;
        int negative = k < e && d[k] == '-';
        if (k < e && (d[k] == '-' || d[k] == '+')) k++;
        int64_t first = k, exp = 0;
        for (; k < e && is_digit(d[k]); k++)
            if (exp < 100000) exp = exp * 10 + (d[k] - '0');
        if (k == first) return 0;
        /* a DOUBLE past 1e308 is an error for the server but infinity for DuckDB's cast */
        if (!negative && exp + nwhole > 308) return 0;
        form |= NUM_EXP;
    }
    if (k != e) return 0;
    if (!(form & NUM_EXP) && sign != '+' && nwhole && (nwhole == 1 || d[whole] != '0') && (!dot || nfrac)
        && (sign != '-' || nonzero))
        form |= NUM_PLAIN;
    return form;
}

static int hexval(uint8_t c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return 255;
}

/* the value of the decimal digits d[s:e], or -1 if one is not a digit */
static int64_t digits(const uint8_t *d, int64_t s, int64_t e) {
    int64_t v = 0;
    for (int64_t k = s; k < e; k++) {
        if (d[k] < '0' || d[k] > '9') return -1;
        v = v * 10 + (d[k] - '0');
    }
    return v;
}

/* days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil) */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* d[s:e] as the column type: 1 with *out set when it plainly is one (int64; a decimal
 * unscaled; microseconds or days since 1970), 2 for MySQL's zero dates, 0 when
 * DuckDB's own cast should judge it */
static int convert(const uint8_t *d, int64_t s, int64_t e, int ctype, int64_t scale, const int64_t *pow10, int64_t *out) {
    int64_t n = e - s;
    if (ctype == C_INT || ctype == C_DECIMAL) {
        int neg = n > 0 && d[s] == '-';
        int64_t p = neg ? s + 1 : s, dot = e;
        for (int64_t k = p; k < e; k++)
            if (d[k] == '.') { dot = k; break; }
        int64_t whole = dot - p, frac = dot < e ? e - dot - 1 : 0;
        if (whole + frac == 0) return 0;
        if (ctype == C_INT && (dot < e || whole > 18)) return 0;
        if (ctype == C_DECIMAL && (frac > scale || whole + scale > 18 || (dot < e && frac == 0))) return 0;
        int64_t v = whole ? digits(d, p, dot) : 0;
        if (v < 0) return 0;
        if (ctype == C_DECIMAL) {
            int64_t f = frac ? digits(d, dot + 1, e) : 0;
            if (f < 0) return 0;
            v = v * pow10[scale] + f * pow10[scale - frac];
        }
        *out = neg ? -v : v;
        return 1;
    }
    /* dates: a zero month or day first, as the stager's LIKE patterns ('____-00-%', '____-__-00%');
     * text that is not ASCII stays text (the slow path notes its charset as well) */
    if (n >= 8 && d[s + 4] == '-' && d[s + 7] == '-'
        && ((d[s + 5] == '0' && d[s + 6] == '0') || (n >= 10 && d[s + 8] == '0' && d[s + 9] == '0'))) {
        uint64_t high = 0, word;  /* any byte >= 0x80, 8 at a time */
        int64_t k = s;
        for (; k + 8 <= e; k += 8) { memcpy(&word, d + k, 8); high |= word; }
        for (; k < e; k++) high |= d[k];
        return high & 0x8080808080808080ULL ? 0 : 2;
    }
    if (n < 10 || d[s + 4] != '-' || d[s + 7] != '-') return 0;
    int64_t y = digits(d, s, s + 4), m = digits(d, s + 5, s + 7), day = digits(d, s + 8, s + 10);
    if (y < 1 || m < 1 || m > 12 || day < 1) return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int mdays = m == 2 ? (leap ? 29 : 28) : (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31;
    if (day > mdays) return 0;
    int64_t days = days_from_civil(y, m, day);
    if (ctype == C_DATE) {
        if (n != 10) return 0;
        *out = days;
        return 1;
    }
    if (n == 10) { *out = days * 86400000000LL; return 1; }
    if (n < 19 || d[s + 10] != ' ' || d[s + 13] != ':' || d[s + 16] != ':') return 0;
    int64_t hh = digits(d, s + 11, s + 13), mi = digits(d, s + 14, s + 16), ss = digits(d, s + 17, s + 19);
    if (hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 59) return 0;
    int64_t us = 0;
    if (n > 19) {
        if (d[s + 19] != '.' || n > 26 || n == 20) return 0;
        us = digits(d, s + 20, e);
        if (us < 0) return 0;
        us *= pow10[26 - n];
    }
    *out = ((days * 24 + hh) * 60 + mi) * 60000000LL + ss * 1000000LL + us;
    return 1;
}

typedef struct {
    const uint8_t *a; int64_t n;
    const uint8_t *binary; int64_t nbinary;
    const uint8_t *ctype; const int64_t *cscale; int64_t ntyped;
    const int64_t *pow10; const uint8_t *escaped;
    uint8_t *data; int64_t *starts; int32_t *lens; uint8_t *kinds; int64_t *ivals; int64_t cap;
} Scan;

static int is_token_char(uint8_t c) { return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'; }

/* rows, columns and bytes written; or rows = DECLINE with the position in *ncols_out */
static int64_t scan(const Scan *S, int64_t *ncols_out, int64_t *w_out) {
    static const char intro[] = "_binary";
    const uint8_t *a = S->a;
    int64_t n = S->n, i = 0, w = 0, f = 0, rows = 0, ncols = -1;
    uint8_t *data = S->data;
#define FAIL do { *ncols_out = i; return DECLINE; } while (0)
/* field f is data[start_:w] (its length fits lens' 32 bits: the text does) */
#define FIELD(start_, kind_) do { \
        S->starts[f] = (start_); S->lens[f] = (int32_t)(w - (start_)); S->kinds[f] = (kind_); \
    } while (0)
    /* lens are 32-bit, as Arrow's offsets: a VALUES text longer than that is not for this scan
     * (a field's length would be cut to 32 bits) */
    if (n > INT32_MAX) FAIL;
    for (;;) {
        while (i < n && is_space(a[i])) i++;
        if (i >= n || a[i] != '(') FAIL;
        i++;
        int64_t col = 0;
        for (;;) {
            while (i < n && is_space(a[i])) i++;
            if (i >= n || f >= S->cap) FAIL;
            uint8_t c = a[i];
            if (c == '_') {  /* _binary '...': the introducer does not change the bytes */
                if (i + 8 > n || memcmp(a + i, intro, 7) != 0) FAIL;
                i += 7;
                while (i < n && is_space(a[i])) i++;
                if (i >= n || a[i] != '\'') FAIL;
                c = '\'';
            }
            int ct = col < S->ntyped ? S->ctype[col] : C_TEXT;
            if (c == '\'') {  /* a quoted string */
                i++;
                int64_t start = w;
                for (;;) {
#ifdef __SSE2__
                    /* most of a dump is plain string bytes: copy 16 at a time up to the next quote
                     * or backslash (w <= i always, as unescaping never lengthens, so data has room) */
                    while (i + 16 <= n) {
                        __m128i v = _mm_loadu_si128((const __m128i *)(a + i));
                        int hit = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\'')),
                                                                 _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
                        _mm_storeu_si128((__m128i *)(data + w), v);
                        if (hit) { int k = __builtin_ctz((unsigned)hit); i += k; w += k; break; }
                        i += 16;
                        w += 16;
                    }
#endif
                    if (i >= n) FAIL;
                    c = a[i];
                    if (c == '\'') {
                        if (i + 1 < n && a[i + 1] == '\'') { data[w++] = '\''; i += 2; continue; }
                        i++;
                        break;
                    }
                    if (c == '\\') {
                        if (i + 1 >= n) FAIL;
                        uint8_t e = a[i + 1];
                        if (e == '%' || e == '_') data[w++] = '\\';  /* \% and \_ keep their backslash */
                        data[w++] = S->escaped[e];
                        i += 2;
                        continue;
                    }
                    data[w++] = c;
                    i++;
                }
                FIELD(start, STR);
                if (converted(ct)) {
                    int64_t v = 0;
                    int status = convert(data, start, w, ct, S->cscale[col], S->pow10, &v);
                    if (status == 1) { S->kinds[f] = VALUE; S->ivals[f] = v; }
                    else if (status == 2) S->kinds[f] = ZERO;
                }
            } else if (c == '0' && i + 1 < n && a[i + 1] == 'x') {  /* 0x.. (--hex-blob), binary columns only */
                if (col >= S->nbinary || !S->binary[col]) FAIL;
                i += 2;
                int64_t s = i, start = w;
                while (i < n && hexval(a[i]) != 255) i++;
                if (i == s || (i - s) % 2) { i = s; FAIL; }  /* 0x alone is a name; 0x123 the slow path pads */
                for (int64_t k = s; k < i; k += 2) data[w++] = (uint8_t)(hexval(a[k]) * 16 + hexval(a[k + 1]));
                FIELD(start, STR);
            } else if (c == 'N') {  /* NULL */
                if (i + 4 > n || a[i + 1] != 'U' || a[i + 2] != 'L' || a[i + 3] != 'L') FAIL;
                i += 4;
                FIELD(w, NULL_);
            } else {  /* a number: its text, and on the way its value as digits and a decimal point */
                int64_t start = w, v = 0, ndigits = 0, nfrac = -1;
                int plain = 1;  /* only digits, a leading '-' and one '.' */
                while (i < n && is_token_char(a[i])) {
                    uint8_t d = a[i];
                    data[w] = d;
                    if (d >= '0' && d <= '9') {
                        if (ndigits < 18) v = v * 10 + (d - '0');  /* only up to 18 digits become a value */
                        ndigits++;
                        if (nfrac >= 0) nfrac++;
                    } else if (d == '.' && nfrac < 0) {
                        nfrac = 0;
                    } else if (!(d == '-' && w == start)) {
                        plain = 0;
                    }
                    w++;
                    i++;
                }
                if (w == start) FAIL;
                /* a token that is not one number (5-3) or whose text the server would write
                 * otherwise (1e3 in a text column, a DOUBLE rounded into an integer column) is
                 * for the slow path, which computes it. -?digits[.digits] (plain) is one
                 * literal, as dumps write numbers into numeric columns: the common case first */
                if (plain && ndigits && (ct == C_INT || ct == C_DECIMAL)) {
                    FIELD(start, TOKEN);
                    if (ndigits <= 18 && nfrac != 0) {
                        /* a whole number, or a decimal with no more places than the column keeps */
                        int64_t places = nfrac < 0 ? 0 : nfrac;
                        int neg = data[start] == '-';
                        if (ct == C_INT && places == 0) {
                            S->kinds[f] = VALUE;
                            S->ivals[f] = neg ? -v : v;
                        } else if (ct == C_DECIMAL && places <= S->cscale[col] && ndigits - places + S->cscale[col] <= 18) {
                            v *= S->pow10[S->cscale[col] - places];
                            S->kinds[f] = VALUE;
                            S->ivals[f] = neg ? -v : v;
                        }
                    }
                } else {
                    int form = plain && ndigits && ct == C_CAST ? NUM_OK : number_form(data, start, w);
                    int text = ct == C_TEXT || ct == C_DATE || ct == C_TIMESTAMP;
                    if (!form || (text && !(form & NUM_PLAIN)) || ((form & NUM_EXP) && ct == C_INT)) FAIL;
                    FIELD(start, TOKEN);
                }
            }
            f++;
            col++;
            while (i < n && is_space(a[i])) i++;
            if (i >= n) FAIL;
            if (a[i] == ',') { i++; continue; }
            if (a[i] == ')') { i++; break; }
            FAIL;
        }
        if (ncols < 0) ncols = col;
        else if (col != ncols) FAIL;
        rows++;
        while (i < n && is_space(a[i])) i++;
        if (i >= n) { *ncols_out = ncols; *w_out = w; return rows; }
        if (a[i] != ',') FAIL;
        i++;
    }
#undef FIELD
#undef FAIL
}

static int get(PyObject *obj, Py_buffer *view, int writable) {
    return PyObject_GetBuffer(obj, view, writable ? (PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS) : PyBUF_C_CONTIGUOUS);
}

#define BUFFERS(N) Py_buffer b[N]; int got = 0; PyObject *o[N];
#define RELEASE for (int k = 0; k < got; k++) PyBuffer_Release(&b[k]);

/* scan(a, binary, ctype, cscale, pow10, escaped, data, starts, lens, kinds, ivals) -> (rows, ncols|position, bytes) */
static PyObject *py_scan(PyObject *self, PyObject *args) {
    BUFFERS(11)
    if (!PyArg_ParseTuple(args, "OOOOOOOOOOO", &o[0], &o[1], &o[2], &o[3], &o[4], &o[5], &o[6], &o[7], &o[8], &o[9], &o[10]))
        return NULL;
    static const int writable[11] = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1};
    for (; got < 11; got++)
        if (get(o[got], &b[got], writable[got]) < 0) { RELEASE return NULL; }
    Scan S = {
        b[0].buf, b[0].len, b[1].buf, b[1].len, b[2].buf, b[3].buf, b[2].len, b[4].buf, b[5].buf,
        b[6].buf, b[7].buf, b[8].buf, b[9].buf, b[10].buf, b[7].len / (Py_ssize_t)sizeof(int64_t),
    };
    if (b[3].len / (Py_ssize_t)sizeof(int64_t) < S.ntyped || b[6].len < S.n || b[8].len / 4 < S.cap || b[9].len < S.cap
        || b[10].len / 8 < S.cap || b[4].len < 19 * 8 || b[5].len < 256) {
        RELEASE
        PyErr_SetString(PyExc_ValueError, "scan: an array is too small");
        return NULL;
    }
    int64_t rows, ncols = 0, w = 0;
    Py_BEGIN_ALLOW_THREADS
    rows = scan(&S, &ncols, &w);
    Py_END_ALLOW_THREADS
    RELEASE
    return Py_BuildValue("(LLL)", (long long)rows, (long long)ncols, (long long)w);
}

/* by_column(kinds, ivals, lens, rows, ncols, codes, typed, valid, nvalid, values, zeros, first_zero, col_bytes):
 * field order to column order - which typed columns read entirely (typed[j]), their
 * values, every column's validity bitmap (Arrow's: LSB first), zero dates, and the
 * bytes of each column left as text */
static PyObject *py_by_column(PyObject *self, PyObject *args) {
    BUFFERS(11)
    long long rows, ncols;
    if (!PyArg_ParseTuple(args, "OOOLLOOOOOOOO", &o[0], &o[1], &o[2], &rows, &ncols, &o[3], &o[4], &o[5], &o[6], &o[7],
                          &o[8], &o[9], &o[10]))
        return NULL;
    static const int writable[11] = {0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1};
    for (; got < 11; got++)
        if (get(o[got], &b[got], writable[got]) < 0) { RELEASE return NULL; }
    const uint8_t *kinds = b[0].buf, *codes = b[3].buf;
    const int64_t *ivals = b[1].buf;
    const int32_t *lens = b[2].buf;
    uint8_t *typed = b[4].buf, *valid = b[5].buf;
    int64_t *nvalid = b[6].buf, *values = b[7].buf, *zeros = b[8].buf, *first_zero = b[9].buf, *col_bytes = b[10].buf;
    int64_t nbytes = (rows + 7) / 8, ncodes = b[3].len;
    if (b[0].len < rows * ncols || b[1].len / 8 < rows * ncols || b[2].len / 4 < rows * ncols || b[4].len < ncols
        || b[5].len < ncols * nbytes || b[6].len / 8 < ncols || b[7].len / 8 < ncols * rows || b[8].len / 8 < ncols
        || b[9].len / 8 < ncols || b[10].len / 8 < ncols) {
        RELEASE
        PyErr_SetString(PyExc_ValueError, "by_column: an array is too small");
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    for (int64_t j = 0; j < ncols; j++) typed[j] = j < ncodes && converted(codes[j]);
    int64_t f = 0;
    for (int64_t r = 0; r < rows; r++)
        for (int64_t j = 0; j < ncols; j++, f++) {
            uint8_t k = kinds[f];
            if (k != VALUE && k != NULL_ && k != ZERO) typed[j] = 0;
        }
    f = 0;
    for (int64_t r = 0; r < rows; r++) {
        int64_t byte = r >> 3;
        uint8_t bit = (uint8_t)(1u << (r & 7));
        for (int64_t j = 0; j < ncols; j++, f++) {
            uint8_t k = kinds[f];
            if (typed[j]) {
                values[j * rows + r] = ivals[f];
                if (k == ZERO) {
                    zeros[j]++;
                    if (first_zero[j] < 0) first_zero[j] = f;
                }
            } else {
                col_bytes[j] += lens[f];
            }
            if (k != NULL_ && !(typed[j] && k == ZERO)) {  /* a text column keeps its zero dates' text */
                valid[j * nbytes + byte] |= bit;
                nvalid[j]++;
            }
        }
    }
    Py_END_ALLOW_THREADS
    RELEASE
    Py_RETURN_NONE;
}

/* columns(data, starts, lens, rows, ncols, skip, out, offsets, col_start): each column's bytes
 * contiguously, column j in out[col_start[j]:col_start[j+1]] with its offsets in offsets[j];
 * one pass in field order, so `data` is read front to back; `skip` columns are left out */
static PyObject *py_columns(PyObject *self, PyObject *args) {
    BUFFERS(7)
    long long rows, ncols;
    if (!PyArg_ParseTuple(args, "OOOLLOOOO", &o[0], &o[1], &o[2], &rows, &ncols, &o[3], &o[4], &o[5], &o[6]))
        return NULL;
    static const int writable[7] = {0, 0, 0, 0, 1, 1, 0};
    for (; got < 7; got++)
        if (get(o[got], &b[got], writable[got]) < 0) { RELEASE return NULL; }
    const uint8_t *data = b[0].buf, *skip = b[3].buf;
    const int64_t *starts = b[1].buf, *col_start = b[6].buf;
    const int32_t *lens = b[2].buf;
    uint8_t *out = b[4].buf;
    int32_t *offsets = b[5].buf;
    if (b[1].len / 8 < rows * ncols || b[2].len / 4 < rows * ncols || b[3].len < ncols
        || b[5].len / 4 < ncols * (rows + 1) || b[6].len / 8 < ncols + 1 || b[4].len < col_start[ncols]) {
        RELEASE
        PyErr_SetString(PyExc_ValueError, "columns: an array is too small");
        return NULL;
    }
    int64_t *cursor = PyMem_RawMalloc(sizeof(int64_t) * (ncols ? ncols : 1));
    if (!cursor) { RELEASE return PyErr_NoMemory(); }
    Py_BEGIN_ALLOW_THREADS
    for (int64_t j = 0; j < ncols; j++) cursor[j] = col_start[j];
    int64_t f = 0;
    for (int64_t r = 0; r < rows; r++)
        for (int64_t j = 0; j < ncols; j++, f++) {
            if (skip[j]) continue;
            offsets[j * (rows + 1) + r] = (int32_t)(cursor[j] - col_start[j]);
            memcpy(out + cursor[j], data + starts[f], (size_t)lens[f]);
            cursor[j] += lens[f];
        }
    for (int64_t j = 0; j < ncols; j++) offsets[j * (rows + 1) + rows] = (int32_t)(cursor[j] - col_start[j]);
    Py_END_ALLOW_THREADS
    PyMem_RawFree(cursor);
    RELEASE
    Py_RETURN_NONE;
}

/* count(a) -> the tuples of a VALUES list (parentheses at depth 0, outside strings), or -1
 * when a string or a parenthesis is left open: inspect's row count, without the values */
static PyObject *py_count(PyObject *self, PyObject *args) {
    Py_buffer b;
    if (!PyArg_ParseTuple(args, "y*", &b)) return NULL;
    const uint8_t *a = b.buf;
    int64_t n = b.len, rows = 0, depth = 0, i = 0;
    Py_BEGIN_ALLOW_THREADS
    for (; i < n; i++) {
        uint8_t c = a[i];
        if (c == '\'' || c == '"') {
            for (i++; i < n; i++) {
                if (a[i] == '\\') { i++; continue; }
                if (a[i] == c) {
                    if (i + 1 < n && a[i + 1] == c) { i++; continue; }  /* a doubled quote */
                    break;
                }
            }
            if (i >= n) { depth = -1; break; }
        } else if (c == '(') {
            if (depth++ == 0) rows++;
        } else if (c == ')') {
            if (--depth < 0) break;
        }
    }
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&b);
    return PyLong_FromLongLong(depth == 0 ? (long long)rows : -1LL);
}

/* tuple_lines(buf, pos) -> (status, at). mariadb-dump writes an INSERT's tuples one per line
 * and never a raw newline inside a string, so the statement ends at the first line that ends
 * in ';'. status 0: it ends at `at` (just past that ";\n") and every line from pos to there
 * starts with '('; 1: no end in buf, the lines check out up to the '\n' at `at` (or pos when
 * there is none), whose next line is yet to be read; 2: the line after the '\n' at `at` does
 * not start with '(' (not tuple lines only: a damaged dump). A '\n' right at pos was checked
 * for ';' by the previous call. */
static PyObject *py_tuple_lines(PyObject *self, PyObject *args) {
    Py_buffer b;
    Py_ssize_t pos;
    if (!PyArg_ParseTuple(args, "y*n", &b, &pos)) return NULL;
    if (pos < 0 || pos > b.len) {
        PyBuffer_Release(&b);
        PyErr_SetString(PyExc_ValueError, "tuple_lines: position outside the buffer");
        return NULL;
    }
    const uint8_t *a = b.buf;
    int64_t n = b.len, i = pos, at = pos;
    int status = 1;
    Py_BEGIN_ALLOW_THREADS
    while (i < n) {
        const uint8_t *p = memchr(a + i, '\n', (size_t)(n - i));
        if (!p) break;
        int64_t k = p - a;
        if (k > pos && a[k - 1] == ';') { status = 0; at = k + 1; break; }
        at = k;
        if (k + 1 >= n) break;
        if (a[k + 1] != '(') { status = 2; break; }
        i = k + 1;
    }
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&b);
    return Py_BuildValue("(iL)", status, (long long)at);
}

static PyMethodDef methods[] = {
    {"count", py_count, METH_VARARGS, "The tuples of a VALUES list, or -1 when a string or parenthesis is left open."},
    {"scan", py_scan, METH_VARARGS, "Split the tuples of a VALUES list (see mysql_tuples.py)."},
    {"by_column", py_by_column, METH_VARARGS, "Field order to column order: typed values, validity, zero dates."},
    {"columns", py_columns, METH_VARARGS, "Each text column's bytes contiguously, with Arrow offsets."},
    {"tuple_lines", py_tuple_lines, METH_VARARGS, "Where a one-tuple-per-line INSERT ends (see mysql.py)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_tuples", NULL, -1, methods};

PyMODINIT_FUNC PyInit__tuples(void) { return PyModule_Create(&module); }
