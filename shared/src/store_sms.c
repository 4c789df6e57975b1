/*
 * store_sms.c — pseudonymous SMS contacts, the SMS outbox, the notification
 * outbox (forwards) and channel health rows.
 */
#include "store_internal.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "trygg/secret.h"

static const char *const out_names[] = {"pending", "sent", "failed", "dead", "cancelled"};
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

/* A pseudonym is 64 lower-case hex characters. */
static int pseudo_ok(const char *p)
{
    if (!p || strlen(p) != TRYGG_PSEUDO_HEX)
        return 0;
    for (const char *c = p; *c; c++)
        if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
            return 0;
    return 1;
}

static trygg_err run_one(trygg_store *st, sqlite3_stmt *s, const char *what)
{
    int rc = sqlite3_step(s);
    trygg_err err = TRYGG_OK;
    if (rc != SQLITE_DONE)
        err = trygg_st_fail(st, rc, what);
    else if (sqlite3_changes(st->db) == 0)
        err = trygg_st_failf(st, TRYGG_ERR_NOTFOUND, "no such %s", what);
    sqlite3_finalize(s);
    return err;
}

/* ---- Contacts ----------------------------------------------------------------- */

#define CONTACT_COLS                                                                               \
    "pseudonym, alias, cipher, stopped, blocked, callback_consent, lang, first_seen, last_seen"

static void read_contact(sqlite3_stmt *s, trygg_contact *c)
{
    memset(c, 0, sizeof *c);
    trygg_st_col_text(s, 0, c->pseudonym, sizeof c->pseudonym);
    trygg_st_col_text(s, 1, c->alias, sizeof c->alias);
    int len = sqlite3_column_bytes(s, 2);
    const void *blob = sqlite3_column_blob(s, 2);
    if (blob && len > 0 && (size_t)len <= sizeof c->cipher) {
        memcpy(c->cipher, blob, (size_t)len);
        c->cipher_len = len;
    }
    c->stopped = sqlite3_column_int(s, 3);
    c->blocked = sqlite3_column_int(s, 4);
    c->callback_consent = sqlite3_column_int(s, 5);
    trygg_st_col_text(s, 6, c->lang, sizeof c->lang);
    c->first_seen = sqlite3_column_int64(s, 7);
    c->last_seen = sqlite3_column_int64(s, 8);
}

trygg_err trygg_store_contact_get(trygg_store *st, const char *pseudonym, trygg_contact *out)
{
    sqlite3_stmt *s;
    trygg_err err =
        trygg_st_prepare(st, "SELECT " CONTACT_COLS " FROM contacts WHERE pseudonym = ?1", &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, pseudonym);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        read_contact(s, out);
    else if (rc == SQLITE_DONE)
        err = trygg_st_failf(st, TRYGG_ERR_NOTFOUND, "no such contact");
    else
        err = trygg_st_fail(st, rc, "read contact");
    sqlite3_finalize(s);
    return err;
}

