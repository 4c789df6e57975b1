/*
 * store_pg_clients.c — the PostgreSQL backend's kiosks and SMS gateways (the
 * clients of the intake API): tokens, reference prefixes, roles,
 * heartbeats, the components' health records and the availability log
 * (report_uptime) both feed. The same contract as store_sqlite_admin.c and
 * store_sqlite_health.c; the availability intervals are written here where
 * SQLite's triggers report_kiosk_seen and report_health_ins write them.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "store_pg_internal.h"
#include "store_rules.h"
#include "trygg/ref.h"
#include "trygg/secret.h"

/* ---- Availability log ---------------------------------------------------- */

/* A contact of `component` at `at` extends its interval that reaches back
 * to within 600 seconds, or opens a new one. Inside the unit of the write
 * that saw the contact, whose row lock (kiosk or health row) orders two
 * contacts of one component. */
static trygg_err uptime_seen(trygg_store *st, const char *component, int64_t at)
{
    trygg_sql_args a = TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(component), TRYGG_SQL_INT(at));
    trygg_err err = trygg_pg_write(
        st,
        "UPDATE report_uptime SET last = to_timestamp($2::bigint) WHERE id = "
        "(SELECT id FROM report_uptime WHERE component = $1::text "
        "AND last >= to_timestamp($2::bigint - 600) AND first <= to_timestamp($2::bigint) "
        "ORDER BY last DESC LIMIT 1) AND last < to_timestamp($2::bigint)",
        a, NULL, "availability log");
    if (!err)
        err = trygg_pg_write(st,
                             "INSERT INTO report_uptime (component, first, last) "
                             "SELECT $1::text, to_timestamp($2::bigint), to_timestamp($2::bigint) "
                             "WHERE NOT EXISTS (SELECT 1 FROM report_uptime "
                             "WHERE component = $1::text AND last >= to_timestamp($2::bigint - 600)"
                             " AND first <= to_timestamp($2::bigint))",
                             a, NULL, "availability log");
    return err;
}

/* ---- Kiosks -------------------------------------------------------------- */

#define KIOSK_COLS                                                                                 \
    "id, name, area, revoked, " PG_EPOCH("last_seen") ", version, outbox_depth, last_error, "      \
                                                      "" PG_EPOCH(                                 \
                                                          "created") ", coalesce(ref_prefix, '')"

static const trygg_sql_field kiosk_fields[] = {
    TRYGG_SQL_FTEXT(trygg_kiosk, id),          TRYGG_SQL_FTEXT(trygg_kiosk, name),
    TRYGG_SQL_FTEXT(trygg_kiosk, area),        TRYGG_SQL_FINT(trygg_kiosk, revoked),
    TRYGG_SQL_FINT(trygg_kiosk, last_seen),    TRYGG_SQL_FTEXT(trygg_kiosk, version),
    TRYGG_SQL_FINT(trygg_kiosk, outbox_depth), TRYGG_SQL_FTEXT(trygg_kiosk, last_error),
    TRYGG_SQL_FINT(trygg_kiosk, created),      TRYGG_SQL_FTEXT(trygg_kiosk, ref_prefix)};

static void read_kiosk(const PGresult *r, int row, void *out)
{
    TRYGG_PG_READ(r, row, kiosk_fields, out, sizeof(trygg_kiosk));
}

static void read_nothing(const PGresult *r, int row, void *out)
{
    (void)r;
    (void)row;
    (void)out;
}

static trygg_err audit_row(trygg_store *st, const char *actor, const char *action,
                           const char *detail)
{
    return trygg_pg_write(st,
                          "INSERT INTO audit (item_id, actor, action, detail, at) "
                          "VALUES (0, $1, $2, $3, " PG_TS("$4") ")",
                          TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(actor), TRYGG_SQL_TEXT(action),
                                         TRYGG_SQL_TEXT(detail), TRYGG_SQL_INT(trygg_pg_now())),
                          NULL, "audit");
}

/* Every kiosk prefix in issuing order as a text[] literal ("{..,..}"). */
static void prefix_array(char *out, size_t cap)
{
    size_t o = 0;
    out[o++] = '{';
    for (int n = 0; n < TRYGG_REF_PREFIX_COUNT && o + TRYGG_REF_PREFIX_LEN + 2 < cap; n++) {
        char p[TRYGG_REF_PREFIX_LEN + 1];
        trygg_ref_prefix_nth(n, p);
        o += (size_t)snprintf(out + o, cap - o, "%s%s", n ? "," : "", p);
    }
    snprintf(out + o, cap - o, "}");
}

/* Inside a unit: issues kiosk `id` the first prefix never issued
 * (kiosk_prefixes keeps every one) and makes it the kiosk's current one.
 * Insert-and-retry on the prefix's key: two servers adding kiosks at once
 * never issue one prefix twice. */
