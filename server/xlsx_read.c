/*
 * xlsx_read.c — the first worksheet of an .xlsx workbook into rows of text
 * (see xlsx_read.h). libzip opens the package from memory with size and
 * ratio caps; libxml2 parses each part, refusing any DTD before it is read.
 */
#include "xlsx_read.h"

#include <libxml/parser.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "trygg/copy.h"

typedef struct pkg {
    zip_t *zip;
    size_t used; /* bytes unpacked so far, against XLSX_READ_TOTAL_MAX */
    const char *error_key;
} pkg;

typedef struct sheet_ctx {
    char **sst; /* shared strings */
    int nsst;
    unsigned char *xf_date; /* per cell style: 1 when its number format is a date */
    int nxf;
    int date1904;
    int max_rows;
    xlsx_table *out;
} sheet_ctx;

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_libxml(void)
{
    xmlInitParser(); /* once, before threads use libxml2 */
}

int xlsx_read_is_zip(const void *data, size_t len)
{
    return len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0;
}

/* ---- the package ------------------------------------------------------------ */

static void refuse(pkg *p, const char *key)
{
    if (!p->error_key)
        p->error_key = key;
}

/* The part `name` unpacked into *out (NUL-terminated). 0 when read, 1 when
 * absent, -1 when refused (p->error_key) or out of memory (*nomem). */
static int read_part(pkg *p, const char *name, char **out, size_t *len, int *nomem)
{
    *out = NULL;
    zip_stat_t zs;
    zip_int64_t idx = zip_name_locate(p->zip, name, 0);
    if (idx < 0)
        return 1;
    if (zip_stat_index(p->zip, (zip_uint64_t)idx, 0, &zs) != 0 || !(zs.valid & ZIP_STAT_SIZE) ||
        !(zs.valid & ZIP_STAT_COMP_SIZE)) {
        refuse(p, "import.bad.xlsx");
        return -1;
    }
    if (zs.size > XLSX_READ_PART_MAX || p->used + zs.size > XLSX_READ_TOTAL_MAX ||
        (zs.size > 65536 && zs.size / (zs.comp_size ? zs.comp_size : 1) > XLSX_READ_RATIO)) {
        refuse(p, "import.bad.xlsx_big");
        return -1;
    }
    char *buf = malloc((size_t)zs.size + 1);
    zip_file_t *f = buf ? zip_fopen_index(p->zip, (zip_uint64_t)idx, 0) : NULL;
    if (!f) {
        if (!buf)
            *nomem = 1;
        else
            refuse(p, "import.bad.xlsx");
        free(buf);
        return -1;
    }
    zip_uint64_t got = 0;
    zip_int64_t r = 0;
    while (got < zs.size && (r = zip_fread(f, buf + got, zs.size - got)) > 0)
        got += (zip_uint64_t)r;
    char extra;
    /* Exactly the size the directory declared, and a good checksum. */
    if (r < 0 || got != zs.size || zip_fread(f, &extra, 1) != 0) {
        zip_fclose(f);
        free(buf);
        refuse(p, "import.bad.xlsx");
        return -1;
    }
    zip_fclose(f);
    buf[got] = '\0';
    p->used += got;
    *out = buf;
    *len = got;
    return 0;
}

/* ---- XML ------------------------------------------------------------------- */

static void no_dtd(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
    (void)name, (void)ext, (void)sys;
    xmlParserCtxtPtr c = ctx;
    *(int *)c->_private = 1;
    xmlStopParser(c);
}

/* Parses buf; NULL (and p->error_key) when it is not well-formed or has a
 * DTD: the DOCTYPE stops the parser before any declaration in it is read. */
static xmlDocPtr parse_xml(pkg *p, const char *buf, size_t len)
{
    pthread_once(&init_once, init_libxml);
    xmlParserCtxtPtr c = xmlNewParserCtxt();
    if (!c)
        return NULL;
    int dtd = 0;
    c->_private = &dtd;
    c->sax->internalSubset = no_dtd;
    xmlDocPtr d = xmlCtxtReadMemory(c, buf, (int)len, NULL, "UTF-8",
                                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (dtd || !c->wellFormed || !d) {
        xmlFreeDoc(d);
        d = NULL;
        refuse(p, dtd ? "import.bad.xlsx_dtd" : "import.bad.xlsx");
    }
    xmlFreeParserCtxt(c);
    return d;
}

/* Reads and parses a part. NULL when absent (*absent), refused or no memory. */
static xmlDocPtr part_doc(pkg *p, const char *name, int *absent, int *nomem)
{
    char *buf;
    size_t len = 0;
    int r = read_part(p, name, &buf, &len, nomem);
    if (absent)
        *absent = r == 1;
    if (r != 0)
        return NULL;
    xmlDocPtr d = parse_xml(p, buf, len);
    free(buf);
    return d;
}

static int is(const xmlNode *n, const char *local)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, local) == 0;
}

