/*
 * store_pg_sms.c — the PostgreSQL backend's pseudonymous SMS contacts, the
 * SMS channel's keys, counters and calls, and the two outboxes (SMS
 * replies, forwards) with their leases, and the run-once job leases. The
 * same contract as store_sqlite_sms.c, the PostgreSQL way: contacts and
 * aliases by INSERT ... ON CONFLICT DO NOTHING and retry, outbox claims by
 * one statement with FOR UPDATE SKIP LOCKED that leases what it selects.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_pg_internal.h"
#include "store_rules.h"
#include "trygg/secret.h"

/* ---- Contacts ----------------------------------------------------------------- */

#define CONTACT_COLS                                                                               \
    "pseudonym, alias, cipher, stopped, blocked, callback_consent, lang, " PG_EPOCH(               \
        "first_seen") ", " PG_EPOCH("last_seen")

/* CONTACT_COLS but the cipher (column 2). */
static const trygg_sql_field contact_names[] = {TRYGG_SQL_FTEXT(trygg_contact, pseudonym),
                                                TRYGG_SQL_FTEXT(trygg_contact, alias)};
static const trygg_sql_field contact_state[] = {
    TRYGG_SQL_FINT(trygg_contact, stopped),          TRYGG_SQL_FINT(trygg_contact, blocked),
    TRYGG_SQL_FINT(trygg_contact, callback_consent), TRYGG_SQL_FTEXT(trygg_contact, lang),
    TRYGG_SQL_FINT(trygg_contact, first_seen),       TRYGG_SQL_FINT(trygg_contact, last_seen)};

static void read_contact(const PGresult *r, int row, void *out)
{
    trygg_contact *c = out;
    TRYGG_PG_READ(r, row, contact_names, c, sizeof *c);
    if (!PQgetisnull(r, row, 2)) {
        size_t len = 0;
        unsigned char *bin = PQunescapeBytea((const unsigned char *)PQgetvalue(r, row, 2), &len);
        if (bin && len > 0 && len <= sizeof c->cipher) {
            memcpy(c->cipher, bin, len);
            c->cipher_len = (int)len;
        }
        PQfreemem(bin);
    }
    trygg_pg_read_fields(r, row, 3, contact_state, TRYGG_SQL_COUNT(contact_state), c);
}

trygg_err trygg_pg_contact_get(trygg_store *st, const char *pseudonym, trygg_contact *out)
{
    return trygg_pg_row(st, "SELECT " CONTACT_COLS " FROM contacts WHERE pseudonym = $1",
                        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(pseudonym)), read_contact, out, "contact");
}

/* Inserts contact `pseudonym` with a fresh alias unless the pseudonym (or
 * the alias) is taken: *made = 1 when it was inserted. An alias of the
 * prefix and 4 random digits (6 after many collisions), unique by the
 * table's key; a taken alias is retried, a taken pseudonym is left alone.
 * A concurrent insert of the same pseudonym is waited for by ON CONFLICT,
 * and the next statement sees it. */
static trygg_err insert_contact(trygg_store *st, const char *pseudonym, const unsigned char *cipher,
                                int cipher_len, const char *alias_prefix, int64_t now, int *made)
{
    *made = 0;
    for (int tries = 0; tries < 200; tries++) {
        char alias[TRYGG_ALIAS_MAX + 1];
        if (tries < 100)
            snprintf(alias, sizeof alias, "%s%04u", alias_prefix,
                     (unsigned)trygg_random_uniform(10000));
        else
            snprintf(alias, sizeof alias, "%s%06u", alias_prefix,
                     (unsigned)trygg_random_uniform(1000000));
        int changed = 0;
        trygg_err err = trygg_pg_write(
            st,
            "INSERT INTO contacts (pseudonym, alias, cipher, first_seen, last_seen) "
            "VALUES ($1, $2, $3, " PG_TS("$4") ", " PG_TS("$4") ") ON CONFLICT DO NOTHING",
            TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(pseudonym), TRYGG_SQL_TEXT(alias),
                           cipher_len > 0 ? TRYGG_SQL_BLOB(cipher, cipher_len) : TRYGG_SQL_NULL,
                           TRYGG_SQL_INT(now)),
            &changed, "add contact");
        if (err)
            return err;
        if (changed == 1) {
            *made = 1;
            return TRYGG_OK;
        }
        int64_t exists = 0;
        err = trygg_pg_int64(st, "SELECT count(*) FROM contacts WHERE pseudonym = $1",
                             TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(pseudonym)), &exists, "find contact");
        if (err || exists)
            return err; /* the pseudonym exists (OK) or the read failed */
    }
    return trygg_pg_failf(st, TRYGG_ERR_EXISTS, "no free alias after 200 tries");
}

