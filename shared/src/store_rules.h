/*
 * store_rules.h — checks and credential helpers of the administration
 * operations that do not depend on the engine (usernames, roles, bounded
 * strings, pseudonyms, TOTP codes, recovery codes, the timing-equal failed
 * login, meeting texts, template names, lease arguments). Private to the store backends; both
 * backends use them.
 */
#ifndef TRYGG_STORE_RULES_H
#define TRYGG_STORE_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "trygg/store.h"

/* 1 when v (NULL counts as "") is valid UTF-8 that fits cap bytes with its NUL. */
int trygg_rules_str_ok(const char *v, size_t cap);
/* Usernames and kiosk ids: 1..63 of a-z, A-Z, 0-9, '.', '_', '-'. */
int trygg_rules_username_ok(const char *u);
/* admin, security or destination. */
int trygg_rules_role_ok(const char *r);
/* 64 lower-case hex characters. */
int trygg_rules_pseudo_ok(const char *p);
/* The message of a refused password, or NULL when it is 8..1000 bytes. */
const char *trygg_rules_password_bad(const char *password);
/* Spends the time of one password check on a hash nobody's password matches,
 * so an unknown username answers as slowly as a wrong password. */
void trygg_rules_verify_nobody(const char *password);
/* A TOTP secret to store into sec: `given` checked (base32 of 10+ bytes;
 * -1 when not) or, when NULL, 160 fresh random bits in base32. */
int trygg_rules_totp_secret(const char *given, char sec[TRYGG_TOTP_SECRET_LEN]);
/* The time step of a valid 6-digit `code` for base32 `secret` at `now`
 * (one step either side), or -1. */
int64_t trygg_rules_totp_match(const char *secret, const char *code, int64_t now);
/* Normalises a recovery code (drops '-' and spaces, lower case) and hashes
 * it into hex; -1 when it is not 12 characters. */
int trygg_rules_recovery_hash(const char *code, char hex[65]);
/* A new recovery code ("abcd-efgh-jkmn") into c. */
void trygg_rules_recovery_new(char c[TRYGG_RECOVERY_LEN]);

/* 1 when s fits cap bytes with its NUL and is valid UTF-8 (meeting texts). */
int trygg_rules_text_ok(const char *s, size_t cap);
/* A decision's status: open, done or dropped. */
int trygg_rules_decision_status_ok(const char *s);
/* 1 when a template's key and lang are non-empty and fit their fields. */
int trygg_rules_template_names_ok(const char *key, const char *lang);
/* 1 for a lease by a named owner (1..TRYGG_NAME_MAX bytes), lease_s > 0, max >= 0. */
int trygg_rules_lease_args_ok(const char *owner, int lease_s, int max);

#endif
