/*
 * forward.h — what a forward of an item holds, and queueing it in the
 * store's notification outbox (transactional outbox pattern). Shared by
 * every intake path (server kiosk API / Open311 / staff UI, and trygg-smsgw)
 * so an item is forwarded by the same routing rules whatever channel it came
 * through. No network here: trygg-server's worker sends the rows.
 *
 * Every function must be called INSIDE the caller's trygg_store_begin/commit
 * (or savepoint) together with the item change, so a forward is never lost
 * or sent for a change that rolled back.
 *
 * Payloads (JSON, < 8 KiB, already reduced to what the destination may see):
 *   email:   {"to", "subject", "body", "ref", "urgent"}
 *   webhook: {"event": "item.forwarded", "destination", "item": {...}}
 * Rules applied here:
 *   - recipients are those the routing config declares (fc->routes; a
 *     recipient it does not declare, or no config, gives TRYGG_ERR_NOTFOUND),
 *     and the config decides full access: a company never has it and never
 *     gets a tip or a call-back (TRYGG_ERR_PERM), whatever the database says;
 *   - a destination without full_access gets scrubbed text (text.h) and no
 *     alias; tips and person-naming items are refused for it (TRYGG_ERR_PERM);
 *   - contact data goes only with consent, for full-access destinations or
 *     the purpose it was given for (sign-ups, call-backs), and never for
 *     items that came by SMS or voice: a sender's number never leaves the
 *     system (staff with call-back rights see it in the UI), only the alias;
 *   - the on-call e-mail is scrubbed like any copy.
 * The webhook URL and secret are looked up when sending, never stored here.
 * Read first: trygg_forward_intake.
 */
#ifndef TRYGG_LIB_FORWARD_H
#define TRYGG_LIB_FORWARD_H

#include "err.h"
#include "item.h"
#include "route.h"
#include "store.h"

/* Labels in e-mails and webhooks: returns the Swedish label of `id`
 * (what = "kind", "category" or "area"; kind is the item's kind for
 * categories), or NULL to use the id. Templates may use {ref} {kind}
 * {category} {area} {place} {when} {text} {contact} {link} {destination}
 * and {summary} (kind, category and area that the item has, joined by ", ");
 * a template line whose placeholders are all empty is left out. */
typedef const char *(*trygg_forward_label_fn)(void *user, const char *what, int kind,
                                              const char *id);

typedef struct trygg_forward_cfg {
    const trygg_routes *routes;   /* on-call address; may be NULL (no on-call) */
    const char *public_url;       /* staff UI base for links; NULL/"" = no link */
    const char *mail_subject;     /* template ({ref} {kind} ...); NULL = default */
    const char *mail_body;        /* template; NULL = default */
    trygg_forward_label_fn label; /* may be NULL: ids are shown */
    void *label_user;
} trygg_forward_cfg;

/* The default e-mail templates (the same as trygg-server's [mail] defaults). */
extern const char *const trygg_forward_default_subject;
extern const char *const trygg_forward_default_body;

/* Queues `item` (committed, id > 0) for `destination` (every channel it has:
 * e-mail and/or webhook) and audits it as `actor` ("system" if NULL).
 * TRYGG_ERR_NOTFOUND for an unknown destination, TRYGG_ERR_PERM when the
 * destination may not receive it; store errors as returned by the store. */
TRYGG_MUST_CHECK trygg_err trygg_forward_enqueue(trygg_store *st, const trygg_forward_cfg *fc,
                                                 const trygg_item *item, const char *destination,
                                                 const char *actor);

/* Queues an urgent (scrubbed) e-mail to the routing config's on-call
 * address. TRYGG_ERR_NOTFOUND when no valid on-call address is configured. */
TRYGG_MUST_CHECK trygg_err trygg_forward_enqueue_oncall(trygg_store *st,
                                                        const trygg_forward_cfg *fc,
                                                        const trygg_item *item, const char *actor);

/* The intake decision for a newly created item routed as `rr`: forwards to
 * rr->destination and rr->copy_to (when different; the copy's recipient is
 * also recorded with trygg_store_set_copy_to, so it shows in its queue), and the on-call e-mail
 * when item->urgent. A destination that is unknown or may not receive the
 * item, or a missing on-call address, is logged and skipped: the item stays
 * with its routed destination in the queue. Returns only errors that must
 * roll the intake back (store / memory errors). */
TRYGG_MUST_CHECK trygg_err trygg_forward_intake(trygg_store *st, const trygg_forward_cfg *fc,
                                                const trygg_item *item,
                                                const trygg_route_result *rr, const char *actor);

/* 1 when `e` from the functions above means the transaction must roll back. */
int trygg_forward_fatal(trygg_err e);

#endif