trygg_err trygg_pg_contact_get_or_create(trygg_store *st, const char *pseudonym,
                                         const unsigned char *cipher, int cipher_len,
                                         const char *alias_prefix, trygg_contact *out)
{
    if (!trygg_rules_pseudo_ok(pseudonym))
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid pseudonym");
    if (cipher_len < 0 || cipher_len > (int)sizeof out->cipher || (cipher_len > 0 && !cipher))
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid cipher");
    if (!alias_prefix)
        alias_prefix = "";
    if (strlen(alias_prefix) + 7 > TRYGG_ALIAS_MAX)
        return trygg_pg_failf(st, TRYGG_ERR_TOOBIG, "alias prefix too long");
    int64_t now = trygg_pg_now();
    trygg_err err = trygg_pg_tx_begin(st);
    if (err)
        return err;
    int made = 0;
    err = insert_contact(st, pseudonym, cipher, cipher_len, alias_prefix, now, &made);
    /* Seen again: last_seen, and the new cipher if it had none (after STOP). */
    if (!err && !made)
        err = trygg_pg_write_one(
            st,
            "UPDATE contacts SET last_seen = " PG_TS("$1") ", cipher = coalesce(cipher, $3) "
                                                           "WHERE pseudonym = $2",
            TRYGG_SQL_ARGS(TRYGG_SQL_INT(now), TRYGG_SQL_TEXT(pseudonym),
                           cipher_len > 0 ? TRYGG_SQL_BLOB(cipher, cipher_len) : TRYGG_SQL_NULL),
            "contact");
    if (!err)
        err = trygg_pg_contact_get(st, pseudonym, out);
    return trygg_pg_tx_end(st, err);
}

/* Sets one flag column of a contact (column from a fixed list). */
static trygg_err contact_flag(trygg_store *st, const char *pseudonym, const char *col, int v)
{
    char sql[128];
    snprintf(sql, sizeof sql, "UPDATE contacts SET %s = $1 WHERE pseudonym = $2", col);
    return trygg_pg_write_one(
        st, sql, TRYGG_SQL_ARGS(TRYGG_SQL_INT(v ? 1 : 0), TRYGG_SQL_TEXT(pseudonym)), "contact");
}

trygg_err trygg_pg_contact_stop(trygg_store *st, const char *pseudonym)
{
    trygg_err err = trygg_pg_tx_begin(st);
    if (err)
        return err;
    trygg_sql_args who = TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(pseudonym));
    err = trygg_pg_write_one(st,
                             "UPDATE contacts SET stopped = true, cipher = NULL, "
                             "callback_consent = false WHERE pseudonym = $1",
                             who, "contact");
    /* STOP withdraws call-back consent: no call-back item keeps the number
     * (the gateway's dialog has already done and audited this; kept here so
     * no other path to a stopped contact can leave a number behind). */
    if (!err)
        err = trygg_pg_write(st,
                             "UPDATE items SET contact = '', consent = false WHERE sender = $1 "
                             "AND kind = 'callback' AND (contact <> '' OR consent)",
                             who, NULL, "withdraw call-back");
    /* Nothing more is sent to someone who said STOP. */
    if (!err)
        err = trygg_pg_write(st,
                             "UPDATE sms_out SET status = 'cancelled', error = 'stopped' "
                             "WHERE recipient = $1 AND status IN ('pending', 'failed')",
                             who, NULL, "cancel sms");
    return trygg_pg_tx_end(st, err);
}

trygg_err trygg_pg_contact_ciphers(trygg_store *st, const char *after, trygg_contact *out, int max,
                                   int *n)
{
    return trygg_pg_select(
        st,
        "SELECT " CONTACT_COLS " FROM contacts WHERE cipher IS NOT NULL "
        "AND pseudonym > $1 ORDER BY pseudonym LIMIT $2",
        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(after ? after : ""), TRYGG_SQL_INT(max < 0 ? 0 : max)), out,
        sizeof *out, max, read_contact, n, "contact ciphers");
}

/* PostgreSQL has no secure_delete: an UPDATE leaves the old row version in
 * the table's pages until it is vacuumed, and VACUUM only marks the space
 * free. VACUUM FULL rewrites the table into new files, so the blanked
 * ciphertexts stay in no live page of the store's files. (Copies in the
 * write-ahead log, a standby or a backup live until those are recycled:
 * docs/gateway-protocol.md.) It takes a short exclusive lock on contacts. */