trygg_err trygg_store_contact_get_or_create(trygg_store *st, const char *pseudonym,
                                            const unsigned char *cipher, int cipher_len,
                                            const char *alias_prefix, trygg_contact *out)
{
    if (!pseudo_ok(pseudonym))
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
    err = trygg_store_contact_get(st, pseudonym, out);
    sqlite3_stmt *s;
    if (err == TRYGG_OK) {
        int store_cipher = cipher_len > 0 && out->cipher_len == 0;
        err = trygg_st_prepare(st,
                               store_cipher
                                   ? "UPDATE contacts SET last_seen = ?1, cipher = ?3 "
                                     "WHERE pseudonym = ?2"
                                   : "UPDATE contacts SET last_seen = ?1 WHERE pseudonym = ?2",
                               &s);
        if (!err) {
            sqlite3_bind_int64(s, 1, now);
            trygg_st_bind_text(s, 2, pseudonym);
            if (store_cipher)
                sqlite3_bind_blob(s, 3, cipher, cipher_len, SQLITE_TRANSIENT);
            err = trygg_st_run(st, s, "update contact");
        }
        if (!err)
            err = trygg_store_contact_get(st, pseudonym, out);
        return trygg_st_tx_end(st, err);
    }
    if (err != TRYGG_ERR_NOTFOUND)
        return trygg_st_tx_end(st, err);
    /* New contact: an alias of the prefix and 4 random digits (6 after many
     * collisions), unique by the table's constraint. */
    err = TRYGG_ERR_EXISTS;
    for (int tries = 0; err == TRYGG_ERR_EXISTS && tries < 200; tries++) {
        char alias[TRYGG_ALIAS_MAX + 1];
        if (tries < 100)
            snprintf(alias, sizeof alias, "%s%04u", alias_prefix,
                     (unsigned)trygg_random_uniform(10000));
        else
            snprintf(alias, sizeof alias, "%s%06u", alias_prefix,
                     (unsigned)trygg_random_uniform(1000000));
        err = trygg_st_prepare(st,
                               "INSERT INTO contacts (pseudonym, alias, cipher, first_seen, "
                               "last_seen) VALUES (?1, ?2, ?3, ?4, ?4)",
                               &s);
        if (err)
            break;
        trygg_st_bind_text(s, 1, pseudonym);
        trygg_st_bind_text(s, 2, alias);
        if (cipher_len > 0)
            sqlite3_bind_blob(s, 3, cipher, cipher_len, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(s, 3);
        sqlite3_bind_int64(s, 4, now);
        err = trygg_st_run(st, s, "add contact");
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
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st, sql, &s);
    if (err)
        return err;
    sqlite3_bind_int(s, 1, v ? 1 : 0);
    trygg_st_bind_text(s, 2, pseudonym);
    return run_one(st, s, "contact");
}

trygg_err trygg_store_contact_stop(trygg_store *st, const char *pseudonym)
{
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    sqlite3_stmt *s;
    err = trygg_st_prepare(
        st,
        "UPDATE contacts SET stopped = 1, cipher = NULL, callback_consent = 0 WHERE pseudonym = ?1",
        &s);
    if (!err) {
        trygg_st_bind_text(s, 1, pseudonym);
        err = run_one(st, s, "contact");
    }
    /* STOP withdraws call-back consent: no call-back item keeps the number
     * (the gateway's dialog has already done and audited this; kept here so
     * no other path to a stopped contact can leave a number behind). */
    if (!err)
        err = trygg_st_prepare(st,
                               "UPDATE items SET contact = '', consent = 0 WHERE sender = ?1 AND "
                               "kind = 'callback' AND (contact <> '' OR consent <> 0)",
                               &s);
    if (!err) {
        trygg_st_bind_text(s, 1, pseudonym);
        err = trygg_st_run(st, s, "withdraw call-back");
    }
    /* Nothing more is sent to someone who said STOP. */
    if (!err)
        err = trygg_st_prepare(st,
                               "UPDATE sms_out SET status = 'cancelled', error = 'stopped' "
                               "WHERE recipient = ?1 AND status IN ('pending', 'failed')",
                               &s);
    if (!err) {
        trygg_st_bind_text(s, 1, pseudonym);
        err = trygg_st_run(st, s, "cancel sms");
    }
    return trygg_st_tx_end(st, err);
}

trygg_err trygg_store_contact_restart(trygg_store *st, const char *pseudonym)
{
    return contact_flag(st, pseudonym, "stopped", 0);
}

trygg_err trygg_store_contact_set_blocked(trygg_store *st, const char *pseudonym, int blocked)
{
    return contact_flag(st, pseudonym, "blocked", blocked);
}

trygg_err trygg_store_contact_set_callback(trygg_store *st, const char *pseudonym, int consent)
{
    return contact_flag(st, pseudonym, "callback_consent", consent);
}

trygg_err trygg_store_contact_set_lang(trygg_store *st, const char *pseudonym, const char *lang)
{
    char tmp[TRYGG_LANG_MAX + 1];
    if (trygg_strset(tmp, sizeof tmp, lang) != TRYGG_OK)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid language");
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st, "UPDATE contacts SET lang = ?1 WHERE pseudonym = ?2", &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, lang);
    trygg_st_bind_text(s, 2, pseudonym);
    return run_one(st, s, "contact");
}

