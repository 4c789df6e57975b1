/*
 * events_import.c — a partner's weekly list read into events (see
 * events_import.h). The CSV reader (trygg/csv.h) and the XLSX reader
 * (xlsx_read.h) feed the same header and row reading.
 */
#include "events_import.h"

#include "trygg/copy.h"
#include "trygg/csv.h"
#include "trygg/utf8.h"
#include "xlsx_read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum col { C_DAY, C_TYPE, C_AREA, C_BAND, C_PLACE, C_COUNT, C_TEXT, C_COUNT_ };

static const struct {
    const char *sv, *en;
    int required;
} cols[C_COUNT_] = {
    {"datum", "date", 1},
    {"typ", "type", 1},
    {"område", "area", 1},
    {"tid", "time", 1},
    {"plats", "place", 0},
    {"antal", "count", 0},
    {"beskrivning", "description", 0},
};

typedef struct reader {
    const server_catalog *cat;
    const trygg_i18n *texts;
    events_import *out;
    int at[C_COUNT_]; /* column index of each field, -1 when absent */
    const char *names[C_COUNT_];
} reader;

/* 1 when a and b are equal after case folding and trimming spaces. */
static int same(const char *a, const char *b)
{
    while (*a == ' ')
        a++;
    size_t la = strlen(a);
    while (la > 0 && a[la - 1] == ' ')
        la--;
    char *fa = NULL, *fb = NULL;
    int eq = trygg_utf8_fold(a, la, &fa, NULL) == TRYGG_OK &&
             trygg_utf8_fold(b, strlen(b), &fb, NULL) == TRYGG_OK && strcmp(fa, fb) == 0;
    free(fa);
    free(fb);
    return eq;
}

static void add_error(events_import *out, int line, const char *column, const char *value,
                      const char *reason_key)
{
    if (out->nerrs >= EVENTS_IMPORT_MAX_ERRORS) {
        out->more_errors++;
        return;
    }
    events_import_error *e = &out->errs[out->nerrs++];
    e->line = line;
    trygg_copy_trunc(e->column, sizeof e->column, column ? column : "");
    trygg_copy_trunc(e->value, sizeof e->value, value ? value : "");
    e->reason_key = reason_key;
}

static int read_header(reader *rd, const char **f, int n, int line)
{
    for (int c = 0; c < C_COUNT_; c++)
        rd->at[c] = -1;
    for (int i = 0; i < n; i++) {
        int found = 0;
        for (int c = 0; c < C_COUNT_ && !found; c++)
            if (same(f[i], cols[c].sv) || same(f[i], cols[c].en)) {
                if (rd->at[c] >= 0)
                    add_error(rd->out, line, f[i], f[i], "import.bad.column_twice");
                rd->at[c] = i;
                rd->names[c] = cols[c].sv;
                found = 1;
            }
        if (!found && f[i][0])
            add_error(rd->out, line, f[i], f[i], "import.bad.column_unknown");
    }
    for (int c = 0; c < C_COUNT_; c++)
        if (cols[c].required && rd->at[c] < 0)
            add_error(rd->out, line, cols[c].sv, "", "import.bad.column_missing");
    return rd->out->nerrs == 0;
}

/* 1 when `v` is `label`, or one of its comma-separated parts with any
 * "(…)" left out: "Brand" and "anlagd brand" for "Brand, anlagd brand",
 * "Narkotika" for "Narkotika (sprutor, försäljning)". */
static int label_match(const char *v, const char *label)
{
    if (same(v, label))
        return 1;
    char part[CONFIG_LABEL_MAX];
    size_t n = 0;
    int depth = 0;
    for (const char *p = label;; p++) {
        if (*p == '(')
            depth++;
        else if (*p == ')' && depth > 0)
            depth--;
        else if ((*p == ',' && depth == 0) || *p == '\0') {
            while (n > 0 && part[n - 1] == ' ')
                n--;
            part[n] = '\0';
            if (n > 0 && same(v, part))
                return 1;
            n = 0;
            if (*p == '\0')
                return 0;
        } else if (depth == 0 && n + 1 < sizeof part && (n > 0 || *p != ' '))
            part[n++] = *p;
    }
}

