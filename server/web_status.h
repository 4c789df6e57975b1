/*
 * web_status.h — the public status page of follow-up codes (web_status.c).
 */
#ifndef TRYGG_SERVER_WEB_STATUS_H
#define TRYGG_SERVER_WEB_STATUS_H

#include "http.h"

/* Defaults of server.ini [status] per_minute and burst. */
#define STATUS_PER_MINUTE 10
#define STATUS_BURST      20

extern const http_route status_routes[];
extern const int status_nroutes;

#endif
