/*
 * store.h — the queue store, the only door to the queue: every item,
 * thread, audit entry, user, kiosk, walk and outbox row lives behind it, and
 * no other part of Trygg talks to the database. The SQLite implementation is
 * shared/src/store_sqlite*.c (store_sqlite.c opens, migrates and runs
 * transactions; the schema is shared/schema/sqlite/vN.sql). The contract is
 * described in docs/store.md.
 *
 * Durability: the database runs in WAL mode with synchronous=FULL, so when a
 * function that writes returns TRYGG_OK the change is on disk; anything
 * acknowledged to a citizen is committed first. A busy timeout (5 s) lets
 * several processes (servers, tryggctl) share one file; the SMS gateway
 * never opens it (it is a client of the server's HTTP API). The schema is
 * versioned with PRAGMA user_version and migrated on open; a file newer than
 * this program gives TRYGG_ERR_SCHEMA and is not touched.
 *
 * Threading: a trygg_store handle is used by one thread at a time; open one
 * handle per thread. Every write that changes an item also appends an audit
 * row in the same transaction. Failed writes roll back fully; details of the
 * last failure are in trygg_store_errmsg().
 *
 * Read first: trygg_store_open, trygg_store_submit, trygg_store_list.
 */
#ifndef TRYGG_STORE_H
#define TRYGG_STORE_H

#include <stdint.h>
#include "item.h"
#include "sql_values.h"

typedef struct trygg_store trygg_store;

#define TRYGG_SCHEMA_VERSION_LATEST trygg_store_schema_latest()

/* 1 when the database setting `db` names a PostgreSQL database (a libpq
 * URI postgresql://... or postgres://..., or service=NAME), 0 for a SQLite
 * file. */
int trygg_store_is_postgresql(const char *db);
/* How to name database `db` in logs and messages: the file's path, or
 * "PostgreSQL" (a connection string may carry a password). */
const char *trygg_store_label(const char *db);

/* Opens (creating if missing) the database at `path` and migrates it to the
 * latest schema. On success *out is a new handle the caller closes with
 * trygg_store_close. On failure *out is NULL. */
TRYGG_MUST_CHECK trygg_err trygg_store_open(const char *path, trygg_store **out);
void trygg_store_close(trygg_store *st);
/* Details of the last error on this handle ("" if none); valid until the next call. */
const char *trygg_store_errmsg(const trygg_store *st);
int trygg_store_schema_latest(void);
/* Schema version of the open database (after migration = latest). */
int trygg_store_schema_version(trygg_store *st);

/* Retention: days an item of `kind` is kept before purge (defaults: concern
 * 365, fault 365, tip 180, watch_signup 730, walk_signup 90, callback 30).
 * Set by config at start-up; affects items submitted afterwards. */
void trygg_store_set_retention(trygg_store *st, trygg_kind kind, int days);
/* Days an item of `kind` submitted now is kept before its text and contact
 * are purged (the value the purge enforces; 0 for a kind out of range). The
 * kiosk's consent texts show it (GET /api/v1/kiosk/config "retention"). */
int trygg_store_retention(trygg_store *st, trygg_kind kind);

/* ---- Views ------------------------------------------------------------------
 * Every read that returns item or thread text takes a view. The shared view
 * is what a recipient without full access (the housing company, maintenance,
 * coordinators, the public Open311 API) may see: text and place come from
 * the recipients' copy (scrubbed when written, or the security department's
 * redaction), contact, sender, alias and client key are empty, search runs
 * on the recipients' copy only (so it cannot find a scrubbed word), and only
 * thread messages written for the recipient appear (scrubbed). The shared
 * view is the default (0): a caller must ask for the full view on purpose. */
typedef enum trygg_view { TRYGG_VIEW_SHARED = 0, TRYGG_VIEW_FULL = 1 } trygg_view;

/* The write-ahead log's bound in bytes (default 64 MiB). SQLite checkpoints
 * passively every 1000 pages, which cannot reset the log while readers keep
 * overlapping under sustained load; past the bound the committing handle
 * runs a restarting checkpoint (waiting up to the busy timeout for readers
 * to move on; the file is kept at the bound and written from its start
 * again), so the log cannot fill the disk. */
void trygg_store_set_wal_limit(trygg_store *st, int64_t bytes);

/* ---- Items ---------------------------------------------------------------- */

/* Submits an item. in->client_key is required; the store assigns id, ref,
 * status=new, created/updated (now unless in->created != 0), purge_at.
 * Idempotent: if an item with the same client_key exists, *out gets that
 * item and *created = 0; otherwise *created = 1. Safe when two processes
 * submit the same key at once (one wins, the other gets the same item).
 * The reference, when in->ref is set:
 *  - kiosk-shaped (trygg_ref_is_kiosk: a receipt a kiosk already showed) it
 *    is EXACT: insert-or-get on the unique reference. Free: the item is
 *    stored under it. Taken by the same client_key: that item (*created 0).
 *    Taken by another key: TRYGG_ERR_EXISTS, nothing stored; the store
 *    never hands out a different reference than the one the caller gave.
 *  - server-shaped (e.g. a legacy kiosk's trygg_ref_from_key) it is used
 *    when free; on the rare collision a random reference is assigned and a
 *    warning logged.
 * Without in->ref a random server reference (trygg_ref_new) is assigned.
 * `out` may equal `in`. Audit: "created" by in->source. */
TRYGG_MUST_CHECK trygg_err trygg_store_submit(trygg_store *st, const trygg_item *in,
                                              trygg_item *out, int *created);

/* The full item (for the store's own callers, the gateway and tryggctl;
 * anything shown to a person goes through trygg_store_get_view). */
TRYGG_MUST_CHECK trygg_err trygg_store_get(trygg_store *st, int64_t id, trygg_item *out);
/* The item as `view` shows it (see Views above), by id or by reference. */
TRYGG_MUST_CHECK trygg_err trygg_store_get_view(trygg_store *st, int64_t id, trygg_view view,
                                                trygg_item *out);
TRYGG_MUST_CHECK trygg_err trygg_store_get_by_ref_view(trygg_store *st, const char *ref,
                                                       trygg_view view, trygg_item *out);
TRYGG_MUST_CHECK trygg_err trygg_store_get_by_ref(trygg_store *st, const char *ref,
                                                  trygg_item *out);
TRYGG_MUST_CHECK trygg_err trygg_store_get_by_key(trygg_store *st, const char *client_key,
                                                  trygg_item *out);

/* Filter for listing; trygg_filter_init() sets "any" everywhere and the
 * shared view. */
typedef struct trygg_filter {
    int status;                        /* trygg_status or -1 */
    int kind;                          /* trygg_kind or -1 */
    int channel;                       /* trygg_channel or -1 */
    int urgent;                        /* 0, 1 or -1 */
    int open_only;                     /* 1 = status != closed */
    char category[TRYGG_NAME_MAX + 1]; /* "" = any */
    char area[TRYGG_NAME_MAX + 1];
    char destination[TRYGG_NAME_MAX + 1];
    char sender[TRYGG_PSEUDO_HEX + 1];
    int64_t from, to; /* created in [from, to); 0 = unbounded */
    char query[256];  /* full-text over text, place, ref (and alias in the full view); "" = none */
    trygg_view view;  /* which copy is returned and searched (default shared) */
    char assignee[TRYGG_NAME_MAX + 1]; /* "" = any, else items assigned to this user */
    int64_t due_before; /* > 0: open items whose due_at is set and <= due_before (overdue) */
    int with_copies;    /* 1: destination also matches items whose copy_to it is */
} trygg_filter;
void trygg_filter_init(trygg_filter *f);

/* Keyset cursor. Order is urgent first, then newest first (created DESC,
 * id DESC). A zeroed cursor (valid = 0) starts at the top. */
typedef struct trygg_cursor {
    int valid;
    int urgent;
    int64_t created;
    int64_t id;
} trygg_cursor;

/* Lists up to `max` items matching *f after *after (may be NULL) into
 * items[]; *n gets the count; *next (may be NULL) gets the cursor for the
 * next page (next->valid = 0 when there is none). f->query is the store's
 * own query language, not the engine's: every whitespace-separated term must
 * occur as a whole word (case and diacritics folded); a term ending in '*'
 * matches as a prefix ("cyk*"); nothing in it is syntax the backend would
 * interpret (the SQLite backend passes each term to FTS5 quoted). */
TRYGG_MUST_CHECK trygg_err trygg_store_list(trygg_store *st, const trygg_filter *f,
                                            const trygg_cursor *after, trygg_item *items, int max,
                                            int *n, trygg_cursor *next);
/* counts[s] = number of items with status s matching *f (f->status ignored). */
TRYGG_MUST_CHECK trygg_err trygg_store_count_by_status(trygg_store *st, const trygg_filter *f,
                                                       int64_t counts[TRYGG_STATUS_COUNT]);

/* Changes category/area/kind: a NULL category or area, an "" area and kind
 * -1 leave the field unchanged; category "" means "no category". Audited as
 * "edit" by `actor` with old -> new values. */
TRYGG_MUST_CHECK trygg_err trygg_store_update(trygg_store *st, int64_t id, const char *actor,
                                              const char *category, const char *area, int kind);
/* Sets urgent 0/1, audited. */
TRYGG_MUST_CHECK trygg_err trygg_store_set_urgent(trygg_store *st, int64_t id, const char *actor,
                                                  int urgent);
