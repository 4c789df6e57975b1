/*
 * store_sqlite_sms.c — pseudonymous SMS contacts, the SMS outbox, the notification
 * outbox (forwards) and channel health rows.
 */
#include "store_sqlite_internal.h"
#include "store_rules.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "trygg/secret.h"

static const char *const out_names[] = {"pending",   "sent",      "failed",     "dead",
                                        "cancelled", "delivered", "undelivered"};
#define OUT_COUNT ((int)(sizeof out_names / sizeof out_names[0]))

const char *trygg_out_status_name(trygg_out_status s)
{
    if ((int)s < 0 || (int)s >= OUT_COUNT)
        return "?";
    return out_names[s];
}

static trygg_out_status out_parse(const char *s)
{
    for (int i = 0; s && i < OUT_COUNT; i++)
        if (strcmp(s, out_names[i]) == 0)
            return (trygg_out_status)i;
    return TRYGG_OUT_DEAD;
}

/* ---- Contacts ----------------------------------------------------------------- */

#define CONTACT_COLS                                                                               \
    "pseudonym, alias, cipher, stopped, blocked, callback_consent, lang, first_seen, last_seen"

/* CONTACT_COLS but the cipher (column 2). */
static const trygg_sql_field contact_names[] = {TRYGG_SQL_FTEXT(trygg_contact, pseudonym),
                                                TRYGG_SQL_FTEXT(trygg_contact, alias)};
static const trygg_sql_field contact_state[] = {
    TRYGG_SQL_FINT(trygg_contact, stopped),          TRYGG_SQL_FINT(trygg_contact, blocked),
    TRYGG_SQL_FINT(trygg_contact, callback_consent), TRYGG_SQL_FTEXT(trygg_contact, lang),
    TRYGG_SQL_FINT(trygg_contact, first_seen),       TRYGG_SQL_FINT(trygg_contact, last_seen)};

static void read_contact(sqlite3_stmt *s, void *row)
{
    trygg_contact *c = row;
    TRYGG_SQL_READ(s, contact_names, c, sizeof *c);
    int len = sqlite3_column_bytes(s, 2);
    const void *blob = sqlite3_column_blob(s, 2);
    if (blob && len > 0 && (size_t)len <= sizeof c->cipher) {
        memcpy(c->cipher, blob, (size_t)len);
        c->cipher_len = len;
    }
    trygg_sql_read_fields(s, 3, contact_state, TRYGG_SQL_COUNT(contact_state), c);
}

trygg_err trygg_sqlite_contact_get(trygg_store *st, const char *pseudonym, trygg_contact *out)
{
    return trygg_st_get_row(st, "SELECT " CONTACT_COLS " FROM contacts WHERE pseudonym = ?1",
                            pseudonym, read_contact, out, "contact");
}

/* Inserts contact `pseudonym` with a fresh alias unless the pseudonym (or
 * the alias) is taken: *made = 1 when it was inserted. An alias of the
 * prefix and 4 random digits (6 after many collisions), unique by the
 * table's key; a taken alias is retried, a taken pseudonym is left alone. */
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
        sqlite3_stmt *s;
        trygg_err err = trygg_st_prepare(st,
                                         "INSERT INTO contacts (pseudonym, alias, cipher, "
                                         "first_seen, last_seen) VALUES (?1, ?2, ?3, ?4, ?4) "
                                         "ON CONFLICT DO NOTHING",
                                         &s);
        if (err)
            return err;
        trygg_st_bind_text(s, 1, pseudonym);
        trygg_st_bind_text(s, 2, alias);
        if (cipher_len > 0)
            sqlite3_bind_blob(s, 3, cipher, cipher_len, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(s, 3);
        sqlite3_bind_int64(s, 4, now);
        err = trygg_st_run(st, s, "add contact");
        if (err)
            return err;
        if (sqlite3_changes(st->db) == 1) {
            *made = 1;
            return TRYGG_OK;
        }
        trygg_contact c;
        err = trygg_store_contact_get(st, pseudonym, &c);
        if (err != TRYGG_ERR_NOTFOUND)
            return err; /* the pseudonym exists (OK) or the read failed */
    }
    return trygg_st_failf(st, TRYGG_ERR_EXISTS, "no free alias after 200 tries");
}

/* An existing contact was seen again: last_seen, and a new cipher if it had
 * none (after STOP). */
static trygg_err touch_contact(trygg_store *st, const char *pseudonym, const unsigned char *cipher,
                               int cipher_len, int had_cipher, int64_t now)
{
    int store_cipher = cipher_len > 0 && !had_cipher;
    sqlite3_stmt *s;
    trygg_err err =
        trygg_st_prepare(st,
                         store_cipher ? "UPDATE contacts SET last_seen = ?1, cipher = ?3 "
                                        "WHERE pseudonym = ?2"
                                      : "UPDATE contacts SET last_seen = ?1 WHERE pseudonym = ?2",
                         &s);
    if (err)
        return err;
    sqlite3_bind_int64(s, 1, now);
    trygg_st_bind_text(s, 2, pseudonym);
    if (store_cipher)
        sqlite3_bind_blob(s, 3, cipher, cipher_len, SQLITE_TRANSIENT);
    return trygg_st_run(st, s, "update contact");
}