trygg_err trygg_pg_contact_ciphers_blank(trygg_store *st, const char *const *pseudonyms, int n,
                                         int *blanked)
{
    if (blanked)
        *blanked = 0;
    if (st->txdepth > 0)
        return trygg_pg_failf(st, TRYGG_ERR_STATE, "blanking ciphertexts inside a transaction");
    if (n < 0 || (n > 0 && !pseudonyms))
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid pseudonym list");
    trygg_err err = trygg_pg_tx_begin(st);
    if (err)
        return err;
    int count = 0;
    for (int i = 0; !err && i < n; i++) {
        int changed = 0;
        if (!trygg_rules_pseudo_ok(pseudonyms[i]))
            err = trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid pseudonym");
        else
            err = trygg_pg_write(st,
                                 "UPDATE contacts SET cipher = NULL "
                                 "WHERE pseudonym = $1 AND cipher IS NOT NULL",
                                 TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(pseudonyms[i])), &changed,
                                 "blank ciphertext");
        count += changed;
    }
    err = trygg_pg_tx_end(st, err);
    if (!err && count > 0)
        err = trygg_pg_exec(st, "VACUUM FULL contacts", "vacuum after blanking");
    if (!err && blanked)
        *blanked = count;
    return err;
}

trygg_err trygg_pg_contact_restart(trygg_store *st, const char *pseudonym)
{
    return contact_flag(st, pseudonym, "stopped", 0);
}

trygg_err trygg_pg_contact_set_blocked(trygg_store *st, const char *pseudonym, int blocked)
{
    return contact_flag(st, pseudonym, "blocked", blocked);
}

trygg_err trygg_pg_contact_set_callback(trygg_store *st, const char *pseudonym, int consent)
{
    return contact_flag(st, pseudonym, "callback_consent", consent);
}

trygg_err trygg_pg_contact_set_lang(trygg_store *st, const char *pseudonym, const char *lang)
{
    char tmp[TRYGG_LANG_MAX + 1];
    if (trygg_strset(tmp, sizeof tmp, lang) != TRYGG_OK)
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid language");
    return trygg_pg_write_one(st, "UPDATE contacts SET lang = $1 WHERE pseudonym = $2",
                              TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(lang), TRYGG_SQL_TEXT(pseudonym)),
                              "contact");
}

/* ---- The SMS channel: inbound keys, counters, calls ----------------------- */

trygg_err trygg_pg_sms_inbound_get(trygg_store *st, const char *key, int64_t *item_id)
{
    PGresult *r;
    trygg_err err = trygg_pg_query(st, "SELECT item_id FROM smsgw_inbound WHERE key = $1",
                                   TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(key)), &r, "smsgw inbound get");
    if (err)
        return err;
    if (PQntuples(r) == 0)
        err = TRYGG_ERR_NOTFOUND;
    else if (item_id)
        *item_id = trygg_pg_col_int(r, 0, 0);
    PQclear(r);
    return err;
}

trygg_err trygg_pg_sms_inbound_put(trygg_store *st, const char *key, int64_t item_id,
                                   const char *sender, int64_t at)
{
    return trygg_pg_write(st,
                          "INSERT INTO smsgw_inbound (key, item_id, sender, created) "
                          "VALUES ($1, $2, $3, " PG_TS("$4") ")",
                          TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(key), TRYGG_SQL_INT(item_id),
                                         TRYGG_SQL_TEXT(sender), TRYGG_SQL_INT(at)),
                          NULL, "smsgw inbound put");
}

trygg_err trygg_pg_sms_counter_add(trygg_store *st, const char *day, const char *name, int delta)
{
    return trygg_pg_write(
        st,
        "INSERT INTO smsgw_counters (day, name, count) VALUES ($1, $2, $3) "
        "ON CONFLICT (day, name) DO UPDATE SET count = smsgw_counters.count + excluded.count",
        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(day), TRYGG_SQL_TEXT(name), TRYGG_SQL_INT(delta)), NULL,
        "smsgw counter add");
}

trygg_err trygg_pg_sms_counter_get(trygg_store *st, const char *day, const char *name,
                                   int64_t *count)
{
    return trygg_pg_int64(st, "SELECT count FROM smsgw_counters WHERE day = $1 AND name = $2",
                          TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(day), TRYGG_SQL_TEXT(name)), count,
                          "smsgw counter get");
}

/* A count(*) statement's result as an int (the SMS channel's rate limits). */
static trygg_err count_int(trygg_store *st, const char *sql, trygg_sql_args a, int *count,
                           const char *what)
{
    int64_t n = 0;
    trygg_err err = trygg_pg_int64(st, sql, a, &n, what);
    *count = (int)n;
    return err;
}