static trygg_err issue_prefix(trygg_store *st, const char *id, char out[4])
{
    char all[TRYGG_REF_PREFIX_COUNT * (TRYGG_REF_PREFIX_LEN + 1) + 4];
    prefix_array(all, sizeof all);
    out[0] = '\0';
    for (int tries = 0; tries < 20; tries++) {
        PGresult *r;
        trygg_err err = trygg_pg_query(
            st,
            "INSERT INTO kiosk_prefixes (prefix, kiosk_id, issued) "
            "SELECT c.p, $2, " PG_TS(
                "$3") " FROM unnest($1::text[]) WITH ORDINALITY AS c(p, n) "
                      "WHERE NOT EXISTS (SELECT 1 FROM kiosk_prefixes k WHERE k.prefix = c.p) "
                      "ORDER BY c.n LIMIT 1 ON CONFLICT DO NOTHING RETURNING prefix",
            TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(all), TRYGG_SQL_TEXT(id), TRYGG_SQL_INT(trygg_pg_now())),
            &r, "issue kiosk prefix");
        if (err)
            return err;
        int got = PQntuples(r) == 1;
        if (got)
            trygg_pg_col_text(r, 0, 0, out, TRYGG_REF_PREFIX_LEN + 1);
        PQclear(r);
        if (got)
            return trygg_pg_write_one(st, "UPDATE kiosks SET ref_prefix = $1 WHERE id = $2",
                                      TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(out), TRYGG_SQL_TEXT(id)),
                                      "kiosk");
        int64_t issued = 0;
        err = trygg_pg_int64(st, "SELECT count(*) FROM kiosk_prefixes", TRYGG_SQL_NO_ARGS, &issued,
                             "count kiosk prefixes");
        if (err)
            return err;
        if (issued >= TRYGG_REF_PREFIX_COUNT)
            break;
    }
    return trygg_pg_failf(st, TRYGG_ERR_LIMIT, "all %d kiosk reference prefixes are used",
                          TRYGG_REF_PREFIX_COUNT);
}

trygg_err trygg_pg_kiosk_add(trygg_store *st, const trygg_kiosk *k, char token[64])
{
    token[0] = '\0';
    if (!trygg_rules_username_ok(k->id))
        return trygg_pg_failf(st, TRYGG_ERR_INVALID,
                              "invalid kiosk id (use letters, digits, '.', '_', '-')");
    if (!trygg_rules_str_ok(k->name, sizeof k->name) ||
        !trygg_rules_str_ok(k->area, sizeof k->area))
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid kiosk name or area");
    char tok[64], hash[65];
    if (trygg_token_new(tok) != TRYGG_OK)
        return trygg_pg_failf(st, TRYGG_ERR_CRYPTO, "token generation failed");
    trygg_token_hash(tok, hash);
    trygg_err err = trygg_pg_tx_begin(st);
    if (err)
        return err;
    err = trygg_pg_write(st,
                         "INSERT INTO kiosks (id, name, area, token_hash, created) "
                         "VALUES ($1, $2, $3, $4, " PG_TS("$5") ")",
                         TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(k->id), TRYGG_SQL_TEXT(k->name),
                                        TRYGG_SQL_TEXT(k->area), TRYGG_SQL_TEXT(hash),
                                        TRYGG_SQL_INT(trygg_pg_now())),
                         NULL, "add kiosk");
    if (err == TRYGG_ERR_EXISTS)
        trygg_pg_failf(st, err, "kiosk '%s' already exists", k->id);
    char prefix[4];
    if (!err)
        err = issue_prefix(st, k->id, prefix);
    if (!err)
        err = audit_row(st, "admin", "kiosk_add", k->id);
    err = trygg_pg_tx_end(st, err);
    if (!err)
        memcpy(token, tok, sizeof tok);
    return err;
}

trygg_err trygg_pg_kiosk_auth(trygg_store *st, const char *token, trygg_kiosk *out)
{
    if (!token || !*token || strlen(token) >= 64)
        return trygg_pg_failf(st, TRYGG_ERR_AUTH, "unknown or revoked token");
    char hash[65];
    trygg_token_hash(token, hash);
    trygg_kiosk k;
    trygg_err err =
        trygg_pg_row(st, "SELECT " KIOSK_COLS " FROM kiosks WHERE token_hash = $1 AND NOT revoked",
                     TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(hash)), read_kiosk, &k, "kiosk");
    if (!err && out)
        *out = k;
    if (err == TRYGG_ERR_NOTFOUND)
        err = trygg_pg_failf(st, TRYGG_ERR_AUTH, "unknown or revoked token");
    return err;
}