trygg_err trygg_store_open_item_of_sender(trygg_store *st, const char *pseudonym, int64_t since,
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

trygg_err trygg_store_sender_count_since(trygg_store *st, const char *pseudonym, int64_t since,
                                         int *count)
{
    *count = 0;
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st,
                                     "SELECT count(*) FROM messages m JOIN items i "
                                     "ON i.id = m.item_id WHERE i.sender = ?1 AND m.dir = 'in' "
                                     "AND m.created >= ?2",
                                     &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, pseudonym);
    sqlite3_bind_int64(s, 2, since);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *count = sqlite3_column_int(s, 0);
    else
        err = trygg_st_fail(st, rc, "count sender messages");
    sqlite3_finalize(s);
    return err;
}

/* ---- SMS outbox ------------------------------------------------------------------ */

#define SMS_COLS                                                                                   \
    "id, item_id, recipient, text, author, status, parts, attempts, error, created, "              \
    "next_attempt, sent_at"

static void read_sms(sqlite3_stmt *s, void *row)
{
    trygg_sms_out *m = row;
    char buf[16];
    memset(m, 0, sizeof *m);
    m->id = sqlite3_column_int64(s, 0);
    m->item_id = sqlite3_column_int64(s, 1);
    trygg_st_col_text(s, 2, m->recipient, sizeof m->recipient);
    trygg_st_col_text(s, 3, m->text, sizeof m->text);
    trygg_st_col_text(s, 4, m->author, sizeof m->author);
    trygg_st_col_text(s, 5, buf, sizeof buf);
    m->status = out_parse(buf);
    m->parts = sqlite3_column_int(s, 6);
    m->attempts = sqlite3_column_int(s, 7);
    trygg_st_col_text(s, 8, m->error, sizeof m->error);
    m->created = sqlite3_column_int64(s, 9);
    m->next_attempt = sqlite3_column_int64(s, 10);
    m->sent_at = sqlite3_column_int64(s, 11);
}