/* Insert-or-get on the pseudonym's key, correct without relying on a
 * database-wide write lock: two gateways (or server threads) meeting a new
 * sender at once end with one contact and one alias. */
trygg_err trygg_sqlite_contact_get_or_create(trygg_store *st, const char *pseudonym,
                                             const unsigned char *cipher, int cipher_len,
                                             const char *alias_prefix, trygg_contact *out)
{
    if (!trygg_rules_pseudo_ok(pseudonym))
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid pseudonym");
    if (cipher_len < 0 || cipher_len > (int)sizeof out->cipher || (cipher_len > 0 && !cipher))
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid cipher");
    if (!alias_prefix)
        alias_prefix = "";
    if (strlen(alias_prefix) + 7 > TRYGG_ALIAS_MAX)
        return trygg_st_failf(st, TRYGG_ERR_TOOBIG, "alias prefix too long");
    int64_t now = trygg_st_now();
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    int made = 0;
    err = insert_contact(st, pseudonym, cipher, cipher_len, alias_prefix, now, &made);
    if (!err && !made) {
        err = trygg_store_contact_get(st, pseudonym, out);
        if (!err)
            err = touch_contact(st, pseudonym, cipher, cipher_len, out->cipher_len > 0, now);
    }
    if (!err)
        err = trygg_store_contact_get(st, pseudonym, out);
    return trygg_st_tx_end(st, err);
}

/* Sets one integer flag column of a contact (column from a fixed list). */
static trygg_err contact_flag(trygg_store *st, const char *pseudonym, const char *col, int v)
{
    char sql[128];
    snprintf(sql, sizeof sql, "UPDATE contacts SET %s = ?1 WHERE pseudonym = ?2", col);
    return trygg_st_write_one(
        st, sql, TRYGG_SQL_ARGS(TRYGG_SQL_INT(v ? 1 : 0), TRYGG_SQL_TEXT(pseudonym)), "contact");
}

trygg_err trygg_sqlite_contact_stop(trygg_store *st, const char *pseudonym)
{
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    err = trygg_st_write_one(
        st,
        "UPDATE contacts SET stopped = 1, cipher = NULL, callback_consent = 0 WHERE pseudonym = ?1",
        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(pseudonym)), "contact");
    /* STOP withdraws call-back consent: no call-back item keeps the number
     * (the gateway's dialog has already done and audited this; kept here so
     * no other path to a stopped contact can leave a number behind). */
    if (!err)
        err = trygg_st_write(st,
                             "UPDATE items SET contact = '', consent = 0 WHERE sender = ?1 AND "
                             "kind = 'callback' AND (contact <> '' OR consent <> 0)",
                             TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(pseudonym)), "withdraw call-back");
    /* Nothing more is sent to someone who said STOP. */
    if (!err)
        err = trygg_st_write(st,
                             "UPDATE sms_out SET status = 'cancelled', error = 'stopped' "
                             "WHERE recipient = ?1 AND status IN ('pending', 'failed')",
                             TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(pseudonym)), "cancel sms");
    return trygg_st_tx_end(st, err);
}

trygg_err trygg_sqlite_contact_ciphers(trygg_store *st, const char *after, trygg_contact *out,
                                       int max, int *n)
{
    *n = 0;
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st,
                                     "SELECT " CONTACT_COLS " FROM contacts WHERE cipher IS NOT "
                                     "NULL AND pseudonym > ?1 ORDER BY pseudonym LIMIT ?2",
                                     &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, after);
    sqlite3_bind_int(s, 2, max < 0 ? 0 : max);
    return trygg_st_collect(st, s, out, sizeof *out, read_contact, n, "contact ciphers");
}

/* Blanks one contact's ciphertext; *blanked + 1 when it had one. */
static trygg_err blank_cipher(trygg_store *st, const char *pseudonym, int *blanked)
{
    trygg_err err = trygg_st_write(
        st, "UPDATE contacts SET cipher = NULL WHERE pseudonym = ?1 AND cipher IS NOT NULL",
        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(pseudonym)), "blank ciphertext");
    if (!err)
        *blanked += sqlite3_changes(st->db);
    return err;
}

/* secure_delete overwrites the cells and pages the UPDATEs free, so the
 * ciphertexts stay in no page; the truncating checkpoint then copies the
 * new pages over the old ones and empties the log (it is skipped while a
 * reader holds the log: the next truncating checkpoint does it). */