/* Status change with the rules new -> triaged -> forwarded|in_progress ->
 * closed (also forwarded <-> in_progress, and closing straight from any open
 * status, e.g. spam from new); close needs a reason (TRYGG_CLOSE_DUPLICATE needs duplicate_of of an
 * existing other item that is not itself, through its own duplicate_of chain, a duplicate of
 * `id`: a loop A -> B -> A or A -> B -> C -> A gives TRYGG_ERR_STATE); reopening a closed item
 * (to triaged) is allowed.
 * Invalid transitions give TRYGG_ERR_STATE and change nothing. */
TRYGG_MUST_CHECK trygg_err trygg_store_set_status(trygg_store *st, int64_t id, const char *actor,
                                                  trygg_status status, trygg_close_reason reason,
                                                  int64_t duplicate_of);
/* Possible duplicates of item `id`: same area and category, created within
 * `days` days of it, not itself, not closed as a duplicate, newest first, as
 * `view` shows them. */
TRYGG_MUST_CHECK trygg_err trygg_store_suggest_duplicates(trygg_store *st, int64_t id, int days,
                                                          trygg_view view, trygg_item *items,
                                                          int max, int *n);
/* The items closed as duplicates of item `id` (their duplicate_of is `id`),
 * oldest first, up to `max`, as `view` shows them. */
TRYGG_MUST_CHECK trygg_err trygg_store_list_duplicates(trygg_store *st, int64_t id, trygg_view view,
                                                       trygg_item *items, int max, int *n);
/* Records that the routing rule's copy_to gave recipient `dest` a scrubbed
 * copy of item `id`, so that its users find the item in their queue (a
 * filter with with_copies). Tips and call-backs only to a recipient with full
 * access (TRYGG_ERR_PERM otherwise); TRYGG_ERR_NOTFOUND for a missing item or
 * recipient. Audited as "copy" by `actor` with the recipient's name. Call it
 * inside the intake's transaction. */
TRYGG_MUST_CHECK trygg_err trygg_store_set_copy_to(trygg_store *st, int64_t id, const char *actor,
                                                   const char *dest);

/* Moderation: replaces the recipients' copy of item `id` (what the shared
 * view shows, searches and what forwards to recipients without full access
 * carry) with `text` and `place` as edited by the security department; both
 * are scrubbed again on the way in. Sets redacted = 1. Audited as "redact"
 * by `actor` without the words (so the audit shows who and when, not what). */
TRYGG_MUST_CHECK trygg_err trygg_store_redact(trygg_store *st, int64_t id, const char *actor,
                                              const char *text, const char *place);
/* Re-routes item `id` to destination `dest` (must exist), so the
 * destination's users find it in their queue; audited as "route" by `actor`
 * with "old -> new". Call it inside the same begin/commit as the status
 * change and the outbox row. TRYGG_ERR_NOTFOUND for a missing item or
 * destination. */
TRYGG_MUST_CHECK trygg_err trygg_store_set_destination(trygg_store *st, int64_t id,
                                                       const char *actor, const char *dest);
/* Writes the caller's number into the contact field of call-back item `id`
 * (kind callback only; TRYGG_ERR_STATE otherwise) so that staff allowed to
 * call back see it. Only after the caller consented (RING). The audit row
 * says that the number was made visible, never the number. Purged with the
 * item. */
TRYGG_MUST_CHECK trygg_err trygg_store_set_callback_number(trygg_store *st, int64_t id,
                                                           const char *actor, const char *number);

/* Assigns item `id` to staff user `assignee` ("" or NULL unassigns). The
 * assignee must be an enabled user of role security or admin, or of role
 * destination whose destination is the item's; anyone else gives
 * TRYGG_ERR_INVALID and nothing changes. TRYGG_ERR_NOTFOUND for a missing
 * item. Audited as "assign" by `actor` with "old -> new" (usernames, "" for
 * nobody); assigning the current assignee again writes nothing. */
TRYGG_MUST_CHECK trygg_err trygg_store_assign(trygg_store *st, int64_t id, const char *actor,
                                              const char *assignee);
/* due_at of an item that has no response time (its kind's is "none"): it
 * is never overdue and trygg_store_list_undue does not list it again. */
#define TRYGG_DUE_NONE (-1)
/* Sets the response deadline of item `id` (unix seconds; 0 = not computed,
 * TRYGG_DUE_NONE = no deadline), as computed by the caller from its
 * configured response times. Not audited: it is derived from the item's
 * kind, category, urgency and time of arrival. */
TRYGG_MUST_CHECK trygg_err trygg_store_set_due(trygg_store *st, int64_t id, int64_t due_at);
/* Up to `max` ids of open items without a deadline (due_at = 0), oldest
 * first, into ids[]; *n gets the count. */
TRYGG_MUST_CHECK trygg_err trygg_store_list_undue(trygg_store *st, int64_t *ids, int max, int *n);

/* ---- Follow-up codes (docs/follow-up.md) ------------------------------------
 * A resident follows an item with its reference and a secret part; the store
 * keeps only a keyed hash of the two (64 hex), never the secret. */
#define TRYGG_FOLLOW_HASH_LEN 64
/* Sets item `id`'s follow-up hash when it has none. The same hash again is
 * TRYGG_OK (a retried submission); a different one is TRYGG_ERR_EXISTS and
 * changes nothing. Not audited: it holds nothing a person reads. */
TRYGG_MUST_CHECK trygg_err trygg_store_follow_set(trygg_store *st, int64_t id, const char *hash);

/* What the public status page may show of an item, and nothing else. */
typedef struct trygg_follow {
    int64_t item_id;
    char hash[TRYGG_FOLLOW_HASH_LEN + 1]; /* "" = no follow-up code */
    trygg_status status;
    trygg_close_reason close_reason;
    char lang[TRYGG_LANG_MAX + 1]; /* the reporter's language */
    int64_t created;
    int64_t updated;
    char reply[TRYGG_TEXT_MAX + 1]; /* the latest TRYGG_AUD_PUBLIC reply, "" if none */
    int64_t reply_at;
} trygg_follow;
/* By reference (any spelling trygg_ref_normalise takes). TRYGG_ERR_NOTFOUND
 * when no item has it. */
TRYGG_MUST_CHECK trygg_err trygg_store_follow_get(trygg_store *st, const char *ref,
                                                  trygg_follow *out);

/* ---- Thread and audit ------------------------------------------------------ */

typedef enum trygg_msg_dir {
    TRYGG_MSG_IN = 0, /* from the citizen (SMS) */
    TRYGG_MSG_OUT,    /* reply to the citizen */
    TRYGG_MSG_NOTE    /* internal staff note, never sent */
} trygg_msg_dir;

/* Who a thread message is for. Internal is the default: notes and replies
 * are the security department's unless written for the recipient. PUBLIC is
 * a reply to the reporter shown on the public status page (trygg_follow). */
typedef enum trygg_audience {
    TRYGG_AUD_INTERNAL = 0,
    TRYGG_AUD_RECIPIENT,
    TRYGG_AUD_PUBLIC
} trygg_audience;

typedef struct trygg_message {
    int64_t id;
    int64_t item_id;
    trygg_msg_dir dir;
    trygg_audience audience;
    char author[TRYGG_NAME_MAX + 1]; /* staff user, "smsgw", "system" */
    char text[TRYGG_TEXT_MAX + 1];
    int64_t created;
} trygg_message;

/* Appends an internal message to an item's thread (and an audit row). */
TRYGG_MUST_CHECK trygg_err trygg_store_add_message(trygg_store *st, int64_t item_id,
                                                   trygg_msg_dir dir, const char *author,
                                                   const char *text, int64_t *msg_id);
/* Same, for `audience`; a recipient message also gets its scrubbed copy. */
TRYGG_MUST_CHECK trygg_err trygg_store_add_message_for(trygg_store *st, int64_t item_id,
                                                       trygg_msg_dir dir, trygg_audience audience,
                                                       const char *author, const char *text,
                                                       int64_t *msg_id);
/* Oldest first, as `view` shows them (the shared view: recipient messages
 * only, scrubbed). */
TRYGG_MUST_CHECK trygg_err trygg_store_list_messages(trygg_store *st, int64_t item_id,
                                                     trygg_view view, trygg_message *out, int max,
                                                     int *n);

typedef struct trygg_audit {
    int64_t id;
    int64_t item_id;
    char actor[TRYGG_NAME_MAX + 1];
    char action[32]; /* created, edit, status, forward, reply, note, urgent, purge, ... */
    char detail[512];
    int64_t at;
} trygg_audit;
/* Records an audit row outside the built-in actions. */
TRYGG_MUST_CHECK trygg_err trygg_store_audit(trygg_store *st, int64_t item_id, const char *actor,
                                             const char *action, const char *detail);
TRYGG_MUST_CHECK trygg_err trygg_store_list_audit(trygg_store *st, int64_t item_id,
                                                  trygg_audit *out, int max, int *n);

/* ---- Access log of personal data ------------------------------------------
 * Every view of an unscrubbed tip or of a call-back number, and every export,
 * is recorded: who, when, what. Listed by the security department for the
 * data protection officer. Actions: "view_tip", "view_full", "view_number",
 * "export_csv", "export_report", ... (free text, <= 31 bytes). */