trygg_err trygg_store_sms_enqueue(trygg_store *st, int64_t item_id, const char *recipient,
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
    sqlite3_stmt *s;
    int64_t now = trygg_st_now();
    if (!err)
        err = trygg_st_prepare(st,
                               "INSERT INTO sms_out (item_id, recipient, text, author, created, "
                               "next_attempt) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                               &s);
    if (!err) {
        sqlite3_bind_int64(s, 1, item_id);
        trygg_st_bind_text(s, 2, recipient);
        trygg_st_bind_text(s, 3, text);
        trygg_st_bind_text(s, 4, author);
        sqlite3_bind_int64(s, 5, now);
        err = trygg_st_run(st, s, "enqueue sms");
    }
    if (!err && id)
        *id = sqlite3_last_insert_rowid(st->db);
    return trygg_st_tx_end(st, err);
}

/* The gateway's urgent replies (author "smsgw-urgent", 112 first) are due
 * before everything else queued. */
trygg_err trygg_store_sms_due(trygg_store *st, int64_t now, trygg_sms_out *out, int max, int *n)
{
    *n = 0;
    sqlite3_stmt *s;
    trygg_err err =
        trygg_st_prepare(st,
                         "SELECT " SMS_COLS " FROM sms_out WHERE status IN "
                         "('pending', 'failed') AND next_attempt <= ?1 "
                         "ORDER BY author = 'smsgw-urgent' DESC, next_attempt, id LIMIT ?2",
                         &s);
    if (err)
        return err;
    sqlite3_bind_int64(s, 1, now);
    sqlite3_bind_int(s, 2, max < 0 ? 0 : max);
    return trygg_st_collect(st, s, out, sizeof *out, read_sms, n, "due sms");
}

trygg_err trygg_store_sms_mark(trygg_store *st, int64_t id, trygg_out_status status, int parts,
                               const char *error, int64_t next_attempt)
{
    char tmp[256];
    if ((int)status < 0 || (int)status >= OUT_COUNT || trygg_strset(tmp, sizeof tmp, error))
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid status or error text");
    int attempt =
        status == TRYGG_OUT_SENT || status == TRYGG_OUT_FAILED || status == TRYGG_OUT_DEAD;
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st,
                                     "UPDATE sms_out SET status = ?1, parts = ?2, error = ?3, "
                                     "next_attempt = ?4, attempts = attempts + ?5, "
                                     "sent_at = CASE WHEN ?1 = 'sent' THEN ?6 ELSE sent_at END "
                                     "WHERE id = ?7",
                                     &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, trygg_out_status_name(status));
    sqlite3_bind_int(s, 2, parts);
    trygg_st_bind_text(s, 3, error);
    sqlite3_bind_int64(s, 4, next_attempt);
    sqlite3_bind_int(s, 5, attempt);
    sqlite3_bind_int64(s, 6, trygg_st_now());
    sqlite3_bind_int64(s, 7, id);
    return run_one(st, s, "sms");
}

trygg_err trygg_store_sms_list(trygg_store *st, int64_t item_id, trygg_sms_out *out, int max,
                               int *n)
{
    *n = 0;
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(
        st, "SELECT " SMS_COLS " FROM sms_out WHERE item_id = ?1 ORDER BY id LIMIT ?2", &s);
    if (err)
        return err;
    sqlite3_bind_int64(s, 1, item_id);
    sqlite3_bind_int(s, 2, max < 0 ? 0 : max);
    return trygg_st_collect(st, s, out, sizeof *out, read_sms, n, "list sms");
}

/* ---- Notification outbox ------------------------------------------------------------ */

#define NOTIFY_COLS                                                                                \
    "id, item_id, destination, channel, payload, status, attempts, error, created, "               \
    "next_attempt, sent_at"

static void read_notify(sqlite3_stmt *s, void *row)
{
    trygg_notify *m = row;
    char buf[16];
    memset(m, 0, sizeof *m);
    m->id = sqlite3_column_int64(s, 0);
    m->item_id = sqlite3_column_int64(s, 1);
    trygg_st_col_text(s, 2, m->destination, sizeof m->destination);
    trygg_st_col_text(s, 3, m->channel, sizeof m->channel);
    trygg_st_col_text(s, 4, m->payload, sizeof m->payload);
    trygg_st_col_text(s, 5, buf, sizeof buf);
    m->status = out_parse(buf);
    m->attempts = sqlite3_column_int(s, 6);
    trygg_st_col_text(s, 7, m->error, sizeof m->error);
    m->created = sqlite3_column_int64(s, 8);
    m->next_attempt = sqlite3_column_int64(s, 9);
    m->sent_at = sqlite3_column_int64(s, 10);
}

trygg_err trygg_store_notify_enqueue(trygg_store *st, int64_t item_id, const char *destination,
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
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st,
                                     "INSERT INTO notify_out (item_id, destination, channel, "
                                     "payload, created, next_attempt) "
                                     "VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                                     &s);
    if (err)
        return err;
    sqlite3_bind_int64(s, 1, item_id);
    trygg_st_bind_text(s, 2, destination);
    trygg_st_bind_text(s, 3, channel);
    trygg_st_bind_text(s, 4, payload);
    sqlite3_bind_int64(s, 5, trygg_st_now());
    err = trygg_st_run(st, s, "enqueue forward");
    if (!err && id)
        *id = sqlite3_last_insert_rowid(st->db);
    return err;
}