trygg_err trygg_sqlite_contact_ciphers_blank(trygg_store *st, const char *const *pseudonyms, int n,
                                             int *blanked)
{
    int count = 0;
    if (blanked)
        *blanked = 0;
    if (st->txdepth > 0)
        return trygg_st_failf(st, TRYGG_ERR_STATE, "blanking ciphertexts inside a transaction");
    if (n < 0 || (n > 0 && !pseudonyms))
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid pseudonym list");
    trygg_err err = trygg_st_exec(st, "PRAGMA secure_delete = ON");
    if (!err)
        err = trygg_st_tx_begin(st);
    if (err)
        return err;
    for (int i = 0; !err && i < n; i++)
        err = trygg_rules_pseudo_ok(pseudonyms[i])
                  ? blank_cipher(st, pseudonyms[i], &count)
                  : trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid pseudonym");
    err = trygg_st_tx_end(st, err);
    trygg_err off = trygg_st_exec(st, "PRAGMA secure_delete = OFF");
    if (!err)
        err = off;
    if (!err && count > 0) {
        int rc = sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            err = trygg_st_fail(st, rc, "checkpoint after blanking");
    }
    if (!err && blanked)
        *blanked = count;
    return err;
}

trygg_err trygg_sqlite_contact_restart(trygg_store *st, const char *pseudonym)
{
    return contact_flag(st, pseudonym, "stopped", 0);
}

trygg_err trygg_sqlite_contact_set_blocked(trygg_store *st, const char *pseudonym, int blocked)
{
    return contact_flag(st, pseudonym, "blocked", blocked);
}

trygg_err trygg_sqlite_contact_set_callback(trygg_store *st, const char *pseudonym, int consent)
{
    return contact_flag(st, pseudonym, "callback_consent", consent);
}

trygg_err trygg_sqlite_contact_set_lang(trygg_store *st, const char *pseudonym, const char *lang)
{
    char tmp[TRYGG_LANG_MAX + 1];
    if (trygg_strset(tmp, sizeof tmp, lang) != TRYGG_OK)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid language");
    return trygg_st_write_one(st, "UPDATE contacts SET lang = ?1 WHERE pseudonym = ?2",
                              TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(lang), TRYGG_SQL_TEXT(pseudonym)),
                              "contact");
}

trygg_err trygg_sqlite_open_item_of_sender(trygg_store *st, const char *pseudonym, int64_t since,
                                           trygg_item *out)
{
    if (!pseudonym || !*pseudonym)
        return trygg_st_failf(st, TRYGG_ERR_NOTFOUND, "no sender");
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st,
                                     "SELECT id FROM items WHERE sender = ?1 AND created >= ?2 "
                                     "AND status <> 'closed' ORDER BY created DESC, id DESC "
                                     "LIMIT 1",
                                     &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, pseudonym);
    sqlite3_bind_int64(s, 2, since);
    int rc = sqlite3_step(s);
    int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    if (rc == SQLITE_DONE)
        err = trygg_st_failf(st, TRYGG_ERR_NOTFOUND, "no open item of this sender");
    else if (rc != SQLITE_ROW)
        err = trygg_st_fail(st, rc, "find open item");
    sqlite3_finalize(s);
    if (err)
        return err;
    return trygg_store_get(st, id, out);
}

/* ---- Outboxes: SMS and notifications --------------------------------------------- */

/* Both outboxes end their rows with the same delivery state. */
#define OUT_STATE_COLS "status, attempts, error, created, next_attempt, sent_at"

/* Reads the OUT_STATE_COLS that start at column `col` into the outbox row
 * m (a trygg_sms_out or a trygg_notify). */
#define READ_OUT_STATE(s, col, m)                                                                  \
    read_out_state(s, col, &(m)->status, &(m)->attempts, (m)->error, sizeof(m)->error,             \
                   &(m)->created, &(m)->next_attempt, &(m)->sent_at)

static void read_out_state(sqlite3_stmt *s, int col, trygg_out_status *status, int *attempts,
                           char *error, size_t error_cap, int64_t *created, int64_t *next_attempt,
                           int64_t *sent_at)
{
    char buf[16];
    trygg_st_col_text(s, col, buf, sizeof buf);
    *status = out_parse(buf);
    *attempts = sqlite3_column_int(s, col + 1);
    trygg_st_col_text(s, col + 2, error, error_cap);
    *created = sqlite3_column_int64(s, col + 3);
    *next_attempt = sqlite3_column_int64(s, col + 4);
    *sent_at = sqlite3_column_int64(s, col + 5);
}

/* Records the result of a send attempt on row `id` of `table`; parts (the
 * SMS parts used) only for the SMS outbox, NULL for the other. Ends the
 * row's lease (and a forward's hand-over marker). */