typedef struct trygg_access {
    int64_t id;
    int64_t at;
    char actor[TRYGG_NAME_MAX + 1];
    char action[32];
    int64_t item_id; /* 0 = not about one item (exports) */
    char detail[256];
} trygg_access;
TRYGG_MUST_CHECK trygg_err trygg_store_access_add(trygg_store *st, const char *actor,
                                                  const char *action, int64_t item_id,
                                                  const char *detail);
/* Newest first, at most `max` rows with at in [from, to) (0 = unbounded). */
TRYGG_MUST_CHECK trygg_err trygg_store_access_list(trygg_store *st, int64_t from, int64_t to,
                                                   trygg_access *out, int max, int *n);

/* ---- Transactions ----------------------------------------------------------
 * For composite changes (e.g. a status change plus an outbox row), wrap calls
 * in begin/commit; on any error call rollback. Nested begin is an error. */
TRYGG_MUST_CHECK trygg_err trygg_store_begin(trygg_store *st);
TRYGG_MUST_CHECK trygg_err trygg_store_commit(trygg_store *st);
void trygg_store_rollback(trygg_store *st);

/* ---- Units of work -----------------------------------------------------------
 * A unit composes: at the outermost level it is a write transaction, inside
 * trygg_store_begin (or another unit) a savepoint, so one message of a batch
 * can be rolled back without losing the others. end(err) commits/releases
 * when err == TRYGG_OK, else rolls back; it returns err or the commit error. */
TRYGG_MUST_CHECK trygg_err trygg_store_unit_begin(trygg_store *st);
TRYGG_MUST_CHECK trygg_err trygg_store_unit_end(trygg_store *st, trygg_err err);
/* Test hook: limits this handle's database to its current size plus `extra`
 * pages, so writes fail with TRYGG_ERR_FULL as on a full disk; extra < 0
 * lifts the limit. */
TRYGG_MUST_CHECK trygg_err trygg_store_test_limit_pages(trygg_store *st, int extra);

/* ---- Destinations, users ---------------------------------------------------- */

typedef struct trygg_destination {
    char name[TRYGG_NAME_MAX + 1]; /* "security", "housing", "streets", ... */
    char label[128];               /* "Säkerhetsavdelningen" */
    char email[256];               /* "" = no e-mail */
    char webhook_url[512];         /* "" = no webhook */
    char webhook_secret[128];      /* HMAC key for the webhook signature */
    int full_access;               /* 1 = sees unscrubbed text (security dept) */
} trygg_destination;
TRYGG_MUST_CHECK trygg_err trygg_store_dest_put(trygg_store *st,
                                                const trygg_destination *d); /* insert or replace */
TRYGG_MUST_CHECK trygg_err trygg_store_dest_get(trygg_store *st, const char *name,
                                                trygg_destination *out);
TRYGG_MUST_CHECK trygg_err trygg_store_dest_list(trygg_store *st, trygg_destination *out, int max,
                                                 int *n);
/* Deletes destination `name` (audited as `actor`); NOTFOUND if absent. Used
 * by the routing-config sync (route.h): recipients are declared there. */
TRYGG_MUST_CHECK trygg_err trygg_store_dest_delete(trygg_store *st, const char *name,
                                                   const char *actor);

typedef struct trygg_user {
    int64_t id;
    char username[TRYGG_NAME_MAX + 1];
    char display[128];
    char role[32];                        /* admin, security, destination */
    char destination[TRYGG_NAME_MAX + 1]; /* for role "destination": which one */
    int can_call_back;                    /* may see call-back numbers */
    int disabled;
    int64_t created;
} trygg_user;
/* Adds a user; the password is hashed with argon2id (secret.h). */
TRYGG_MUST_CHECK trygg_err trygg_store_user_add(trygg_store *st, const trygg_user *u,
                                                const char *password);
TRYGG_MUST_CHECK trygg_err trygg_store_user_get(trygg_store *st, const char *username,
                                                trygg_user *out);
TRYGG_MUST_CHECK trygg_err trygg_store_user_list(trygg_store *st, trygg_user *out, int max, int *n);
TRYGG_MUST_CHECK trygg_err trygg_store_user_set_disabled(trygg_store *st, const char *username,
                                                         int disabled);
TRYGG_MUST_CHECK trygg_err trygg_store_user_set_password(trygg_store *st, const char *username,
                                                         const char *password);
/* TRYGG_OK and *out filled if the user exists, is enabled and the password
 * matches; TRYGG_ERR_AUTH otherwise (same error for every failure). */
TRYGG_MUST_CHECK trygg_err trygg_store_user_verify(trygg_store *st, const char *username,
                                                   const char *password, trygg_user *out);

/* Two-factor login (TOTP, RFC 6238: SHA-1, 6 digits, 30 s steps, accepted
 * one step either side; liboath). Mandatory for users who can see tips or
 * call-back numbers (trygg_store_user_needs_2fa), optional for the others.
 * Secrets are base32 (what authenticator apps take); recovery codes are
 * TRYGG_RECOVERY_CODES one-time codes "xxxx-xxxx-xxxx", shown once and
 * stored only as hashes. */
#define TRYGG_TOTP_SECRET_LEN 64
#define TRYGG_RECOVERY_CODES  10
#define TRYGG_RECOVERY_LEN    16
/* 1 if `u` must use two-factor login (roles security/admin, call-back rights). */
int trygg_store_user_needs_2fa(const trygg_user *u);
/* *enabled (may be NULL) and the secret (pending or active; "" = none; may be NULL). */
TRYGG_MUST_CHECK trygg_err trygg_store_user_totp_get(trygg_store *st, const char *username,
                                                     int *enabled,
                                                     char secret[TRYGG_TOTP_SECRET_LEN]);
/* Starts enrolment of a user without active 2FA: stores `secret` (base32;
 * NULL = a new random 160-bit one) as pending and copies it to secret_out
 * (may be NULL). NOTFOUND if the user does not exist or already has 2FA. */
TRYGG_MUST_CHECK trygg_err trygg_store_user_totp_begin(trygg_store *st, const char *username,
                                                       const char *secret,
                                                       char secret_out[TRYGG_TOTP_SECRET_LEN]);
/* Finishes enrolment when `code` is right for the pending secret at `now`
 * (unix seconds): 2FA is on, new recovery codes are written to codes[]
 * (the only time they exist in clear) and the enrolment is audited.
 * TRYGG_ERR_AUTH for a wrong code. */
TRYGG_MUST_CHECK trygg_err
trygg_store_user_totp_enable(trygg_store *st, const char *username, const char *code, int64_t now,
                             char codes[TRYGG_RECOVERY_CODES][TRYGG_RECOVERY_LEN]);
/* The login's second step: TRYGG_OK when `code` is a current 6-digit code
 * whose time step was not used before (replay protection), or an unused
 * recovery code (then used up, audited, *recovery_used = 1). TRYGG_ERR_AUTH
 * for every failure, also when the user has no 2FA. */
TRYGG_MUST_CHECK trygg_err trygg_store_user_totp_verify(trygg_store *st, const char *username,
                                                        const char *code, int64_t now,
                                                        int *recovery_used);
/* Turns 2FA off and deletes the secret and recovery codes (audited as
 * `actor`); the user enrols again at the next login. */
TRYGG_MUST_CHECK trygg_err trygg_store_user_totp_reset(trygg_store *st, const char *username,
                                                       const char *actor);

/* ---- Staff sessions and login limits ------------------------------------------
 * Kept in the database, not in a server's memory, so that any of several
 * servers in front of one database answers any request and a restart
 * logs nobody out (docs/store.md). A session is found by the SHA-256 of
 * its cookie token; the token itself is never stored. */
#define TRYGG_SESSION_HASH  65 /* 64 hex digits + NUL */
#define TRYGG_SESSION_TOKEN 64

typedef struct trygg_session {
    char token_hash[TRYGG_SESSION_HASH];
    char csrf[TRYGG_SESSION_TOKEN];
    char username[TRYGG_NAME_MAX + 1];
    char display[128];
    char role[32];
    char destination[TRYGG_NAME_MAX + 1];
    int can_call_back;
    char lang[TRYGG_LANG_MAX + 1];
    int stage; /* how far the login has come (server/web.h web_stage) */
    int64_t created, last_seen;
} trygg_session;
/* Stores a new session; TRYGG_ERR_EXISTS if its hash is taken. */
TRYGG_MUST_CHECK trygg_err trygg_store_session_put(trygg_store *st, const trygg_session *s);
/* The session with this token hash; NOTFOUND when there is none. */
TRYGG_MUST_CHECK trygg_err trygg_store_session_get(trygg_store *st, const char *token_hash,
                                                   trygg_session *out);
/* Writes the stage, language, user fields and last_seen of s (found by its
 * hash); NOTFOUND when it is gone. */
TRYGG_MUST_CHECK trygg_err trygg_store_session_update(trygg_store *st, const trygg_session *s);
/* Ends one session (no error when it is gone). */
TRYGG_MUST_CHECK trygg_err trygg_store_session_delete(trygg_store *st, const char *token_hash);
/* Ends every session of `username`. */
TRYGG_MUST_CHECK trygg_err trygg_store_session_delete_user(trygg_store *st, const char *username);
/* Removes sessions idle since before `idle_before` or created before
 * `created_before`, and login failures whose window started before
 * `created_before`; *n (may be NULL) gets how many sessions. */
TRYGG_MUST_CHECK trygg_err trygg_store_session_purge(trygg_store *st, int64_t idle_before,
                                                     int64_t created_before, int *n);