trygg_err trygg_store_notify_due(trygg_store *st, int64_t now, trygg_notify *out, int max, int *n)
{
    *n = 0;
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st,
                                     "SELECT " NOTIFY_COLS " FROM notify_out WHERE status IN "
                                     "('pending', 'failed') AND next_attempt <= ?1 "
                                     "ORDER BY next_attempt, id LIMIT ?2",
                                     &s);
    if (err)
        return err;
    sqlite3_bind_int64(s, 1, now);
    sqlite3_bind_int(s, 2, max < 0 ? 0 : max);
    return trygg_st_collect(st, s, out, sizeof *out, read_notify, n, "due forwards");
}

trygg_err trygg_store_notify_mark(trygg_store *st, int64_t id, trygg_out_status status,
                                  const char *error, int64_t next_attempt)
{
    char tmp[256];
    if ((int)status < 0 || (int)status >= OUT_COUNT || trygg_strset(tmp, sizeof tmp, error))
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid status or error text");
    int attempt =
        status == TRYGG_OUT_SENT || status == TRYGG_OUT_FAILED || status == TRYGG_OUT_DEAD;
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st,
                                     "UPDATE notify_out SET status = ?1, error = ?2, "
                                     "next_attempt = ?3, attempts = attempts + ?4, "
                                     "sent_at = CASE WHEN ?1 = 'sent' THEN ?5 ELSE sent_at END "
                                     "WHERE id = ?6",
                                     &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, trygg_out_status_name(status));
    trygg_st_bind_text(s, 2, error);
    sqlite3_bind_int64(s, 3, next_attempt);
    sqlite3_bind_int(s, 4, attempt);
    sqlite3_bind_int64(s, 5, trygg_st_now());
    sqlite3_bind_int64(s, 6, id);
    return run_one(st, s, "forward");
}

trygg_err trygg_store_notify_list(trygg_store *st, int status, trygg_notify *out, int max, int *n)
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

/* ---- Health ---------------------------------------------------------------------- */

trygg_err trygg_store_health_put(trygg_store *st, const char *component, const char *json)
{
    char tmp[TRYGG_NAME_MAX + 1];
    if (!component || !*component || trygg_strset(tmp, sizeof tmp, component) || !json ||
        strlen(json) > 8192)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid health component or JSON");
    json_error_t jerr;
    json_t *v = json_loads(json, 0, &jerr);
    int is_obj = v && json_is_object(v);
    json_decref(v);
    if (!is_obj)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "health status is not a JSON object");
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st,
                                     "INSERT OR REPLACE INTO health (component, json, updated) "
                                     "VALUES (?1, ?2, ?3)",
                                     &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, component);
    trygg_st_bind_text(s, 2, json);
    sqlite3_bind_int64(s, 3, trygg_st_now());
    return trygg_st_run(st, s, "put health");
}

trygg_err trygg_store_health_get(trygg_store *st, const char *component, char *json, int cap,
                                 int64_t *updated)
{
    if (cap <= 0)
        return TRYGG_ERR_INVALID;
    json[0] = '\0';
    sqlite3_stmt *s;
    trygg_err err =
        trygg_st_prepare(st, "SELECT json, updated FROM health WHERE component = ?1", &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, component);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        if (sqlite3_column_bytes(s, 0) >= cap)
            err = trygg_st_failf(st, TRYGG_ERR_TOOBIG, "health JSON larger than buffer");
        else
            trygg_st_col_text(s, 0, json, (size_t)cap);
        if (updated)
            *updated = sqlite3_column_int64(s, 1);
    } else if (rc == SQLITE_DONE) {
        err = trygg_st_failf(st, TRYGG_ERR_NOTFOUND, "no health for %s", component);
    } else {
        err = trygg_st_fail(st, rc, "read health");
    }
    sqlite3_finalize(s);
    return err;
}
