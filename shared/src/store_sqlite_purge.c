/*
 * store_sqlite_purge.c — the retention purge over every table that
 * holds personal data.
 */
#include "store_sqlite_internal.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "trygg/log.h"
#include "trygg/ref.h"
#include "trygg/text.h"

/* ---- Retention ----------------------------------------------------------- */
/* Every table of the database has a rule here or holds no personal data;
 * the classification is kept in tests/shared/test_retention.c, which fails
 * for a table it does not know. Steps prefixed "table:" run only if that
 * side table exists (created by its module on open). The quarantine folder
 * of trygg-smsgw is emptied by the gateway itself (smsgw/gateway.c). */

trygg_err trygg_sqlite_purge(trygg_store *st, int64_t now, int *n)
{
    if (n)
        *n = 0;
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    static const char *const steps[] = {
        "CREATE TEMP TABLE IF NOT EXISTS purge_ids (id INTEGER PRIMARY KEY)",
        "DELETE FROM purge_ids",
        "INSERT INTO purge_ids SELECT id FROM items WHERE purged = 0 AND purge_at <= ?1",
        "UPDATE messages SET text = '', shared_text = '' WHERE item_id IN "
        "(SELECT id FROM purge_ids)",
        "DELETE FROM sms_out WHERE item_id IN (SELECT id FROM purge_ids)",
        "DELETE FROM notify_out WHERE item_id IN (SELECT id FROM purge_ids)",
        "INSERT INTO audit (item_id, actor, action, detail, at) "
        "SELECT id, 'system', 'purge', 'retention', ?2 FROM purge_ids",
        "UPDATE items SET text = '', contact = '', place = '', sender = '', alias = '', "
        "shared_text = '', shared_place = '', when_date = '', purged = 1, updated = ?2 "
        "WHERE id IN (SELECT id FROM purge_ids)",
        /* Contacts with nothing left to answer and quiet for 30 days go too
         * (blocked ones stay, without their number, so the block holds). */
        "DELETE FROM contacts WHERE blocked = 0 AND last_seen <= ?2 - 30*86400 AND NOT EXISTS "
        "(SELECT 1 FROM items WHERE sender = contacts.pseudonym AND purged = 0)",
        "UPDATE contacts SET cipher = NULL WHERE blocked = 1 AND last_seen <= ?2 - 30*86400 "
        "AND NOT EXISTS (SELECT 1 FROM items WHERE sender = contacts.pseudonym AND purged = 0)",
        /* Replies not tied to an item (help, call answers, STOP) and
         * notifications without an item: 30 days. */
        "DELETE FROM sms_out WHERE item_id = 0 AND created <= ?2 - 30*86400",
        "DELETE FROM notify_out WHERE item_id = 0 AND created <= ?2 - 30*86400",
        /* Partner events: 365 days after they were filed, like a concern. */
        "DELETE FROM events WHERE created <= ?2 - 365*86400",
        /* A week's assessment: versions older than 2 years go, the latest
         * of each week stays (the group's record; the author is staff). */
        "DELETE FROM week_notes WHERE created <= ?2 - 730*86400 AND version < "
        "(SELECT max(version) FROM week_notes n WHERE n.week = week_notes.week)",
        /* Staff actions (audit, access log): 2 years. */
        "DELETE FROM audit WHERE at <= ?2 - 730*86400",
        "DELETE FROM access_log WHERE at <= ?2 - 730*86400",
        /* Used recovery codes are worthless and name when a user logged in. */
        "DELETE FROM user_recovery WHERE used_at > 0",
        /* Side tables created by their modules on open (may be missing). */
        "smsgw_inbound:DELETE FROM smsgw_inbound WHERE created <= ?2 - 7*86400 OR item_id IN "
        "(SELECT id FROM items WHERE purged = 1)",
        "smsgw_calls:DELETE FROM smsgw_calls WHERE at <= ?2 - 86400",
        "police_events:DELETE FROM police_events WHERE at <= ?2 - 400*86400",
        /* Who placed a police event where: staff actions, 2 years like the audit. */
        "DELETE FROM police_place_audit WHERE at <= ?2 - 730*86400",
        "report_uptime:DELETE FROM report_uptime WHERE last <= ?2 - 400*86400",
    };
    int purged = 0;
    for (size_t i = 0; !err && i < sizeof steps / sizeof steps[0]; i++) {
        const char *sql = steps[i];
        const char *colon = strchr(sql, ':');
        if (colon && colon - sql < 40 && strchr(sql, ' ') > colon) {
            char table[40];
            snprintf(table, sizeof table, "%.*s", (int)(colon - sql), sql);
            sql = colon + 1;
            sqlite3_stmt *q;
            err = trygg_st_prepare(
                st, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", &q);
            if (err)
                break;
            trygg_st_bind_text(q, 1, table);
            int rc = sqlite3_step(q);
            sqlite3_finalize(q);
            if (rc == SQLITE_DONE)
                continue;
            if (rc != SQLITE_ROW) {
                err = trygg_st_fail(st, rc, "purge side table");
                break;
            }
        }
        sqlite3_stmt *s;
        err = trygg_st_prepare(st, sql, &s);
        if (err)
            break;
        int np = sqlite3_bind_parameter_count(s);
        if (np >= 1)
            sqlite3_bind_int64(s, 1, now);
        if (np >= 2)
            sqlite3_bind_int64(s, 2, now);
        err = trygg_st_run(st, s, "purge");
        if (!err && i == 2)
            purged = sqlite3_changes(st->db);
    }
    err = trygg_st_tx_end(st, err);
    if (!err && n)
        *n = purged;
    return err;
}

/* ---- Counting ------------------------------------------------------------ */
