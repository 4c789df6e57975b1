/*
 * deadline.h — response deadlines of items (server.ini [deadlines], config.h).
 *
 * Every item gets a due date: the end of the N-th Swedish working day
 * (trygg/workdays.h, in the configured zone of trygg/time.h) after the day
 * it arrived, N from its category's override, else its kind; urgent items
 * get the shorter of that and the urgent time. A kind or category set to
 * "none" gives TRYGG_DUE_NONE: never overdue, never computed again.
 *
 * New items get theirs at intake (intake.c, in the same transaction). Items
 * without one (older ones, and those whose kind, category or urgency
 * changed: the store resets due_at to 0) get it from deadline_fill, which a
 * background thread runs every minute under the job lease "deadlines". Once
 * a day, from mail_hour local time on, deadline_mail queues one e-mail per
 * department (recipient with an e-mail address) listing its overdue items
 * (reference, category, due date, link; never the text) in the notification
 * outbox; the job lease "overdue_mail" and trygg_store_job_done make that
 * once per day across every server of the database.
 * Read first: deadline_of.
 */
#ifndef TRYGG_SERVER_DEADLINE_H
#define TRYGG_SERVER_DEADLINE_H

#include "server.h"

/* The due date of `it` (kind, category, urgent, created) under cfg's
 * [deadlines] (the built-in defaults when no server.ini is loaded): unix
 * seconds, or TRYGG_DUE_NONE. */
int64_t deadline_of(const server_config *cfg, const trygg_item *it);

/* The last day to answer, "YYYY-MM-DD" local, of a due date > 0 (the
 * instant is the midnight after it); "" otherwise. */
void deadline_day(int64_t due_at, char out[16]);

/* Stores deadline_of(it) for the stored item `it` and sets it->due_at. */
TRYGG_MUST_CHECK trygg_err deadline_set(const server_config *cfg, trygg_store *st, trygg_item *it);

/* Gives every open item without a due date its own, under the job lease
 * "deadlines" held by `owner`; *filled gets how many. TRYGG_ERR_BUSY while
 * another server runs it. */
TRYGG_MUST_CHECK trygg_err deadline_fill(const server_ctx *ctx, trygg_store *st, const char *owner,
                                         int64_t now, int *filled);

/* The daily overdue mail at `now`: nothing before mail_hour or when today's
 * mails were queued already; else one outbox e-mail per department with
 * overdue items, *mails gets how many. TRYGG_ERR_BUSY while another server
 * holds the job lease "overdue_mail". */
TRYGG_MUST_CHECK trygg_err deadline_mail(const server_ctx *ctx, trygg_store *st, const char *owner,
                                         int64_t now, int *mails);

/* The background thread: deadline_fill and deadline_mail every minute. */
int deadline_start(server_ctx *ctx);
void deadline_stop(void);

#endif