trygg_err trygg_pg_sms_inbound_count(trygg_store *st, const char *sender, int64_t since, int *count)
{
    return count_int(
        st, "SELECT count(*) FROM smsgw_inbound WHERE sender = $1 AND created >= " PG_TS("$2"),
        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(sender), TRYGG_SQL_INT(since)), count, "smsgw inbound count");
}

trygg_err trygg_pg_call_put(trygg_store *st, const char *sender, int64_t at)
{
    return trygg_pg_write(st, "INSERT INTO smsgw_calls (sender, at) VALUES ($1, " PG_TS("$2") ")",
                          TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(sender), TRYGG_SQL_INT(at)), NULL,
                          "smsgw call put");
}

trygg_err trygg_pg_call_count(trygg_store *st, const char *sender, int64_t since, int *count)
{
    return count_int(
        st, "SELECT count(*) FROM smsgw_calls WHERE sender = $1 AND at >= " PG_TS("$2"),
        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(sender), TRYGG_SQL_INT(since)), count, "smsgw call count");
}

trygg_err trygg_pg_sms_sent_count(trygg_store *st, const char *recipient, const char *author,
                                  int64_t since, int *count)
{
    return count_int(
        st,
        "SELECT count(*) FROM sms_out WHERE recipient = $1 AND author = $2 "
        "AND created >= " PG_TS("$3"),
        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(recipient), TRYGG_SQL_TEXT(author), TRYGG_SQL_INT(since)),
        count, "smsgw sent count");
}

trygg_err trygg_pg_callback_withdraw(trygg_store *st, const char *sender, const char *actor, int *n)
{
    if (n)
        *n = 0;
    trygg_err err = trygg_pg_tx_begin(st);
    if (err)
        return err;
    trygg_sql_args a = TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(sender), TRYGG_SQL_TEXT(actor ? actor : ""),
                                      TRYGG_SQL_INT(trygg_pg_now()));
    /* The audit names what was deleted, never the number. */
    err = trygg_pg_write(
        st,
        "INSERT INTO audit (item_id, actor, action, detail, at) "
        "SELECT id, $2, 'consent', 'call-back consent withdrawn by STOP; "
        "call-back number deleted', " PG_TS(
            "$3") " FROM items "
                  "WHERE sender = $1 AND kind = 'callback' AND (contact <> '' OR consent)",
        a, NULL, "call-back withdraw");
    int changed = 0;
    if (!err)
        err = trygg_pg_write(st,
                             "UPDATE items SET contact = '', consent = false, "
                             "updated = " PG_TS("$2") " WHERE sender = $1 AND kind = 'callback' "
                                                      "AND (contact <> '' OR consent)",
                             TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(sender), TRYGG_SQL_INT(trygg_pg_now())),
                             &changed, "call-back withdraw");
    if (!err)
        err =
            trygg_pg_write(st, "UPDATE contacts SET callback_consent = false WHERE pseudonym = $1",
                           TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(sender)), NULL, "call-back withdraw");
    err = trygg_pg_tx_end(st, err);
    if (!err && n)
        *n = changed;
    return err;
}

/* ---- Outboxes: SMS and notifications --------------------------------------------- */

/* Both outboxes end their rows with the same delivery state. */
#define OUT_STATE_COLS                                                                             \
    "status, attempts, error, " PG_EPOCH("created") ", " PG_EPOCH("next_attempt") ", " PG_EPOCH(   \
        "sent_at")

static trygg_out_status out_parse(const char *s)
{
    for (int i = 0; i < TRYGG_OUT_COUNT; i++)
        if (strcmp(s, trygg_out_status_name((trygg_out_status)i)) == 0)
            return (trygg_out_status)i;
    return TRYGG_OUT_DEAD;
}

/* Reads the OUT_STATE_COLS that start at column `col` into the outbox row
 * m (a trygg_sms_out or a trygg_notify). */
#define READ_OUT_STATE(r, row, col, m)                                                             \
    read_out_state(r, row, col, &(m)->status, &(m)->attempts, (m)->error, sizeof(m)->error,        \
                   &(m)->created, &(m)->next_attempt, &(m)->sent_at)

static void read_out_state(const PGresult *r, int row, int col, trygg_out_status *status,
                           int *attempts, char *error, size_t error_cap, int64_t *created,
                           int64_t *next_attempt, int64_t *sent_at)
{
    char buf[16];
    trygg_pg_col_text(r, row, col, buf, sizeof buf);
    *status = out_parse(buf);
    *attempts = (int)trygg_pg_col_int(r, row, col + 1);
    trygg_pg_col_text(r, row, col + 2, error, error_cap);
    *created = trygg_pg_col_int(r, row, col + 3);
    *next_attempt = trygg_pg_col_int(r, row, col + 4);
    *sent_at = trygg_pg_col_int(r, row, col + 5);
}

