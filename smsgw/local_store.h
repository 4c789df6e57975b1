/*
 * local_store.h — the gateway's own small durable store (a SQLite file in
 * the gateway's data directory, never the server's trygg.db), for the
 * gateway as a client of the server (docs/gateway-protocol.md):
 *   inbound   every message and call, committed before it is deleted from
 *             the modem, with its idempotency key, until the server has it
 *             (state pending -> uploaded, or rejected) and the server's
 *             answer; the reference the gateway issued offline, if any;
 *   parts     keys of the parts of long messages already committed;
 *   numbers   pseudonym -> the number's ciphertext (only the gateway's key
 *             opens it) and the STOP flag; numbers never leave this file;
 *   sendq     what the modem sends: rows claimed from the server's outbox
 *             (server_id) and replies the gateway gives itself while the
 *             server is unreachable, with attempts, next try and whether
 *             the delivery state was reported back;
 *   meta      the reference prefix and the offline sequence number.
 * Rows are kept only as long as needed (ls_purge), and numbers the server
 * no longer knows are forgotten (ls_numbers_idle, ls_number_forget).
 * Versioned with PRAGMA user_version and a list of migrations. The only
 * file of the gateway that names sqlite3_. Read first: ls_open.
 */
#ifndef SMSGW_LOCAL_STORE_H
#define SMSGW_LOCAL_STORE_H

#include <stddef.h>
#include <stdint.h>
#include "trygg/err.h"
#include "trygg/item.h"

typedef struct lstore lstore;

/* Opens (creating and migrating) the store at `path`; err[cap] says why not. */
trygg_err ls_open(const char *path, lstore **out, char *err, size_t cap);
void ls_close(lstore *s);
const char *ls_errmsg(const lstore *s);
int ls_schema_version(lstore *s);
/* The newest schema version this code writes. */
int ls_schema_latest(void);
/* Statements prepared by this handle so far: each is prepared once and kept
 * (trygg_sql_cache), so this stops growing once every kind of call ran. */
uint64_t ls_prepares(const lstore *s);

/* A transaction around several calls (every call alone is one). */
trygg_err ls_begin(lstore *s);
trygg_err ls_commit(lstore *s);
void ls_rollback(lstore *s);

/* ---- numbers ----------------------------------------------------------- */
typedef struct ls_number {
    unsigned char cipher[128];
    int cipher_len; /* 0: none (after STOP) */
    int stopped;
    int modem; /* the modem the number last wrote to (1 or 2) */
} ls_number;
/* Records a sender's ciphertext unless the number said STOP (then nothing
 * changes until ls_number_start). */
trygg_err ls_number_put(lstore *s, const char *pseudo, const unsigned char *cipher, int len);
/* TRYGG_ERR_NOTFOUND for an unknown pseudonym. */
trygg_err ls_number_get(lstore *s, const char *pseudo, ls_number *out);
/* The number wrote to modem `modem` (1 or 2): its replies prefer it. */
trygg_err ls_number_modem(lstore *s, const char *pseudo, int modem);
/* STOP: the ciphertext is erased and the number is never texted again. */
trygg_err ls_number_stop(lstore *s, const char *pseudo);
/* START after STOP: texts again, with a fresh ciphertext. */
trygg_err ls_number_start(lstore *s, const char *pseudo, const unsigned char *cipher, int len);

/* ---- inbound ------------------------------------------------------------- */
typedef struct ls_inbound {
    int64_t id;
    char key[72]; /* "sms:" / "call:" + 64 hex */
    char type[8]; /* "sms" or "call" */
    char pseudo[TRYGG_PSEUDO_HEX + 1];
    char text[TRYGG_TEXT_MAX + 1];
    int64_t received;
    char stamp[32]; /* SMSC time */
    int reachable, national, incomplete;
    char offline_ref[TRYGG_REF_LEN + 1]; /* "" unless issued offline */
    int answered;                        /* the gateway answered it itself */
    int offline_done;                    /* the offline decision was taken */
    char state[12];                      /* "pending", "uploaded", "rejected" */
    int modem;                           /* the modem it came in on (ls_inbound_add; 0 = 1) */
} ls_inbound;
/* Adds a message; *added = 0 when its key was there already. */
trygg_err ls_inbound_add(lstore *s, const ls_inbound *m, int *added);
/* Up to max pending rows, oldest first. */
trygg_err ls_inbound_pending(lstore *s, ls_inbound *out, int max, int *n);
/* Up to max pending rows without an offline decision, oldest first. */
trygg_err ls_inbound_undecided(lstore *s, ls_inbound *out, int max, int *n);
/* The server answered (state "uploaded", or "rejected" for good). */
trygg_err ls_inbound_done(lstore *s, int64_t id, const char *state, const char *answer);
/* Records the offline decision: the reference given ("" none) and whether
 * the gateway answered. */