/* Login failures of `key` ("i:<address>", "u:<user>") in the window that
 * started at the key's first failure, window seconds long: *fails gets the
 * count at `now` (0 when the window is over). With add, one failure is
 * counted first (a new window starts when the old one is over). */
TRYGG_MUST_CHECK trygg_err trygg_store_login_fails(trygg_store *st, const char *key, int64_t now,
                                                   int64_t window, int add, int *fails);
/* Forgets the failures of `key` (a successful login). */
TRYGG_MUST_CHECK trygg_err trygg_store_login_clear(trygg_store *st, const char *key);

/* ---- Kiosks ---------------------------------------------------------------- */

typedef struct trygg_kiosk {
    char id[TRYGG_NAME_MAX + 1]; /* "bibl-1" */
    char name[128];              /* "Biblioteket, Lilla Edet" */
    char area[TRYGG_NAME_MAX + 1];
    int revoked;
    int64_t last_seen; /* 0 = never */
    char version[32];
    int outbox_depth;
    char last_error[256];
    int64_t created;
    char ref_prefix[4]; /* current reference prefix ("3K", ref.h); "" = none */
} trygg_kiosk;
/* Adds a kiosk and writes a new random token (NUL-terminated, < 64 chars)
 * into token[64]; only its hash is stored, so this is the one time it is seen.
 * In the same transaction the kiosk is issued its reference prefix (see
 * trygg_store_kiosk_new_prefix; read it back with trygg_store_kiosk_get);
 * TRYGG_ERR_LIMIT and nothing added when every prefix is taken. */
TRYGG_MUST_CHECK trygg_err trygg_store_kiosk_add(trygg_store *st, const trygg_kiosk *k,
                                                 char token[64]);
/* Finds the non-revoked kiosk whose token hash matches; TRYGG_ERR_AUTH otherwise. */
TRYGG_MUST_CHECK trygg_err trygg_store_kiosk_auth(trygg_store *st, const char *token,
                                                  trygg_kiosk *out);
TRYGG_MUST_CHECK trygg_err trygg_store_kiosk_get(trygg_store *st, const char *id, trygg_kiosk *out);
TRYGG_MUST_CHECK trygg_err trygg_store_kiosk_list(trygg_store *st, trygg_kiosk *out, int max,
                                                  int *n);
TRYGG_MUST_CHECK trygg_err trygg_store_kiosk_revoke(trygg_store *st, const char *id);
TRYGG_MUST_CHECK trygg_err trygg_store_kiosk_heartbeat(trygg_store *st, const char *id,
                                                       const char *version, int outbox_depth,
                                                       const char *last_error);
/* Issues kiosk `id` a new reference prefix (the first of
 * trygg_ref_prefix_nth's order never issued to anyone, ever), makes it the
 * kiosk's current one and writes it to out[4]. Its earlier prefixes stay the
 * kiosk's (references it queued under them remain valid). Audited as
 * "kiosk_prefix" by "system". TRYGG_ERR_NOTFOUND for an unknown kiosk,
 * TRYGG_ERR_LIMIT when all TRYGG_REF_PREFIX_COUNT prefixes are used up. */
TRYGG_MUST_CHECK trygg_err trygg_store_kiosk_new_prefix(trygg_store *st, const char *id,
                                                        char out[4]);
/* TRYGG_OK when `prefix` was ever issued to kiosk `id` (current or retired),
 * TRYGG_ERR_NOTFOUND when it was not (never issued, or another kiosk's). */
TRYGG_MUST_CHECK trygg_err trygg_store_kiosk_owns_prefix(trygg_store *st, const char *id,
                                                         const char *prefix);

/* ---- Client roles ------------------------------------------------------------
 * A registered client (kiosks table: a token and a reference prefix) is a
 * lobby kiosk or an SMS gateway (schema v6 kiosks.role); each may use only
 * its own API: a kiosk token is refused on the gateway's routes and the
 * reverse (docs/gateway-protocol.md). */
#define TRYGG_ROLE_KIOSK   "kiosk"
#define TRYGG_ROLE_GATEWAY "gateway"
/* The role of registered client `id` into role[16]; TRYGG_ERR_NOTFOUND for
 * an unknown id. */
TRYGG_MUST_CHECK trygg_err trygg_store_client_role_get(trygg_store *st, const char *id,
                                                       char role[16]);
/* Sets the role of client `id`; TRYGG_ERR_INVALID for a role that is
 * neither, TRYGG_ERR_NOTFOUND for an unknown id. */
TRYGG_MUST_CHECK trygg_err trygg_store_client_role_set(trygg_store *st, const char *id,
                                                       const char *role);

/* ---- Safety walks ------------------------------------------------------------ */

typedef struct trygg_walk {
    int64_t id;
    int64_t starts; /* unix seconds UTC */
    char area[TRYGG_NAME_MAX + 1];
    char place[128];         /* "Ströms slott" */
    char meeting_point[256]; /* "Vid busshållplatsen Torget" */
    int capacity;            /* 0 = unlimited */
    int signups;             /* filled by get/list: walk_signup items for it */
    int cancelled;
    int round; /* 1 = the housing company's safety round (trygghetsrond), schema v14 */
} trygg_walk;
TRYGG_MUST_CHECK trygg_err trygg_store_walk_put(trygg_store *st,
                                                trygg_walk *w); /* w->id 0 = insert (sets id) */
TRYGG_MUST_CHECK trygg_err trygg_store_walk_get(trygg_store *st, int64_t id, trygg_walk *out);
/* Walks starting at or after `from`, soonest first, not cancelled. */
TRYGG_MUST_CHECK trygg_err trygg_store_walk_list(trygg_store *st, int64_t from, trygg_walk *out,
                                                 int max, int *n);

/* ---- Notices (shown on kiosks) -------------------------------------------- */
typedef struct trygg_notice {
    int64_t id;
    char lang[TRYGG_LANG_MAX + 1];
    char text[TRYGG_NOTICE_MAX + 1];
    int64_t from, to; /* shown while from <= now < to */
} trygg_notice;
TRYGG_MUST_CHECK trygg_err trygg_store_notice_put(trygg_store *st, trygg_notice *n);
TRYGG_MUST_CHECK trygg_err trygg_store_notice_delete(trygg_store *st, int64_t id);
TRYGG_MUST_CHECK trygg_err trygg_store_notice_list(trygg_store *st, int64_t now, trygg_notice *out,
                                                   int max, int *n);

/* ---- Reply templates (server/reply_tpl.c, docs/staff-ui.md) ----------------
 * The texts of the reply templates come from the SMS catalogs
 * (assets/i18n/sms, keys "tpl.*"). An admin's edit of one template in one
 * language is kept here and overrides the catalog's text until it is reset.
 * Every set and reset is audited (item 0, actions "template_set" and
 * "template_reset", detail "<key> <lang>", never the text). */
#define TRYGG_TEMPLATE_KEY_MAX  63
#define TRYGG_TEMPLATE_TEXT_MAX 1000
typedef struct trygg_template {
    char key[TRYGG_TEMPLATE_KEY_MAX + 1]; /* "tpl.resolved.fault" */
    char lang[TRYGG_LANG_MAX + 1];        /* "sv", "en", "ar", "so" */
    char text[TRYGG_TEMPLATE_TEXT_MAX + 1];
    char updated_by[TRYGG_NAME_MAX + 1];
    int64_t updated_at;
} trygg_template;
/* Stores `text` as the edit of template `key` in `lang` (replacing an
 * earlier edit) by `actor`. TRYGG_ERR_INVALID for an empty or too long key,
 * language or text. */
TRYGG_MUST_CHECK trygg_err trygg_store_template_set(trygg_store *st, const char *key,
                                                    const char *lang, const char *text,
                                                    const char *actor);
/* The edit of `key` in `lang` into *out; TRYGG_ERR_NOTFOUND when there is
 * none (the catalog's text applies). */
TRYGG_MUST_CHECK trygg_err trygg_store_template_get(trygg_store *st, const char *key,
                                                    const char *lang, trygg_template *out);
/* Removes the edit of `key` in `lang` ("reset to default"): the catalog's
 * text applies again. TRYGG_ERR_NOTFOUND when there was none. */
TRYGG_MUST_CHECK trygg_err trygg_store_template_reset(trygg_store *st, const char *key,
                                                      const char *lang, const char *actor);
/* Every edit, by key and language. */
TRYGG_MUST_CHECK trygg_err trygg_store_template_list(trygg_store *st, trygg_template *out, int max,
                                                     int *n);

/* ---- SMS contacts (pseudonymous) --------------------------------------------- */

typedef struct trygg_contact {
    char pseudonym[TRYGG_PSEUDO_HEX + 1]; /* keyed hash of the number (secret.h) */
    char alias[TRYGG_ALIAS_MAX + 1];      /* "Tipsare T-4821", unique */
    unsigned char cipher[128];            /* number encrypted for the gateway only */
    int cipher_len;                       /* 0 = deleted (after STOP) */
    int stopped;                          /* said STOP: never send again */
    int blocked;                          /* staff blocklist: store, never answer */
    int callback_consent;                 /* replied RING: number may be shown to call-back roles */
    char lang[TRYGG_LANG_MAX + 1];
    int64_t first_seen, last_seen;
} trygg_contact;
/* Finds the contact by pseudonym or creates it with a fresh unique alias
 * (prefix from `alias_prefix`, e.g. "Tipsare T-"). If the contact exists and
 * has no cipher (after STOP) but cipher_len > 0, stores the new cipher and
 * clears `stopped` only if `restart` is set. */
