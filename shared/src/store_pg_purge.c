/*
 * store_pg_purge.c — the retention purge on PostgreSQL over every table
 * that holds personal data (the classification is kept in
 * tests/shared/test_retention.c), and the open item of an SMS sender.
 *
 * The items due are chosen, locked and blanked in one statement
 * (data-modifying WITH queries share one snapshot), so their messages,
 * outbox rows and audit rows are exactly those of the items purged; the
 * later steps run in the same transaction and see them purged.
 */
#include <string.h>

#include "store_pg_items.h"

#define NOW PG_TS("$1")

trygg_err trygg_pg_purge(trygg_store *st, int64_t now, int *n)
{
    if (n)
        *n = 0;
    static const char items_sql[] =
        "WITH ids AS (SELECT id FROM items WHERE NOT purged AND purge_at <= " NOW " FOR UPDATE), "
        "m AS (UPDATE messages SET text = '', shared_text = '' WHERE item_id IN "
        "(SELECT id FROM ids)), "
        "s AS (DELETE FROM sms_out WHERE item_id IN (SELECT id FROM ids)), "
        "o AS (DELETE FROM notify_out WHERE item_id IN (SELECT id FROM ids)), "
        "a AS (INSERT INTO audit (item_id, actor, action, detail, at) "
        "SELECT id, 'system', 'purge', 'retention', " NOW " FROM ids), "
        "u AS (UPDATE items SET text = '', contact = '', place = '', sender = '', alias = '', "
        "shared_text = '', shared_place = '', when_date = '', purged = true, updated = " NOW " "
        "WHERE id IN (SELECT id FROM ids) RETURNING id) "
        "SELECT count(*) FROM u";
    static const char *const steps[] = {
        /* Contacts with nothing left to answer and quiet for 30 days go too
         * (blocked ones stay, without their number, so the block holds). */
        "DELETE FROM contacts WHERE NOT blocked AND last_seen <= " NOW " - interval '30 days' "
        "AND NOT EXISTS (SELECT 1 FROM items WHERE sender = contacts.pseudonym AND NOT purged)",
        "UPDATE contacts SET cipher = NULL WHERE blocked AND last_seen <= " NOW
        " - interval '30 days' AND NOT EXISTS "
        "(SELECT 1 FROM items WHERE sender = contacts.pseudonym AND NOT purged)",
        /* Replies and notifications not tied to an item: 30 days. */
        "DELETE FROM sms_out WHERE item_id = 0 AND created <= " NOW " - interval '30 days'",
        "DELETE FROM notify_out WHERE item_id = 0 AND created <= " NOW " - interval '30 days'",
        /* Partner events: 365 days after they were filed, like a concern. */
        "DELETE FROM events WHERE created <= " NOW " - interval '365 days'",
        /* A week's assessment: versions older than 2 years go, the latest
         * of each week stays. */
        "DELETE FROM week_notes WHERE created <= " NOW " - interval '730 days' AND version < "
        "(SELECT max(version) FROM week_notes n WHERE n.week = week_notes.week)",
        /* Staff actions (audit, access log): 2 years. */
        "DELETE FROM audit WHERE at <= " NOW " - interval '730 days'",
        "DELETE FROM access_log WHERE at <= " NOW " - interval '730 days'",
        /* Who placed a police event where: staff actions, 2 years like the audit. */
        "DELETE FROM police_place_audit WHERE at <= " NOW " - interval '730 days'",
        /* Used recovery codes are worthless and name when a user logged in. */
        "DELETE FROM user_recovery WHERE used_at > 'epoch'",
        "DELETE FROM smsgw_inbound WHERE created <= " NOW " - interval '7 days' OR item_id IN "
        "(SELECT id FROM items WHERE purged)",
        "DELETE FROM smsgw_calls WHERE at <= " NOW " - interval '1 day'",
        "DELETE FROM police_events WHERE at <= " NOW " - interval '400 days'",
        "DELETE FROM report_uptime WHERE last <= " NOW " - interval '400 days'",
    };
    trygg_err err = trygg_pg_tx_begin(st);
    if (err)
        return err;
    trygg_sql_args a = TRYGG_SQL_ARGS(TRYGG_SQL_INT(now));
    int64_t purged = 0;
    err = trygg_pg_int64(st, items_sql, a, &purged, "purge");
    for (size_t i = 0; !err && i < sizeof steps / sizeof steps[0]; i++)
        err = trygg_pg_write(st, steps[i], strstr(steps[i], "$1") ? a : TRYGG_SQL_NO_ARGS, NULL,
                             "purge");
    err = trygg_pg_tx_end(st, err);
    if (!err && n)
        *n = (int)purged;
    return err;
}

trygg_err trygg_pg_open_item_of_sender(trygg_store *st, const char *pseudonym, int64_t since,
                                       trygg_item *out)
{
    if (!pseudonym || !*pseudonym)
        return trygg_pg_failf(st, TRYGG_ERR_NOTFOUND, "no sender");
    int64_t id = 0;
    trygg_err err = trygg_pg_int64(st,
                                   "SELECT id FROM items WHERE sender = $1 AND created >= " PG_TS(
                                       "$2") " AND status <> 'closed' "
                                             "ORDER BY created DESC, id DESC LIMIT 1",
                                   TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(pseudonym), TRYGG_SQL_INT(since)),
                                   &id, "find open item");
    if (err)
        return err;
    if (id == 0)
        return trygg_pg_failf(st, TRYGG_ERR_NOTFOUND, "no open item of this sender");
    return trygg_pg_get(st, id, out);
}
