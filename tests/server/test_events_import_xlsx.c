/*
 * test_events_import_xlsx.c — a partner's weekly list as an Excel workbook
 * (server/xlsx_read.c through server/events_import.c): workbooks written by
 * libxlsxwriter read like the same list as CSV (shared and inline strings,
 * date and time cells, numbers, the first of two sheets), the same errors
 * by row and column, and hostile packages built with libzip refused as a
 * whole: not a zip, missing parts, a DTD with entities, a zip bomb past the
 * size or ratio cap, formulas without a saved value, error cells.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "events_import.h"
#include "trygg/paths.h"
#include "xlsx_read.h"

static trygg_i18n *texts;
static server_catalog cat;
static char tmpdir[64];

static int setup(void **state)
{
    (void)state;
    char dir[1024], err[256];
    assert_int_equal(trygg_asset_path("i18n/web", dir, sizeof dir), TRYGG_OK);
    assert_int_equal(trygg_i18n_load(dir, &texts, err, sizeof err), TRYGG_OK);
    static const char *const ids[] = {"centrum", "lodose"};
    static const char *const labels[] = {"Centrum", "Lödöse"};
    for (int i = 0; i < 2; i++) {
        snprintf(cat.areas[i].id, sizeof cat.areas[i].id, "%s", ids[i]);
        snprintf(cat.areas[i].label[0], sizeof cat.areas[i].label[0], "%s", labels[i]);
    }
    cat.nareas = 2;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/trygg-xlsx-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    trygg_i18n_free(texts);
    rmdir(tmpdir);
    return 0;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    char *buf = malloc((size_t)n);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    unlink(path);
    return buf;
}

static void import(const char *data, size_t len, events_import *imp)
{
    assert_int_equal(
        events_import_xlsx(&cat, texts, data, len, "housing", "hanna", "2026-12-06", imp),
        TRYGG_OK);
}

static int has_error(const events_import *imp, int line, const char *column, const char *key)
{
    for (int i = 0; i < imp->nerrs; i++)
        if (imp->errs[i].line == line && strcmp(imp->errs[i].column, column) == 0 &&
            strcmp(imp->errs[i].reason_key, key) == 0)
            return 1;
    return 0;
}

/* ---- workbooks written by libxlsxwriter -------------------------------------- */

static void write_header(lxw_worksheet *ws)
{
    static const char *const head[] = {"Datum", "Tid",   "Typ",        "Område",
                                       "Plats", "Antal", "Beskrivning"};
    for (int c = 0; c < 7; c++)
        worksheet_write_string(ws, 0, (lxw_col_t)c, head[c], NULL);
}

/* The list of test_events_import.c's test_swedish_spreadsheet, with typed
 * cells: a date, a clock time, a number. constant_memory makes libxlsxwriter
 * write inline strings instead of shared ones. */