/* Matches `v` against the labels of catalog keys prefix.<name> in every
 * language of the texts, and against the names themselves. */
static int match_name(const reader *rd, const char *v, const char *prefix, const char *(*name)(int),
                      int count)
{
    const char *langs[8];
    int nl = rd->texts ? trygg_i18n_langs(rd->texts, langs, 8) : 0;
    for (int i = 0; i < count; i++) {
        if (same(v, name(i)))
            return i;
        char key[96];
        snprintf(key, sizeof key, "%s.%s", prefix, name(i));
        for (int l = 0; l < nl; l++) {
            const char *label = trygg_i18n_get(rd->texts, langs[l], key);
            if (label && label_match(v, label))
                return i;
        }
    }
    return -1;
}

static const char *type_name(int i)
{
    return trygg_event_type_name((trygg_event_type)i);
}

static int band_of(const reader *rd, const char *v)
{
    int h, m;
    char tail;
    if (sscanf(v, "%d:%d%c", &h, &m, &tail) == 2 && h >= 0 && h <= 24 && m >= 0 && m < 60 &&
        (h < 24 || m == 0))
        return (h % 24) / 6;
    return match_name(rd, v, "event.band", trygg_event_band_name, TRYGG_EVENT_BAND_COUNT);
}

static const char *area_of(const reader *rd, const char *v)
{
    for (int i = 0; rd->cat && i < rd->cat->nareas; i++) {
        const config_area *a = &rd->cat->areas[i];
        if (same(v, a->id))
            return a->id;
        for (int l = 0; l < CONFIG_NLANGS; l++)
            if (a->label[l][0] && same(v, a->label[l]))
                return a->id;
    }
    return NULL;
}

static const char *cell(const reader *rd, const char **f, int n, enum col c)
{
    int i = rd->at[c];
    return i >= 0 && i < n ? f[i] : "";
}

/* Copies a free-text cell; refuses one that does not fit. */
static int text_cell(reader *rd, int line, enum col c, const char *v, char *dst, size_t cap)
{
    if (trygg_strset(dst, cap, v) != TRYGG_OK) {
        add_error(rd->out, line, rd->names[c], v,
                  c == C_TEXT ? "event.bad.text" : "event.bad.place");
        return 0;
    }
    return 1;
}

static void read_kind(reader *rd, int line, const char **f, int n, trygg_event *ev, int *ok)
{
    const char *v = cell(rd, f, n, C_TYPE);
    int t = match_name(rd, v, "event.type", type_name, TRYGG_EVENT_TYPE_COUNT);
    if (t < 0) {
        add_error(rd->out, line, rd->names[C_TYPE], v, "event.bad.type");
        *ok = 0;
    } else
        ev->type = (trygg_event_type)t;
    v = cell(rd, f, n, C_BAND);
    int b = band_of(rd, v);
    if (b < 0) {
        add_error(rd->out, line, rd->names[C_BAND], v, "event.bad.band");
        *ok = 0;
    } else
        trygg_copy_trunc(ev->band, sizeof ev->band, trygg_event_band_name(b));
}