/* Records the result of a send attempt on row `id` of `table`; parts (the
 * SMS parts used) only for the SMS outbox, NULL for the other. Ends the
 * row's lease. */
static trygg_err mark_out_row(trygg_store *st, const char *table, int64_t id,
                              trygg_out_status status, const int *parts, const char *error,
                              int64_t next_attempt, const char *what)
{
    char tmp[256];
    if ((int)status < 0 || (int)status >= TRYGG_OUT_COUNT || trygg_strset(tmp, sizeof tmp, error))
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid status or error text");
    int attempt =
        status == TRYGG_OUT_SENT || status == TRYGG_OUT_FAILED || status == TRYGG_OUT_DEAD;
    char sql[400];
    snprintf(sql, sizeof sql,
             "UPDATE %s SET status = $1, %serror = $2, next_attempt = " PG_TS(
                 "$3") ", "
                       "attempts = attempts + $4, sent_at = CASE WHEN $1 = 'sent' THEN " PG_TS(
                           "$5") " "
                                 "ELSE sent_at END, lease_owner = '', lease_until = 'epoch' WHERE "
                                 "id = $6",
             table, parts ? "parts = $7, " : "handed_over = 'epoch', ");
    trygg_sql_args a = TRYGG_SQL_ARGS(
        TRYGG_SQL_TEXT(trygg_out_status_name(status)), TRYGG_SQL_TEXT(error ? error : ""),
        TRYGG_SQL_INT(next_attempt), TRYGG_SQL_INT(attempt), TRYGG_SQL_INT(trygg_pg_now()),
        TRYGG_SQL_INT(id), TRYGG_SQL_INT(parts ? *parts : 0));
    if (!parts)
        a.n--; /* no $7 */
    return trygg_pg_write_one(st, sql, a, what);
}

/* ---- SMS outbox ------------------------------------------------------------------ */

#define SMS_COLS "id, item_id, recipient, text, author, parts, " OUT_STATE_COLS
/* The SMS outbox's delivery order: the gateway's urgent replies (author
 * "smsgw-urgent", 112 first) before everything else queued. */
#define SMS_ORDER "(author = 'smsgw-urgent') DESC, next_attempt, id"

static const trygg_sql_field sms_fields[] = {
    TRYGG_SQL_FINT(trygg_sms_out, id),         TRYGG_SQL_FINT(trygg_sms_out, item_id),
    TRYGG_SQL_FTEXT(trygg_sms_out, recipient), TRYGG_SQL_FTEXT(trygg_sms_out, text),
    TRYGG_SQL_FTEXT(trygg_sms_out, author),    TRYGG_SQL_FINT(trygg_sms_out, parts)};

static void read_sms(const PGresult *r, int row, void *out)
{
    trygg_sms_out *m = out;
    TRYGG_PG_READ(r, row, sms_fields, m, sizeof *m);
    READ_OUT_STATE(r, row, 6, m);
}

/* Runs an INSERT ... RETURNING id; *id (may be NULL) gets it. */
static trygg_err insert_id(trygg_store *st, const char *sql, trygg_sql_args a, int64_t *id,
                           const char *what)
{
    PGresult *r;
    trygg_err err = trygg_pg_query(st, sql, a, &r, what);
    if (err)
        return err;
    if (id && PQntuples(r) == 1)
        *id = trygg_pg_col_int(r, 0, 0);
    PQclear(r);
    return TRYGG_OK;
}

trygg_err trygg_pg_sms_enqueue(trygg_store *st, int64_t item_id, const char *recipient,
                               const char *author, const char *text, int64_t *id)
{
    trygg_sms_out tmp;
    if (!text || !*text || trygg_strset(tmp.text, sizeof tmp.text, text) ||
        trygg_strset(tmp.author, sizeof tmp.author, author))
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid SMS text or author");
    trygg_err err = trygg_pg_tx_begin(st);
    if (err)
        return err;
    trygg_contact c;
    /* FOR SHARE: a STOP that commits first is seen; one after waits for this. */
    err = trygg_pg_row(st, "SELECT " CONTACT_COLS " FROM contacts WHERE pseudonym = $1 FOR SHARE",
                       TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(recipient)), read_contact, &c, "contact");
    if (!err && (c.stopped || c.blocked))
        err = trygg_pg_failf(st, TRYGG_ERR_STATE, "recipient has %s",
                             c.stopped ? "said STOP" : "been blocked");
    if (!err)
        err = insert_id(
            st,
            "WITH ins AS (INSERT INTO sms_out (item_id, recipient, text, author, created, "
            "next_attempt) VALUES ($1, $2, $3, $4, " PG_TS("$5") ", " PG_TS(
                "$5") ") "
                      "RETURNING id) "
                      "SELECT id, pg_notify('" TRYGG_PG_CHANNEL_SMS "', '') FROM ins",
            TRYGG_SQL_ARGS(TRYGG_SQL_INT(item_id), TRYGG_SQL_TEXT(recipient), TRYGG_SQL_TEXT(text),
                           TRYGG_SQL_TEXT(author ? author : ""), TRYGG_SQL_INT(trygg_pg_now())),
            id, "enqueue sms");
    return trygg_pg_tx_end(st, err);
}