static char *weekly_workbook(int constant_memory, size_t *len)
{
    char path[128];
    snprintf(path, sizeof path, "%s/list.xlsx", tmpdir);
    lxw_workbook_options opt = {.constant_memory = (uint8_t)constant_memory, .tmpdir = tmpdir};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    assert_non_null(wb);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Vecka 49");
    lxw_worksheet *other = workbook_add_worksheet(wb, "Anteckningar");
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy-mm-dd");
    lxw_format *clock = workbook_add_format(wb);
    format_set_num_format(clock, "hh:mm");
    write_header(ws);
    lxw_datetime d1 = {2026, 11, 30, 0, 0, 0}, t1 = {0, 0, 0, 22, 15, 0};
    worksheet_write_datetime(ws, 1, 0, &d1, date);
    worksheet_write_datetime(ws, 1, 1, &t1, clock);
    worksheet_write_string(ws, 1, 2, "Klotter", NULL);
    worksheet_write_string(ws, 1, 3, "Lödöse", NULL);
    worksheet_write_string(ws, 1, 4, "Gångtunneln", NULL);
    worksheet_write_number(ws, 1, 5, 3, NULL);
    worksheet_write_string(ws, 1, 6, "Taggar; nya", NULL);
    lxw_datetime d2 = {2026, 12, 1, 0, 0, 0};
    worksheet_write_datetime(ws, 2, 0, &d2, date);
    worksheet_write_string(ws, 2, 1, "kväll (18–24)", NULL);
    worksheet_write_string(ws, 2, 2, "skadegörelse", NULL);
    worksheet_write_string(ws, 2, 3, "centrum", NULL);
    /* A blank row in between is skipped, as the row numbers stay. */
    worksheet_write_string(ws, 4, 0, "2026-12-02", NULL); /* a date typed as text */
    worksheet_write_string(ws, 4, 1, "Natt (00–06)", NULL);
    worksheet_write_string(ws, 4, 2, "narkotika (sprutor, försäljning)", NULL);
    worksheet_write_string(ws, 4, 3, "CENTRUM", NULL);
    worksheet_write_string(ws, 4, 4, "Parken", NULL);
    worksheet_write_string(ws, 4, 5, "2", NULL);
    worksheet_write_string(other, 0, 0, "Det här bladet läses inte", NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    return slurp(path, len);
}

static void check_weekly(const events_import *imp)
{
    assert_int_equal(imp->nerrs, 0);
    assert_int_equal(imp->n, 3);
    assert_string_equal(imp->evs[0].day, "2026-11-30");
    assert_int_equal(imp->evs[0].type, TRYGG_EVENT_GRAFFITI);
    assert_string_equal(imp->evs[0].band, "evening");
    assert_string_equal(imp->evs[0].area, "lodose");
    assert_string_equal(imp->evs[0].place, "Gångtunneln");
    assert_int_equal(imp->evs[0].count, 3);
    assert_string_equal(imp->evs[0].text, "Taggar; nya");
    assert_string_equal(imp->evs[0].org, "housing");
    assert_string_equal(imp->evs[0].reporter, "hanna");
    assert_string_equal(imp->evs[1].day, "2026-12-01");
    assert_int_equal(imp->evs[1].type, TRYGG_EVENT_DAMAGE);
    assert_int_equal(imp->evs[1].count, 1);
    assert_int_equal(imp->evs[2].type, TRYGG_EVENT_DRUGS);
    assert_string_equal(imp->evs[2].band, "night");
    assert_string_equal(imp->evs[2].day, "2026-12-02");
    assert_int_equal(imp->evs[2].count, 2);
}

static void test_xlsxwriter_workbook(void **state)
{
    (void)state;
    for (int cm = 0; cm <= 1; cm++) {
        size_t len = 0;
        char *wb = weekly_workbook(cm, &len);
        assert_true(xlsx_read_is_zip(wb, len));
        events_import imp;
        import(wb, len, &imp);
        check_weekly(&imp);
        events_import_free(&imp);
        free(wb);
    }
}

/* Wrong rows: the same keys as the CSV, at the sheet's row numbers. */
static void test_xlsx_row_errors(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/bad.xlsx", tmpdir);
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "d mmm yyyy");
    write_header(ws);
    const char *types[] = {"Klotter", "Sprayfärg", "Klotter", "Klotter"};
    const char *areas[] = {"Centrum", "Centrum", "Göteborg", "Centrum"};
    for (int r = 1; r <= 4; r++) {
        lxw_datetime d = {2026, 12, r == 4 ? 24 : 1, 0, 0, 0}; /* row 5: the future */
        worksheet_write_datetime(ws, (lxw_row_t)r, 0, &d, date);
        worksheet_write_string(ws, (lxw_row_t)r, 1, "kväll (18–24)", NULL);
        worksheet_write_string(ws, (lxw_row_t)r, 2, types[r - 1], NULL);
        worksheet_write_string(ws, (lxw_row_t)r, 3, areas[r - 1], NULL);
    }
    worksheet_write_number(ws, 1, 5, 2.5, NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    size_t len = 0;
    char *data = slurp(path, &len);
    events_import imp;
    import(data, len, &imp);
    assert_int_equal(imp.nerrs, 4);
    assert_true(has_error(&imp, 2, "antal", "event.bad.count"));
    assert_string_equal(imp.errs[0].value, "2.5");
    assert_true(has_error(&imp, 3, "typ", "event.bad.type"));
    assert_true(has_error(&imp, 4, "område", "event.bad.area"));
    assert_true(has_error(&imp, 5, "datum", "event.bad.day"));
    events_import_free(&imp);
    free(data);
}

/* ---- hand-built packages ------------------------------------------------------ */

typedef struct part {
    const char *name, *text;
    size_t len; /* 0: strlen(text) */
} part;

static char *make_zip(const part *parts, int n, size_t *len)
{
    char path[128];
    snprintf(path, sizeof path, "%s/hand.xlsx", tmpdir);
    int err = 0;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
    assert_non_null(z);
    for (int i = 0; i < n; i++) {
        size_t l = parts[i].len ? parts[i].len : strlen(parts[i].text);
        zip_source_t *s = zip_source_buffer(z, parts[i].text, l, 0);
        assert_non_null(s);
        assert_true(zip_file_add(z, parts[i].name, s, ZIP_FL_OVERWRITE) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
    return slurp(path, len);
}

#define WORKBOOK                                                                                   \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook "                                         \
    "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "                         \
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">%s"           \
    "<sheets><sheet name=\"A\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
#define RELS                                                                                       \
    "<?xml version=\"1.0\"?><Relationships "                                                       \
    "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"                      \
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"      \
    "relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"                                 \
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"      \
    "relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"                                 \
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"      \
    "relationships/styles\" Target=\"/xl/styles.xml\"/></Relationships>"
#define STYLES                                                                                     \
    "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"             \
    "<cellXfs count=\"2\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/></cellXfs></styleSheet>"
#define HEAD_ROW                                                                                   \
    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"                \
    "<c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"s\"><v>3</v></c></row>"
#define SST_HEAD                                                                                   \
    "<si><t>datum</t></si><si><t>tid</t></si><si><r><t>ty</t></r><r><t>p</t></r>"                  \
    "<rPh><t>x</t></rPh></si><si><t>område</t></si>"

/* A package with the given sheet rows, shared strings and workbook extra. */
static char *hand_workbook(const char *rows, const char *sst_extra, const char *wbpr, size_t *len)
{
    static char wb[1024], sheet[8192], sst[4096];
    snprintf(wb, sizeof wb, WORKBOOK, wbpr);
    snprintf(sheet, sizeof sheet,
             "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
             "<sheetData>" HEAD_ROW "%s</sheetData></worksheet>",
             rows);
    snprintf(sst, sizeof sst, "%s<sst>" SST_HEAD "</sst>", sst_extra);
    part parts[] = {{"xl/workbook.xml", wb, 0},
                    {"xl/_rels/workbook.xml.rels", RELS, 0},
                    {"xl/worksheets/sheet1.xml", sheet, 0},
                    {"xl/sharedStrings.xml", sst, 0},
                    {"xl/styles.xml", STYLES, 0}};
    return make_zip(parts, 5, len);
}

static void import_hand(const char *rows, const char *sst_extra, const char *wbpr,
                        events_import *imp)
{
    size_t len = 0;
    char *data = hand_workbook(rows, sst_extra, wbpr, &len);
    import(data, len, imp);
    free(data);
}

static void test_hand_cells(void **state)
{
    (void)state;
    events_import imp;
    /* Row 2: serial date (style 1 = built-in 14), time as text, inline
     * string. Row 3: a formula string with its saved value, a number time. */
    import_hand("<row r=\"2\"><c r=\"A2\" s=\"1\"><v>46356</v></c><c r=\"B2\" t=\"inlineStr\">"
                "<is><t>22:15</t></is></c><c r=\"C2\" t=\"inlineStr\"><is><t>Klotter</t></is></c>"
                "<c r=\"D2\" t=\"inlineStr\"><is><t>Centrum</t></is></c></row>"
                "<row r=\"3\"><c r=\"A3\" t=\"str\"><f>TEXT(A2,\"yyyy-mm-dd\")</f>"
                "<v>2026-11-30</v></c><c r=\"B3\" s=\"1\"><v>0.25</v></c>"
                "<c r=\"C3\" t=\"inlineStr\"><is><t>Brand</t></is></c>"
                "<c r=\"D3\" t=\"inlineStr\"><is><t>lodose</t></is></c></row>",
                "", "", &imp);
    assert_int_equal(imp.nerrs, 0);
    assert_int_equal(imp.n, 2);
    assert_string_equal(imp.evs[0].day, "2026-11-30");
    assert_string_equal(imp.evs[0].band, "evening");
    assert_string_equal(imp.evs[1].day, "2026-11-30");
    assert_string_equal(imp.evs[1].band, "morning"); /* 06:00 */
    events_import_free(&imp);
    /* 1904 date system: the same day is 1462 days earlier. */
    import_hand("<row r=\"2\"><c r=\"A2\" s=\"1\"><v>44894</v></c><c r=\"B2\" t=\"inlineStr\">"
                "<is><t>natt</t></is></c><c r=\"C2\" t=\"inlineStr\"><is><t>Klotter</t></is></c>"
                "<c r=\"D2\" t=\"inlineStr\"><is><t>Centrum</t></is></c></row>",
                "", "<workbookPr date1904=\"1\"/>", &imp);
    assert_int_equal(imp.nerrs, 0);
    assert_string_equal(imp.evs[0].day, "2026-11-30");
    events_import_free(&imp);
}

static void test_hand_refused_cells(void **state)
{
    (void)state;
    events_import imp;
    import_hand("<row r=\"2\"><c r=\"A2\"><f>TODAY()</f></c><c r=\"B2\" t=\"e\"><v>#N/A</v></c>"
                "<c r=\"C2\" t=\"inlineStr\"><is><t>Klotter</t></is></c>"
                "<c r=\"D2\" t=\"inlineStr\"><is><t>Centrum</t></is></c></row>"
                "<row r=\"7\"><c r=\"A7\" s=\"1\"><v>60</v></c><c r=\"B7\" t=\"inlineStr\">"
                "<is><t>natt</t></is></c><c r=\"C7\" t=\"inlineStr\"><is><t>Klotter</t></is>"
                "</c><c r=\"D7\" t=\"inlineStr\"><is><t>Centrum</t></is></c>"
                "<c r=\"AH7\" t=\"inlineStr\"><is><t>långt ut</t></is></c></row>",
                "", "", &imp);
    assert_true(has_error(&imp, 2, "datum", "import.bad.xlsx_formula"));
    assert_true(has_error(&imp, 2, "tid", "import.bad.xlsx_error"));
    assert_true(has_error(&imp, 7, "datum", "import.bad.xlsx_date"));
    assert_true(has_error(&imp, 7, "AH", "import.bad.column_unknown"));
    assert_int_equal(imp.n, 2); /* read, but never stored: nerrs > 0 */
    events_import_free(&imp);
}

static void expect_refused(const char *data, size_t len, const char *key)
{
    events_import imp;
    import(data, len, &imp);
    assert_int_equal(imp.nerrs, 1);
    assert_int_equal(imp.errs[0].line, 0);
    assert_string_equal(imp.errs[0].reason_key, key);
    events_import_free(&imp);
}

static void test_hostile_packages(void **state)
{
    (void)state;
    expect_refused("PK\x03\x04\x14\x00\x06\x00", 8, "import.bad.xlsx"); /* cut short */
    size_t len = 0;
    /* A DTD with the "billion laughs" entities in the shared strings. */
    char *data = hand_workbook(
        "", "<!DOCTYPE sst [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>",
        "", &len);
    expect_refused(data, len, "import.bad.xlsx_dtd");
    free(data);
    /* An entity that was never declared. */
    data = hand_workbook("<row r=\"2\"><c t=\"inlineStr\"><is><t>&x;</t></is></c></row>", "", "",
                         &len);
    expect_refused(data, len, "import.bad.xlsx");
    free(data);
    /* Missing parts: no workbook, or a sheet the relationships do not name. */
    part no_wb[] = {{"xl/_rels/workbook.xml.rels", RELS, 0}};
    data = make_zip(no_wb, 1, &len);
    expect_refused(data, len, "import.bad.xlsx");
    free(data);
    char wb[1024];
    snprintf(wb, sizeof wb, WORKBOOK, "");
    part no_sheet[] = {{"xl/workbook.xml", wb, 0}, {"xl/_rels/workbook.xml.rels", RELS, 0}};
    data = make_zip(no_sheet, 2, &len);
    expect_refused(data, len, "import.bad.xlsx");
    free(data);
    /* Zip bombs: a part past the size cap, and one past the ratio cap. */
    size_t big = XLSX_READ_PART_MAX + 1;
    char *zeros = calloc(1, big);
    assert_non_null(zeros);
    memset(zeros, ' ', big);
    part bomb[] = {{"xl/workbook.xml", zeros, big}, {"xl/_rels/workbook.xml.rels", RELS, 0}};
    data = make_zip(bomb, 2, &len);
    assert_true(len < 64 * 1024);
    expect_refused(data, len, "import.bad.xlsx_big");
    free(data);
    bomb[0].len = 2u << 20; /* 2 MiB of spaces packs > 100:1 */
    data = make_zip(bomb, 2, &len);
    expect_refused(data, len, "import.bad.xlsx_big");
    free(data);
    free(zeros);
}

static void test_serials(void **state)
{
    (void)state;
    char out[20];
    assert_int_equal(xlsx_read_serial(1, 0, out), 0);
    assert_string_equal(out, "1900-01-01");
    assert_int_equal(xlsx_read_serial(59, 0, out), 0);
    assert_string_equal(out, "1900-02-28");
    assert_int_equal(xlsx_read_serial(60, 0, out), -1);
    assert_int_equal(xlsx_read_serial(61, 0, out), 0);
    assert_string_equal(out, "1900-03-01");
    assert_int_equal(xlsx_read_serial(46356.75, 0, out), 0);
    assert_string_equal(out, "2026-11-30 18:00");
    assert_int_equal(xlsx_read_serial(0.9270833333, 0, out), 0);
    assert_string_equal(out, "22:15");
    assert_int_equal(xlsx_read_serial(0, 1, out), 0);
    assert_string_equal(out, "1904-01-01");
    assert_int_equal(xlsx_read_serial(-1, 0, out), -1);
    assert_int_equal(xlsx_read_serial(3e6, 0, out), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xlsxwriter_workbook), cmocka_unit_test(test_xlsx_row_errors),
        cmocka_unit_test(test_hand_cells),          cmocka_unit_test(test_hand_refused_cells),
        cmocka_unit_test(test_hostile_packages),    cmocka_unit_test(test_serials),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