static void read_where(reader *rd, int line, const char **f, int n, trygg_event *ev, int *ok)
{
    const char *v = cell(rd, f, n, C_AREA);
    const char *area = area_of(rd, v);
    if (!area) {
        add_error(rd->out, line, rd->names[C_AREA], v, "event.bad.area");
        *ok = 0;
    } else
        trygg_copy_trunc(ev->area, sizeof ev->area, area);
    if (!text_cell(rd, line, C_PLACE, cell(rd, f, n, C_PLACE), ev->place, sizeof ev->place) ||
        !text_cell(rd, line, C_TEXT, cell(rd, f, n, C_TEXT), ev->text, sizeof ev->text))
        *ok = 0;
    v = cell(rd, f, n, C_COUNT);
    char *end = NULL;
    long c = v[0] ? strtol(v, &end, 10) : 1;
    if ((v[0] && (end == v || *end)) || c < 1 || c > TRYGG_EVENT_COUNT_MAX) {
        add_error(rd->out, line, rd->names[C_COUNT] ? rd->names[C_COUNT] : "antal", v,
                  "event.bad.count");
        *ok = 0;
    } else
        ev->count = (int)c;
}

static void read_row(reader *rd, int line, const char **f, int n, trygg_event *ev,
                     const char *today)
{
    int ok = 1;
    const char *day = cell(rd, f, n, C_DAY);
    if (trygg_strset(ev->day, sizeof ev->day, day) != TRYGG_OK || strcmp(ev->day, today) > 0) {
        add_error(rd->out, line, rd->names[C_DAY], day, "event.bad.day");
        ok = 0;
    }
    read_kind(rd, line, f, n, ev, &ok);
    read_where(rd, line, f, n, ev, &ok);
    const char *field = NULL;
    if (ok && trygg_event_validate(ev, &field) != TRYGG_OK) { /* e.g. 30 February */
        if (strcmp(field, "day") == 0)
            add_error(rd->out, line, rd->names[C_DAY], day, "event.bad.day");
        else
            add_error(rd->out, line, field, "", "import.bad.row");
    }
}

/* One data row, the same for CSV and XLSX: read into the next event. 0 when
 * the file has too many rows (the error is added). */
static int add_row(reader *rd, int line, const char **f, int n, const trygg_event *tmpl,
                   const char *today)
{
    events_import *out = rd->out;
    if (out->n >= EVENTS_IMPORT_MAX_ROWS) {
        add_error(out, line, "", "", "import.bad.too_many");
        return 0;
    }
    trygg_event *ev = &out->evs[out->n++];
    *ev = *tmpl;
    read_row(rd, line, f, n, ev, today);
    return 1;
}

static trygg_err read_rows(reader *rd, trygg_csv_reader *r, const trygg_event *tmpl,
                           const char *today)
{
    events_import *out = rd->out;
    const char *f[32];
    int n = 0;
    trygg_err e;
    while ((e = trygg_csv_read(r, f, 32, &n)) == TRYGG_OK)
        if (!add_row(rd, r->line, f, n, tmpl, today))
            return TRYGG_OK;
    if (e == TRYGG_ERR_NOMEM)
        return e;
    if (e != TRYGG_ERR_NOTFOUND)
        add_error(out, r->next_line, "", "", "import.bad.csv");
    else if (out->n == 0 && out->nerrs == 0)
        add_error(out, 0, "", "", "import.bad.empty");
    return TRYGG_OK;
}

/* Sets up out and the event every row starts from. */
static trygg_err import_begin(events_import *out, trygg_event *tmpl, const char *org,
                              const char *reporter)
{
    memset(out, 0, sizeof *out);
    out->evs = calloc(EVENTS_IMPORT_MAX_ROWS, sizeof *out->evs);
    if (!out->evs)
        return TRYGG_ERR_NOMEM;
    memset(tmpl, 0, sizeof *tmpl);
    trygg_copy_trunc(tmpl->org, sizeof tmpl->org, org);
    trygg_copy_trunc(tmpl->reporter, sizeof tmpl->reporter, reporter);
    return TRYGG_OK;
}

