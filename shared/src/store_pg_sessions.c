/*
 * store_pg_sessions.c — staff sessions and login failures on PostgreSQL
 * (schema v16 `staff_sessions`, `login_failures`). See store.h "Staff sessions and
 * login limits" for the contract.
 */
#include "store_pg_internal.h"

#include <string.h>

#define SESSION_COLS                                                                               \
    "token_hash, csrf, username, display, role, destination, can_call_back::int, lang, "           \
    "stage, " PG_EPOCH("created") ", " PG_EPOCH("last_seen")
#define SESSION_COLS_IN                                                                            \
    "token_hash, csrf, username, display, role, destination, can_call_back, lang, stage, "         \
    "created, last_seen"

static const trygg_sql_field session_fields[] = {
    TRYGG_SQL_FTEXT(trygg_session, token_hash),   TRYGG_SQL_FTEXT(trygg_session, csrf),
    TRYGG_SQL_FTEXT(trygg_session, username),     TRYGG_SQL_FTEXT(trygg_session, display),
    TRYGG_SQL_FTEXT(trygg_session, role),         TRYGG_SQL_FTEXT(trygg_session, destination),
    TRYGG_SQL_FINT(trygg_session, can_call_back), TRYGG_SQL_FTEXT(trygg_session, lang),
    TRYGG_SQL_FINT(trygg_session, stage),         TRYGG_SQL_FINT(trygg_session, created),
    TRYGG_SQL_FINT(trygg_session, last_seen)};

static void read_session(const PGresult *r, int row, void *out)
{
    TRYGG_PG_READ(r, row, session_fields, out, sizeof(trygg_session));
}

trygg_err trygg_pg_session_put(trygg_store *st, const trygg_session *s)
{
    return trygg_pg_write(st,
                          "INSERT INTO staff_sessions (" SESSION_COLS_IN
                          ") VALUES ($1, $2, $3, $4, $5, $6, "
                          "$7::int::boolean, $8, $9, " PG_TS("$10") ", " PG_TS("$11") ")",
                          TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(s->token_hash), TRYGG_SQL_TEXT(s->csrf),
                                         TRYGG_SQL_TEXT(s->username), TRYGG_SQL_TEXT(s->display),
                                         TRYGG_SQL_TEXT(s->role), TRYGG_SQL_TEXT(s->destination),
                                         TRYGG_SQL_INT(s->can_call_back ? 1 : 0),
                                         TRYGG_SQL_TEXT(s->lang), TRYGG_SQL_INT(s->stage),
                                         TRYGG_SQL_INT(s->created), TRYGG_SQL_INT(s->last_seen)),
                          NULL, "add session");
}

trygg_err trygg_pg_session_get(trygg_store *st, const char *token_hash, trygg_session *out)
{
    return trygg_pg_row(st, "SELECT " SESSION_COLS " FROM staff_sessions WHERE token_hash = $1",
                        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(token_hash)), read_session, out, "session");
}

trygg_err trygg_pg_session_update(trygg_store *st, const trygg_session *s)
{
    return trygg_pg_write_one(
        st,
        "UPDATE staff_sessions SET display = $2, role = $3, destination = $4, "
        "can_call_back = $5::int::boolean, lang = $6, stage = $7, last_seen = " PG_TS(
            "$8") " WHERE token_hash = $1",
        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(s->token_hash), TRYGG_SQL_TEXT(s->display),
                       TRYGG_SQL_TEXT(s->role), TRYGG_SQL_TEXT(s->destination),
                       TRYGG_SQL_INT(s->can_call_back ? 1 : 0), TRYGG_SQL_TEXT(s->lang),
                       TRYGG_SQL_INT(s->stage), TRYGG_SQL_INT(s->last_seen)),
        "session");
}

trygg_err trygg_pg_session_delete(trygg_store *st, const char *token_hash)
{
    return trygg_pg_write(st, "DELETE FROM staff_sessions WHERE token_hash = $1",
                          TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(token_hash)), NULL, "end session");
}

trygg_err trygg_pg_session_delete_user(trygg_store *st, const char *username)
{
    return trygg_pg_write(st, "DELETE FROM staff_sessions WHERE username = $1",
                          TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(username)), NULL, "end sessions");
}

trygg_err trygg_pg_session_purge(trygg_store *st, int64_t idle_before, int64_t created_before,
                                 int *n)
{
    int changed = 0;
    trygg_err err = trygg_pg_write(
        st,
        "DELETE FROM staff_sessions WHERE last_seen < " PG_TS("$1") " OR created < " PG_TS("$2"),
        TRYGG_SQL_ARGS(TRYGG_SQL_INT(idle_before), TRYGG_SQL_INT(created_before)), &changed,
        "purge sessions");
    if (n)
        *n = err ? 0 : changed;
    if (!err)
        err = trygg_pg_write(st, "DELETE FROM login_failures WHERE window_start < " PG_TS("$1"),
                             TRYGG_SQL_ARGS(TRYGG_SQL_INT(created_before)), NULL,
                             "purge login failures");
    return err;
}

trygg_err trygg_pg_login_fails(trygg_store *st, const char *key, int64_t now, int64_t window,
                               int add, int *fails)
{
    *fails = 0;
    trygg_err err = TRYGG_OK;
    if (add)
        /* A new window when the old one is over, else one more failure. */
        err = trygg_pg_write(
            st,
            "INSERT INTO login_failures AS f (key, window_start, fails) VALUES "
            "($1, " PG_TS(
                "$2") ", 1) ON CONFLICT (key) DO UPDATE SET "
                      "fails = CASE WHEN f.window_start <= " PG_TS(
                          "$2::bigint - $3::bigint") " THEN 1 ELSE f.fails + 1 END, "
                                                     "window_start = CASE WHEN "
                                                     "f.window_start <= " PG_TS(
                                                         "$2::"
                                                         "bigint "
                                                         "- "
                                                         "$3::"
                                                         "bigint") " THEN " PG_TS("$2") " ELSE "
                                                                                        "f.window_"
                                                                                        "start END",
            TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(key), TRYGG_SQL_INT(now), TRYGG_SQL_INT(window)), NULL,
            "login failure");
    int64_t v = 0;
    if (!err)
        err = trygg_pg_int64(
            st,
            "SELECT fails FROM login_failures WHERE key = $1 AND "
            "window_start > " PG_TS("$2::bigint - $3::bigint"),
            TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(key), TRYGG_SQL_INT(now), TRYGG_SQL_INT(window)), &v,
            "login failures");
    *fails = (int)v;
    return err;
}

trygg_err trygg_pg_login_clear(trygg_store *st, const char *key)
{
    return trygg_pg_write(st, "DELETE FROM login_failures WHERE key = $1",
                          TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(key)), NULL, "clear login failures");
}