static xmlNode *child(const xmlNode *n, const char *local)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (is(c, local))
            return c;
    return NULL;
}

/* An attribute by local name, any namespace (r:id, or plain). NULL if absent. */
static const char *attr(const xmlNode *n, const char *local)
{
    for (xmlAttr *a = n->properties; a; a = a->next)
        if (strcmp((const char *)a->name, local) == 0 && a->children &&
            a->children->type == XML_TEXT_NODE)
            return (const char *)a->children->content;
    return NULL;
}

/* The text of <t> elements under n (not under <rPh>), malloc'd. */
static int gather_text(const xmlNode *n, char **acc, size_t *len)
{
    for (xmlNode *c = n->children; c; c = c->next) {
        if (is(c, "rPh"))
            continue;
        if (is(c, "t")) {
            xmlChar *t = xmlNodeGetContent(c);
            size_t tl = t ? strlen((const char *)t) : 0;
            char *nb = realloc(*acc, *len + tl + 1);
            if (!nb) {
                xmlFree(t);
                return -1;
            }
            memcpy(nb + *len, t ? (const char *)t : "", tl);
            *len += tl;
            nb[*len] = '\0';
            *acc = nb;
            xmlFree(t);
        } else if (c->type == XML_ELEMENT_NODE && gather_text(c, acc, len) != 0)
            return -1;
    }
    return 0;
}

static char *text_of(const xmlNode *n)
{
    char *acc = calloc(1, 1);
    size_t len = 0;
    if (acc && gather_text(n, &acc, &len) != 0) {
        free(acc);
        return NULL;
    }
    return acc;
}

/* ---- workbook, relationships, shared strings, styles ------------------------- */

/* The workbook part: the first sheet's relationship id and the date system. */
static int read_workbook(pkg *p, char *rid, size_t cap, int *date1904, int *nomem)
{
    xmlDocPtr d = part_doc(p, "xl/workbook.xml", NULL, nomem);
    if (!d) {
        refuse(p, "import.bad.xlsx");
        return -1;
    }
    xmlNode *root = xmlDocGetRootElement(d);
    xmlNode *pr = child(root, "workbookPr");
    const char *d1904 = pr ? attr(pr, "date1904") : NULL;
    *date1904 = d1904 && (strcmp(d1904, "1") == 0 || strcmp(d1904, "true") == 0);
    xmlNode *sheet = child(child(root, "sheets"), "sheet");
    const char *id = sheet ? attr(sheet, "id") : NULL;
    int ok = id && trygg_copy(rid, cap, id);
    xmlFreeDoc(d);
    if (!ok)
        refuse(p, "import.bad.xlsx");
    return ok ? 0 : -1;
}

/* A relationship target relative to xl/ (or absolute) as a package name. */
static void part_name(const char *target, char *out, size_t cap)
{
    if (target[0] == '/')
        trygg_copy_trunc(out, cap, target + 1);
    else
        snprintf(out, cap, "xl/%s", target);
}

static int ends_with(const char *s, const char *tail)
{
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && strcmp(s + a - b, tail) == 0;
}

/* The workbook's relationships part: the sheet `rid`, the shared strings and
 * the styles. */