trygg_err trygg_pg_sms_due(trygg_store *st, int64_t now, trygg_sms_out *out, int max, int *n)
{
    return trygg_pg_select(st,
                           "SELECT " SMS_COLS " FROM sms_out WHERE status IN ('pending', 'failed') "
                           "AND next_attempt <= " PG_TS("$1") " ORDER BY " SMS_ORDER " LIMIT $2",
                           TRYGG_SQL_ARGS(TRYGG_SQL_INT(now), TRYGG_SQL_INT(max < 0 ? 0 : max)),
                           out, sizeof *out, max, read_sms, n, "due sms");
}

trygg_err trygg_pg_sms_mark(trygg_store *st, int64_t id, trygg_out_status status, int parts,
                            const char *error, int64_t next_attempt)
{
    return mark_out_row(st, "sms_out", id, status, &parts, error, next_attempt, "sms");
}

trygg_err trygg_pg_sms_list(trygg_store *st, int64_t item_id, trygg_sms_out *out, int max, int *n)
{
    return trygg_pg_select(st,
                           "SELECT " SMS_COLS " FROM sms_out WHERE item_id = $1 ORDER BY id "
                           "LIMIT $2",
                           TRYGG_SQL_ARGS(TRYGG_SQL_INT(item_id), TRYGG_SQL_INT(max < 0 ? 0 : max)),
                           out, sizeof *out, max, read_sms, n, "list sms");
}

trygg_err trygg_pg_sms_get(trygg_store *st, int64_t id, trygg_sms_out *out)
{
    trygg_err err = trygg_pg_row(st, "SELECT " SMS_COLS " FROM sms_out WHERE id = $1",
                                 TRYGG_SQL_ARGS(TRYGG_SQL_INT(id)), read_sms, out, "sms");
    if (err == TRYGG_ERR_NOTFOUND)
        trygg_pg_failf(st, err, "no such sms %lld", (long long)id);
    return err;
}

/* ---- Notification outbox ------------------------------------------------------------ */

#define NOTIFY_COLS                                                                                \
    "id, item_id, destination, channel, payload, " OUT_STATE_COLS                                  \
    ", " PG_EPOCH("handed_over") ", handovers"

static const trygg_sql_field notify_fields[] = {
    TRYGG_SQL_FINT(trygg_notify, id), TRYGG_SQL_FINT(trygg_notify, item_id),
    TRYGG_SQL_FTEXT(trygg_notify, destination), TRYGG_SQL_FTEXT(trygg_notify, channel),
    TRYGG_SQL_FTEXT(trygg_notify, payload)};

static void read_notify(const PGresult *r, int row, void *out)
{
    trygg_notify *m = out;
    TRYGG_PG_READ(r, row, notify_fields, m, sizeof *m);
    READ_OUT_STATE(r, row, 5, m);
    m->handed_over = trygg_pg_col_int(r, row, 11);
    m->handovers = (int)trygg_pg_col_int(r, row, 12);
}

trygg_err trygg_pg_notify_enqueue(trygg_store *st, int64_t item_id, const char *destination,
                                  const char *channel, const char *payload, int64_t *id)
{
    trygg_notify tmp;
    if (!destination || !*destination ||
        trygg_strset(tmp.destination, sizeof tmp.destination, destination) || !channel ||
        (strcmp(channel, "email") != 0 && strcmp(channel, "webhook") != 0) || !payload ||
        trygg_strset(tmp.payload, sizeof tmp.payload, payload))
        return trygg_pg_failf(st, TRYGG_ERR_INVALID,
                              "invalid forward (destination, channel "
                              "email|webhook, payload < 8 KiB)");
    return insert_id(
        st,
        "WITH ins AS (INSERT INTO notify_out (item_id, destination, channel, payload, created, "
        "next_attempt) VALUES ($1, $2, $3, $4, " PG_TS("$5") ", " PG_TS(
            "$5") ") "
                  "RETURNING id) "
                  "SELECT id, pg_notify('" TRYGG_PG_CHANNEL_NOTIFY "', '') FROM ins",
        TRYGG_SQL_ARGS(TRYGG_SQL_INT(item_id), TRYGG_SQL_TEXT(destination), TRYGG_SQL_TEXT(channel),
                       TRYGG_SQL_TEXT(payload), TRYGG_SQL_INT(trygg_pg_now())),
        id, "enqueue forward");
}

