/*
 * dialog.c — keywords, threading, flood limits and replies for one message.
 */
#include "dialog.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trygg/forward.h"
#include "trygg/log.h"
#include "trygg/text.h"

void dlg_message_key(const char *pseudonym, const char *stamp, const char *text, char out[69])
{
    crypto_hash_sha256_state h;
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, (const unsigned char *)pseudonym, strlen(pseudonym) + 1);
    crypto_hash_sha256_update(&h, (const unsigned char *)stamp, strlen(stamp) + 1);
    crypto_hash_sha256_update(&h, (const unsigned char *)text, strlen(text));
    crypto_hash_sha256_final(&h, d);
    memcpy(out, "sms:", 4);
    sodium_bin2hex(out + 4, 65, d, sizeof d);
}

/* Pseudonym of a sender: of the normalised number (number[] gets it), or,
 * for an operator's name or a short code, of the name in its own namespace
 * (number[] = ""): such a sender threads but can never be answered. */
static trygg_err sender_id(const dlg_ctx *c, const char *raw, char number[20], char pseudo[65])
{
    if (trygg_phone_normalise(raw, number) == TRYGG_OK)
        return trygg_pseudonym(c->pkey, number, pseudo);
    number[0] = '\0';
    return trygg_sender_pseudonym(c->pkey, raw, pseudo);
}

/* "part:" + hex SHA-256 of the sender, reference, total, sequence, SMSC time
 * and code units of one part. */
static void part_key(dlg_ctx *c, const modem_part *p, char out[69])
{
    char pseudo[TRYGG_PSEUDO_HEX + 1] = "", norm[20];
    if (sender_id(c, p->number, norm, pseudo) != TRYGG_OK)
        pseudo[0] = '\0'; /* no sender at all: keyed by the part alone */
    crypto_hash_sha256_state h;
    unsigned char d[crypto_hash_sha256_BYTES];
    char head[128];
    int hl = snprintf(head, sizeof head, "%d/%d/%d/%s", p->concat_ref, p->concat_total,
                      p->concat_seq, p->stamp);
    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, (const unsigned char *)pseudo, strlen(pseudo) + 1);
    crypto_hash_sha256_update(&h, (const unsigned char *)head, (size_t)hl + 1);
    crypto_hash_sha256_update(&h, (const unsigned char *)p->units, p->nunits * sizeof p->units[0]);
    crypto_hash_sha256_final(&h, d);
    memcpy(out, "part:", 5);
    sodium_bin2hex(out + 5, 65, d, sizeof d);
}

int dlg_part_seen(dlg_ctx *c, const modem_part *p)
{
    if (p->concat_ref < 0 || p->concat_total <= 1)
        return 0;
    char key[72];
    part_key(c, p, key);
    return trygg_store_sms_inbound_get(c->st, key, NULL) == TRYGG_OK;
}

static int is_sep(unsigned char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '.' || ch == ',' ||
           ch == ':' || ch == ';' || ch == '!' || ch == '?' || ch == '-';
}

/* Words that may stand beside STOP/START without making the text a tip
 * ("Stopp tack", "Sluta skicka sms", "stop please"). Upper case. */
static const char *const polite[] = {
    "TACK", "TACKAR",   "SNÄLLA",  "SNALLA",  "PLEASE",        "PLS",          "PLZ",
    "NOW",  "NU",       "SMS",     "SMSA",    "SKICKA",        "SKICKAR",      "MER",
    "MERA", "MIG",      "INTE",    "FLER",    "INGA",          "KAN",          "NI",
    "JAG",  "VILL",     "DU",      "ATT",     "TILL",          "HIT",          "OK",
    "OKEJ", "MESSAGES", "MESSAGE", "TEXTS",   "TEXT",          "TEXTING",      "SENDING",
    "SEND", "ME",       "IT",      "ALL",     "THANKS",        "THANK",        "YOU",
    "ANY",  "MORE",     "AGAIN",   "IGEN",    "FADLAN",        "MAHADSANID",   "من",
    "فضلك", "شكرا",     "الرسائل", "AVSLUTA", "PRENUMERATION", "SUBSCRIPTION", "AGAIN"};