trygg_err events_import_csv(const server_catalog *cat, const trygg_i18n *texts, const char *text,
                            size_t len, const char *org, const char *reporter, const char *today,
                            events_import *out)
{
    trygg_event tmpl;
    if (import_begin(out, &tmpl, org, reporter) != TRYGG_OK)
        return TRYGG_ERR_NOMEM;
    reader rd = {.cat = cat, .texts = texts, .out = out};
    trygg_csv_reader r;
    trygg_csv_reader_init(&r, text, len, trygg_csv_sniff(text, len));
    const char *f[32];
    int n = 0;
    trygg_err e = trygg_csv_read(&r, f, 32, &n);
    if (e == TRYGG_ERR_NOMEM) {
        trygg_csv_reader_free(&r);
        return e;
    }
    if (e != TRYGG_OK)
        add_error(out, 0, "", "", e == TRYGG_ERR_NOTFOUND ? "import.bad.empty" : "import.bad.csv");
    else if (read_header(&rd, f, n, r.line))
        e = read_rows(&rd, &r, &tmpl, today);
    trygg_csv_reader_free(&r);
    if (e == TRYGG_ERR_NOMEM)
        return e;
    return TRYGG_OK;
}

/* ---- XLSX: the first sheet, through the same header and row reading ------------ */

static int row_fields(const xlsx_read_row *r, const char **f)
{
    for (int i = 0; i < r->n; i++)
        f[i] = r->cell[i] ? r->cell[i] : "";
    return r->n;
}

/* A column's name for an error: its header cell, or its letters ("AH"). */
static void column_name(const xlsx_table *t, int col, char *out, size_t cap)
{
    const xlsx_read_row *h = t->nrows > 0 ? &t->rows[0] : NULL;
    if (h && col < h->n && h->cell[col]) {
        trygg_copy_trunc(out, cap, h->cell[col]);
        return;
    }
    char rev[8];
    int n = 0;
    for (int c = col + 1; c > 0 && n < 7; c = (c - 1) / 26)
        rev[n++] = (char)('A' + (c - 1) % 26);
    size_t k = 0;
    while (n > 0 && k + 1 < cap)
        out[k++] = rev[--n];
    out[k] = '\0';
}

static void read_table(reader *rd, const xlsx_table *t, const trygg_event *tmpl, const char *today)
{
    const char *f[XLSX_READ_MAX_COLS];
    int n = t->nrows > 0 ? row_fields(&t->rows[0], f) : 0;
    if (t->nrows > 0 && read_header(rd, f, n, t->rows[0].line)) {
        for (int i = 1; i < t->nrows; i++) {
            n = row_fields(&t->rows[i], f);
            if (!add_row(rd, t->rows[i].line, f, n, tmpl, today))
                break;
        }
        if (t->more_rows)
            add_error(rd->out, 0, "", "", "import.bad.too_many");
    }
    for (int i = 0; i < t->nprobs; i++) {
        char col[32];
        column_name(t, t->probs[i].col, col, sizeof col);
        add_error(rd->out, t->probs[i].line, col, "", t->probs[i].reason_key);
    }
}

trygg_err events_import_xlsx(const server_catalog *cat, const trygg_i18n *texts, const void *data,
                             size_t len, const char *org, const char *reporter, const char *today,
                             events_import *out)
{
    trygg_event tmpl;
    if (import_begin(out, &tmpl, org, reporter) != TRYGG_OK)
        return TRYGG_ERR_NOMEM;
    xlsx_table t;
    if (xlsx_read(data, len, EVENTS_IMPORT_MAX_ROWS + 1, &t) != TRYGG_OK)
        return TRYGG_ERR_NOMEM;
    reader rd = {.cat = cat, .texts = texts, .out = out};
    if (t.error_key)
        add_error(out, 0, "", "", t.error_key);
    else if (t.nrows == 0 && t.nprobs == 0)
        add_error(out, 0, "", "", "import.bad.empty");
    else
        read_table(&rd, &t, &tmpl, today);
    xlsx_table_free(&t);
    return TRYGG_OK;
}

void events_import_free(events_import *imp)
{
    free(imp->evs);
    imp->evs = NULL;
    imp->n = 0;
}