trygg_err trygg_pg_notify_due(trygg_store *st, int64_t now, trygg_notify *out, int max, int *n)
{
    return trygg_pg_select(st,
                           "SELECT " NOTIFY_COLS " FROM notify_out WHERE status IN ('pending', "
                           "'failed') AND next_attempt <= " PG_TS("$1") " ORDER BY next_attempt, "
                                                                        "id LIMIT $2",
                           TRYGG_SQL_ARGS(TRYGG_SQL_INT(now), TRYGG_SQL_INT(max < 0 ? 0 : max)),
                           out, sizeof *out, max, read_notify, n, "due forwards");
}

trygg_err trygg_pg_notify_mark(trygg_store *st, int64_t id, trygg_out_status status,
                               const char *error, int64_t next_attempt)
{
    return mark_out_row(st, "notify_out", id, status, NULL, error, next_attempt, "forward");
}

trygg_err trygg_pg_notify_list(trygg_store *st, int status, trygg_notify *out, int max, int *n)
{
    return trygg_pg_select(
        st,
        "SELECT " NOTIFY_COLS " FROM notify_out WHERE $1 = '' OR status = $1 "
        "ORDER BY id DESC LIMIT $2",
        TRYGG_SQL_ARGS(
            TRYGG_SQL_TEXT(status < 0 ? "" : trygg_out_status_name((trygg_out_status)status)),
            TRYGG_SQL_INT(max < 0 ? 0 : max)),
        out, sizeof *out, max, read_notify, n, "list forwards");
}

/* ---- Leases ------------------------------------------------------------------
 * A claim is one statement: it selects the due, unleased rows in order,
 * locks them with FOR UPDATE SKIP LOCKED (a row another worker is claiming
 * at this moment is passed over, not waited for) and leases them. A row
 * leased by a claim that committed just before is re-checked against the
 * lease by the lock, so two workers never get the same row. Marking a row
 * ends its lease; a lease that runs out (the worker crashed) frees it. */

/* Claims up to `max` rows of `table` (due: `due`, order: `order`, columns
 * `cols`) into out[] read by `read`, leased to `owner` for lease_s. */
static trygg_err claim_rows(trygg_store *st, const char *owner, int64_t now, int lease_s,
                            const char *table, const char *cols, const char *order,
                            void (*read)(const PGresult *r, int row, void *out), void *out,
                            size_t size, int max, int *n)
{
    *n = 0;
    if (!trygg_rules_lease_args_ok(owner, lease_s, max))
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid lease owner, time or count");
    if (max > 256)
        max = 256;
    char sql[1536];
    snprintf(sql, sizeof sql,
             "WITH c AS (SELECT id FROM %s WHERE status IN ('pending', 'failed') "
             "AND next_attempt <= " PG_TS("$1") " AND lease_until <= " PG_TS(
                 "$1") " "
                       "ORDER BY %s LIMIT $2 FOR UPDATE SKIP LOCKED), "
                       "u AS (UPDATE %s t SET lease_owner = $3, lease_until = " PG_TS(
                           "$4") " "
                                 "FROM c WHERE t.id = c.id RETURNING t.*) "
                                 "SELECT %s FROM u ORDER BY %s",
             table, order, table, cols, order);
    return trygg_pg_select(st, sql,
                           TRYGG_SQL_ARGS(TRYGG_SQL_INT(now), TRYGG_SQL_INT(max),
                                          TRYGG_SQL_TEXT(owner), TRYGG_SQL_INT(now + lease_s)),
                           out, size, max, read, n, table);
}

trygg_err trygg_pg_sms_claim(trygg_store *st, const char *owner, int64_t now, int lease_s,
                             trygg_sms_out *out, int max, int *n)
{
    return claim_rows(st, owner, now, lease_s, "sms_out", SMS_COLS, SMS_ORDER, read_sms, out,
                      sizeof *out, max, n);
}

trygg_err trygg_pg_notify_claim(trygg_store *st, const char *owner, int64_t now, int lease_s,
                                trygg_notify *out, int max, int *n)
{
    return claim_rows(st, owner, now, lease_s, "notify_out", NOTIFY_COLS, "next_attempt, id",
                      read_notify, out, sizeof *out, max, n);
}