TRYGG_MUST_CHECK trygg_err trygg_store_contact_get_or_create(trygg_store *st, const char *pseudonym,
                                                             const unsigned char *cipher,
                                                             int cipher_len,
                                                             const char *alias_prefix,
                                                             trygg_contact *out);
TRYGG_MUST_CHECK trygg_err trygg_store_contact_get(trygg_store *st, const char *pseudonym,
                                                   trygg_contact *out);
/* STOP: sets stopped = 1, deletes the cipher and cancels queued SMS to it. */
TRYGG_MUST_CHECK trygg_err trygg_store_contact_stop(trygg_store *st, const char *pseudonym);
/* The contact asked to start again (e.g. texted START): clears `stopped`. */
TRYGG_MUST_CHECK trygg_err trygg_store_contact_restart(trygg_store *st, const char *pseudonym);
TRYGG_MUST_CHECK trygg_err trygg_store_contact_set_blocked(trygg_store *st, const char *pseudonym,
                                                           int blocked);
TRYGG_MUST_CHECK trygg_err trygg_store_contact_set_callback(trygg_store *st, const char *pseudonym,
                                                            int consent);
TRYGG_MUST_CHECK trygg_err trygg_store_contact_set_lang(trygg_store *st, const char *pseudonym,
                                                        const char *lang);
/* Ciphertexts from before the split: an install whose gateway once shared
 * the server's database has contacts that still hold the number's
 * ciphertext. Nothing writes one now; the gateway takes them over into its
 * own store and the server then blanks them (docs/gateway-protocol.md
 * "Hand-over of old ciphertexts"). */
/* Up to max contacts that still hold a ciphertext, pseudonym greater than
 * `after` ("" from the start), in pseudonym order. */
TRYGG_MUST_CHECK trygg_err trygg_store_contact_ciphers(trygg_store *st, const char *after,
                                                       trygg_contact *out, int max, int *n);
/* Blanks the ciphertexts of the n pseudonyms in one transaction of its own
 * (not inside trygg_store_begin) and leaves their bytes in no file of the
 * store's live pages: freed space is overwritten and the log emptied when
 * no reader holds it. Copies SQLite left earlier in reused or free pages
 * are reached only by trygg_store_compact. *blanked (may be NULL) gets how
 * many had one. */
TRYGG_MUST_CHECK trygg_err trygg_store_contact_ciphers_blank(trygg_store *st,
                                                             const char *const *pseudonyms, int n,
                                                             int *blanked);
/* Newest open (status != closed) item from this sender created at or after
 * `since`; TRYGG_ERR_NOTFOUND if none. */
TRYGG_MUST_CHECK trygg_err trygg_store_open_item_of_sender(trygg_store *st, const char *pseudonym,
                                                           int64_t since, trygg_item *out);

/* ---- The SMS channel: inbound keys, counters, calls ---------------------------
 * The idempotency key of every inbound SMS ("sms:" + hex SHA-256, see the
 * dialog), whether it created an item or joined a thread, so a message
 * handed in again (after a crash, or uploaded twice) is recognised and
 * never stored twice; the sender pseudonym makes it the per-sender count for
 * flood limits. Anonymous daily counters (calls, unanswered calls) for the
 * statistics. When a sender last called, so RING makes a call-back only
 * right after a call. Retention: trygg_store_purge deletes inbound keys after
 * 7 days or with their item, and calls after a day. All compose inside
 * trygg_store_begin/commit. */

/* TRYGG_OK and *item_id (may be NULL) if `key` was recorded,
 * TRYGG_ERR_NOTFOUND if not. */
TRYGG_MUST_CHECK trygg_err trygg_store_sms_inbound_get(trygg_store *st, const char *key,
                                                       int64_t *item_id);
/* Records `key` from sender pseudonym `sender` at unix time `at`
 * (TRYGG_ERR_EXISTS if already recorded). */
TRYGG_MUST_CHECK trygg_err trygg_store_sms_inbound_put(trygg_store *st, const char *key,
                                                       int64_t item_id, const char *sender,
                                                       int64_t at);
/* Number of inbound messages recorded from `sender` at or after `since`. */
TRYGG_MUST_CHECK trygg_err trygg_store_sms_inbound_count(trygg_store *st, const char *sender,
                                                         int64_t since, int *count);
/* Adds `delta` to counter `name` of `day` ("YYYY-MM-DD"). */
TRYGG_MUST_CHECK trygg_err trygg_store_sms_counter_add(trygg_store *st, const char *day,
                                                       const char *name, int delta);
/* Counter value (0 if never set). */
TRYGG_MUST_CHECK trygg_err trygg_store_sms_counter_get(trygg_store *st, const char *day,
                                                       const char *name, int64_t *count);
/* Records a call from sender pseudonym `sender` at unix time `at`. */
TRYGG_MUST_CHECK trygg_err trygg_store_call_put(trygg_store *st, const char *sender, int64_t at);
/* Number of calls recorded from `sender` at or after `since`. */
TRYGG_MUST_CHECK trygg_err trygg_store_call_count(trygg_store *st, const char *sender,
                                                  int64_t since, int *count);
/* Withdraws call-back consent of `sender` (STOP): every call-back item of
 * the sender loses its number (contact = '') and consent, each audited by
 * `actor` as "consent" without the number, and the contact's
 * callback_consent is cleared. *n (may be NULL) gets the items changed. */
TRYGG_MUST_CHECK trygg_err trygg_store_callback_withdraw(trygg_store *st, const char *sender,
                                                         const char *actor, int *n);
/* Number of SMS outbox rows to `recipient` by `author` queued at or after
 * unix time `since` (the bound on urgent replies over the flood limit). */
TRYGG_MUST_CHECK trygg_err trygg_store_sms_sent_count(trygg_store *st, const char *recipient,
                                                      const char *author, int64_t since,
                                                      int *count);

/* ---- SMS outbox ---------------------------------------------------------------- */

typedef enum trygg_out_status {
    TRYGG_OUT_PENDING = 0,
    TRYGG_OUT_SENT,
    TRYGG_OUT_FAILED,    /* will be retried at next_attempt */
    TRYGG_OUT_DEAD,      /* gave up; shown to staff */
    TRYGG_OUT_CANCELLED, /* e.g. recipient said STOP */
    /* SMS only, after sent: the network's status report (the gateway's
     * delivery reports, docs/smsgw.md) */
    TRYGG_OUT_DELIVERED,
    TRYGG_OUT_UNDELIVERED,
    TRYGG_OUT_COUNT
} trygg_out_status;
const char *trygg_out_status_name(trygg_out_status s);

typedef struct trygg_sms_out {
    int64_t id;
    int64_t item_id;                      /* 0 for system messages not tied to an item */
    char recipient[TRYGG_PSEUDO_HEX + 1]; /* pseudonym; the gateway decrypts the cipher */
    char text[1600];
    char author[TRYGG_NAME_MAX + 1];
    trygg_out_status status;
    int parts; /* SMS parts used when sent */
    int attempts;
    char error[256];
    int64_t created, next_attempt, sent_at;
} trygg_sms_out;
/* Queues an SMS to `recipient`. TRYGG_ERR_STATE if the contact has stopped. */
TRYGG_MUST_CHECK trygg_err trygg_store_sms_enqueue(trygg_store *st, int64_t item_id,
                                                   const char *recipient, const char *author,
                                                   const char *text, int64_t *id);
/* Up to `max` messages due at `now` (pending, or failed with next_attempt <= now). */
TRYGG_MUST_CHECK trygg_err trygg_store_sms_due(trygg_store *st, int64_t now, trygg_sms_out *out,
                                               int max, int *n);
/* Records the result of a send attempt. */
TRYGG_MUST_CHECK trygg_err trygg_store_sms_mark(trygg_store *st, int64_t id,
                                                trygg_out_status status, int parts,
                                                const char *error, int64_t next_attempt);
/* The SMS outbox row `id` (every field); TRYGG_ERR_NOTFOUND if none. */
TRYGG_MUST_CHECK trygg_err trygg_store_sms_get(trygg_store *st, int64_t id, trygg_sms_out *out);
TRYGG_MUST_CHECK trygg_err trygg_store_sms_list(trygg_store *st, int64_t item_id,
                                                trygg_sms_out *out, int max, int *n);

/* ---- Notification outbox (forwards: e-mail, webhooks) ---------------------- */

typedef struct trygg_notify {
    int64_t id;
    int64_t item_id;
    char destination[TRYGG_NAME_MAX + 1];
    char channel[16];   /* "email" or "webhook" */
    char payload[8192]; /* JSON prepared at enqueue (already scrubbed) */
    trygg_out_status status;
    int attempts;
    char error[256];
    int64_t created, next_attempt, sent_at;
    /* When a worker started the final step of a send (the end of the SMTP
     * DATA, the webhook's request) and recorded no outcome yet, 0 = none;
     * the final steps started so far (the most copies a receiver can have). */
    int64_t handed_over;
    int handovers;
} trygg_notify;
/* Queues a forward; call inside the same transaction as the state change. */
TRYGG_MUST_CHECK trygg_err trygg_store_notify_enqueue(trygg_store *st, int64_t item_id,
                                                      const char *destination, const char *channel,
                                                      const char *payload, int64_t *id);
TRYGG_MUST_CHECK trygg_err trygg_store_notify_due(trygg_store *st, int64_t now, trygg_notify *out,
                                                  int max, int *n);
