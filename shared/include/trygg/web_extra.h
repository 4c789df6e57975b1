/*
 * web_extra.h — store operations the staff web UI needs beyond store.h.
 *
 * trygg_web_set_destination() re-routes an item: the staff UI forwards an
 * item to a destination and the destination's users must then find it in
 * their queue, so the item's destination changes (audited as "route").
 * Call it inside the same trygg_store_begin/commit as the status change and
 * the outbox row.
 */
#ifndef TRYGG_WEB_EXTRA_H
#define TRYGG_WEB_EXTRA_H

#include <stdint.h>

#include "store.h"

/* Sets item `id`'s destination to `dest` (a destination name, must exist in
 * the destinations table). TRYGG_ERR_NOTFOUND for a missing item or
 * destination; audited as "route" by `actor` with "old -> new". */
trygg_err trygg_web_set_destination(trygg_store *st, int64_t id, const char *actor,
                                    const char *dest);

/* Writes the caller's number into the contact field of call-back item `id`
 * (kind callback only; TRYGG_ERR_STATE otherwise) so that staff allowed to
 * call back see it in the web UI. For the SMS gateway, the only part that can
 * decrypt numbers, after the caller consented (RING). The audit row says that
 * the number was made visible, never the number. Purged with the item. */
trygg_err trygg_web_set_callback_number(trygg_store *st, int64_t id, const char *actor,
                                        const char *number);

#endif