static trygg_err mark_out_row(trygg_store *st, const char *table, int64_t id,
                              trygg_out_status status, const int *parts, const char *error,
                              int64_t next_attempt, const char *what)
{
    char tmp[256];
    if ((int)status < 0 || (int)status >= OUT_COUNT || trygg_strset(tmp, sizeof tmp, error))
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid status or error text");
    int attempt =
        status == TRYGG_OUT_SENT || status == TRYGG_OUT_FAILED || status == TRYGG_OUT_DEAD;
    char sql[320];
    snprintf(sql, sizeof sql,
             "UPDATE %s SET status = ?1, %serror = ?2, next_attempt = ?3, "
             "attempts = attempts + ?4, sent_at = CASE WHEN ?1 = 'sent' THEN ?5 ELSE sent_at END, "
             "lease_owner = '', lease_until = 0 WHERE id = ?6",
             table, parts ? "parts = ?7, " : "handed_over = 0, ");
    trygg_sql_args a = TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(trygg_out_status_name(status)),
                                      TRYGG_SQL_TEXT(error), TRYGG_SQL_INT(next_attempt),
                                      TRYGG_SQL_INT(attempt), TRYGG_SQL_INT(trygg_st_now()),
                                      TRYGG_SQL_INT(id), TRYGG_SQL_INT(parts ? *parts : 0));
    if (!parts)
        a.n--; /* no ?7 */
    return trygg_st_write_one(st, sql, a, what);
}

/* ---- SMS outbox ------------------------------------------------------------------ */

#define SMS_COLS "id, item_id, recipient, text, author, parts, " OUT_STATE_COLS

static const trygg_sql_field sms_fields[] = {
    TRYGG_SQL_FINT(trygg_sms_out, id),         TRYGG_SQL_FINT(trygg_sms_out, item_id),
    TRYGG_SQL_FTEXT(trygg_sms_out, recipient), TRYGG_SQL_FTEXT(trygg_sms_out, text),
    TRYGG_SQL_FTEXT(trygg_sms_out, author),    TRYGG_SQL_FINT(trygg_sms_out, parts)};

static void read_sms(sqlite3_stmt *s, void *row)
{
    trygg_sms_out *m = row;
    TRYGG_SQL_READ(s, sms_fields, m, sizeof *m);
    READ_OUT_STATE(s, 6, m);
}

trygg_err trygg_sqlite_sms_enqueue(trygg_store *st, int64_t item_id, const char *recipient,
                                   const char *author, const char *text, int64_t *id)
{
    trygg_sms_out tmp;
    if (!text || !*text || trygg_strset(tmp.text, sizeof tmp.text, text) ||
        trygg_strset(tmp.author, sizeof tmp.author, author))
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid SMS text or author");
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    trygg_contact c;
    err = trygg_store_contact_get(st, recipient, &c);
    if (!err && (c.stopped || c.blocked))
        err = trygg_st_failf(st, TRYGG_ERR_STATE, "recipient has %s",
                             c.stopped ? "said STOP" : "been blocked");
    int64_t now = trygg_st_now();
    if (!err)
        err = trygg_st_write(st,
                             "INSERT INTO sms_out (item_id, recipient, text, author, created, "
                             "next_attempt) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                             TRYGG_SQL_ARGS(TRYGG_SQL_INT(item_id), TRYGG_SQL_TEXT(recipient),
                                            TRYGG_SQL_TEXT(text), TRYGG_SQL_TEXT(author),
                                            TRYGG_SQL_INT(now)),
                             "enqueue sms");
    if (!err && id)
        *id = sqlite3_last_insert_rowid(st->db);
    if (!err)
        st->sms_queued = 1; /* announced when the transaction commits */
    return trygg_st_tx_end(st, err);
}

/* The gateway's urgent replies (author "smsgw-urgent", 112 first) are due
 * before everything else queued. */
trygg_err trygg_sqlite_sms_due(trygg_store *st, int64_t now, trygg_sms_out *out, int max, int *n)
{
    return trygg_st_list(st,
                         "SELECT " SMS_COLS " FROM sms_out WHERE status IN "
                         "('pending', 'failed') AND next_attempt <= ?1 "
                         "ORDER BY author = 'smsgw-urgent' DESC, next_attempt, id LIMIT ?2",
                         &now, max, read_sms, out, sizeof *out, n, "due sms");
}

trygg_err trygg_sqlite_sms_mark(trygg_store *st, int64_t id, trygg_out_status status, int parts,
                                const char *error, int64_t next_attempt)
{
    return mark_out_row(st, "sms_out", id, status, &parts, error, next_attempt, "sms");
}

trygg_err trygg_sqlite_sms_list(trygg_store *st, int64_t item_id, trygg_sms_out *out, int max,
                                int *n)
{
    return trygg_st_list(st,
                         "SELECT " SMS_COLS " FROM sms_out WHERE item_id = ?1 ORDER BY id LIMIT ?2",
                         &item_id, max, read_sms, out, sizeof *out, n, "list sms");
}

/* ---- Notification outbox ------------------------------------------------------------ */

#define NOTIFY_COLS                                                                                \
    "id, item_id, destination, channel, payload, " OUT_STATE_COLS ", handed_over, handovers"

static const trygg_sql_field notify_fields[] = {
    TRYGG_SQL_FINT(trygg_notify, id), TRYGG_SQL_FINT(trygg_notify, item_id),
    TRYGG_SQL_FTEXT(trygg_notify, destination), TRYGG_SQL_FTEXT(trygg_notify, channel),
    TRYGG_SQL_FTEXT(trygg_notify, payload)};

