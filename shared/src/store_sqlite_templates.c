/*
 * store_sqlite_templates.c — admins' edits of the reply templates
 * (table reply_templates, schema v12). The catalog's text applies unless a
 * row overrides it; every set and reset is audited without the text.
 */
#include <stdio.h>
#include <string.h>

#include "store_rules.h"
#include "store_sqlite_internal.h"

#define TPL_COLS "key, lang, text, updated_by, updated_at"

static void read_template(sqlite3_stmt *s, void *row)
{
    trygg_template *t = row;
    memset(t, 0, sizeof *t);
    trygg_st_col_text(s, 0, t->key, sizeof t->key);
    trygg_st_col_text(s, 1, t->lang, sizeof t->lang);
    trygg_st_col_text(s, 2, t->text, sizeof t->text);
    trygg_st_col_text(s, 3, t->updated_by, sizeof t->updated_by);
    t->updated_at = sqlite3_column_int64(s, 4);
}

static trygg_err audit(trygg_store *st, const char *actor, const char *action, const char *key,
                       const char *lang)
{
    char detail[TRYGG_TEMPLATE_KEY_MAX + TRYGG_LANG_MAX + 2];
    snprintf(detail, sizeof detail, "%s %s", key, lang);
    return trygg_st_audit_add(st, 0, actor && actor[0] ? actor : "admin", action, detail);
}

trygg_err trygg_sqlite_template_set(trygg_store *st, const char *key, const char *lang,
                                    const char *text, const char *actor)
{
    size_t n = text ? strnlen(text, TRYGG_TEMPLATE_TEXT_MAX + 1) : 0;
    if (!trygg_rules_template_names_ok(key, lang) || n == 0 || n > TRYGG_TEMPLATE_TEXT_MAX)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "template: bad key, language or text");
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    sqlite3_stmt *s;
    err = trygg_st_prepare(st,
                           "INSERT INTO reply_templates (" TPL_COLS ") VALUES (?1, ?2, ?3, ?4, ?5) "
                           "ON CONFLICT (key, lang) DO UPDATE SET text = excluded.text, "
                           "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                           &s);
    if (!err) {
        trygg_st_bind_text(s, 1, key);
        trygg_st_bind_text(s, 2, lang);
        trygg_st_bind_text(s, 3, text);
        trygg_st_bind_text(s, 4, actor);
        sqlite3_bind_int64(s, 5, trygg_st_now());
        err = trygg_st_run(st, s, "template");
    }
    if (!err)
        err = audit(st, actor, "template_set", key, lang);
    return trygg_st_tx_end(st, err);
}

trygg_err trygg_sqlite_template_get(trygg_store *st, const char *key, const char *lang,
                                    trygg_template *out)
{
    if (!trygg_rules_template_names_ok(key, lang))
        return trygg_st_failf(st, TRYGG_ERR_NOTFOUND, "no such template");
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(
        st, "SELECT " TPL_COLS " FROM reply_templates WHERE key = ?1 AND lang = ?2 LIMIT 1", &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, key);
    trygg_st_bind_text(s, 2, lang);
    int n = 0;
    err = trygg_st_collect(st, s, out, sizeof *out, read_template, &n, "template");
    if (!err && n == 0)
        err = trygg_st_failf(st, TRYGG_ERR_NOTFOUND, "no such template");
    return err;
}

trygg_err trygg_sqlite_template_reset(trygg_store *st, const char *key, const char *lang,
                                      const char *actor)
{
    if (!trygg_rules_template_names_ok(key, lang))
        return trygg_st_failf(st, TRYGG_ERR_NOTFOUND, "no such template");
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    sqlite3_stmt *s;
    err = trygg_st_prepare(st, "DELETE FROM reply_templates WHERE key = ?1 AND lang = ?2", &s);
    if (!err) {
        trygg_st_bind_text(s, 1, key);
        trygg_st_bind_text(s, 2, lang);
        err = trygg_st_run_one(st, s, "template");
    }
    if (!err)
        err = audit(st, actor, "template_reset", key, lang);
    return trygg_st_tx_end(st, err);
}

trygg_err trygg_sqlite_template_list(trygg_store *st, trygg_template *out, int max, int *n)
{
    return trygg_st_list(st, "SELECT " TPL_COLS " FROM reply_templates ORDER BY key, lang LIMIT ?1",
                         NULL, max, read_template, out, sizeof *out, n, "list templates");
}
