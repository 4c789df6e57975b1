/*
 * client.h — the one file of the gateway that talks HTTP: JSON requests to
 * trygg-server's gateway API (docs/gateway-protocol.md) with the gateway's
 * bearer token, over shared/http (trygg_http). Synchronous, short timeouts.
 * Read first: client_post.
 */
#ifndef SMSGW_CLIENT_H
#define SMSGW_CLIENT_H

#include <stdatomic.h>
#include <stddef.h>
#include "trygg/err.h"

struct json_t;
typedef struct gw_client gw_client;

/* `url` is the server's base ("http://127.0.0.1:8080"); the token is read
 * from `token_file` (what tryggctl gateway add printed). */
trygg_err client_open(const char *url, const char *token_file, gw_client **out, char *err,
                      size_t cap);
void client_close(gw_client *c);

/* POSTs `body` (not stolen) to `path`. Returns the HTTP status, or 0 when
 * the server could not be reached (text in err[cap]); *answer (may be NULL)
 * gets the parsed JSON body, or NULL. */
long client_post(gw_client *c, const char *path, struct json_t *body, struct json_t **answer,
                 char *err, size_t cap);
/* The same, and *text (may be NULL; free() it) the body as the server sent
 * it, for keeping without serialising the parsed answer again. */
long client_post_text(gw_client *c, const char *path, struct json_t *body, struct json_t **answer,
                      char **text, char *err, size_t cap);
/* The same with a timeout of timeout_s seconds (a long poll), ended at
 * once (status 0) when *cancel becomes non-zero (cancel may be NULL). */
long client_post_wait(gw_client *c, const char *path, struct json_t *body, struct json_t **answer,
                      char *err, size_t cap, long timeout_s, const atomic_int *cancel);

#endif