static void read_notify(sqlite3_stmt *s, void *row)
{
    trygg_notify *m = row;
    TRYGG_SQL_READ(s, notify_fields, m, sizeof *m);
    READ_OUT_STATE(s, 5, m);
    m->handed_over = sqlite3_column_int64(s, 11);
    m->handovers = sqlite3_column_int(s, 12);
}

trygg_err trygg_sqlite_notify_enqueue(trygg_store *st, int64_t item_id, const char *destination,
                                      const char *channel, const char *payload, int64_t *id)
{
    trygg_notify tmp;
    if (!destination || !*destination ||
        trygg_strset(tmp.destination, sizeof tmp.destination, destination) || !channel ||
        (strcmp(channel, "email") != 0 && strcmp(channel, "webhook") != 0) || !payload ||
        trygg_strset(tmp.payload, sizeof tmp.payload, payload))
        return trygg_st_failf(st, TRYGG_ERR_INVALID,
                              "invalid forward (destination, channel "
                              "email|webhook, payload < 8 KiB)");
    trygg_err err = trygg_st_write(
        st,
        "INSERT INTO notify_out (item_id, destination, channel, "
        "payload, created, next_attempt) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        TRYGG_SQL_ARGS(TRYGG_SQL_INT(item_id), TRYGG_SQL_TEXT(destination), TRYGG_SQL_TEXT(channel),
                       TRYGG_SQL_TEXT(payload), TRYGG_SQL_INT(trygg_st_now())),
        "enqueue forward");
    if (!err && id)
        *id = sqlite3_last_insert_rowid(st->db);
    return err;
}

trygg_err trygg_sqlite_notify_due(trygg_store *st, int64_t now, trygg_notify *out, int max, int *n)
{
    return trygg_st_list(st,
                         "SELECT " NOTIFY_COLS " FROM notify_out WHERE status IN "
                         "('pending', 'failed') AND next_attempt <= ?1 "
                         "ORDER BY next_attempt, id LIMIT ?2",
                         &now, max, read_notify, out, sizeof *out, n, "due forwards");
}

/* ---- Leases ------------------------------------------------------------------
 * A claim selects the due rows in order and leases them, in one write
 * transaction, so two workers never get the same row. Marking a row ends its
 * lease; a lease that runs out (the worker crashed) frees the row again. */

/* Leases rows of `table` whose ids are in ids[n] to `owner` until `until`. */
static trygg_err lease_rows(trygg_store *st, const char *table, const int64_t *ids, int n,
                            const char *owner, int64_t until)
{
    char sql[128];
    snprintf(sql, sizeof sql, "UPDATE %s SET lease_owner = ?1, lease_until = ?2 WHERE id = ?3",
             table);
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st, sql, &s);
    for (int i = 0; !err && i < n; i++) {
        sqlite3_reset(s);
        trygg_st_bind_text(s, 1, owner);
        sqlite3_bind_int64(s, 2, until);
        sqlite3_bind_int64(s, 3, ids[i]);
        int rc = sqlite3_step(s);
        if (rc != SQLITE_DONE)
            err = trygg_st_fail(st, rc, "lease");
    }
    sqlite3_finalize(s);
    return err;
}

_Static_assert(offsetof(trygg_sms_out, id) == 0, "claim_rows reads the id first");
_Static_assert(offsetof(trygg_notify, id) == 0, "claim_rows reads the id first");

/* Claims up to `max` due rows of `table` with `sql` (?1 = now, ?2 = max)
 * into out[] (rows of `size` bytes that start with their int64_t id) and
 * leases them, in one write transaction. */
static trygg_err claim_rows(trygg_store *st, const char *owner, int64_t now, int lease_s,
                            const char *table, const char *sql,
                            void (*read)(sqlite3_stmt *s, void *row), void *out, size_t size,
                            int max, int *n)
{
    *n = 0;
    if (!trygg_rules_lease_args_ok(owner, lease_s, max))
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid lease owner, time or count");
    if (max > 256)
        max = 256;
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    sqlite3_stmt *s;
    err = trygg_st_prepare(st, sql, &s);
    if (!err) {
        sqlite3_bind_int64(s, 1, now);
        sqlite3_bind_int(s, 2, max);
        err = trygg_st_collect(st, s, out, size, read, n, table);
    }
    int64_t ids[256];
    for (int i = 0; i < *n; i++)
        memcpy(&ids[i], (const char *)out + (size_t)i * size, sizeof ids[i]);
    if (!err)
        err = lease_rows(st, table, ids, *n, owner, now + lease_s);
    if (err)
        *n = 0;
    return trygg_st_tx_end(st, err);
}

trygg_err trygg_sqlite_sms_claim(trygg_store *st, const char *owner, int64_t now, int lease_s,
                                 trygg_sms_out *out, int max, int *n)
{
    return claim_rows(st, owner, now, lease_s, "sms_out",
                      "SELECT " SMS_COLS " FROM sms_out WHERE status IN ('pending', 'failed')"
                      " AND next_attempt <= ?1 AND lease_until <= ?1"
                      " ORDER BY author = 'smsgw-urgent' DESC, next_attempt, id LIMIT ?2",
                      read_sms, out, sizeof *out, max, n);
}