trygg_err trygg_pg_kiosk_get(trygg_store *st, const char *id, trygg_kiosk *out)
{
    return trygg_pg_row(st, "SELECT " KIOSK_COLS " FROM kiosks WHERE id = $1",
                        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(id)), read_kiosk, out, "kiosk");
}

trygg_err trygg_pg_kiosk_list(trygg_store *st, trygg_kiosk *out, int max, int *n)
{
    return trygg_pg_select(st, "SELECT " KIOSK_COLS " FROM kiosks ORDER BY id LIMIT $1",
                           TRYGG_SQL_ARGS(TRYGG_SQL_INT(max < 0 ? 0 : max)), out, sizeof *out, max,
                           read_kiosk, n, "list kiosks");
}

trygg_err trygg_pg_kiosk_revoke(trygg_store *st, const char *id)
{
    trygg_err err = trygg_pg_tx_begin(st);
    if (err)
        return err;
    err = trygg_pg_write_one(st, "UPDATE kiosks SET revoked = true WHERE id = $1",
                             TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(id)), "kiosk");
    if (!err)
        err = audit_row(st, "admin", "kiosk_revoke", id);
    return trygg_pg_tx_end(st, err);
}

/* Sets kiosk `id`'s last contact (and, with version, its reported state)
 * and extends its availability interval, in one unit. */
static trygg_err kiosk_seen(trygg_store *st, const char *id, int64_t at, const char *version,
                            int outbox_depth, const char *last_error, const char *what)
{
    trygg_err err = trygg_pg_tx_begin(st);
    if (err)
        return err;
    if (version)
        err = trygg_pg_write_one(st,
                                 "UPDATE kiosks SET last_seen = " PG_TS(
                                     "$1") ", version = $2, "
                                           "outbox_depth = $3, last_error = $4 WHERE id = $5",
                                 TRYGG_SQL_ARGS(TRYGG_SQL_INT(at), TRYGG_SQL_TEXT(version),
                                                TRYGG_SQL_INT(outbox_depth),
                                                TRYGG_SQL_TEXT(last_error), TRYGG_SQL_TEXT(id)),
                                 what);
    else
        err = trygg_pg_write_one(st, "UPDATE kiosks SET last_seen = " PG_TS("$1") " WHERE id = $2",
                                 TRYGG_SQL_ARGS(TRYGG_SQL_INT(at), TRYGG_SQL_TEXT(id)), what);
    if (!err && at > 0) {
        char comp[TRYGG_NAME_MAX + 8];
        snprintf(comp, sizeof comp, "kiosk:%s", id);
        err = uptime_seen(st, comp, at);
    }
    return trygg_pg_tx_end(st, err);
}

trygg_err trygg_pg_kiosk_heartbeat(trygg_store *st, const char *id, const char *version,
                                   int outbox_depth, const char *last_error)
{
    trygg_kiosk k;
    if (!trygg_rules_str_ok(version, sizeof k.version) ||
        !trygg_rules_str_ok(last_error, sizeof k.last_error) || outbox_depth < 0)
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid heartbeat");
    return kiosk_seen(st, id, trygg_pg_now(), version ? version : "", outbox_depth, last_error,
                      "kiosk");
}

trygg_err trygg_pg_test_kiosk_seen(trygg_store *st, const char *id, int64_t at)
{
    trygg_err err = kiosk_seen(st, id, at, NULL, 0, NULL, "kiosk seen");
    if (err == TRYGG_ERR_NOTFOUND)
        trygg_pg_failf(st, err, "kiosk seen: nothing to change");
    return err;
}

trygg_err trygg_pg_kiosk_new_prefix(trygg_store *st, const char *id, char out[4])
{
    out[0] = '\0';
    trygg_err err = trygg_pg_tx_begin(st);
    if (err)
        return err;
    trygg_kiosk k;
    /* FOR UPDATE: one new prefix at a time per kiosk. */
    err = trygg_pg_row(st, "SELECT " KIOSK_COLS " FROM kiosks WHERE id = $1 FOR UPDATE",
                       TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(id)), read_kiosk, &k, "kiosk");
    if (!err)
        err = issue_prefix(st, id, out);
    if (!err) {
        char detail[96];
        snprintf(detail, sizeof detail, "%s %s -> %s", id, k.ref_prefix[0] ? k.ref_prefix : "-",
                 out);
        err = audit_row(st, "system", "kiosk_prefix", detail);
    }
    err = trygg_pg_tx_end(st, err);
    if (err)
        out[0] = '\0';
    return err;
}