/* Stop words beyond the configured ones (Swedish "sluta", Somali "jooji",
 * Arabic "توقف"/"إيقاف") and the words that opt back in. */
static const char *const stop_extra[] = {"SLUTA", "UNSUBSCRIBE", "AVREGISTRERA",
                                         "JOOJI", "توقف",        "إيقاف"};
static const char *const start_words[] = {"START", "STARTA", "BÖRJA", "BORJA", "UNSTOP", "BILOW"};

static int in_list(const char *w, const char *const *l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(w, l[i]))
            return 1;
    return 0;
}

int dlg_stop_start(const smsgw_cfg *cfg, const char *text)
{
    int stop = 0, start = 0, words = 0;
    const char *p = text;
    for (;;) {
        while (*p && is_sep((unsigned char)*p))
            p++;
        if (!*p)
            break;
        const char *w = p;
        while (*p && !is_sep((unsigned char)*p))
            p++;
        size_t wl = (size_t)(p - w);
        if (++words > 6 || wl >= SMSGW_KW_LEN)
            return 0;
        char word[SMSGW_KW_LEN], up[SMSGW_KW_LEN];
        memcpy(word, w, wl);
        word[wl] = '\0';
        smsgw_upper(word, up, sizeof up);
        int is_stop = in_list(up, stop_extra, sizeof stop_extra / sizeof stop_extra[0]);
        for (int i = 0; i < cfg->nkw[SMSGW_KW_STOP] && !is_stop; i++)
            is_stop = !strcmp(up, cfg->kw[SMSGW_KW_STOP][i]);
        if (is_stop && !stop && !start) {
            stop = 1;
            continue;
        }
        if (in_list(up, start_words, sizeof start_words / sizeof start_words[0]) && !stop &&
            !start) {
            start = 1;
            continue;
        }
        if (!in_list(up, polite, sizeof polite / sizeof polite[0]))
            return 0;
    }
    return stop ? 1 : start ? 2 : 0;
}

int dlg_keyword(const smsgw_cfg *cfg, const char *text, const char **rest)
{
    const char *p = text;
    while (*p && is_sep((unsigned char)*p))
        p++;
    const char *w = p;
    while (*p && !is_sep((unsigned char)*p))
        p++;
    size_t wl = (size_t)(p - w);
    if (wl == 0 || wl >= SMSGW_KW_LEN)
        return -1;
    char word[SMSGW_KW_LEN], up[SMSGW_KW_LEN];
    memcpy(word, w, wl);
    word[wl] = '\0';
    smsgw_upper(word, up, sizeof up);
    while (*p && is_sep((unsigned char)*p))
        p++;
    for (int k = 0; k < SMSGW_KW_COUNT; k++)
        for (int i = 0; i < cfg->nkw[k]; i++) {
            if (strcmp(up, cfg->kw[k][i]) != 0)
                continue;
            /* STOP, HELP and RING only as the whole message, so a tip that
             * starts with "Stop ..." stays a tip. */
            if ((k == SMSGW_KW_STOP || k == SMSGW_KW_HELP || k == SMSGW_KW_RING) && *p)
                return -1;
            if (rest)
                *rest = p;
            return k;
        }
    return -1;
}

/* Language of the keyword itself: Swedish words say Swedish; the English
 * words (STOP, HELP ...) say English only from a number outside Sweden (a
 * Swedish texter writing STOP gets Swedish, or the thread's language). */