trygg_err trygg_sqlite_notify_claim(trygg_store *st, const char *owner, int64_t now, int lease_s,
                                    trygg_notify *out, int max, int *n)
{
    return claim_rows(st, owner, now, lease_s, "notify_out",
                      "SELECT " NOTIFY_COLS " FROM notify_out WHERE status IN ('pending', 'failed')"
                      " AND next_attempt <= ?1 AND lease_until <= ?1"
                      " ORDER BY next_attempt, id LIMIT ?2",
                      read_notify, out, sizeof *out, max, n);
}

trygg_err trygg_sqlite_notify_renew(trygg_store *st, const char *owner, int64_t now, int lease_s,
                                    int *n)
{
    *n = 0;
    if (!trygg_rules_lease_args_ok(owner, lease_s, 0))
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid lease owner or time");
    trygg_err err = trygg_st_write(
        st,
        "UPDATE notify_out SET lease_until = ?3 WHERE lease_owner = ?1"
        " AND lease_until > ?2 AND status IN ('pending', 'failed')",
        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(owner), TRYGG_SQL_INT(now), TRYGG_SQL_INT(now + lease_s)),
        "renew forward leases");
    if (!err)
        *n = sqlite3_changes(st->db);
    return err;
}

trygg_err trygg_sqlite_notify_handover(trygg_store *st, int64_t id, const char *owner, int64_t now)
{
    if (!trygg_rules_lease_args_ok(owner, 1, 0))
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid lease owner");
    trygg_err err = trygg_st_write(
        st,
        "UPDATE notify_out SET handed_over = ?3, handovers = handovers + 1 WHERE id = ?1"
        " AND lease_owner = ?2 AND lease_until > ?3 AND status IN ('pending', 'failed')",
        TRYGG_SQL_ARGS(TRYGG_SQL_INT(id), TRYGG_SQL_TEXT(owner), TRYGG_SQL_INT(now)),
        "forward hand-over");
    if (err || sqlite3_changes(st->db) == 1)
        return err;
    int64_t found = 0;
    sqlite3_stmt *s;
    err = trygg_st_prepare_args(st, "SELECT count(*) FROM notify_out WHERE id = ?1",
                                TRYGG_SQL_ARGS(TRYGG_SQL_INT(id)), &s);
    if (!err)
        err = trygg_st_int64(st, s, &found, "forward hand-over");
    if (err)
        return err;
    return found ? trygg_st_failf(st, TRYGG_ERR_BUSY, "forward %lld is not leased to %s",
                                  (long long)id, owner)
                 : trygg_st_failf(st, TRYGG_ERR_NOTFOUND, "no such forward %lld", (long long)id);
}

trygg_err trygg_sqlite_job_lease(trygg_store *st, const char *job, const char *owner, int64_t now,
                                 int lease_s)
{
    if (!job || !*job || strlen(job) > TRYGG_NAME_MAX ||
        !trygg_rules_lease_args_ok(owner, lease_s, 0))
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid job lease");
    /* Insert-or-take on the job's unique name: the row is taken over only
     * when it is ours already or its lease ran out. */
    sqlite3_stmt *s;
    trygg_err err =
        trygg_st_prepare(st,
                         "INSERT INTO job_leases (name, owner, until) VALUES (?1, ?2, ?3)"
                         " ON CONFLICT(name) DO UPDATE SET owner = excluded.owner,"
                         " until = excluded.until"
                         " WHERE job_leases.owner = excluded.owner"
                         " OR job_leases.until <= ?4",
                         &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, job);
    trygg_st_bind_text(s, 2, owner);
    sqlite3_bind_int64(s, 3, now + lease_s);
    sqlite3_bind_int64(s, 4, now);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return trygg_st_fail(st, rc, "job lease");
    return sqlite3_changes(st->db) == 1
               ? TRYGG_OK
               : trygg_st_failf(st, TRYGG_ERR_BUSY, "job %s is leased by another worker", job);
}

/* The last period a run-once job was done for is a row of report_meta
 * ("job_done:<job>"): one statement that moves it forward only. */
trygg_err trygg_sqlite_job_done(trygg_store *st, const char *job, int64_t period, int *first)
{
    *first = 0;
    char key[TRYGG_NAME_MAX + 16];
    if (!job || !*job || strlen(job) > TRYGG_NAME_MAX)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid job name");
    snprintf(key, sizeof key, "job_done:%s", job);
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st,
                                     "INSERT INTO report_meta (key, value) VALUES (?1, ?2)"
                                     " ON CONFLICT(key) DO UPDATE SET value = excluded.value"
                                     " WHERE report_meta.value < excluded.value",
                                     &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, key);
    sqlite3_bind_int64(s, 2, period);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return trygg_st_fail(st, rc, "job done");
    *first = sqlite3_changes(st->db) == 1;
    return TRYGG_OK;
}