trygg_err trygg_pg_kiosk_owns_prefix(trygg_store *st, const char *id, const char *prefix)
{
    return trygg_pg_row(st, "SELECT 1 FROM kiosk_prefixes WHERE prefix = $1 AND kiosk_id = $2",
                        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(prefix), TRYGG_SQL_TEXT(id)), read_nothing,
                        NULL, "kiosk prefix");
}

/* ---- Client roles (kiosk, gateway) ----------------------------------------- */

static void read_role(const PGresult *r, int row, void *out)
{
    trygg_pg_col_text(r, row, 0, out, 16);
}

trygg_err trygg_pg_client_role_get(trygg_store *st, const char *id, char role[16])
{
    trygg_err err =
        trygg_pg_row(st, "SELECT role FROM kiosks WHERE id = $1",
                     TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(id)), read_role, role, "client role");
    if (err == TRYGG_ERR_NOTFOUND)
        trygg_pg_failf(st, err, "no such client %s", id);
    return err;
}

trygg_err trygg_pg_client_role_set(trygg_store *st, const char *id, const char *role)
{
    if (strcmp(role, TRYGG_ROLE_KIOSK) != 0 && strcmp(role, TRYGG_ROLE_GATEWAY) != 0)
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "unknown role %s", role);
    trygg_err err =
        trygg_pg_write_one(st, "UPDATE kiosks SET role = $1 WHERE id = $2",
                           TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(role), TRYGG_SQL_TEXT(id)), "client role");
    if (err == TRYGG_ERR_NOTFOUND)
        trygg_pg_failf(st, err, "no such client %s", id);
    return err;
}

/* ---- Health ---------------------------------------------------------------------- */

/* 1 when json is an object; *up = 0 when it says "ok": false (or 0): such a
 * record does not count as up in the availability log. */
static int health_json(const char *json, int *up)
{
    json_error_t jerr;
    json_t *v = json ? json_loads(json, 0, &jerr) : NULL;
    int is_obj = v && json_is_object(v);
    json_t *ok = is_obj ? json_object_get(v, "ok") : NULL;
    *up = !(ok && (json_is_false(ok) || (json_is_integer(ok) && json_integer_value(ok) == 0)));
    json_decref(v);
    return is_obj;
}

static trygg_err health_write(trygg_store *st, const char *component, const char *json, int64_t at,
                              int up)
{
    trygg_err err = trygg_pg_tx_begin(st);
    if (err)
        return err;
    err = trygg_pg_write(
        st,
        "INSERT INTO health (component, json, updated) VALUES ($1, $2, " PG_TS(
            "$3") ") ON CONFLICT (component) DO UPDATE SET json = excluded.json, "
                  "updated = excluded.updated",
        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(component), TRYGG_SQL_TEXT(json), TRYGG_SQL_INT(at)), NULL,
        "put health");
    if (!err && up) {
        char comp[TRYGG_NAME_MAX + 8];
        snprintf(comp, sizeof comp, "gw:%s", component);
        err = uptime_seen(st, comp, at);
    }
    return trygg_pg_tx_end(st, err);
}

trygg_err trygg_pg_health_put(trygg_store *st, const char *component, const char *json)
{
    char tmp[TRYGG_NAME_MAX + 1];
    if (!component || !*component || trygg_strset(tmp, sizeof tmp, component) || !json ||
        strlen(json) > 8192)
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid health component or JSON");
    int up = 1;
    if (!health_json(json, &up))
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "health status is not a JSON object");
    return health_write(st, component, json, trygg_pg_now(), up);
}

trygg_err trygg_pg_test_health_at(trygg_store *st, const char *component, const char *json,
                                  int64_t at)
{
    int up = 1;
    if (!component || !*component || !health_json(json, &up))
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid health component or JSON");
    return health_write(st, component, json, at, up);
}

trygg_err trygg_pg_health_get(trygg_store *st, const char *component, char *json, int cap,
                              int64_t *updated)
{
    if (cap <= 0)
        return TRYGG_ERR_INVALID;
    json[0] = '\0';
    PGresult *r;
    trygg_err err =
        trygg_pg_query(st, "SELECT json, " PG_EPOCH("updated") " FROM health WHERE component = $1",
                       TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(component)), &r, "read health");
    if (err)
        return err;
    if (PQntuples(r) == 0) {
        err = trygg_pg_failf(st, TRYGG_ERR_NOTFOUND, "no health for %s", component);
    } else {
        if (PQgetlength(r, 0, 0) >= cap)
            err = trygg_pg_failf(st, TRYGG_ERR_TOOBIG, "health JSON larger than buffer");
        else
            trygg_pg_col_text(r, 0, 0, json, (size_t)cap);
        if (updated)
            *updated = trygg_pg_col_int(r, 0, 1);
    }
    PQclear(r);
    return err;
}
