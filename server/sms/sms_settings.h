/*
 * sms_settings.h — the dialog settings the gateway needs for the replies it
 * gives while the server is unreachable (keywords, links, reply language,
 * hourly reply bound), as one versioned JSON document. The server is their
 * one source (server.ini [sms] and [sms keywords]) and answers them on
 * POST /api/v1/gateway/settings; the gateway keeps the last good copy in
 * its own store (docs/gateway-protocol.md, "Settings").
 *
 *   {"version": 1, "default_lang": "sv", "replies_per_hour": 5,
 *    "keywords": {"stop": ["STOPP", "STOP", "AVSLUTA"], "help": [...], ...},
 *    "links": {"emergency": "112", "police_phone": "114 14",
 *              "police_url": "polisen.se/tipsa"}}
 *
 * Read first: sms_settings_apply.
 */
#ifndef TRYGG_SMS_SETTINGS_H
#define TRYGG_SMS_SETTINGS_H

#include <stddef.h>
#include "sms_dialog.h"

struct json_t;

#define SMS_SETTINGS_VERSION 1

/* The document of *c (a new reference). */
struct json_t *sms_settings_json(const sms_dialog_cfg *c);
/* Takes keywords, links, default_lang and replies_per_hour from document o
 * into *c, all or nothing: on a wrong version, a missing or bad member,
 * returns 0 with the reason in err[cap] and leaves *c as it was; 1 when
 * taken. Every keyword needs at least one word; other members of o are
 * ignored (a newer server may add some within version 1). */
int sms_settings_apply(const struct json_t *o, sms_dialog_cfg *c, char *err, size_t cap);

#endif