static int read_rels(pkg *p, const char *rid, char sheet[128], char sst[128], char styles[128],
                     int *nomem)
{
    sheet[0] = sst[0] = styles[0] = '\0';
    xmlDocPtr d = part_doc(p, "xl/_rels/workbook.xml.rels", NULL, nomem);
    if (!d) {
        refuse(p, "import.bad.xlsx");
        return -1;
    }
    for (xmlNode *r = xmlDocGetRootElement(d)->children; r; r = r->next) {
        const char *id = is(r, "Relationship") ? attr(r, "Id") : NULL;
        const char *type = id ? attr(r, "Type") : NULL;
        const char *target = type ? attr(r, "Target") : NULL;
        if (!target)
            continue;
        if (strcmp(id, rid) == 0)
            part_name(target, sheet, 128);
        else if (ends_with(type, "/sharedStrings"))
            part_name(target, sst, 128);
        else if (ends_with(type, "/styles"))
            part_name(target, styles, 128);
    }
    xmlFreeDoc(d);
    if (!sheet[0])
        refuse(p, "import.bad.xlsx");
    return sheet[0] ? 0 : -1;
}

static int read_sst(pkg *p, const char *name, sheet_ctx *sc, int *nomem)
{
    if (!name[0])
        return 0;
    int absent = 0;
    xmlDocPtr d = part_doc(p, name, &absent, nomem);
    if (!d) {
        if (absent)
            refuse(p, "import.bad.xlsx");
        return -1;
    }
    xmlNode *root = xmlDocGetRootElement(d);
    int n = 0;
    for (xmlNode *si = root->children; si; si = si->next)
        n += is(si, "si");
    sc->sst = calloc((size_t)n + 1, sizeof *sc->sst);
    int rc = sc->sst ? 0 : -1;
    for (xmlNode *si = root->children; si && rc == 0; si = si->next)
        if (is(si, "si") && !(sc->sst[sc->nsst++] = text_of(si)))
            rc = -1;
    xmlFreeDoc(d);
    if (rc != 0)
        *nomem = 1;
    return rc;
}

/* 1 when a number format code shows a date or time: d, m, y, h or s outside
 * quoted text, escapes and [colour]/[condition] brackets ([h] counts). */
static int code_is_date(const char *code)
{
    for (const char *c = code; *c; c++) {
        if (*c == '"') {
            while (c[1] && c[1] != '"')
                c++;
            c += c[1] != '\0';
        } else if (*c == '\\' || *c == '_' || *c == '*') {
            c += c[1] != '\0';
        } else if (*c == '[') {
            const char *e = strchr(c, ']');
            if (!e)
                return 0;
            if (strspn(c + 1, "hHmMsS") == (size_t)(e - c - 1) && e > c + 1)
                return 1;
            c = e;
        } else if (strchr("dDmMyYhHsS", *c))
            return 1;
    }
    return 0;
}

static int builtin_is_date(int id)
{
    return (id >= 14 && id <= 22) || (id >= 45 && id <= 47);
}

static int custom_is_date(const xmlNode *fmts, int id)
{
    for (xmlNode *f = fmts ? fmts->children : NULL; f; f = f->next) {
        const char *fid = is(f, "numFmt") ? attr(f, "numFmtId") : NULL;
        const char *code = fid ? attr(f, "formatCode") : NULL;
        if (code && atoi(fid) == id)
            return code_is_date(code);
    }
    return 0;
}

/* The styles part: which cell styles (cellXfs) show a date. Optional. */
static int read_styles(pkg *p, const char *name, sheet_ctx *sc, int *nomem)
{
    if (!name[0])
        return 0;
    int absent = 0;
    xmlDocPtr d = part_doc(p, name, &absent, nomem);
    if (!d)
        return absent ? 0 : -1;
    xmlNode *root = xmlDocGetRootElement(d);
    xmlNode *fmts = child(root, "numFmts"), *xfs = child(root, "cellXfs");
    int n = 0;
    for (xmlNode *x = xfs ? xfs->children : NULL; x; x = x->next)
        n += is(x, "xf");
    sc->xf_date = calloc((size_t)n + 1, 1);
    if (!sc->xf_date) {
        xmlFreeDoc(d);
        *nomem = 1;
        return -1;
    }
    for (xmlNode *x = xfs ? xfs->children : NULL; x; x = x->next) {
        if (!is(x, "xf"))
            continue;
        const char *fid = attr(x, "numFmtId");
        int id = fid ? atoi(fid) : 0;
        sc->xf_date[sc->nxf++] = (unsigned char)(builtin_is_date(id) || custom_is_date(fmts, id));
    }
    xmlFreeDoc(d);
    return 0;
}