static const char *keyword_lang(const char *number, const char *text)
{
    char up[16];
    const char *p = text;
    while (*p && is_sep((unsigned char)*p))
        p++;
    smsgw_upper(p, up, sizeof up);
    size_t l = strlen(up);
    while (l && is_sep((unsigned char)up[l - 1]))
        up[--l] = '\0';
    char first[16];
    size_t fl = strcspn(up, " \t\n\r.,:;!?-");
    snprintf(first, sizeof first, "%.*s", (int)(fl < sizeof first ? fl : sizeof first - 1), up);
    if (!strcmp(first, "STOP") || !strcmp(first, "HELP") || !strcmp(first, "NEW") ||
        !strcmp(first, "CALL") || !strcmp(first, "FAULT"))
        return strncmp(number, "+46", 3) == 0 ? NULL : "en";
    snprintf(up, sizeof up, "%s", first);
    if (!strcmp(up, "STOPP") || !strcmp(up, "HJÄLP") || !strcmp(up, "HJALP") || !strcmp(up, "NYTT"))
        return "sv";
    return NULL;
}

/* 1 if the text is empty or only blanks. */
static int blank_text(const char *t)
{
    for (; *t; t++)
        if (!(*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r' || *t == '\f' || *t == '\v'))
            return 0;
    return 1;
}

/* 1 if the text looks like a badly encoded message (mojibake): at least a
 * third of its characters are replacement characters, controls, private
 * use, unpaired surrogates, invisible format characters or CJK/Hangul
 * (none of which the tip line's languages use, and which is what bytes in
 * the wrong coding turn into). */
int dlg_undecodable(const char *text)
{
    int total = 0, bad = 0;
    const unsigned char *p = (const unsigned char *)text;
    while (*p) {
        unsigned cp;
        int n;
        if (*p < 0x80) {
            cp = *p;
            n = 1;
        } else if ((*p & 0xE0) == 0xC0) {
            cp = *p & 0x1Fu;
            n = 2;
        } else if ((*p & 0xF0) == 0xE0) {
            cp = *p & 0x0Fu;
            n = 3;
        } else if ((*p & 0xF8) == 0xF0) {
            cp = *p & 0x07u;
            n = 4;
        } else {
            cp = 0xFFFD;
            n = 1;
        }
        for (int i = 1; i < n; i++) {
            if ((p[i] & 0xC0) != 0x80) {
                cp = 0xFFFD;
                n = i;
                break;
            }
            cp = (cp << 6) | (p[i] & 0x3Fu);
        }
        p += n;
        if (cp == ' ' || cp == '\n' || cp == '\r' || cp == '\t')
            continue;
        total++;
        if (cp == 0xFFFD || cp < 0x20 || (cp >= 0x7F && cp < 0xA0) ||
            (cp >= 0xD800 && cp <= 0xDFFF) || (cp >= 0xE000 && cp <= 0xF8FF) ||
            (cp >= 0x2060 && cp <= 0x206F) || (cp >= 0x3400 && cp <= 0x9FFF) ||
            (cp >= 0xAC00 && cp <= 0xD7AF) || cp >= 0xF0000)
            bad++;
    }
    return bad > 0 && bad * 3 >= total;
}

typedef struct who {
    char number[20]; /* normalised, "" if not a phone number */
    char pseudo[TRYGG_PSEUDO_HEX + 1];
    trygg_contact ct;
    char lang[TRYGG_LANG_MAX + 1];
} who;

/* Pseudonym, ciphertext and contact for a sender. */
static trygg_err identify(dlg_ctx *c, const char *raw, who *w)
{
    memset(w, 0, sizeof *w);
    unsigned char cipher[128];
    size_t clen = 0;
    trygg_err e = sender_id(c, raw, w->number, w->pseudo);
    if (e)
        return e;
    if (w->number[0]) {
        e = trygg_number_encrypt(c->numkey, w->number, cipher, sizeof cipher, &clen);
        if (e)
            return e;
    }
    /* A contact who said STOP gets no new ciphertext: we never answer them. */
    if (clen && trygg_store_contact_get(c->st, w->pseudo, &w->ct) == TRYGG_OK && w->ct.stopped)
        clen = 0;
    e = trygg_store_contact_get_or_create(c->st, w->pseudo, clen ? cipher : NULL, (int)clen,
                                          c->cfg->alias_prefix, &w->ct);
    /* An alphanumeric sender or short code: no number, no ciphertext, and
     * the contact is marked never to be answered (blocked), so staff cannot
     * queue a reply to it either. */
    if (!e && !w->number[0] && !w->ct.blocked) {
        e = trygg_store_contact_set_blocked(c->st, w->pseudo, 1);
        if (!e)
            w->ct.blocked = 1;
    }
    return e;
}

/* Stores a fresh ciphertext for a contact that said START after STOP. */
static trygg_err restart_contact(dlg_ctx *c, who *w)
{
    if (!w->number[0])
        return TRYGG_OK;
    unsigned char cipher[128];
    size_t clen = 0;
    trygg_err e = trygg_store_contact_restart(c->st, w->pseudo);
    if (!e)
        e = trygg_number_encrypt(c->numkey, w->number, cipher, sizeof cipher, &clen);
    if (!e)
        e = trygg_store_contact_get_or_create(c->st, w->pseudo, cipher, (int)clen,
                                              c->cfg->alias_prefix, &w->ct);
    sodium_memzero(cipher, sizeof cipher);
    return e;
}

/* Picks the reply language. A thread keeps its language: the contact's
 * language changes only on a strong guess (replies_guess_lang_strength),
 * or is set by the first message that gives any clue; an undecodable text
 * never changes it. */
static void pick_lang(dlg_ctx *c, who *w, const char *text, int undecodable, int words)
{
    int strong = 0;
    const char *g = NULL;
    if (!undecodable) {
        g = keyword_lang(w->number, text);
        if (!g && words)
            g = replies_guess_lang_strength(text, NULL, &strong);
    }
    if (g && (!w->ct.lang[0] || strong)) {
        snprintf(w->lang, sizeof w->lang, "%s", g);
        /* Remembering the language is a nicety: the reply is in it anyway. */
        if (strcmp(w->ct.lang, g) != 0)
            trygg_ignore(trygg_store_contact_set_lang(c->st, w->pseudo, g));
    } else if (w->ct.lang[0]) {
        snprintf(w->lang, sizeof w->lang, "%s", w->ct.lang);
    } else {
        snprintf(w->lang, sizeof w->lang, "%s", c->cfg->default_lang);
    }
}

/* Over the flood limit an urgent text still gets its 112 reply, at most
 * one per sender per URGENT_EVERY seconds. */
#define URGENT_EVERY 600

/* Why a reply must not be sent ("" = may be sent). Uses the inbound count
 * before this message was recorded. */
static const char *silence_for(dlg_ctx *c, const who *w, int64_t now, int urgent);
static const char *silence(dlg_ctx *c, const who *w, int64_t now)
{
    return silence_for(c, w, now, 0);
}

static const char *silence_for(dlg_ctx *c, const who *w, int64_t now, int urgent)
{
    if (!w->number[0] || w->ct.cipher_len <= 0)
        return "no-number";
    if (w->ct.stopped)
        return "stopped";
    if (w->ct.blocked)
        return "blocked";
    int hour = 0, day = 0;
    if (trygg_store_sms_inbound_count(c->st, w->pseudo, now - 3600, &hour) != TRYGG_OK ||
        trygg_store_sms_inbound_count(c->st, w->pseudo, now - 86400, &day) != TRYGG_OK)
        return "flood";
    if (hour >= c->cfg->replies_per_hour || day >= c->cfg->replies_per_day) {
        int recent = 0;
        if (urgent &&
            trygg_store_sms_sent_count(c->st, w->pseudo, DLG_AUTHOR_URGENT, now - URGENT_EVERY,
                                       &recent) == TRYGG_OK &&
            recent == 0)
            return "";
        return "flood";
    }
    return "";
}

/* Queues reply `key` unless silenced; r->reply_id gets the outbox row. */
static trygg_err reply(dlg_ctx *c, const who *w, const char *why, const char *key, int64_t item_id,
                       const char *ref, const char *author, dlg_result *r)
{
    snprintf(r->why_silent, sizeof r->why_silent, "%s", why);
    if (why[0])
        return TRYGG_OK;
    char text[1600];
    trygg_err e = replies_render(c->rp, w->lang, key, ref, text, sizeof text);
    if (e)
        return e;
    e = trygg_store_sms_enqueue(c->st, item_id, w->pseudo, author, text, &r->reply_id);
    if (e == TRYGG_ERR_STATE) { /* stopped in the meantime */
        snprintf(r->why_silent, sizeof r->why_silent, "stopped");
        r->reply_id = 0;
        return TRYGG_OK;
    }
    return e;
}

/* Forwards through the store's notification outbox, by the same rules and
 * payloads as trygg-server's intake (trygg/forward.h; sent by trygg-server).
 * SMS items have no staff link here (no public_url) and no category/area
 * labels; the sender's number never goes out, only the alias. */
static void fwd_cfg(const dlg_ctx *c, trygg_forward_cfg *fc)
{
    *fc = (trygg_forward_cfg){.routes = c->routes};
}

/* Urgent signal in a message joining an open item: the on-call address gets
 * an e-mail at once with that message's (scrubbed) text. */
static trygg_err notify_oncall(dlg_ctx *c, const trygg_item *it, const char *text)
{
    trygg_item *copy = malloc(sizeof *copy);
    if (!copy)
        return TRYGG_ERR_NOMEM;
    *copy = *it;
    copy->urgent = 1;
    trygg_err e = trygg_strset(copy->text, sizeof copy->text, text);
    trygg_forward_cfg fc;
    fwd_cfg(c, &fc);
    if (!e)
        e = trygg_forward_enqueue_oncall(c->st, &fc, copy, DLG_AUTHOR);
    free(copy);
    if (e == TRYGG_ERR_NOTFOUND) /* no on-call address configured */
        return TRYGG_OK;
    return e;
}

static int text_urgent(const char *text)
{
    const trygg_keywords *k = trygg_keywords_default();
    return k ? trygg_text_is_urgent(k, text, NULL) : 0;
}

/* Creates an item of `kind` from the message. */
static trygg_err new_item(dlg_ctx *c, const who *w, const asm_msg *m, const char *key,
                          trygg_kind kind, trygg_channel channel, const char *text, int64_t now,
                          int undecodable, trygg_item *it)
{
    trygg_item_init(it);
    snprintf(it->client_key, sizeof it->client_key, "%s", key);
    it->channel = channel;
    snprintf(it->source, sizeof it->source, "smsgw");
    it->kind = kind;
    trygg_err e = trygg_strset(it->text, sizeof it->text, text);
    if (e)
        return e;
    snprintf(it->lang, sizeof it->lang, "%s", w->lang);
    snprintf(it->sender, sizeof it->sender, "%s", w->pseudo);
    snprintf(it->alias, sizeof it->alias, "%s", w->ct.alias);
    it->incomplete = (m ? m->incomplete : 0) || undecodable;
    if (kind == TRYGG_KIND_CALLBACK) {
        snprintf(it->contact, sizeof it->contact, "%s", w->number);
        it->consent = 1;
    }
    it->created = now;
    it->urgent = !undecodable && text_urgent(text);
    trygg_route_result rr;
    int routed = c->routes && trygg_route_item(c->routes, it, &rr) == TRYGG_OK;
    if (routed) {
        snprintf(it->destination, sizeof it->destination, "%s", rr.destination);
        it->urgent |= rr.urgent;
    }
    int created = 0;
    trygg_err e2 = trygg_store_submit(c->st, it, it, &created);
    if (e2 || !created || !routed)
        return e2;
    /* Same transaction (savepoint) as the item: the routed forwards, the
     * scrubbed copy and the urgent on-call e-mail, as for kiosk items. */
    trygg_forward_cfg fc;
    fwd_cfg(c, &fc);
    return trygg_forward_intake(c->st, &fc, it, &rr, DLG_AUTHOR);
}

static trygg_err handle(dlg_ctx *c, const asm_msg *m, int64_t now, dlg_result *r);

/* Records the key of every part of a concatenated message. */
static trygg_err record_parts(dlg_ctx *c, const asm_msg *m, const modem_part *parts,
                              int64_t item_id, int64_t now)
{
    for (int i = 0; parts && i < m->nidx; i++) {
        const modem_part *p = &parts[m->idx[i]];
        if (p->concat_ref < 0 || p->concat_total <= 1)
            continue;
        char key[72];
        part_key(c, p, key);
        trygg_err e = trygg_store_sms_inbound_put(c->st, key, item_id, "", now);
        if (e && e != TRYGG_ERR_EXISTS)
            return e;
    }
    return TRYGG_OK;
}

static trygg_err handle(dlg_ctx *c, const asm_msg *m, int64_t now, dlg_result *r)
{
    who w;
    trygg_err e = identify(c, m->number, &w);
    if (e)
        return e;
    char key[69];
    dlg_message_key(w.pseudo, m->stamp, m->text, key);
    int64_t prev = 0;
    e = trygg_store_sms_inbound_get(c->st, key, &prev);
    if (e == TRYGG_OK) {
        r->action = DLG_DUPLICATE;
        r->item_id = prev;
        return TRYGG_OK;
    }
    if (e != TRYGG_ERR_NOTFOUND)
        return e;
    int undec = dlg_undecodable(m->text);
    int ss = undec ? 0 : dlg_stop_start(c->cfg, m->text);
    const char *rest = m->text;
    int kw = ss == 1 ? SMSGW_KW_STOP : ss == 2 ? -1 : dlg_keyword(c->cfg, m->text, &rest);
    /* Keyword messages (STOP please, HELP) take the keyword's language or
     * the thread's, never a guess from the polite words around them. */
    int words = !ss && kw != SMSGW_KW_STOP && kw != SMSGW_KW_HELP && kw != SMSGW_KW_RING;
    pick_lang(c, &w, m->text, undec, words);
    const char *why = silence(c, &w, now);
    trygg_item it;
    int64_t since = now - (int64_t)c->cfg->thread_days * 86400;

    if (ss == 2) {
        /* START/BÖRJA: the contact opts back in (a fresh ciphertext). */
        r->action = DLG_HELP;
        if (w.ct.stopped) {
            e = restart_contact(c, &w);
            if (e)
                return e;
            TRYGG_INFO("%s said start", w.ct.alias);
        }
        e = reply(c, &w, silence(c, &w, now), REPLY_START, 0, NULL, DLG_AUTHOR, r);
        if (e)
            return e;
        return trygg_store_sms_inbound_put(c->st, key, 0, w.pseudo, now);
    }
    if (blank_text(m->text)) {
        /* Nothing to store: not a tip. The texter gets the help text. */
        r->action = DLG_HELP;
        e = reply(c, &w, why, REPLY_HELP, 0, NULL, DLG_AUTHOR, r);
        if (e)
            return e;
        return trygg_store_sms_inbound_put(c->st, key, 0, w.pseudo, now);
    }

    switch (kw) {
    case SMSGW_KW_STOP: {
        r->action = DLG_STOP;
        if (trygg_store_open_item_of_sender(c->st, w.pseudo, since, &it) == TRYGG_OK) {
            r->item_id = it.id;
            e = trygg_store_add_message(c->st, it.id, TRYGG_MSG_IN, w.ct.alias, m->text, NULL);
            if (e)
                return e;
        }
        /* STOP withdraws call-back consent at once: every call-back item of
         * the sender loses the number (audited without it); the ciphertext
         * goes when the confirmation below has been sent. */
        int withdrawn = 0;
        e = trygg_store_callback_withdraw(c->st, w.pseudo, DLG_AUTHOR, &withdrawn);
        if (e)
            return e;
        if (withdrawn)
            TRYGG_INFO("%s withdrew call-back consent (%d item%s)", w.ct.alias, withdrawn,
                       withdrawn == 1 ? "" : "s");
        if (w.ct.stopped)
            break;
        /* Confirm even over the flood limit; the sender stops the contact
         * (and deletes the ciphertext) once this row has been handled. */
        const char *why_stop = (!w.number[0] || w.ct.cipher_len <= 0) ? "no-number" : "";
        e = reply(c, &w, why_stop, REPLY_STOP, r->item_id, NULL, DLG_AUTHOR_STOP, r);
        if (e)
            return e;
        if (r->reply_id == 0) {
            e = trygg_store_contact_stop(c->st, w.pseudo);
            if (e)
                return e;
        }
        TRYGG_INFO("%s said stop", w.ct.alias);
        break;
    }
    case SMSGW_KW_HELP:
        r->action = DLG_HELP;
        e = reply(c, &w, why, REPLY_HELP, 0, NULL, DLG_AUTHOR, r);
        if (e)
            return e;
        break;
    case SMSGW_KW_RING: {
        r->action = DLG_CALLBACK;
        if (!w.number[0]) {
            snprintf(r->why_silent, sizeof r->why_silent, "no-number");
            break;
        }
        /* A call-back only right after a call from this number: a RING out
         * of the blue (or a guessed keyword) stores no number. */
        int calls = 0;
        e = trygg_store_call_count(c->st, w.pseudo, now - (int64_t)c->cfg->ring_window * 60,
                                   &calls);
        if (e)
            return e;
        if (calls == 0) {
            r->action = DLG_HELP;
            e = reply(c, &w, why, REPLY_RING_NO_CALL, 0, NULL, DLG_AUTHOR, r);
            if (e)
                return e;
            break;
        }
        /* Consent is given by this SMS: the call-back item carries the number
         * in its contact field, which only call-back roles are shown and
         * retention purges. It is the one place a number is stored readable. */
        e = new_item(c, &w, m, key, TRYGG_KIND_CALLBACK, TRYGG_CHANNEL_VOICE, m->text, now, 0, &it);
        if (e)
            return e;
        e = trygg_store_contact_set_callback(c->st, w.pseudo, 1);
        if (e)
            return e;
        e = trygg_store_audit(c->st, it.id, DLG_AUTHOR, "consent",
                              "call-back requested by SMS RING; number shown to call-back roles");
        if (e)
            return e;
        r->item_id = it.id;
        snprintf(r->ref, sizeof r->ref, "%s", it.ref);
        e = reply(c, &w, why, REPLY_RING, it.id, it.ref, DLG_AUTHOR, r);
        if (e)
            return e;
        break;
    }
    default: {
        int fault = kw == SMSGW_KW_FAULT, fresh = kw == SMSGW_KW_NEW;
        const char *body = (fault || fresh) && rest[0] ? rest : m->text;
        if (!fault && !fresh &&
            trygg_store_open_item_of_sender(c->st, w.pseudo, since, &it) == TRYGG_OK) {
            r->action = DLG_THREAD;
            r->item_id = it.id;
            snprintf(r->ref, sizeof r->ref, "%s", it.ref);
            e = trygg_store_add_message(c->st, it.id, TRYGG_MSG_IN, w.ct.alias, m->text, NULL);
            if (e)
                return e;
            r->urgent = !undec && text_urgent(m->text);
            if (r->urgent && !it.urgent) {
                e = trygg_store_set_urgent(c->st, it.id, DLG_AUTHOR, 1);
                if (!e)
                    e = notify_oncall(c, &it, m->text);
                if (e)
                    return e;
            }
            if (undec)
                e = trygg_store_audit(c->st, it.id, DLG_AUTHOR, "note",
                                      "an SMS in this thread could not be decoded");
            if (!e)
                e = reply(c, &w, r->urgent ? silence_for(c, &w, now, 1) : why,
                          undec       ? REPLY_HELP
                          : r->urgent ? REPLY_ACK_URGENT
                                      : REPLY_ACK_THREAD,
                          it.id, it.ref, r->urgent ? DLG_AUTHOR_URGENT : DLG_AUTHOR, r);
            if (e)
                return e;
            break;
        }
        r->action = DLG_NEW_ITEM;
        e = new_item(c, &w, m, key, fault ? TRYGG_KIND_FAULT : TRYGG_KIND_TIP, TRYGG_CHANNEL_SMS,
                     body, now, undec, &it);
        if (e)
            return e;
        r->item_id = it.id;
        r->urgent = it.urgent;
        snprintf(r->ref, sizeof r->ref, "%s", it.ref);
        if (undec) {
            /* Stored, flagged (incomplete, with a note), answered with help. */
            e = trygg_store_audit(c->st, it.id, DLG_AUTHOR, "note",
                                  "the SMS could not be decoded (wrong character coding)");
            if (e)
                return e;
        }
        const char *rk = undec       ? REPLY_HELP
                         : it.urgent ? REPLY_ACK_URGENT
                         : fault     ? REPLY_ACK_FAULT
                                     : REPLY_ACK;
        e = reply(c, &w, it.urgent ? silence_for(c, &w, now, 1) : why, rk, it.id, it.ref,
                  it.urgent ? DLG_AUTHOR_URGENT : DLG_AUTHOR, r);
        if (e)
            return e;
        break;
    }
    }
    return trygg_store_sms_inbound_put(c->st, key, r->item_id, w.pseudo, now);
}

trygg_err dlg_handle_sms(dlg_ctx *c, const asm_msg *m, const modem_part *parts, int64_t now,
                         dlg_result *r)
{
    memset(r, 0, sizeof *r);
    trygg_err e = trygg_store_unit_begin(c->st);
    if (e)
        return e;
    e = handle(c, m, now, r);
    if (!e && m->total > 1)
        e = record_parts(c, m, parts, r->item_id, now);
    e = trygg_store_unit_end(c->st, e);
    if (e)
        memset(r, 0, sizeof *r);
    return e;
}

trygg_err dlg_handle_call(dlg_ctx *c, const char *number, int64_t now, dlg_result *r)
{
    memset(r, 0, sizeof *r);
    char day[11];
    time_t t = (time_t)now;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(day, sizeof day, "%Y-%m-%d", &tm);
    trygg_err e = trygg_store_unit_begin(c->st);
    if (e)
        return e;
    /* Gammu has no audio: every call is hung up, so every call is unanswered. */
    e = trygg_store_sms_counter_add(c->st, day, "calls", 1);
    if (!e)
        e = trygg_store_sms_counter_add(c->st, day, "calls_unanswered", 1);
    who w;
    if (!e && number && number[0]) {
        e = identify(c, number, &w);
        if (!e)
            e = trygg_store_call_put(c->st, w.pseudo, now);
        if (!e) {
            snprintf(w.lang, sizeof w.lang, "%s", w.ct.lang[0] ? w.ct.lang : c->cfg->default_lang);
            e = reply(c, &w, silence(c, &w, now), REPLY_CALL, 0, NULL, DLG_AUTHOR, r);
        }
    } else if (!e) {
        snprintf(r->why_silent, sizeof r->why_silent, "no-number");
    }
    return trygg_store_unit_end(c->st, e);
}