trygg_err ls_inbound_offline(lstore *s, int64_t id, const char *ref, int answered);
/* Rows in state `state` (for health and tests). */
trygg_err ls_inbound_count(lstore *s, const char *state, int *n);
/* The row with `key`; TRYGG_ERR_NOTFOUND if none. */
trygg_err ls_inbound_get(lstore *s, const char *key, ls_inbound *out);

/* ---- parts of long messages ---------------------------------------------- */
int ls_part_seen(lstore *s, const char *key);
trygg_err ls_part_put(lstore *s, const char *key, int64_t at);

/* ---- send queue ------------------------------------------------------------ */
typedef struct ls_send {
    int64_t id;
    int64_t server_id; /* the server's outbox row; 0 for the gateway's own replies */
    char pseudo[TRYGG_PSEUDO_HEX + 1];
    char text[1600];
    char author[64];
    int urgent, stop;
    int attempts;
    int64_t next_try;
    char state[12]; /* "pending", "failed", "sent", "dead", "cancelled", "delivered", "undelivered"
                     */
    int parts;
    char error[256];
} ls_send;
/* Queues a message; *added = 0 when that server row is queued already. */
trygg_err ls_send_add(lstore *s, const ls_send *m, int *added);
/* Up to max rows due at `now` (pending, or failed with next_try <= now),
 * urgent first. */
trygg_err ls_send_due(lstore *s, int64_t now, ls_send *out, int max, int *n);
/* Records an attempt's result (attempts + 1 for sent/failed/dead). */
trygg_err ls_send_mark(lstore *s, int64_t id, const char *state, int parts, const char *error,
                       int64_t next_try);
/* Server rows in a final state whose state the server has not been told. */
trygg_err ls_send_unreported(lstore *s, ls_send *out, int max, int *n);
trygg_err ls_send_reported(lstore *s, int64_t id);
/* The queued row of the server's outbox row `server_id`; TRYGG_ERR_NOTFOUND
 * if none. */
trygg_err ls_send_get_server(lstore *s, int64_t server_id, ls_send *out);
/* Records the modem (1 or 2) sent row `id` went out on at `now`, and the
 * message reference `mr` (-1 none) for matching its status report. */
trygg_err ls_send_sent_ref(lstore *s, int64_t id, int modem, int mr, int64_t now);
/* A status report read by modem `modem` for (pseudo, mr): the newest row in
 * state 'sent' sent on that modem with that reference, sent at or after
 * `since`, becomes 'delivered' or
 * 'undelivered' and is reported to the server again; *id gets it (0: no
 * such row, e.g. a report for a message older than `since`). */
trygg_err ls_send_report(lstore *s, const char *pseudo, int modem, int mr, int64_t since,
                         int delivered, int64_t *id);
/* Replies queued to `pseudo` at or after `since` (the offline flood bound). */
trygg_err ls_send_count_since(lstore *s, const char *pseudo, int64_t since, int *n);

/* ---- retention (docs/gateway-protocol.md "Retention on the gateway") -------- */
#define LS_KEEP_UPLOADED_DAYS 7  /* inbound rows the server has, and part keys */
#define LS_KEEP_SENT_DAYS     30 /* send-queue rows in a final state, reported */
/* Deletes inbound rows the server has (or refused) received more than
 * LS_KEEP_UPLOADED_DAYS before `now`, part keys as old, and send-queue rows
 * in a final state (reported to the server) created more than
 * LS_KEEP_SENT_DAYS before; *n gets the rows deleted. Pending rows stay. */
trygg_err ls_purge(lstore *s, int64_t now, int *n);
/* Up to max pseudonyms (sorted, after `after`; "" from the start) with a
 * numbers row and nothing waiting for them: no pending upload, no send or
 * report due. Those are the ones to ask the server about. */
trygg_err ls_numbers_idle(lstore *s, const char *after, char (*out)[TRYGG_PSEUDO_HEX + 1], int max,
                          int *n);
/* Deletes the numbers row of `pseudo` (the server no longer knows it). */
trygg_err ls_number_forget(lstore *s, const char *pseudo);

/* ---- meta ------------------------------------------------------------------- */
/* Value of `name` into out[cap] ("" if unset). */
trygg_err ls_meta_get(lstore *s, const char *name, char *out, size_t cap);
trygg_err ls_meta_set(lstore *s, const char *name, const char *value);
/* The next offline sequence number (0, 1, 2, ... never twice). */
trygg_err ls_next_seq(lstore *s, long *seq);

/* Test hook: the file may grow by at most `extra` pages (SQLITE_FULL as on
 * a full disk); extra < 0 lifts the limit. */
trygg_err ls_test_limit_pages(lstore *s, int extra);

#endif