trygg_err trygg_pg_notify_renew(trygg_store *st, const char *owner, int64_t now, int lease_s,
                                int *n)
{
    *n = 0;
    if (!trygg_rules_lease_args_ok(owner, lease_s, 0))
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid lease owner or time");
    return trygg_pg_write(
        st,
        "UPDATE notify_out SET lease_until = " PG_TS(
            "$3") " WHERE lease_owner = "
                  "$1 AND lease_until > " PG_TS("$2") " AND status IN ('pending', 'failed')",
        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(owner), TRYGG_SQL_INT(now), TRYGG_SQL_INT(now + lease_s)), n,
        "renew forward leases");
}

trygg_err trygg_pg_notify_handover(trygg_store *st, int64_t id, const char *owner, int64_t now)
{
    if (!trygg_rules_lease_args_ok(owner, 1, 0))
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid lease owner");
    int changed = 0;
    trygg_err err =
        trygg_pg_write(st,
                       "UPDATE notify_out SET handed_over = " PG_TS(
                           "$3") ", handovers = handovers + 1 "
                                 "WHERE id = $1 AND lease_owner = $2 AND lease_until > " PG_TS(
                                     "$3") " "
                                           "AND status IN ('pending', 'failed')",
                       TRYGG_SQL_ARGS(TRYGG_SQL_INT(id), TRYGG_SQL_TEXT(owner), TRYGG_SQL_INT(now)),
                       &changed, "forward hand-over");
    if (err || changed == 1)
        return err;
    int64_t found = 0;
    err = trygg_pg_int64(st, "SELECT count(*) FROM notify_out WHERE id = $1",
                         TRYGG_SQL_ARGS(TRYGG_SQL_INT(id)), &found, "forward hand-over");
    if (err)
        return err;
    return found ? trygg_pg_failf(st, TRYGG_ERR_BUSY, "forward %lld is not leased to %s",
                                  (long long)id, owner)
                 : trygg_pg_failf(st, TRYGG_ERR_NOTFOUND, "no such forward %lld", (long long)id);
}

/* Run-once jobs: insert-or-take on the job's unique name in one statement;
 * the row is taken over only when it is ours already or its lease ran out.
 * (Not an advisory lock: the lease must outlive the connection of a server
 * that dies mid-pass no longer than lease_s, and be renewable by the same
 * owner from another handle; an advisory lock is tied to one session.) */
trygg_err trygg_pg_job_lease(trygg_store *st, const char *job, const char *owner, int64_t now,
                             int lease_s)
{
    if (!job || !*job || strlen(job) > TRYGG_NAME_MAX ||
        !trygg_rules_lease_args_ok(owner, lease_s, 0))
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid job lease");
    int changed = 0;
    trygg_err err = trygg_pg_write(
        st,
        "INSERT INTO job_leases (name, owner, until) VALUES ($1, $2, " PG_TS(
            "$3") ") "
                  "ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until "
                  "WHERE job_leases.owner = excluded.owner OR job_leases.until <= " PG_TS("$4"),
        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(job), TRYGG_SQL_TEXT(owner), TRYGG_SQL_INT(now + lease_s),
                       TRYGG_SQL_INT(now)),
        &changed, "job lease");
    if (err)
        return err;
    return changed == 1
               ? TRYGG_OK
               : trygg_pg_failf(st, TRYGG_ERR_BUSY, "job %s is leased by another worker", job);
}

trygg_err trygg_pg_job_release(trygg_store *st, const char *job, const char *owner)
{
    return trygg_pg_write(st, "DELETE FROM job_leases WHERE name = $1 AND owner = $2",
                          TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(job), TRYGG_SQL_TEXT(owner)), NULL,
                          "job release");
}

/* The last period a run-once job was done for is a row of report_meta
 * ("job_done:<job>", as in SQLite): one statement that moves it forward only. */
trygg_err trygg_pg_job_done(trygg_store *st, const char *job, int64_t period, int *first)
{
    *first = 0;
    char key[TRYGG_NAME_MAX + 16];
    if (!job || !*job || strlen(job) > TRYGG_NAME_MAX)
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid job name");
    snprintf(key, sizeof key, "job_done:%s", job);
    int changed = 0;
    trygg_err err = trygg_pg_write(st,
                                   "INSERT INTO report_meta (key, value) VALUES ($1, $2) "
                                   "ON CONFLICT (key) DO UPDATE SET value = excluded.value "
                                   "WHERE report_meta.value < excluded.value",
                                   TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(key), TRYGG_SQL_INT(period)),
                                   &changed, "job done");
    if (!err)
        *first = changed == 1;
    return err;
}
