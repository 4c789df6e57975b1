/*
 * err.c — English descriptions of trygg_err codes, for logs only.
 */
#include "trygg/err.h"

const char *trygg_strerror(trygg_err err)
{
    switch (err) {
    case TRYGG_OK:
        return "success";
    case TRYGG_ERR_NOMEM:
        return "out of memory";
    case TRYGG_ERR_INVALID:
        return "invalid input";
    case TRYGG_ERR_TOOBIG:
        return "input too large";
    case TRYGG_ERR_NOTFOUND:
        return "not found";
    case TRYGG_ERR_EXISTS:
        return "already exists";
    case TRYGG_ERR_IO:
        return "input/output error";
    case TRYGG_ERR_DB:
        return "database error";
    case TRYGG_ERR_BUSY:
        return "database busy";
    case TRYGG_ERR_FULL:
        return "disk full or size limit reached";
    case TRYGG_ERR_READONLY:
        return "read-only";
    case TRYGG_ERR_CONFIG:
        return "configuration error";
    case TRYGG_ERR_CRYPTO:
        return "key or cryptography error";
    case TRYGG_ERR_PERM:
        return "permission denied";
    case TRYGG_ERR_SCHEMA:
        return "database schema newer than this program";
    case TRYGG_ERR_STATE:
        return "operation not valid in the current state";
    case TRYGG_ERR_AUTH:
        return "authentication failed";
    case TRYGG_ERR_LIMIT:
        return "rate limit reached";
    }
    return "unknown error";
}
