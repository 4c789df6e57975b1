/*
 * police_fetch.h — fetching the police's public events feed over HTTP(S).
 * The server's periodic job (report_web.c) and `tryggctl report
 * --fetch-police` use it; storing is trygg_police_store_json (police_events.h).
 */
#ifndef TRYGG_SERVER_POLICE_FETCH_H
#define TRYGG_SERVER_POLICE_FETCH_H

#include <stddef.h>

#include "trygg/police_events.h"

typedef struct trygg_police_opts {
    const char *url;  /* e.g. https://polisen.se/api/events?locationname=Lilla%20Edet */
    long timeout_s;   /* total; default 20 */
    size_t max_bytes; /* body cap; default TRYGG_POLICE_MAX_BYTES */
} trygg_police_opts;

/* Fetches the feed with libcurl and stores it (trygg_police_store_json).
 * TRYGG_ERR_INVALID for a URL that is not http(s)://; TRYGG_ERR_IO when the
 * feed is unreachable, times out or answers non-2xx,
 * TRYGG_ERR_TOOBIG over the size cap, TRYGG_ERR_INVALID when malformed; the
 * reason is in err[errcap]. The outcome is recorded in report_meta
 * (police_last_try, police_last_ok). */
trygg_err trygg_police_fetch(trygg_store *st, const trygg_police_opts *o, int *stored, char *err,
                             size_t errcap);

#endif
