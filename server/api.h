/*
 * api.h — helpers the kiosk API shares with Open311 (JSON error bodies).
 */
#ifndef TRYGG_SERVER_API_H
#define TRYGG_SERVER_API_H

#include "server.h"

/* Status code for a store error: 503 for busy/locked/full, 500 otherwise. */
int api_status_for(trygg_err e);

/* Builds the kiosk config JSON (categories, areas, walks, notices, links)
 * as a new jansson object; NULL on store failure. */
struct json_t *api_kiosk_config(server_ctx *ctx, trygg_store *st);

#endif