/* Records the result of a send attempt; ends the lease and clears handed_over. */
TRYGG_MUST_CHECK trygg_err trygg_store_notify_mark(trygg_store *st, int64_t id,
                                                   trygg_out_status status, const char *error,
                                                   int64_t next_attempt);
/* All rows with `status` (or -1 for all), newest first. */
TRYGG_MUST_CHECK trygg_err trygg_store_notify_list(trygg_store *st, int status, trygg_notify *out,
                                                   int max, int *n);

/* ---- Waking outbox workers ----------------------------------------------------
 * Waits up to timeout_ms until a row is queued in `outbox` ("notify": the
 * forward outbox, "sms": the SMS outbox) by any process on the database, so
 * that a worker sends at once instead of at its next poll: *woken = 1 when
 * one was queued (or queued since the last call; several are one wake-up,
 * and a wake-up may be spurious: claim and see), 0 when the time ran out.
 * The first call subscribes; a row queued before it is found by the
 * caller's claim. On PostgreSQL: LISTEN, and a NOTIFY at every enqueue
 * (delivered at its commit). On SQLite only this process can wake the
 * caller: "sms" waits for a commit of this process that queued an SMS (a
 * staff reply, a dialog reply), and the caller's own timer finds what
 * another process queued; "notify" sets *woken = -1 at once (the caller
 * waits with its own timer). */
TRYGG_MUST_CHECK trygg_err trygg_store_outbox_wait(trygg_store *st, const char *outbox,
                                                   int timeout_ms, int *woken);

/* ---- Leases: outbox workers and run-once jobs -----------------------------------
 * A worker (`owner`: an instance name unique per process and host, e.g.
 * "server@host:pid") claims due outbox rows with an expiry: a claimed row is
 * handed to no other worker until its lease ends or it is marked (the mark
 * functions end the lease), so two workers never send the same SMS or
 * e-mail, and a crashed worker's rows come back after lease_s seconds.
 * Claims return rows in send order (urgent SMS replies first) and at most
 * 256 at a time. */
TRYGG_MUST_CHECK trygg_err trygg_store_sms_claim(trygg_store *st, const char *owner, int64_t now,
                                                 int lease_s, trygg_sms_out *out, int max, int *n);
TRYGG_MUST_CHECK trygg_err trygg_store_notify_claim(trygg_store *st, const char *owner, int64_t now,
                                                    int lease_s, trygg_notify *out, int max,
                                                    int *n);
/* Renews, until now + lease_s, the lease of every forward row `owner`
 * still holds (leased to it, lease not ended at `now`, not marked); *n =
 * rows renewed. A worker renews while it sends, so its lease can be short:
 * a killed server's rows come back within one lease (server/forward.c). */
TRYGG_MUST_CHECK trygg_err trygg_store_notify_renew(trygg_store *st, const char *owner, int64_t now,
                                                    int lease_s, int *n);
/* Records, before the final step of sending forward `id` (the end of the
 * SMTP DATA, the webhook's request), that `owner` starts it at `now`:
 * handed_over = now, handovers + 1; only while the row is leased to `owner`
 * (lease not ended at `now`). TRYGG_ERR_BUSY when the lease is lost (ended,
 * or taken over by another worker): the caller must not finish the send.
 * TRYGG_ERR_NOTFOUND when there is no such row. trygg_store_notify_mark
 * clears handed_over: a row claimed with handed_over <> 0 was being handed
 * over when its worker died (the receiver may have it). */
TRYGG_MUST_CHECK trygg_err trygg_store_notify_handover(trygg_store *st, int64_t id,
                                                       const char *owner, int64_t now);
/* Jobs that must run once at a time across processes and hosts (purge,
 * police fetch, checkpoints): TRYGG_OK when `owner` holds the lease on
 * `job` until now + lease_s (taken, renewed, or taken over after it ran
 * out), TRYGG_ERR_BUSY while another owner holds it. Release when done. */
TRYGG_MUST_CHECK trygg_err trygg_store_job_lease(trygg_store *st, const char *job,
                                                 const char *owner, int64_t now, int lease_s);
TRYGG_MUST_CHECK trygg_err trygg_store_job_release(trygg_store *st, const char *job,
                                                   const char *owner);
/* Records that run-once job `job` ran for `period` (a number that grows,
 * e.g. the unix time of the local day's start). *first = 1 when no run for
 * `period` or a later one was recorded (it is recorded now), 0 otherwise.
 * Call it inside the transaction that does the job's work, so the record
 * and the work commit (or roll back) together: across processes and hosts
 * the work is then done once per period. */
TRYGG_MUST_CHECK trygg_err trygg_store_job_done(trygg_store *st, const char *job, int64_t period,
                                                int *first);

/* ---- Health and maintenance ------------------------------------------------ */
/* Free-form status of a channel component as a JSON object text (signal,
 * network, battery, last poll, last error, ...), with the time it was set. */
TRYGG_MUST_CHECK trygg_err trygg_store_health_put(trygg_store *st, const char *component,
                                                  const char *json);
TRYGG_MUST_CHECK trygg_err trygg_store_health_get(trygg_store *st, const char *component,
                                                  char *json, int cap, int64_t *updated);
/* Rewrites the whole store so that nothing deleted or overwritten before
 * survives anywhere in its files (SQLite: VACUUM, then a truncating
 * checkpoint). Slow on a large store and it holds the write lock
 * meanwhile: for rare maintenance (the end of the hand-over of old
 * ciphertexts), never on a hot path. Not inside trygg_store_begin. */
TRYGG_MUST_CHECK trygg_err trygg_store_compact(trygg_store *st);
/* A trivial query: TRYGG_OK if the database answers (liveness probe). */
TRYGG_MUST_CHECK trygg_err trygg_store_ping(trygg_store *st);
/* counts[s] = rows in the SMS outbox ("sms") or the notification outbox
 * ("notify") with status s (trygg_out_status); *attempts_failed (may be
 * NULL) gets the sum of attempts over rows not sent (failures so far). */
TRYGG_MUST_CHECK trygg_err trygg_store_outbox_counts(trygg_store *st, const char *which,
                                                     int64_t counts[TRYGG_OUT_COUNT],
                                                     int64_t *attempts_failed);
/* Log checkpointing off the commit path: pages = 0 stops this handle from
 * checkpointing after its own commits; the caller then runs
 * trygg_store_checkpoint from a background job. The log's bound
 * (trygg_store_set_wal_limit) still holds: past it the committing handle
 * truncates the log after its commit (waiting for readers in flight). */
TRYGG_MUST_CHECK trygg_err trygg_store_set_autocheckpoint(trygg_store *st, int pages);
/* A checkpoint that never blocks readers or writers; *wal_pages (may be
 * NULL) gets the log size in pages after it. */
TRYGG_MUST_CHECK trygg_err trygg_store_checkpoint(trygg_store *st, int *wal_pages);

/* ---- Retention ------------------------------------------------------------- */
/* Purges every item with purge_at <= now: text, contact, place and thread
 * texts are removed, SMS/notify payloads deleted; the item row keeps kind,
 * category, area, channel, status, dates (the anonymous counts). *n gets
 * the number of items purged. Audited as "purge" by "system". */
TRYGG_MUST_CHECK trygg_err trygg_store_purge(trygg_store *st, int64_t now, int *n);

/* ---- Counting (situation picture) -------------------------------------------- */
/* Runs a read-only aggregate: rows of (key, count) for items created in
 * [from, to) grouped by `group` — one of "kind", "category", "area",
 * "channel", "status", "kind_category" (key "kind/category"), "weekday_band"
 * (local time; key "mon/evening": sun..sat / night 00-06, morning 06-12,
 * afternoon 12-18, evening 18-24), "day" (local "YYYY-MM-DD"). f may be NULL.
 * cb is called per row; returning non-zero stops. */
typedef int (*trygg_count_cb)(void *ctx, const char *key, int64_t count);
TRYGG_MUST_CHECK trygg_err trygg_store_count(trygg_store *st, const trygg_filter *f,
                                             const char *group, trygg_count_cb cb, void *ctx);

/* ---- Periods: the quarter and the year (docs/report.md) -----------------------
 * The counts behind the quarterly area analysis and the yearly report
 * (trygg/report_period.h): for each bucket [edges[b], edges[b+1]) of
 * b = 0 .. nedges - 2 (edges ascending unix times, at most 64), rows of
 *   - citizen items (TRYGG_PERIOD_ITEMS) created in the bucket, except those
 *     closed as duplicate or spam, by area and "kind/category";
 *   - partner events (TRYGG_PERIOD_EVENTS) whose local day falls in the
 *     bucket (Monday..Sunday like the week), the sum of their counts, by area
 *     and type name;
 *   - police events (TRYGG_PERIOD_POLICE) of the feed in the bucket by the
 *     feed's type; area and place are those a user attached it to by hand
 *     (trygg_police_place), "" for an event without a place — the feed's
 *     own coordinates never place an event.
 * With `places` the rows are also split by place: an item's place text
 * (the recipients' copy, like the week's most-reported places), an event's
 * place, a police event's place label; without it place is "". cb returning
 * non-zero stops. TRYGG_ERR_INVALID for fewer than 2 or more than 64 edges
 * or edges not ascending. */
#define TRYGG_PERIOD_EDGES_MAX 64
typedef enum trygg_period_source {
    TRYGG_PERIOD_ITEMS = 0,
    TRYGG_PERIOD_EVENTS,
    TRYGG_PERIOD_POLICE
} trygg_period_source;