/* ---- dates ---------------------------------------------------------------- */

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void civil(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

int xlsx_read_serial(double serial, int date1904, char out[20])
{
    if (!(serial >= 0) || serial >= 2958466.0 || (!date1904 && serial >= 60 && serial < 61))
        return -1;
    int64_t secs = (int64_t)llround(serial * 86400.0);
    int64_t days = secs / 86400, sod = secs % 86400;
    int hh = (int)(sod / 3600), mm = (int)(sod / 60 % 60);
    if (days == 0 && !date1904) {
        snprintf(out, 20, "%02d:%02d", hh, mm);
        return 0;
    }
    if (!date1904 && days < 1)
        return -1;
    /* 1900: serial 1 is 1900-01-01 and serial 61 is 1900-03-01 (60 is the
     * leap day Excel counts that never was); 1904: serial 0 is 1904-01-01. */
    int64_t epoch = date1904 ? -24107 : days < 60 ? -25568 : -25569;
    int y, m, d;
    civil(days + epoch, &y, &m, &d);
    if (sod == 0)
        snprintf(out, 20, "%04d-%02d-%02d", y, m, d);
    else
        snprintf(out, 20, "%04d-%02d-%02d %02d:%02d", y, m, d, hh, mm);
    return 0;
}

/* ---- the sheet -------------------------------------------------------------- */

static void problem(sheet_ctx *sc, int line, int col, const char *key)
{
    xlsx_table *t = sc->out;
    if (t->nprobs < XLSX_READ_MAX_PROBLEMS)
        t->probs[t->nprobs++] = (xlsx_read_problem){line, col, key};
}

/* "C12" into column 2 (0-based); -1 when not a reference. */
static int ref_col(const char *ref)
{
    int col = 0, n = 0;
    for (; *ref >= 'A' && *ref <= 'Z' && n < 4; ref++, n++)
        col = col * 26 + (*ref - 'A' + 1);
    return n == 0 || n == 4 ? -1 : col - 1;
}

static char *number_text(sheet_ctx *sc, const xmlNode *c, const char *v, int line, int col)
{
    char *end = NULL;
    double x = strtod(v, &end);
    if (end == v || *end || !isfinite(x)) {
        problem(sc, line, col, "import.bad.xlsx");
        return NULL;
    }
    const char *s = attr(c, "s");
    int xf = s ? atoi(s) : 0;
    char buf[40];
    if (xf >= 0 && xf < sc->nxf && sc->xf_date[xf]) {
        if (xlsx_read_serial(x, sc->date1904, buf) != 0) {
            problem(sc, line, col, "import.bad.xlsx_date");
            return NULL;
        }
    } else if (x == floor(x) && fabs(x) < 1e15)
        snprintf(buf, sizeof buf, "%.0f", x);
    else
        snprintf(buf, sizeof buf, "%.15g", x);
    return strdup(buf);
}

/* The text of one cell; NULL when empty or refused (a problem). *nomem on
 * out of memory. */
static char *cell_text(sheet_ctx *sc, const xmlNode *c, int line, int col, int *nomem)
{
    const char *t = attr(c, "t");
    xmlNode *vn = child(c, "v");
    xmlChar *vx = vn ? xmlNodeGetContent(vn) : NULL;
    const char *v = vx ? (const char *)vx : NULL;
    char *out = NULL;
    if (t && strcmp(t, "inlineStr") == 0) {
        xmlNode *is_ = child(c, "is");
        out = is_ ? text_of(is_) : NULL;
        *nomem = is_ && !out;
    } else if (!v || !v[0]) {
        if (child(c, "f"))
            problem(sc, line, col, "import.bad.xlsx_formula");
    } else if (t && strcmp(t, "s") == 0) {
        char *end = NULL;
        long i = strtol(v, &end, 10);
        if (*end || i < 0 || i >= sc->nsst)
            problem(sc, line, col, "import.bad.xlsx");
        else
            *nomem = !(out = strdup(sc->sst[i]));
    } else if (t && strcmp(t, "e") == 0)
        problem(sc, line, col, "import.bad.xlsx_error");
    else if (t && strcmp(t, "b") == 0)
        *nomem = !(out = strdup(strcmp(v, "1") == 0 ? "TRUE" : "FALSE"));
    else if (t && strcmp(t, "str") == 0)
        *nomem = !(out = strdup(v));
    else
        out = number_text(sc, c, v, line, col);
    xmlFree(vx);
    return out;
}

/* Reads one <row> into r; 1 when it holds any text. */
static int read_row(sheet_ctx *sc, const xmlNode *row, xlsx_read_row *r, int *nomem)
{
    int col = -1, any = 0;
    for (xmlNode *c = row->children; c && !*nomem; c = c->next) {
        if (!is(c, "c"))
            continue;
        const char *ref = attr(c, "r");
        int rc = ref ? ref_col(ref) : -1;
        col = rc >= 0 ? rc : col + 1;
        char *text = cell_text(sc, c, r->line, col, nomem);
        if (!text)
            continue;
        if (!text[0] || col >= XLSX_READ_MAX_COLS) {
            if (text[0])
                problem(sc, r->line, col, "import.bad.column_unknown");
            free(text);
            continue;
        }
        free(r->cell[col]);
        r->cell[col] = text;
        if (col + 1 > r->n)
            r->n = col + 1;
        any = 1;
    }
    return any;
}

static int read_sheet(pkg *p, const char *name, sheet_ctx *sc, int *nomem)
{
    xmlDocPtr d = part_doc(p, name, NULL, nomem);
    if (!d) {
        refuse(p, "import.bad.xlsx");
        return -1;
    }
    xlsx_table *t = sc->out;
    t->rows = calloc((size_t)sc->max_rows, sizeof *t->rows);
    xmlNode *data = child(xmlDocGetRootElement(d), "sheetData");
    int line = 0;
    for (xmlNode *row = data ? data->children : NULL; row && t->rows && !*nomem; row = row->next) {
        if (!is(row, "row"))
            continue;
        const char *rn = attr(row, "r");
        line = rn && atoi(rn) > line ? atoi(rn) : line + 1;
        if (t->nrows >= sc->max_rows) {
            xlsx_read_row spare = {.line = line};
            t->more_rows |= read_row(sc, row, &spare, nomem);
            for (int i = 0; i < spare.n; i++)
                free(spare.cell[i]);
            continue;
        }
        xlsx_read_row *r = &t->rows[t->nrows];
        r->line = line;
        if (read_row(sc, row, r, nomem))
            t->nrows++;
        else
            memset(r, 0, sizeof *r);
    }
    *nomem |= !t->rows;
    xmlFreeDoc(d);
    return 0;
}

static void read_package(pkg *p, sheet_ctx *sc, int *nomem)
{
    char rid[64], sheet[128], sst[128], styles[128];
    if (zip_get_num_entries(p->zip, 0) > XLSX_READ_MAX_ENTRIES) {
        refuse(p, "import.bad.xlsx_big");
        return;
    }
    if (read_workbook(p, rid, sizeof rid, &sc->date1904, nomem) != 0 ||
        read_rels(p, rid, sheet, sst, styles, nomem) != 0 || read_sst(p, sst, sc, nomem) != 0 ||
        read_styles(p, styles, sc, nomem) != 0)
        return;
    (void)read_sheet(p, sheet, sc, nomem);
}

trygg_err xlsx_read(const void *data, size_t len, int max_rows, xlsx_table *out)
{
    memset(out, 0, sizeof *out);
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    pkg p = {0};
    if (src)
        p.zip = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    if (!p.zip) {
        zip_source_free(src);
        zip_error_fini(&ze);
        out->error_key = "import.bad.xlsx";
        return TRYGG_OK;
    }
    zip_error_fini(&ze);
    sheet_ctx sc = {.max_rows = max_rows > 0 ? max_rows : 1, .out = out};
    int nomem = 0;
    read_package(&p, &sc, &nomem);
    zip_discard(p.zip);
    for (int i = 0; i < sc.nsst; i++)
        free(sc.sst[i]);
    free(sc.sst);
    free(sc.xf_date);
    out->error_key = p.error_key;
    if (nomem || p.error_key) {
        xlsx_table_free(out);
        out->error_key = nomem ? NULL : p.error_key;
        return nomem ? TRYGG_ERR_NOMEM : TRYGG_OK;
    }
    return TRYGG_OK;
}

void xlsx_table_free(xlsx_table *t)
{
    for (int r = 0; r < t->nrows; r++)
        for (int c = 0; c < t->rows[r].n; c++)
            free(t->rows[r].cell[c]);
    free(t->rows);
    t->rows = NULL;
    t->nrows = 0;
}