trygg_err trygg_sqlite_job_release(trygg_store *st, const char *job, const char *owner)
{
    return trygg_st_write(st, "DELETE FROM job_leases WHERE name = ?1 AND owner = ?2",
                          TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(job), TRYGG_SQL_TEXT(owner)),
                          "job release");
}

trygg_err trygg_sqlite_notify_mark(trygg_store *st, int64_t id, trygg_out_status status,
                                   const char *error, int64_t next_attempt)
{
    return mark_out_row(st, "notify_out", id, status, NULL, error, next_attempt, "forward");
}

trygg_err trygg_sqlite_notify_list(trygg_store *st, int status, trygg_notify *out, int max, int *n)
{
    *n = 0;
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st,
                                     "SELECT " NOTIFY_COLS " FROM notify_out WHERE ?1 = '' OR "
                                     "status = ?1 ORDER BY id DESC LIMIT ?2",
                                     &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, status < 0 ? "" : trygg_out_status_name((trygg_out_status)status));
    sqlite3_bind_int(s, 2, max < 0 ? 0 : max);
    return trygg_st_collect(st, s, out, sizeof *out, read_notify, n, "list forwards");
}

/* ---- The SMS channel: inbound keys, counters, calls ----------------------- */

trygg_err trygg_sqlite_sms_inbound_get(trygg_store *st, const char *key, int64_t *item_id)
{
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st, "SELECT item_id FROM smsgw_inbound WHERE key = ?", &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, key);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        if (item_id)
            *item_id = sqlite3_column_int64(s, 0);
        err = TRYGG_OK;
    } else if (rc == SQLITE_DONE) {
        err = TRYGG_ERR_NOTFOUND;
    } else {
        err = trygg_st_fail(st, rc, "smsgw inbound get");
    }
    sqlite3_finalize(s);
    return err;
}

trygg_err trygg_sqlite_sms_inbound_put(trygg_store *st, const char *key, int64_t item_id,
                                       const char *sender, int64_t at)
{
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    err = trygg_st_write(st,
                         "INSERT INTO smsgw_inbound(key, item_id, sender, created)"
                         " VALUES (?,?,?,?)",
                         TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(key), TRYGG_SQL_INT(item_id),
                                        TRYGG_SQL_TEXT(sender), TRYGG_SQL_INT(at)),
                         "smsgw inbound put");
    return trygg_st_tx_end(st, err);
}

trygg_err trygg_sqlite_sms_counter_add(trygg_store *st, const char *day, const char *name,
                                       int delta)
{
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    err = trygg_st_write(
        st,
        "INSERT INTO smsgw_counters(day, name, count) VALUES (?,?,?)"
        " ON CONFLICT(day, name) DO UPDATE SET count = count + excluded.count",
        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(day), TRYGG_SQL_TEXT(name), TRYGG_SQL_INT(delta)),
        "smsgw counter add");
    return trygg_st_tx_end(st, err);
}

trygg_err trygg_sqlite_sms_counter_get(trygg_store *st, const char *day, const char *name,
                                       int64_t *count)
{
    sqlite3_stmt *s;
    *count = 0;
    trygg_err err =
        trygg_st_prepare(st, "SELECT count FROM smsgw_counters WHERE day = ? AND name = ?", &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, day);
    trygg_st_bind_text(s, 2, name);
    return trygg_st_int64(st, s, count, "smsgw counter get");
}

/* A count(*) statement's result as an int (the SMS channel's rate limits). */
static trygg_err count_to_int(trygg_store *st, sqlite3_stmt *s, int *count, const char *what)
{
    int64_t n;
    trygg_err err = trygg_st_int64(st, s, &n, what);
    *count = (int)n;
    return err;
}

trygg_err trygg_sqlite_sms_inbound_count(trygg_store *st, const char *sender, int64_t since,
                                         int *count)
{
    sqlite3_stmt *s;
    *count = 0;
    trygg_err err = trygg_st_prepare(
        st, "SELECT count(*) FROM smsgw_inbound WHERE sender = ? AND created >= ?", &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, sender);
    sqlite3_bind_int64(s, 2, since);
    return count_to_int(st, s, count, "smsgw inbound count");
}

trygg_err trygg_sqlite_call_put(trygg_store *st, const char *sender, int64_t at)
{
    return trygg_st_write(st, "INSERT INTO smsgw_calls(sender, at) VALUES (?,?)",
                          TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(sender), TRYGG_SQL_INT(at)),
                          "smsgw call put");
}

trygg_err trygg_sqlite_call_count(trygg_store *st, const char *sender, int64_t since, int *count)
{
    sqlite3_stmt *s;
    *count = 0;
    trygg_err err =
        trygg_st_prepare(st, "SELECT count(*) FROM smsgw_calls WHERE sender = ? AND at >= ?", &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, sender);
    sqlite3_bind_int64(s, 2, since);
    return count_to_int(st, s, count, "smsgw call count");
}

