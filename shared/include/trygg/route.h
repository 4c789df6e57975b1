/*
 * route.h — routing rules: which destination an item goes to, whether it is
 * urgent, and what the citizen is told.
 *
 * Rules come from an INI file (inih), one section per rule, evaluated in file
 * order; the first rule whose kind/category/area all match wins. A rule with
 * no match field matches everything (use it last as a fallback).
 *
 *   [rule crime-tips]
 *   kind = tip                ; comma list; "*" or absent = any
 *   category = *
 *   area = *
 *   names_person = any        ; yes/no/any: text names or suspects a person
 *   destination = security
 *   copy_to = housing         ; scrubbed copy; never allowed for tips
 *   copy_areas = Centrum,Göta ; only copy for these areas ("*" = all)
 *   tell = ack,police_tip     ; message keys from the catalogs
 *   urgent = no               ; yes = always raise
 *
 *   [destination housing]
 *   label = Bostadsbolaget
 *   company = yes             ; a company: never tips, call-backs or person-naming text
 *   full_access = no          ; yes = unscrubbed text (never for a company;
 *                             ; default: yes for "security" only)
 *   email = felanmalan@bostad.example   ; optional; when given, the config decides
 *   webhook_url = https://...           ; optional; the secret stays in the database
 *
 *   [links]  police_tip_url = ..., police_tip_form_url = ...,
 *            police_tip_phone = 114 14, police_phone = 114 14, emergency = 112,
 *            police_report_url = ..., child_concern_url = ..., child_concern_phone = ...
 *   [oncall] email = jour@example.se
 *
 * The full format, with the defaults, is assets/config/routing.ini. Tell keys
 * in use: ack, police_tip, police_report, emergency, child_concern (catalog
 * texts; an urgent item always gets "emergency" first). Area and category
 * ids compare case-insensitively. Errors are collected, never just the first,
 * and sorted by line.
 *
 * Invariant checked at load: no rule that can match kind=tip, or
 * names_person=yes, has a destination or copy_to that is the housing company
 * (any destination flagged `company = yes` in [destination NAME] sections).
 * Read first: trygg_routes_load, trygg_route_item.
 */
#ifndef TRYGG_ROUTE_H
#define TRYGG_ROUTE_H

#include "item.h"
#include "store.h"

typedef struct trygg_routes trygg_routes;

/* Config error with its location, "file:line: message". */
typedef struct trygg_cfg_error {
    char file[256];
    int line;
    char msg[256];
} trygg_cfg_error;

/* Loads rules from `path`. On success *out is a new rule set. On failure
 * returns TRYGG_ERR_CONFIG (or IO) and fills errs[0..*nerr-1] (up to maxerr)
 * with every problem found, each as file:line: message. */
TRYGG_MUST_CHECK trygg_err trygg_routes_load(const char *path, trygg_routes **out,
                                             trygg_cfg_error *errs, int maxerr, int *nerr);
/* The built-in routing defaults (used when no file is given). */
TRYGG_MUST_CHECK trygg_err trygg_routes_default(trygg_routes **out);
void trygg_routes_free(trygg_routes *r);

typedef struct trygg_route_result {
    char rule[TRYGG_NAME_MAX + 1]; /* name of the rule that matched */
    char destination[TRYGG_NAME_MAX + 1];
    char copy_to[TRYGG_NAME_MAX + 1]; /* "" = no copy */
    char tell[8][32];                 /* message keys for the citizen */
    int ntell;
    int urgent; /* rule says urgent, or urgent signal found */
} trygg_route_result;

/* Routes `item` (kind, category, area, text, lang). Detects urgent signals
 * and person-naming in the text (text.h). Always succeeds when rules loaded
 * (a fallback rule is implied: destination "security"). */
TRYGG_MUST_CHECK trygg_err trygg_route_item(const trygg_routes *r, const trygg_item *item,
                                            trygg_route_result *out);

/* Configured link or number by key ("police_tip_url", "emergency", ...);
 * NULL if unknown. Pointer valid for the lifetime of r. */
const char *trygg_routes_link(const trygg_routes *r, const char *key);
/* Destinations declared in the config, in file order: the number of them,
 * and the i-th one's name, label and company flag (0 <= i < count; returns
 * TRYGG_ERR_NOTFOUND outside that). Pointers valid for the lifetime of r. */
int trygg_routes_dest_count(const trygg_routes *r);
TRYGG_MUST_CHECK trygg_err trygg_routes_dest_at(const trygg_routes *r, int i, const char **name,
                                                const char **label, int *company);

/* A recipient as the routing config declares it (the one place recipients
 * are declared). full_access is never 1 for a company. has_email /
 * has_webhook: the config gives the address (else the staff UI's admin page
 * may set it). Pointers valid for the lifetime of r. */
typedef struct trygg_route_dest {
    const char *name, *label, *email, *webhook_url;
    int has_email, has_webhook;
    int company, full_access;
} trygg_route_dest;
/* The i-th declared recipient; TRYGG_ERR_NOTFOUND outside 0..count-1. */
TRYGG_MUST_CHECK trygg_err trygg_routes_dest_info(const trygg_routes *r, int i,
                                                  trygg_route_dest *out);
/* The recipient `name`; TRYGG_ERR_NOTFOUND when the config does not declare it. */
TRYGG_MUST_CHECK trygg_err trygg_routes_dest_find(const trygg_routes *r, const char *name,
                                                  trygg_route_dest *out);
/* Makes the store's destinations table follow the config (server start and
 * `tryggctl init`), in one transaction: every declared recipient is written
 * with its label, full access (company: never) and the addresses the config
 * gives (addresses it does not give, and the webhook secret, are kept);
 * rows of recipients the config does not declare are deleted (audited) and
 * counted in *removed (may be NULL). Must not run inside a transaction. */
TRYGG_MUST_CHECK trygg_err trygg_routes_sync_store(const trygg_routes *r, trygg_store *st,
                                                   int *removed);

/* On-call e-mail address ("" if none). */
const char *trygg_routes_oncall(const trygg_routes *r);
/* What every check prints while trygg_routes_oncall() is "" (for logs and
 * command lines; the staff UI has its own catalog text): urgent items then
 * alert nobody. */
extern const char *const trygg_routes_no_oncall;
/* 1 when [links] child_concern_url is empty ("not configured"), and the
 * warning the checks print then. */
int trygg_routes_child_concern_missing(const trygg_routes *r);
extern const char *const trygg_routes_no_child_concern;
/* 1 when neither of [links] parent_municipality_url, parent_police_url is
 * set: the kiosk's advice for parents then shows no QR codes. */
int trygg_routes_parent_links_missing(const trygg_routes *r);
extern const char *const trygg_routes_no_parent_links;
/* What a routing config leaves undone that people rely on, as warning lines
 * (no on-call address, no child-concern page, no parents' pages): up to max
 * into out; returns how many. r may be NULL (the built-in routing). */
#define TRYGG_ROUTES_WARNINGS_MAX 4
int trygg_routes_warnings(const trygg_routes *r, const char **out, int max);

#endif
