/*
 * store_pg_wait.c — waking outbox workers on PostgreSQL
 * (trygg_store_outbox_wait): every enqueue sends a NOTIFY on its outbox's
 * channel in its own statement (store_pg_sms.c; delivered when the
 * transaction commits, to every session of every server that LISTENs), and
 * a worker waits for one on its connection's socket (poll on PQsocket,
 * PQconsumeInput, PQnotifies) instead of sleeping until its next poll.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_pg_internal.h"

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static unsigned channel_bit(const char *name)
{
    if (strcmp(name, TRYGG_PG_CHANNEL_NOTIFY) == 0)
        return TRYGG_PG_LISTEN_NOTIFY;
    if (strcmp(name, TRYGG_PG_CHANNEL_SMS) == 0)
        return TRYGG_PG_LISTEN_SMS;
    return 0;
}

trygg_err trygg_pg_listen_again(trygg_store *st)
{
    static const struct {
        unsigned bit;
        const char *sql;
    } ch[] = {{TRYGG_PG_LISTEN_NOTIFY, "LISTEN " TRYGG_PG_CHANNEL_NOTIFY},
              {TRYGG_PG_LISTEN_SMS, "LISTEN " TRYGG_PG_CHANNEL_SMS}};
    for (size_t i = 0; i < sizeof ch / sizeof ch[0]; i++) {
        if (!(st->listening & ch[i].bit))
            continue;
        PGresult *r = PQexec(st->conn, ch[i].sql);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            return trygg_pg_fail(st, r, "listen");
        PQclear(r);
    }
    st->woken |= st->listening; /* what was queued while disconnected */
    return TRYGG_OK;
}

/* Moves what arrived on the socket into st->woken; TRYGG_ERR_IO when the
 * connection is gone. */
static trygg_err take_notifies(trygg_store *st)
{
    if (!PQconsumeInput(st->conn))
        return trygg_pg_failf(st, TRYGG_ERR_IO, "wait: %.*s",
                              (int)strcspn(PQerrorMessage(st->conn), "\n"),
                              PQerrorMessage(st->conn));
    PGnotify *n;
    while ((n = PQnotifies(st->conn)) != NULL) {
        st->woken |= channel_bit(n->relname);
        PQfreemem(n);
    }
    return TRYGG_OK;
}

static trygg_err subscribe(trygg_store *st, unsigned bit)
{
    if (st->listening & bit)
        return TRYGG_OK;
    /* trygg_pg_exec connects again first if it must (and a new session
     * LISTENs on what st->listening names). */
    trygg_err err = trygg_pg_exec(st,
                                  bit == TRYGG_PG_LISTEN_SMS ? "LISTEN " TRYGG_PG_CHANNEL_SMS
                                                             : "LISTEN " TRYGG_PG_CHANNEL_NOTIFY,
                                  "listen");
    if (!err)
        st->listening |= bit;
    return err;
}

trygg_err trygg_pg_outbox_wait(trygg_store *st, const char *outbox, int timeout_ms, int *woken)
{
    *woken = 0;
    unsigned bit = !outbox                         ? 0
                   : strcmp(outbox, "notify") == 0 ? TRYGG_PG_LISTEN_NOTIFY
                   : strcmp(outbox, "sms") == 0    ? TRYGG_PG_LISTEN_SMS
                                                   : 0;
    if (!bit || timeout_ms < 0)
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "outbox wait: outbox notify|sms");
    if (st->txdepth > 0)
        return trygg_pg_failf(st, TRYGG_ERR_STATE, "outbox wait inside a transaction");
    if (PQstatus(st->conn) != CONNECTION_OK || st->stale) {
        /* Connect again (and LISTEN again) through an ordinary statement. */
        trygg_err err = trygg_pg_exec(st, "SELECT 1", "reconnect");
        if (err)
            return err;
    }
    trygg_err err = subscribe(st, bit);
    int64_t end = now_ms() + timeout_ms;
    while (!err) {
        err = take_notifies(st);
        if (err || (st->woken & bit))
            break;
        int64_t left = end - now_ms();
        if (left <= 0)
            break;
        struct pollfd p = {.fd = PQsocket(st->conn), .events = POLLIN};
        if (p.fd < 0)
            return trygg_pg_failf(st, TRYGG_ERR_IO, "wait: no connection");
        if (poll(&p, 1, left > 60000 ? 60000 : (int)left) < 0 && errno != EINTR)
            return trygg_pg_failf(st, TRYGG_ERR_IO, "wait: poll: %s", strerror(errno));
    }
    if (!err && (st->woken & bit)) {
        st->woken &= ~bit;
        *woken = 1;
    }
    return err;
}