typedef struct trygg_period_row {
    trygg_period_source source;
    int bucket;
    const char *area;
    const char *key;
    const char *place;
    int64_t n;
} trygg_period_row;

typedef int (*trygg_period_cb)(void *ctx, const trygg_period_row *row);
TRYGG_MUST_CHECK trygg_err trygg_store_period_counts(trygg_store *st, const int64_t *edges,
                                                     int nedges, int places, trygg_period_cb cb,
                                                     void *ctx);
/* When the first counted citizen item came in (*at = 0 when none): a
 * comparison with the same period a year before is only made when the data
 * reach back that far. */
TRYGG_MUST_CHECK trygg_err trygg_store_first_item(trygg_store *st, int64_t *at);

/* ---- Partner events -----------------------------------------------------------
 * The operational group's own reports (trygg_event in item.h). Every call
 * takes the caller's organisation: `org` NULL reaches every organisation's
 * events (the security department), otherwise only that organisation's — an
 * event of another organisation is TRYGG_ERR_NOTFOUND, never revealed. */

/* Stores `ev` (validated with trygg_event_validate: TRYGG_ERR_INVALID names
 * nothing on failure) with its text and place scrubbed of personal data, and
 * sets *id. ev->id, created and updated are ignored. */
TRYGG_MUST_CHECK trygg_err trygg_store_event_add(trygg_store *st, const trygg_event *ev,
                                                 int64_t *id);
/* Stores evs[0..n) as trygg_store_event_add does, all in one transaction:
 * when one is refused (TRYGG_ERR_INVALID, message naming its index) or a
 * write fails, none is stored. */
TRYGG_MUST_CHECK trygg_err trygg_store_event_add_many(trygg_store *st, const trygg_event *evs,
                                                      int n);
/* Reads event `id` of `org` (NULL = any) into *out. */
TRYGG_MUST_CHECK trygg_err trygg_store_event_get(trygg_store *st, int64_t id, const char *org,
                                                 trygg_event *out);
/* Replaces what was seen of event ev->id (type, day, band, area, place,
 * count, text; scrubbed again); org, reporter and created stay. */
TRYGG_MUST_CHECK trygg_err trygg_store_event_update(trygg_store *st, const trygg_event *ev,
                                                    const char *org);
/* Deletes event `id` of `org` (NULL = any). */
TRYGG_MUST_CHECK trygg_err trygg_store_event_delete(trygg_store *st, int64_t id, const char *org);
/* Lists up to `max` events of `org` (NULL = all) with from_day <= day <=
 * to_day ("" or NULL = open end), latest day first, into out[]. */
TRYGG_MUST_CHECK trygg_err trygg_store_event_list(trygg_store *st, const char *org,
                                                  const char *from_day, const char *to_day,
                                                  trygg_event *out, int max, int *n);
/* Adds up each type's counts over from_day..to_day (inclusive) for every
 * organisation into counts[] (zeroed first): the group's internal picture. */
TRYGG_MUST_CHECK trygg_err trygg_store_event_totals(trygg_store *st, const char *from_day,
                                                    const char *to_day,
                                                    int counts[TRYGG_EVENT_TYPE_COUNT]);

/* ---- Meeting and measures ------------------------------------------------------
 * The operational group's own records (docs/report.md, "Mötet" and "Insatser
 * och åtgärdsplan"): per ISO week the group's assessment (bedömning), every
 * save a new version; the decisions (beslut) taken in a week's meeting with
 * their status; the measures register (insatser/åtgärder) and the
 * åtgärdsplan's preamble. Every text is scrubbed of personal data (phone
 * numbers, e-mail addresses, personal identity numbers) before it is
 * written, like a partner event's. Weeks are "2026-W47" (trygg_week_format),
 * days local "YYYY-MM-DD". */

#define TRYGG_NOTE_MAX      4000 /* an assessment, bytes of UTF-8 */
#define TRYGG_DECISION_MAX  500
#define TRYGG_MEASURE_TEXT  1000
#define TRYGG_MEASURE_LINKS 8 /* places, categories */

typedef struct trygg_week_note {
    char week[16];
    int version; /* 1, 2, ... in the order of saving */
    char assessment[TRYGG_NOTE_MAX + 1];
    int publish; /* 1: may be printed with the published view */
    char author[TRYGG_NAME_MAX + 1];
    int64_t created;
} trygg_week_note;

typedef struct trygg_decision {
    int64_t id;
    char week[16]; /* the meeting's week */
    char text[TRYGG_DECISION_MAX + 1];
    char org[TRYGG_NAME_MAX + 1]; /* responsible organisation ("" = the group) */
    char status[16];              /* "open", "done", "dropped" */
    char by[TRYGG_NAME_MAX + 1];  /* who recorded it (the first history entry; "" = unknown) */
    int64_t created, updated;
} trygg_decision;

/* One entry of a decision's history: the status it was given, by whom and
 * when. The first entry is the status it was taken with. */
typedef struct trygg_decision_change {
    int64_t decision;            /* trygg_decision.id */
    char status[16];             /* "open", "done", "dropped" */
    char by[TRYGG_NAME_MAX + 1]; /* staff user name ("" = before history was kept) */
    int64_t at;
} trygg_decision_change;

typedef struct trygg_measure {
    int64_t id;
    char title[256];                                      /* what */
    char problem[TRYGG_MEASURE_TEXT + 1];                 /* why: the problem it answers */
    char places[TRYGG_MEASURE_LINKS][TRYGG_NAME_MAX + 1]; /* [place ID]s */
    int nplaces;
    char cats[TRYGG_MEASURE_LINKS][TRYGG_NAME_MAX + 1]; /* [category ID]s */
    int ncats;
    unsigned types;                         /* bit (1u << trygg_event_type) per linked event type */
    char org[TRYGG_NAME_MAX + 1];           /* responsible organisation */
    char start_day[11], end_day[11];        /* end "" = open */
    char status[16];                        /* "planned", "ongoing", "done", "dropped" */
    int priority;                           /* 1 high, 2, 3 low */
    int64_t cost;                           /* kronor, -1 = not given */
    char indicator[TRYGG_MEASURE_TEXT + 1]; /* what to watch */
    int64_t created, updated;
} trygg_measure;

/* Checks a measure's fields (title and org set, days real dates with end >=
 * start, status and priority known, links at most TRYGG_MEASURE_LINKS,
 * cost >= -1, UTF-8). TRYGG_ERR_INVALID and *field names the first bad one. */
TRYGG_MUST_CHECK trygg_err trygg_measure_validate(const trygg_measure *m, const char **field);
/* 1 if `s` is a measure status name. */
int trygg_measure_status_ok(const char *s);

/* Saves a new version of week `n->week`'s assessment (text, publish,
 * author; version and created are set) and sets *version (may be NULL).
 * TRYGG_ERR_INVALID for a malformed week, a missing author or a text over
 * TRYGG_NOTE_MAX or not UTF-8. */
TRYGG_MUST_CHECK trygg_err trygg_store_note_save(trygg_store *st, const trygg_week_note *n,
                                                 int *version);
/* Reads version `version` of `week`'s assessment (0 = the latest) into *out;
 * TRYGG_ERR_NOTFOUND when there is none. */
TRYGG_MUST_CHECK trygg_err trygg_store_note_get(trygg_store *st, const char *week, int version,
                                                trygg_week_note *out);
/* Lists up to `max` versions of `week`'s assessment, newest first. */
TRYGG_MUST_CHECK trygg_err trygg_store_note_versions(trygg_store *st, const char *week,
                                                     trygg_week_note *out, int max, int *n);

/* Stores decision `d` (week, text, org; status "open" when empty) and sets
 * *id (may be NULL). TRYGG_ERR_INVALID for an empty or too long text, a
 * malformed week or an unknown status. */
TRYGG_MUST_CHECK trygg_err trygg_store_decision_add(trygg_store *st, const trygg_decision *d,
                                                    int64_t *id);
/* Sets decision `id`'s status ("open", "done", "dropped"), by staff user
 * `by` (required); a change is kept in its history with who and when, in
 * the same transaction (setting the status it has records nothing).
 * TRYGG_ERR_NOTFOUND for no such decision, TRYGG_ERR_INVALID for an
 * unknown status or no `by`. */
TRYGG_MUST_CHECK trygg_err trygg_store_decision_status(trygg_store *st, int64_t id,
                                                       const char *status, const char *by);
/* Lists up to `max` history entries of the decisions of `week`: by decision
 * (the order they were taken), each oldest first. */
TRYGG_MUST_CHECK trygg_err trygg_store_decision_history(trygg_store *st, const char *week,
                                                        trygg_decision_change *out, int max,
                                                        int *n);
/* Lists up to `max` decisions of `week`, in the order they were taken. */
TRYGG_MUST_CHECK trygg_err trygg_store_decision_list(trygg_store *st, const char *week,
                                                     trygg_decision *out, int max, int *n);

/* Stores measure `m` (trygg_measure_validate; id, created, updated set
 * here) and sets *id (may be NULL). */
TRYGG_MUST_CHECK trygg_err trygg_store_measure_add(trygg_store *st, const trygg_measure *m,
                                                   int64_t *id);
