/*
 * test_store_move.c — moving a store (trygg/store_move.h, `tryggctl move`):
 * a SQLite file with a row in every data table that is moved (the test
 * fails for a table it does not fill, so a new table is moved and checked
 * too) goes into an empty target: PostgreSQL under TRYGG_TEST_PG (ctest
 * label pg), else a second SQLite file. Then every moved table holds the
 * same rows on both (read through trygg_store_export_rows), the same
 * store.h reads give the same answers, new rows get fresh ids, a second
 * move is refused, and a move that fails midway leaves its target empty.
 * Also SQLite's online backup (trygg_store_backup): the copy opens with the
 * same rows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <liboath/oath.h>
#include <time.h>

#include "store_fixture.h"
#include "trygg/copy.h"
#include "trygg/police_events.h"
#include "trygg/report.h"
#include "trygg/store_move.h"
#include "trygg/time.h"

#define PSEUDO "5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed"

typedef struct mfix {
    char dir[512], src[600], dst[600], pgdb[64];
    trygg_store *from, *to;
    int64_t first_id, later_id; /* the first item is a duplicate of the later one */
    char kiosk_token[64];
} mfix;

static int setup(void **state)
{
    mfix *m = calloc(1, sizeof *m);
    const char *tmp = getenv("TMPDIR");
    snprintf(m->dir, sizeof m->dir, "%s/trygg-move-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(m->dir))
        return -1;
    snprintf(m->src, sizeof m->src, "%s/source.db", m->dir);
    if (fx_db_make(m->dir, m->dst, sizeof m->dst, m->pgdb) != 0)
        return -1;
    if (trygg_store_open(m->src, &m->from) != TRYGG_OK ||
        trygg_store_open(m->dst, &m->to) != TRYGG_OK)
        return -1;
    *state = m;
    return 0;
}

static int teardown(void **state)
{
    mfix *m = *state;
    trygg_store_close(m->from);
    trygg_store_close(m->to);
    fx_db_drop_name(m->pgdb);
    fx_rmdir(m->dir);
    free(m);
    return 0;
}

static int64_t submit(trygg_store *st, const char *key, trygg_kind kind, const char *text)
{
    trygg_item it, out;
    fx_item(&it, key, kind, "centrum", text);
    snprintf(it.place, sizeof it.place, "Strömsvägen 12");
    int created = 0;
    assert_int_equal(trygg_store_submit(st, &it, &out, &created), TRYGG_OK);
    return out.id;
}

/* Items, their thread and audit, a contact with its encrypted number, an
 * item marked as duplicate of a later one. */
static void fill_items(mfix *m)
{
    trygg_store *st = m->from;
    m->first_id = submit(st, "mv-1", TRYGG_KIND_CONCERN, "Mörkt vid cykelstället");
    m->later_id = submit(st, "mv-2", TRYGG_KIND_FAULT, "Trasig lampa vid cykelstället");
    assert_int_equal(trygg_store_set_status(st, m->first_id, "sara", TRYGG_STATUS_CLOSED,
                                            TRYGG_CLOSE_DUPLICATE, m->later_id),
                     TRYGG_OK);
    assert_int_equal(trygg_store_set_urgent(st, m->later_id, "sara", 1), TRYGG_OK);
    int64_t msg, id;
    assert_int_equal(
        trygg_store_add_message(st, m->later_id, TRYGG_MSG_IN, "smsgw", "Mer info", &msg),
        TRYGG_OK);
    assert_int_equal(trygg_store_access_add(st, "sara", "view", m->later_id, "detail"), TRYGG_OK);
    trygg_contact c;
    const unsigned char cipher[5] = {9, 0, 7, 0, 5};
    assert_int_equal(trygg_store_contact_get_or_create(st, PSEUDO, cipher, 5, "Tipsare T-", &c),
                     TRYGG_OK);
    assert_int_equal(trygg_store_sms_enqueue(st, m->later_id, PSEUDO, "sara", "Tack", &id),
                     TRYGG_OK);
    assert_int_equal(trygg_store_notify_enqueue(st, m->later_id, "housing", "email", "{}", &id),
                     TRYGG_OK);
    int64_t now = (int64_t)time(NULL);
    assert_int_equal(trygg_store_sms_inbound_put(st, "in-1", m->later_id, PSEUDO, now), TRYGG_OK);
    assert_int_equal(trygg_store_call_put(st, PSEUDO, now), TRYGG_OK);
    assert_int_equal(trygg_store_sms_counter_add(st, "2026-12-01", "in", 3), TRYGG_OK);
}

/* The RFC 6238 code of base32 `secret` at time t. */
static void totp_code(const char *secret, int64_t t, char out[8])
{
    char *bin = NULL;
    size_t len = 0;
    assert_int_equal(oath_init(), OATH_OK);
    assert_int_equal(oath_base32_decode(secret, strlen(secret), &bin, &len), OATH_OK);
    assert_int_equal(oath_totp_generate(bin, len, (time_t)t, 30, 0, 6, out), OATH_OK);
    free(bin);
}

/* Staff (with a two-step key and recovery codes), kiosks, walks, notices, templates, destinations,
 * health. */
static void fill_admin(mfix *m)
{
    trygg_store *st = m->from;
    trygg_user u = {0};
    snprintf(u.username, sizeof u.username, "sara");
    snprintf(u.role, sizeof u.role, "security");
    assert_int_equal(trygg_store_user_add(st, &u, "ett-långt-lösenord"), TRYGG_OK);
    char secret[TRYGG_TOTP_SECRET_LEN];
    assert_int_equal(trygg_store_user_totp_begin(st, "sara", NULL, secret), TRYGG_OK);
    char code[8], codes[TRYGG_RECOVERY_CODES][TRYGG_RECOVERY_LEN];
    int64_t now = (int64_t)time(NULL);
    totp_code(secret, now, code);
    assert_int_equal(trygg_store_user_totp_enable(st, "sara", code, now, codes), TRYGG_OK);
    trygg_destination d = {.name = "housing", .label = "Bostadsbolaget", .email = "bo@example.se"};
    assert_int_equal(trygg_store_dest_put(st, &d), TRYGG_OK);
    trygg_kiosk k;
    memset(&k, 0, sizeof k);
    snprintf(k.id, sizeof k.id, "bibl-1");
    snprintf(k.name, sizeof k.name, "Biblioteket");
    assert_int_equal(trygg_store_kiosk_add(st, &k, m->kiosk_token), TRYGG_OK);
    char prefix[4];
    assert_int_equal(trygg_store_kiosk_new_prefix(st, "bibl-1", prefix), TRYGG_OK);
    assert_int_equal(trygg_store_kiosk_heartbeat(st, "bibl-1", "0.1.0", 0, ""), TRYGG_OK);
    trygg_walk w = {0};
    w.starts = 1800000000;
    TRYGG_COPY_TRUNC(w.area, "centrum");
    TRYGG_COPY_TRUNC(w.place, "Ströms slott");
    w.capacity = 20;
    assert_int_equal(trygg_store_walk_put(st, &w), TRYGG_OK);
    trygg_notice nt = {0};
    TRYGG_COPY_TRUNC(nt.text, "Hej");
    nt.from = 1;
    nt.to = 2;
    assert_int_equal(trygg_store_notice_put(st, &nt), TRYGG_OK);
    assert_int_equal(trygg_store_template_set(st, "tpl.thanks", "sv", "Tack!", "sara"), TRYGG_OK);
    assert_int_equal(trygg_store_health_put(st, "modem", "{\"signal\": 60}"), TRYGG_OK);
    trygg_session s;
    memset(&s, 0, sizeof s);
    TRYGG_COPY_TRUNC(s.token_hash, "aa11");
    TRYGG_COPY_TRUNC(s.csrf, "c");
    TRYGG_COPY_TRUNC(s.username, "sara");
    s.created = s.last_seen = (int64_t)time(NULL);
    assert_int_equal(trygg_store_session_put(st, &s), TRYGG_OK);
    assert_int_equal(trygg_store_job_lease(st, "purge", "srv-a", (int64_t)time(NULL), 60),
                     TRYGG_OK);
}

/* The report's and the meeting's tables, police events. */
static void fill_report(mfix *m)
{
    trygg_store *st = m->from;
    trygg_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = TRYGG_EVENT_GRAFFITI;
    TRYGG_COPY_TRUNC(ev.day, "2026-11-30");
    TRYGG_COPY_TRUNC(ev.band, "night");
    TRYGG_COPY_TRUNC(ev.area, "centrum");
    ev.count = 2;
    TRYGG_COPY_TRUNC(ev.org, "housing");
    TRYGG_COPY_TRUNC(ev.reporter, "vaktmastare");
    int64_t id;
    assert_int_equal(trygg_store_event_add(st, &ev, &id), TRYGG_OK);
    trygg_week_note note = {.week = "2026-W48", .author = "sara"};
    TRYGG_COPY_TRUNC(note.assessment, "Lugn vecka");
    assert_int_equal(trygg_store_note_save(st, &note, NULL), TRYGG_OK);
    trygg_decision d = {.week = "2026-W48", .org = "housing"};
    TRYGG_COPY_TRUNC(d.text, "Byt belysning i gångtunneln");
    assert_int_equal(trygg_store_decision_add(st, &d, &id), TRYGG_OK);
    trygg_measure me;
    memset(&me, 0, sizeof me);
    TRYGG_COPY_TRUNC(me.title, "Belysning");
    TRYGG_COPY_TRUNC(me.org, "housing");
    TRYGG_COPY_TRUNC(me.start_day, "2026-10-01");
    TRYGG_COPY_TRUNC(me.status, "ongoing");
    me.priority = 2;
    me.cost = -1;
    assert_int_equal(trygg_store_measure_add(st, &me, &id), TRYGG_OK);
    assert_int_equal(trygg_store_plan_set(st, "Planen gäller 2027."), TRYGG_OK);
    char when[40], json[256], err[128];
    int64_t now = (int64_t)time(NULL);
    assert_true(trygg_time_format_utc(now, "%Y-%m-%d %H:%M:%S +00:00", when, sizeof when) > 0);
    snprintf(json, sizeof json,
             "[{\"id\":7,\"datetime\":\"%s\",\"name\":\"Brand\",\"summary\":\"\",\"url\":\"\","
             "\"type\":\"Brand\",\"location\":{\"name\":\"Lilla Edet\"}}]",
             when);
    int stored = 0;
    assert_int_equal(
        trygg_police_store_json(st, json, strlen(json), NULL, &stored, NULL, err, sizeof err),
        TRYGG_OK);
    assert_int_equal(trygg_police_note(st, "police_last_ok", now), TRYGG_OK);
    trygg_place_ref ref;
    memset(&ref, 0, sizeof ref);
    TRYGG_COPY_TRUNC(ref.area, "centrum");
    TRYGG_COPY_TRUNC(ref.label, "Torget");
    assert_int_equal(trygg_police_place(st, 7, "torget", &ref, "sara", now), TRYGG_OK);
}

/* Every row of `table` as text, rows sorted, into one buffer. */
typedef struct dump {
    char **rows;
    int n, cap;
} dump;

static int dump_row(void *ctx, const trygg_sql_val *v, int n)
{
    dump *d = ctx;
    char line[8192];
    size_t used = 0;
    for (int i = 0; i < n && used < sizeof line - 64; i++) {
        if (v[i].kind == TRYGG_SQLV_INT)
            used += (size_t)snprintf(line + used, sizeof line - used, "|%lld", (long long)v[i].i);
        else if (v[i].kind == TRYGG_SQLV_NULL)
            used += (size_t)snprintf(line + used, sizeof line - used, "|NULL");
        else if (v[i].kind == TRYGG_SQLV_TEXT)
            used += (size_t)snprintf(line + used, sizeof line - used, "|'%.2000s'",
                                     (const char *)v[i].p);
        else
            for (int64_t k = 0; k < v[i].i && used < sizeof line - 8; k++)
                used += (size_t)snprintf(line + used, sizeof line - used, "%02x",
                                         ((const unsigned char *)v[i].p)[k]);
    }
    if (d->n == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 16;
        d->rows = realloc(d->rows, (size_t)d->cap * sizeof *d->rows);
    }
    d->rows[d->n++] = strdup(line);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void dump_table(trygg_store *st, const char *table, dump *d)
{
    memset(d, 0, sizeof *d);
    assert_int_equal(trygg_store_export_rows(st, table, dump_row, d), TRYGG_OK);
    qsort(d->rows, (size_t)d->n, sizeof *d->rows, cmp_str);
}

static void dump_free(dump *d)
{
    for (int i = 0; i < d->n; i++)
        free(d->rows[i]);
    free(d->rows);
}

typedef struct compare {
    int tables, empty;
} compare;

/* trygg_count_cb over the source's tables: each moved one has rows and the
 * same rows in the target. */
static int compare_table(void *ctx, const char *table, int64_t rows)
{
    compare *c = ctx;
    if (trygg_store_move_skips(table, NULL))
        return 0;
    c->tables++;
    if (rows == 0) {
        fprintf(stderr, "table %s has no row in the fixture (test_store_move.c)\n", table);
        c->empty++;
    }
    return 0;
}

static void fill(mfix *m)
{
    fill_items(m);
    fill_admin(m);
    fill_report(m);
    compare c = {0, 0};
    assert_int_equal(trygg_store_table_rows(m->from, compare_table, &c), TRYGG_OK);
    assert_true(c.tables >= 25);
    assert_int_equal(c.empty, 0);
}

static int collect_name(void *ctx, const char *table, int64_t rows)
{
    (void)rows;
    char(*names)[64] = ((char(**)[64])ctx)[0];
    int *n = ((int **)ctx)[1];
    if (!trygg_store_move_skips(table, NULL) && *n < 64)
        trygg_copy_trunc(names[(*n)++], 64, table);
    return 0;
}

/* The rows of every moved table are the same in both stores. */
static void assert_same_rows(trygg_store *a, trygg_store *b)
{
    char names[64][64];
    int n = 0;
    void *ctx[2] = {names, &n};
    assert_int_equal(trygg_store_table_rows(a, collect_name, ctx), TRYGG_OK);
    assert_true(n >= 25);
    for (int i = 0; i < n; i++) {
        dump x, y;
        dump_table(a, names[i], &x);
        dump_table(b, names[i], &y);
        if (x.n != y.n)
            fprintf(stderr, "table %s: %d rows, %d moved\n", names[i], x.n, y.n);
        assert_int_equal(x.n, y.n);
        for (int k = 0; k < x.n; k++) {
            if (strcmp(x.rows[k], y.rows[k]) != 0)
                fprintf(stderr, "table %s differs:\n  %s\n  %s\n", names[i], x.rows[k], y.rows[k]);
            assert_string_equal(x.rows[k], y.rows[k]);
        }
        dump_free(&x);
        dump_free(&y);
    }
}

/* The same store.h reads give the same answers on both. */
static void assert_same_reads(mfix *m, trygg_store *a, trygg_store *b)
{
    trygg_store *sts[2] = {a, b};
    trygg_item items[2][8];
    int n[2];
    for (int s = 0; s < 2; s++) {
        trygg_filter f;
        trygg_filter_init(&f);
        f.view = TRYGG_VIEW_FULL;
        TRYGG_COPY_TRUNC(f.query, "cykel*");
        assert_int_equal(trygg_store_list(sts[s], &f, NULL, items[s], 8, &n[s], NULL), TRYGG_OK);
    }
    assert_int_equal(n[0], 2);
    assert_int_equal(n[1], n[0]);
    for (int i = 0; i < n[0]; i++) {
        assert_int_equal(items[1][i].id, items[0][i].id);
        assert_string_equal(items[1][i].ref, items[0][i].ref);
        assert_string_equal(items[1][i].text, items[0][i].text);
        assert_int_equal(items[1][i].created, items[0][i].created);
        assert_int_equal(items[1][i].purge_at, items[0][i].purge_at);
        assert_int_equal(items[1][i].urgent, items[0][i].urgent);
        assert_int_equal(items[1][i].duplicate_of, items[0][i].duplicate_of);
    }
    trygg_contact c[2];
    for (int s = 0; s < 2; s++)
        assert_int_equal(trygg_store_contact_get(sts[s], PSEUDO, &c[s]), TRYGG_OK);
    assert_string_equal(c[1].alias, c[0].alias);
    assert_int_equal(c[1].cipher_len, 5);
    assert_memory_equal(c[1].cipher, c[0].cipher, 5);
    trygg_user u;
    assert_int_equal(trygg_store_user_verify(b, "sara", "ett-långt-lösenord", &u), TRYGG_OK);
    trygg_kiosk k;
    assert_int_equal(trygg_store_kiosk_auth(b, m->kiosk_token, &k), TRYGG_OK);
    assert_string_equal(k.id, "bibl-1");
    int64_t police = 0, audits = 0;
    assert_int_equal(trygg_police_count(b, &police), TRYGG_OK);
    assert_int_equal(police, 1);
    assert_int_equal(trygg_police_place_audits(b, 7, &audits), TRYGG_OK);
    assert_int_equal(audits, 1);
}

static void test_move_everything(void **state)
{
    mfix *m = *state;
    fill(m);
    char msg[1024];
    trygg_err err = trygg_store_move(m->from, m->to, NULL, NULL, msg, sizeof msg);
    if (err)
        fprintf(stderr, "move: %s\n", msg);
    assert_int_equal(err, TRYGG_OK);
    assert_same_rows(m->from, m->to);
    assert_same_reads(m, m->from, m->to);
    /* Not moved: the old installation's sessions and leases. */
    assert_int_equal(fx_table_rows(m->to, "staff_sessions"), 0);
    assert_int_equal(fx_table_rows(m->to, "job_leases"), 0);
    /* New rows continue after the moved ids. */
    int64_t id = submit(m->to, "mv-3", TRYGG_KIND_CONCERN, "Ny efter flytten");
    assert_true(id > m->later_id);
    int64_t msg_id;
    assert_int_equal(trygg_store_add_message(m->to, id, TRYGG_MSG_IN, "smsgw", "x", &msg_id),
                     TRYGG_OK);
    assert_true(msg_id > 1);
    /* A second move is refused and changes nothing. */
    int64_t before = fx_table_rows(m->to, "items");
    assert_int_equal(trygg_store_move(m->from, m->to, NULL, NULL, msg, sizeof msg),
                     TRYGG_ERR_EXISTS);
    assert_non_null(strstr(msg, "not empty"));
    assert_int_equal(fx_table_rows(m->to, "items"), before);
}

static int stop_after_items(void *ctx, const char *table, int64_t rows)
{
    (void)ctx;
    (void)rows;
    return strcmp(table, "items") == 0;
}

/* A move that fails midway (here: stopped after the items) leaves the
 * target empty, and a move after that succeeds. */
static void test_failed_move_leaves_target_empty(void **state)
{
    mfix *m = *state;
    fill(m);
    char msg[1024];
    fx_count fresh = {NULL, 0}, after = {NULL, 0}; /* a new SQLite store has report_meta's row */
    assert_int_equal(trygg_store_table_rows(m->to, fx_count_cb, &fresh), TRYGG_OK);
    assert_true(fresh.n <= 1);
    assert_int_equal(trygg_store_move(m->from, m->to, stop_after_items, NULL, msg, sizeof msg),
                     TRYGG_ERR_STATE);
    assert_int_equal(trygg_store_table_rows(m->to, fx_count_cb, &after), TRYGG_OK);
    assert_int_equal(after.n, fresh.n);
    assert_int_equal(fx_table_rows(m->to, "items"), 0);
    assert_int_equal(trygg_store_move(m->from, m->to, NULL, NULL, msg, sizeof msg), TRYGG_OK);
    assert_same_rows(m->from, m->to);
}

/* SQLite's online backup: a complete copy that opens with the same rows;
 * an existing file is never overwritten. PostgreSQL refuses it (pg_dump). */
static void test_backup(void **state)
{
    mfix *m = *state;
    fill(m);
    char path[700];
    snprintf(path, sizeof path, "%s/backup.db", m->dir);
    assert_int_equal(trygg_store_backup(m->from, path), TRYGG_OK);
    assert_int_equal(trygg_store_backup(m->from, path), TRYGG_ERR_EXISTS);
    int version = 0;
    assert_int_equal(trygg_store_file_version(path, &version), TRYGG_OK);
    assert_int_equal(version, trygg_store_schema_latest());
    trygg_store *copy = NULL;
    assert_int_equal(trygg_store_open(path, &copy), TRYGG_OK);
    assert_same_rows(m->from, copy);
    trygg_store_close(copy);
    if (m->pgdb[0])
        assert_int_equal(trygg_store_backup(m->to, path), TRYGG_ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_move_everything, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_move_leaves_target_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backup, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