trygg_err trygg_sqlite_callback_withdraw(trygg_store *st, const char *sender, const char *actor,
                                         int *n)
{
    if (n)
        *n = 0;
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    /* The audit names what was deleted, never the number. */
    static const char *const steps[] = {
        ("INSERT INTO audit(item_id, actor, action, detail, at)"
         " SELECT id, ?2, 'consent', 'call-back consent withdrawn by STOP; call-back number"
         " deleted', CAST(strftime('%s','now') AS INTEGER) FROM items"
         " WHERE sender = ?1 AND kind = 'callback' AND (contact <> '' OR consent <> 0)"),
        ("UPDATE items SET contact = '', consent = 0, updated = CAST(strftime('%s','now') AS"
         " INTEGER) WHERE sender = ?1 AND kind = 'callback' AND (contact <> '' OR consent <> 0)"),
        "UPDATE contacts SET callback_consent = 0 WHERE pseudonym = ?1",
    };
    int changed = 0;
    for (size_t i = 0; !err && i < sizeof steps / sizeof steps[0]; i++) {
        sqlite3_stmt *s;
        err = trygg_st_prepare(st, steps[i], &s);
        if (err)
            break;
        trygg_st_bind_text(s, 1, sender);
        if (sqlite3_bind_parameter_count(s) >= 2)
            trygg_st_bind_text(s, 2, actor);
        err = trygg_st_run(st, s, "call-back withdraw");
        if (!err && i == 1)
            changed = sqlite3_changes(st->db);
    }
    err = trygg_st_tx_end(st, err);
    if (!err && n)
        *n = changed;
    return err;
}

trygg_err trygg_sqlite_sms_sent_count(trygg_store *st, const char *recipient, const char *author,
                                      int64_t since, int *count)
{
    sqlite3_stmt *s;
    *count = 0;
    trygg_err err = trygg_st_prepare(st,
                                     "SELECT count(*) FROM sms_out WHERE recipient = ? AND "
                                     "author = ? AND created >= ?",
                                     &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, recipient);
    trygg_st_bind_text(s, 2, author);
    sqlite3_bind_int64(s, 3, since);
    return count_to_int(st, s, count, "smsgw sent count");
}

trygg_err trygg_sqlite_sms_get(trygg_store *st, int64_t id, trygg_sms_out *out)
{
    int n;
    trygg_err err = trygg_st_list(st, "SELECT " SMS_COLS " FROM sms_out WHERE id = ?1 LIMIT ?2",
                                  &id, 1, read_sms, out, sizeof *out, &n, "sms");
    if (!err && n == 0)
        err = trygg_st_failf(st, TRYGG_ERR_NOTFOUND, "no such sms %lld", (long long)id);
    return err;
}

/* The SMS outbox's waiters of this process: a count of committed
 * transactions that queued an SMS, any database (a wake-up may be spurious). */
static pthread_mutex_t sms_wake_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sms_wake_cv;
static pthread_once_t sms_wake_once = PTHREAD_ONCE_INIT;
static uint64_t sms_wake_gen;

static void sms_wake_init(void)
{
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(&sms_wake_cv, &a);
    pthread_condattr_destroy(&a);
}

void trygg_st_sms_announce(trygg_store *st)
{
    st->sms_queued = 0;
    pthread_once(&sms_wake_once, sms_wake_init);
    pthread_mutex_lock(&sms_wake_mu);
    sms_wake_gen++;
    pthread_cond_broadcast(&sms_wake_cv);
    pthread_mutex_unlock(&sms_wake_mu);
}

/* The SMS outbox: an SMS queued and committed by this process (a staff
 * reply, a dialog reply) wakes the wait; another process writing the file
 * (tryggctl) cannot, the caller's own timer finds that. The forward outbox:
 * *woken = -1 at once, the forward worker waits with its timer. */
trygg_err trygg_sqlite_outbox_wait(trygg_store *st, const char *outbox, int timeout_ms, int *woken)
{
    *woken = -1;
    if (!outbox || (strcmp(outbox, "notify") != 0 && strcmp(outbox, "sms") != 0) || timeout_ms < 0)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "outbox wait: outbox notify|sms");
    if (strcmp(outbox, "notify") == 0)
        return TRYGG_OK;
    if (st->txdepth > 0)
        return trygg_st_failf(st, TRYGG_ERR_STATE, "outbox wait inside a transaction");
    pthread_once(&sms_wake_once, sms_wake_init);
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&sms_wake_mu);
    if (!st->sms_subscribed) { /* the first call subscribes */
        st->sms_subscribed = 1;
        st->sms_seen = sms_wake_gen;
    }
    while (sms_wake_gen == st->sms_seen &&
           pthread_cond_timedwait(&sms_wake_cv, &sms_wake_mu, &until) != ETIMEDOUT)
        ;
    *woken = sms_wake_gen != st->sms_seen;
    st->sms_seen = sms_wake_gen;
    pthread_mutex_unlock(&sms_wake_mu);
    return TRYGG_OK;
}