/* Replaces every field of measure m->id but created. */
TRYGG_MUST_CHECK trygg_err trygg_store_measure_update(trygg_store *st, const trygg_measure *m);
TRYGG_MUST_CHECK trygg_err trygg_store_measure_get(trygg_store *st, int64_t id, trygg_measure *out);
/* Lists up to `max` measures: by priority, then start day, then id. */
TRYGG_MUST_CHECK trygg_err trygg_store_measure_list(trygg_store *st, trygg_measure *out, int max,
                                                    int *n);

/* The åtgärdsplan's preamble into out[cap] ("" when never set) and when it
 * was last saved (*updated, may be NULL; 0 = never). */
TRYGG_MUST_CHECK trygg_err trygg_store_plan_get(trygg_store *st, char *out, size_t cap,
                                                int64_t *updated);
TRYGG_MUST_CHECK trygg_err trygg_store_plan_set(trygg_store *st, const char *text);

/* Before and after a measure (uppföljning): the counts of its linked
 * categories and event types at its places in the `weeks` ISO weeks before
 * the week its start day falls in, and in that week and the weeks - 1
 * after it. A place is an area and a label, matched like the report's map:
 * an item's area and place text, an event's area and place. No category
 * linked counts every citizen item there, no type every partner event.
 * Items closed as duplicate or spam are not counted. */
typedef struct trygg_place_ref {
    char area[TRYGG_NAME_MAX + 1];
    char label[TRYGG_NAME_MAX + 1];
} trygg_place_ref;

typedef struct trygg_effect_query {
    trygg_place_ref places[TRYGG_MEASURE_LINKS];
    int nplaces;
    char cats[TRYGG_MEASURE_LINKS][TRYGG_NAME_MAX + 1];
    int ncats;
    unsigned types;
    char start_day[11];
    int weeks; /* 1..52 */
} trygg_effect_query;

typedef struct trygg_effect {
    char before_from[16], before_to[16]; /* first and last week before */
    char after_from[16], after_to[16];   /* the start's week and the last after */
    int after_done;                      /* weeks after that are over at `now` (0..weeks) */
    int64_t items_before, items_after;
    int64_t events_before, events_after;
} trygg_effect;

/* Fills *out for query *q at time `now` (the after window counts up to
 * `now`). TRYGG_ERR_INVALID for a bad start day, weeks out of range or no
 * place. */
TRYGG_MUST_CHECK trygg_err trygg_store_measure_effect(trygg_store *st, const trygg_effect_query *q,
                                                      int64_t now, trygg_effect *out);

/* ---- Inspection and test hooks ---------------------------------------------
 * Read-only looks into what the store holds, for an admin tool as much as
 * for the tests (tryggctl check: how big each table is, whether a word or a
 * number is still anywhere), and hooks that set up state no other store
 * function can: stored times in the past. The hooks (trygg_store_test_*)
 * are for the conformance tests (tests/shared/test_store*.c,
 * test_retention.c, test_report.c, tests/server/test_open311_ops.c), which
 * every backend must pass, so every backend implements them; nothing else
 * calls them. */

/* Calls cb(ctx, table, rows) for every data table of the store, by name
 * (not the engine's own tables, nor a search index's internal ones);
 * cb returning non-zero stops. */
TRYGG_MUST_CHECK trygg_err trygg_store_table_rows(trygg_store *st, trygg_count_cb cb, void *ctx);
/* Calls cb(ctx, table, rows) for every data table with rows in which `text`
 * (not empty) occurs inside a text field, with the number of such rows;
 * tables without one are not reported. Exact bytes, case-sensitive. Finds
 * what the store keeps in the clear: a purged item's words, a password, a
 * token. */
TRYGG_MUST_CHECK trygg_err trygg_store_rows_containing(trygg_store *st, const char *text,
                                                       trygg_count_cb cb, void *ctx);
/* The report's week cache: *weeks (may be NULL) gets the number of cached
 * weeks, *last_end (may be NULL) the end of the latest cached week (0 when
 * none). Both backends keep one (SQLite since schema v6, PostgreSQL since
 * v24); a backend without a cache would give *weeks = -1 and *last_end = 0. */
TRYGG_MUST_CHECK trygg_err trygg_store_report_cache_info(trygg_store *st, int *weeks,
                                                         int64_t *last_end);
/* Test hook: every time stored so far at which something happened or falls
 * due (created, updated, sent, seen, used, leased, fetched, purge times;
 * not the times of walks and notices, nor the report's week cache) becomes
 * `seconds` earlier, as if the clock had moved on by `seconds` since; a
 * time of 0 ("never") stays 0. */
TRYGG_MUST_CHECK trygg_err trygg_store_test_age(trygg_store *st, int64_t seconds);
/* Test hook: sets item `id`'s creation time and/or purge time (0 leaves
 * that one unchanged). TRYGG_ERR_NOTFOUND for a missing item. */
TRYGG_MUST_CHECK trygg_err trygg_store_test_item_times(trygg_store *st, int64_t id, int64_t created,
                                                       int64_t purge_at);
/* Test hook: the audit rows of item `item_id` with `action` get time `at`.
 * TRYGG_ERR_NOTFOUND when there are none. */
TRYGG_MUST_CHECK trygg_err trygg_store_test_audit_time(trygg_store *st, int64_t item_id,
                                                       const char *action, int64_t at);
/* Test hook: kiosk `id` was last seen at `at`, as if its heartbeat had come
 * then (it feeds the availability log like trygg_store_kiosk_heartbeat).
 * TRYGG_ERR_NOTFOUND for an unknown kiosk. */
TRYGG_MUST_CHECK trygg_err trygg_store_test_kiosk_seen(trygg_store *st, const char *id, int64_t at);
/* Test hook: trygg_store_health_put as of time `at`. */
TRYGG_MUST_CHECK trygg_err trygg_store_test_health_at(trygg_store *st, const char *component,
                                                      const char *json, int64_t at);
/* Test hook: availability logging (for the report) began at `at`, and every
 * kiosk registered now was registered then. */
TRYGG_MUST_CHECK trygg_err trygg_store_test_history_since(trygg_store *st, int64_t at);

/* ---- Moving a store to another backend -------------------------------------
 * `tryggctl move` (trygg_store_move, trygg/store_move.h) copies every data
 * table of one store into an empty store of another backend through these
 * engine-neutral calls: a row is a list of values (trygg/sql_values.h:
 * TRYGG_SQLV_TEXT, _INT, _BLOB, _NULL), every time is Unix seconds and every
 * boolean 0/1 (each backend converts to and from its own types), and ids
 * are kept, so every reference between rows stays valid. */

/* One row of n values; non-zero stops the export. */
typedef int (*trygg_row_cb)(void *ctx, const trygg_sql_val *v, int n);
/* Calls cb(ctx, v, n) for every row of `table`, in primary key order, with
 * the n values of its stored columns in the order trygg_store_table_columns
 * gives; values live until cb returns; cb returning non-zero stops (then
 * TRYGG_ERR_STATE). TRYGG_ERR_NOTFOUND for a table the store does not have. */
TRYGG_MUST_CHECK trygg_err trygg_store_export_rows(trygg_store *st, const char *table,
                                                   trygg_row_cb cb, void *ctx);
/* The stored columns of data table `table` (not generated ones such as
 * PostgreSQL's search vectors), comma-separated in table order, into
 * out[cap]. TRYGG_ERR_NOTFOUND for a table the store does not have,
 * TRYGG_ERR_TOOBIG when cap is too small. */
TRYGG_MUST_CHECK trygg_err trygg_store_table_columns(trygg_store *st, const char *table, char *out,
                                                     size_t cap);
/* Starts an import into an empty store, inside trygg_store_begin: the
 * named values a new store sets itself (report_meta: when availability
 * logging began) are removed for the source's; from here to the commit,
 * references between rows are checked at the commit, so tables and rows may
 * come in any order (an item marked as duplicate of a later one).
 * TRYGG_ERR_STATE outside trygg_store_begin. */
TRYGG_MUST_CHECK trygg_err trygg_store_import_begin(trygg_store *st);
/* Inserts `nrows` rows into `table`: v holds nrows * ncols values, row by
 * row, for the columns `cols` (comma-separated, as trygg_store_table_columns
 * gives them), ids as given. TRYGG_ERR_INVALID for a column the table does
 * not have; a unique key taken gives TRYGG_ERR_EXISTS. */
TRYGG_MUST_CHECK trygg_err trygg_store_import_rows(trygg_store *st, const char *table,
                                                   const char *cols, const trygg_sql_val *v,
                                                   int ncols, int nrows);
/* Ends an import: new rows get ids after the highest imported one. */
TRYGG_MUST_CHECK trygg_err trygg_store_import_end(trygg_store *st);
/* SQLite only: the online backup of the open store into a new file at
 * `path` (SQLite's backup API, consistent while others write; never a copy of
 * the live file). TRYGG_ERR_EXISTS when `path` exists. PostgreSQL gives
 * TRYGG_ERR_INVALID: its backups are pg_dump and pg_basebackup
 * (docs/postgresql.md, "Backups"). */
TRYGG_MUST_CHECK trygg_err trygg_store_backup(trygg_store *st, const char *path);
/* The schema version of SQLite file `path` without opening it as a store
 * (nothing is migrated or created): *version gets it, 0 for an empty file.
 * TRYGG_ERR_NOTFOUND when there is no file, TRYGG_ERR_INVALID for a
 * PostgreSQL setting. */
TRYGG_MUST_CHECK trygg_err trygg_store_file_version(const char *path, int *version);

#endif
