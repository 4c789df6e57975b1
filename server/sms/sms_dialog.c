/*
 * sms_dialog.c — keywords, threading, flood limits and replies for one
 * message (sms_dialog.h).
 */
#include "sms_dialog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trygg/copy.h"
#include "trygg/follow.h"
#include "trygg/forward.h"
#include "trygg/log.h"
#include "trygg/text.h"
#include "trygg/time.h"
#include "trygg/utf8.h"

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

int sms_stop_start(const sms_dialog_cfg *cfg, const char *text)
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
        if (++words > 6 || wl >= SMS_KW_LEN)
            return 0;
        char word[SMS_KW_LEN], up[SMS_KW_LEN];
        memcpy(word, w, wl);
        word[wl] = '\0';
        sms_upper(word, up, sizeof up);
        int is_stop = in_list(up, stop_extra, sizeof stop_extra / sizeof stop_extra[0]);
        for (int i = 0; i < cfg->nkw[SMS_KW_STOP] && !is_stop; i++)
            is_stop = !strcmp(up, cfg->kw[SMS_KW_STOP][i]);
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

const char *const sms_kw_names[SMS_KW_COUNT] = {"stop", "help", "fault", "new", "ring", "status"};

int sms_keyword(const sms_dialog_cfg *cfg, const char *text, const char **rest)
{
    const char *p = text;
    while (*p && is_sep((unsigned char)*p))
        p++;
    const char *w = p;
    while (*p && !is_sep((unsigned char)*p))
        p++;
    size_t wl = (size_t)(p - w);
    if (wl == 0 || wl >= SMS_KW_LEN)
        return -1;
    char word[SMS_KW_LEN], up[SMS_KW_LEN];
    memcpy(word, w, wl);
    word[wl] = '\0';
    sms_upper(word, up, sizeof up);
    while (*p && is_sep((unsigned char)*p))
        p++;
    for (int k = 0; k < SMS_KW_COUNT; k++)
        for (int i = 0; i < cfg->nkw[k]; i++) {
            if (strcmp(up, cfg->kw[k][i]) != 0)
                continue;
            /* STOP, HELP and RING only as the whole message, so a tip that
             * starts with "Stop ..." stays a tip. */
            if ((k == SMS_KW_STOP || k == SMS_KW_HELP || k == SMS_KW_RING) && *p)
                return -1;
            /* STATUS alone or with one word (the reference): "Status på
             * lampan är dålig" stays a text. */
            if (k == SMS_KW_STATUS && *p && strpbrk(p, " \t\r\n"))
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
static const char *keyword_lang(int national, const char *text)
{
    char up[16];
    const char *p = text;
    while (*p && is_sep((unsigned char)*p))
        p++;
    sms_upper(p, up, sizeof up);
    size_t l = strlen(up);
    while (l && is_sep((unsigned char)up[l - 1]))
        up[--l] = '\0';
    char first[16];
    size_t fl = strcspn(up, " \t\n\r.,:;!?-");
    snprintf(first, sizeof first, "%.*s", (int)(fl < sizeof first ? fl : sizeof first - 1), up);
    if (!strcmp(first, "STOP") || !strcmp(first, "HELP") || !strcmp(first, "NEW") ||
        !strcmp(first, "CALL") || !strcmp(first, "FAULT"))
        return national ? NULL : "en";
    TRYGG_COPY_FIT(up, first);
    if (!strcmp(up, "STOPP") || !strcmp(up, "HJÄLP") || !strcmp(up, "HJALP") || !strcmp(up, "NYTT"))
        return "sv";
    return NULL;
}

/* 1 if the text is empty or only blanks. */
int sms_blank(const char *t)
{
    for (; *t; t++)
        if (!(*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r' || *t == '\f' || *t == '\v'))
            return 0;
    return 1;
}

/* 1 if the text looks like a badly encoded message (mojibake): at least a
 * third of its characters are replacement characters (what malformed bytes
 * and encoded surrogates read as), controls, private use, invisible format
 * characters or CJK/Hangul
 * (none of which the tip line's languages use, and which is what bytes in
 * the wrong coding turn into). */
int sms_undecodable(const char *text)
{
    int total = 0, bad = 0;
    size_t len = strlen(text);
    for (size_t i = 0; i < len;) {
        uint32_t cp; /* U+FFFD for each malformed piece (trygg/utf8.h) */
        i += trygg_utf8_next_lossy(text + i, len - i, &cp);
        if (cp == ' ' || cp == '\n' || cp == '\r' || cp == '\t')
            continue;
        total++;
        if (cp == 0xFFFD || cp < 0x20 || (cp >= 0x7F && cp < 0xA0) ||
            (cp >= 0xE000 && cp <= 0xF8FF) || (cp >= 0x2060 && cp <= 0x206F) ||
            (cp >= 0x3400 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7AF) || cp >= 0xF0000)
            bad++;
    }
    return bad > 0 && bad * 3 >= total;
}

typedef struct who {
    const char *pseudo;
    int reachable, national;
    trygg_contact ct;
    char lang[TRYGG_LANG_MAX + 1];
} who;

/* The sender's contact (alias, language, stopped). It holds no number and
 * no ciphertext: those stay with the gateway. A sender that cannot be
 * answered (an operator's name, a short code) is marked blocked, so staff
 * cannot queue a reply to it either. */
static trygg_err identify(sms_dialog *c, const char *pseudo, int reachable, int national, who *w)
{
    memset(w, 0, sizeof *w);
    w->pseudo = pseudo;
    w->reachable = reachable;
    w->national = national;
    trygg_err e =
        trygg_store_contact_get_or_create(c->st, pseudo, NULL, 0, c->cfg->alias_prefix, &w->ct);
    if (!e && !reachable && !w->ct.blocked) {
        e = trygg_store_contact_set_blocked(c->st, pseudo, 1);
        if (!e)
            w->ct.blocked = 1;
    }
    return e;
}

/* Picks the reply language. A thread keeps its language: the contact's
 * language changes only on a strong guess (replies_guess_lang_strength),
 * or is set by the first message that gives any clue; an undecodable text
 * never changes it. */
static void pick_lang(sms_dialog *c, who *w, const char *text, int undecodable, int words)
{
    int strong = 0;
    const char *g = NULL;
    if (!undecodable) {
        g = keyword_lang(w->national, text);
        if (!g && words)
            g = replies_guess_lang_strength(text, NULL, &strong);
    }
    /* A guess that does not fit is no guess (the branches below overwrite). */
    if (g && (!w->ct.lang[0] || strong) && TRYGG_COPY(w->lang, g)) {
        /* Remembering the language is a nicety: the reply is in it anyway. */
        if (strcmp(w->ct.lang, g) != 0)
            trygg_ignore(trygg_store_contact_set_lang(c->st, w->pseudo, g));
    } else if (w->ct.lang[0]) {
        TRYGG_COPY_FIT(w->lang, w->ct.lang);
    } else {
        TRYGG_COPY_FIT(w->lang, c->cfg->default_lang);
    }
}

/* Over the flood limit an urgent text still gets its 112 reply, at most
 * one per sender per URGENT_EVERY seconds. */
#define URGENT_EVERY 600

/* Why a reply must not be sent ("" = may be sent). Uses the inbound count
 * before this message was recorded. */
static const char *silence_for(sms_dialog *c, const who *w, int64_t now, int urgent)
{
    if (!w->reachable)
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

static const char *silence(sms_dialog *c, const who *w, int64_t now)
{
    return silence_for(c, w, now, 0);
}

/* Queues reply `key` unless silenced (or the gateway answered already);
 * r->reply_id gets the outbox row, r->reply_text its text. */
static trygg_err reply_as(sms_dialog *c, const who *w, const char *why, const char *key,
                          int64_t item_id, const char *ref, const char *const *names,
                          const char *const *values, const char *author, int answered,
                          sms_result *r)
{
    /* One of the fixed reasons listed in sms_dialog.h, all shorter. */
    TRYGG_COPY_TRUNC(r->why_silent, answered && !why[0] ? "answered" : why);
    if (r->why_silent[0])
        return TRYGG_OK;
    trygg_err e = replies_render_ext(c->rp, w->lang, key, ref, names, values, r->reply_text,
                                     sizeof r->reply_text);
    if (e)
        return e;
    TRYGG_COPY_TRUNC(r->reply_author, author); /* a display name */
    e = trygg_store_sms_enqueue(c->st, item_id, w->pseudo, author, r->reply_text, &r->reply_id);
    if (e == TRYGG_ERR_STATE) { /* stopped in the meantime */
        snprintf(r->why_silent, sizeof r->why_silent, "stopped");
        r->reply_id = 0;
        r->reply_text[0] = r->reply_author[0] = '\0';
        return TRYGG_OK;
    }
    return e;
}

static trygg_err reply(sms_dialog *c, const who *w, const char *why, const char *key,
                       int64_t item_id, const char *ref, const char *author, int answered,
                       sms_result *r)
{
    return reply_as(c, w, why, key, item_id, ref, NULL, NULL, author, answered, r);
}

/* A reply of the dialog's own (DLG_AUTHOR) with more placeholders. */
static trygg_err reply_with(sms_dialog *c, const who *w, const char *why, const char *key,
                            int64_t item_id, const char *ref, const char *const *names,
                            const char *const *values, int answered, sms_result *r)
{
    return reply_as(c, w, why, key, item_id, ref, names, values, DLG_AUTHOR, answered, r);
}

/* Forwards through the store's notification outbox, by the same rules and
 * payloads as trygg-server's intake (trygg/forward.h). SMS items have no
 * staff link here and no category/area labels; the sender's number never
 * goes out, only the alias. */
static void fwd_cfg(const sms_dialog *c, trygg_forward_cfg *fc)
{
    *fc = (trygg_forward_cfg){.routes = c->routes};
}

/* Urgent signal in a message joining an open item: the on-call address gets
 * an e-mail at once with that message's (scrubbed) text. */
static trygg_err notify_oncall(sms_dialog *c, const trygg_item *it, const char *text)
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

int sms_text_urgent(const char *text)
{
    const trygg_keywords *k = trygg_keywords_default();
    return k ? trygg_text_is_urgent(k, text, NULL) : 0;
}

/* Creates an item of `kind` from the message (with the gateway's offline
 * reference, if it gave one). */
static trygg_err new_item(sms_dialog *c, const who *w, const sms_in *in, trygg_kind kind,
                          trygg_channel channel, const char *text, int64_t now, int undecodable,
                          trygg_item *it)
{
    trygg_item_init(it);
    if (!TRYGG_COPY(it->client_key, in->key))
        return TRYGG_ERR_INVALID;
    if (in->offline_ref && in->offline_ref[0] &&
        trygg_ref_normalise(in->offline_ref, it->ref) != TRYGG_OK)
        return TRYGG_ERR_INVALID;
    it->channel = channel;
    snprintf(it->source, sizeof it->source, "smsgw");
    it->kind = kind;
    trygg_err e = trygg_strset(it->text, sizeof it->text, text);
    if (e)
        return e;
    TRYGG_COPY_FIT(it->lang, w->lang);
    if (!TRYGG_COPY(it->sender, w->pseudo))
        return TRYGG_ERR_INVALID;
    TRYGG_COPY_TRUNC(it->alias, w->ct.alias); /* a display name */
    it->incomplete = in->incomplete || undecodable;
    if (kind == TRYGG_KIND_CALLBACK) {
        if (!TRYGG_COPY(it->contact, in->callback_number ? in->callback_number : ""))
            return TRYGG_ERR_INVALID;
        it->consent = 1;
    }
    it->created = now;
    it->urgent = !undecodable && sms_text_urgent(text);
    trygg_route_result rr;
    int routed = c->routes && trygg_route_item(c->routes, it, &rr) == TRYGG_OK;
    if (routed) {
        TRYGG_COPY_FIT(it->destination, rr.destination);
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

/* STOP: the thread gets the message, call-back consent goes at once, the
 * confirmation is queued (even over the flood limit); the contact is
 * stopped when it has been sent (sms_dialog_stop_sent), or now if none. */
static trygg_err do_stop(sms_dialog *c, who *w, const sms_in *in, int64_t since, sms_result *r)
{
    trygg_item it;
    r->action = DLG_STOP;
    trygg_err e;
    if (trygg_store_open_item_of_sender(c->st, w->pseudo, since, &it) == TRYGG_OK) {
        r->item_id = it.id;
        e = trygg_store_add_message(c->st, it.id, TRYGG_MSG_IN, w->ct.alias, in->text, NULL);
        if (e)
            return e;
    }
    /* Every call-back item of the sender loses the number (audited without
     * it). */
    int withdrawn = 0;
    e = trygg_store_callback_withdraw(c->st, w->pseudo, DLG_AUTHOR, &withdrawn);
    if (e)
        return e;
    if (withdrawn)
        TRYGG_INFO("%s withdrew call-back consent (%d item%s)", w->ct.alias, withdrawn,
                   withdrawn == 1 ? "" : "s");
    if (w->ct.stopped)
        return TRYGG_OK;
    e = reply(c, w, w->reachable ? "" : "no-number", REPLY_STOP, r->item_id, NULL, DLG_AUTHOR_STOP,
              in->answered, r);
    if (e)
        return e;
    if (r->reply_id == 0) {
        e = trygg_store_contact_stop(c->st, w->pseudo);
        if (e)
            return e;
    }
    TRYGG_INFO("%s said stop", w->ct.alias);
    return TRYGG_OK;
}

/* RING: a call-back item, but only right after a call from this number (a
 * RING out of the blue, or a guessed keyword, stores no number). */
static trygg_err do_ring(sms_dialog *c, who *w, const sms_in *in, const char *why, int64_t now,
                         sms_result *r)
{
    trygg_item it;
    r->action = DLG_CALLBACK;
    if (!w->reachable) {
        snprintf(r->why_silent, sizeof r->why_silent, "no-number");
        return TRYGG_OK;
    }
    int calls = 0;
    trygg_err e =
        trygg_store_call_count(c->st, w->pseudo, now - (int64_t)c->cfg->ring_window * 60, &calls);
    if (e)
        return e;
    if (calls == 0) {
        r->action = DLG_HELP;
        return reply(c, w, why, REPLY_RING_NO_CALL, 0, NULL, DLG_AUTHOR, in->answered, r);
    }
    /* Consent is given by this SMS: the call-back item carries the number
     * in its contact field, which only call-back roles are shown and
     * retention purges. It is the one place a number is stored readable. */
    e = new_item(c, w, in, TRYGG_KIND_CALLBACK, TRYGG_CHANNEL_VOICE, in->text, now, 0, &it);
    if (!e)
        e = trygg_store_contact_set_callback(c->st, w->pseudo, 1);
    if (!e)
        e = trygg_store_audit(c->st, it.id, DLG_AUTHOR, "consent",
                              "call-back requested by SMS RING; number shown to call-back roles");
    if (e)
        return e;
    r->item_id = it.id;
    TRYGG_COPY_FIT(r->ref, it.ref);
    return reply(c, w, why, REPLY_RING, it.id, it.ref, DLG_AUTHOR, in->answered, r);
}

/* STATUS [ref]: the state of one of the sender's own items (the newest
 * when no reference is given), in the words of the public status page. A
 * reference that is not this sender's gets the same answer as one that
 * does not exist, so STATUS reveals nothing about other people's items.
 * Nothing is stored but the inbound key (the caller). */
static trygg_err do_status(sms_dialog *c, who *w, const sms_in *in, const char *rest,
                           const char *why, sms_result *r)
{
    r->action = DLG_STATUS;
    trygg_item *it = malloc(sizeof *it);
    if (!it)
        return TRYGG_ERR_NOMEM;
    char asked[TRYGG_REF_LEN + 1] = "";
    int found = 0;
    trygg_err e = TRYGG_OK;
    if (rest && *rest) {
        if (trygg_ref_normalise(rest, asked) != TRYGG_OK)
            TRYGG_COPY_TRUNC(asked, rest); /* echoed as asked, cut to a reference's length */
        else if ((e = trygg_store_get_by_ref(c->st, asked, it)) == TRYGG_OK)
            found = strcmp(it->sender, w->pseudo) == 0;
        else if (e == TRYGG_ERR_NOTFOUND)
            e = TRYGG_OK;
    } else {
        trygg_filter f;
        trygg_filter_init(&f);
        f.view = TRYGG_VIEW_FULL; /* only status and dates are read */
        int n = 0;
        if (TRYGG_COPY(f.sender, w->pseudo)) { /* a pseudonym always fits */
            e = trygg_store_list(c->st, &f, NULL, it, 1, &n, NULL);
            found = e == TRYGG_OK && n == 1;
        }
    }
    if (e == TRYGG_OK && !found) {
        e = reply_with(c, w, why, REPLY_STATUS_UNKNOWN, 0, asked, NULL, NULL, in->answered, r);
    } else if (e == TRYGG_OK) {
        char state[48], day[16];
        snprintf(state, sizeof state, "sms.status.%s",
                 trygg_follow_state(it->status, it->close_reason));
        trygg_time_format(it->updated > 0 ? it->updated : it->created, "%Y-%m-%d", day, sizeof day);
        const char *names[] = {"state", "date", NULL};
        const char *values[] = {replies_text(c->rp, w->lang, state), day, NULL};
        r->item_id = it->id;
        TRYGG_COPY_FIT(r->ref, it->ref);
        e = reply_with(c, w, why, REPLY_STATUS, it->id, it->ref, names, values, in->answered, r);
    }
    free(it);
    return e;
}

/* A text (not a keyword of its own): joins the open thread, or a new item. */
static trygg_err do_text(sms_dialog *c, who *w, const sms_in *in, int kw, const char *rest,
                         int undec, const char *why, int64_t now, int64_t since, sms_result *r)
{
    trygg_item it;
    trygg_err e;
    int fault = kw == SMS_KW_FAULT, fresh = kw == SMS_KW_NEW;
    int offline = in->offline_ref && in->offline_ref[0];
    const char *body = (fault || fresh) && rest[0] ? rest : in->text;
    if (!fault && !fresh && !offline && c->cfg->thread_days > 0 &&
        trygg_store_open_item_of_sender(c->st, w->pseudo, since, &it) == TRYGG_OK) {
        r->action = DLG_THREAD;
        r->item_id = it.id;
        TRYGG_COPY_FIT(r->ref, it.ref);
        e = trygg_store_add_message(c->st, it.id, TRYGG_MSG_IN, w->ct.alias, in->text, NULL);
        if (e)
            return e;
        r->urgent = !undec && sms_text_urgent(in->text);
        if (r->urgent && !it.urgent) {
            e = trygg_store_set_urgent(c->st, it.id, DLG_AUTHOR, 1);
            if (!e)
                e = notify_oncall(c, &it, in->text);
            if (e)
                return e;
        }
        if (undec)
            e = trygg_store_audit(c->st, it.id, DLG_AUTHOR, "note",
                                  "an SMS in this thread could not be decoded");
        if (!e)
            e = reply(c, w, r->urgent ? silence_for(c, w, now, 1) : why,
                      undec       ? REPLY_HELP
                      : r->urgent ? REPLY_ACK_URGENT
                                  : REPLY_ACK_THREAD,
                      it.id, it.ref, r->urgent ? DLG_AUTHOR_URGENT : DLG_AUTHOR, in->answered, r);
        return e;
    }
    r->action = DLG_NEW_ITEM;
    e = new_item(c, w, in, fault ? TRYGG_KIND_FAULT : TRYGG_KIND_TIP, TRYGG_CHANNEL_SMS, body, now,
                 undec, &it);
    if (e)
        return e;
    r->item_id = it.id;
    r->urgent = it.urgent;
    TRYGG_COPY_FIT(r->ref, it.ref);
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
    return reply(c, w, it.urgent ? silence_for(c, w, now, 1) : why, rk, it.id, it.ref,
                 it.urgent ? DLG_AUTHOR_URGENT : DLG_AUTHOR, in->answered, r);
}

static trygg_err handle(sms_dialog *c, const sms_in *in, int64_t now, sms_result *r)
{
    int64_t prev = 0;
    trygg_err e = trygg_store_sms_inbound_get(c->st, in->key, &prev);
    if (e == TRYGG_OK) {
        r->action = DLG_DUPLICATE;
        r->item_id = prev;
        trygg_item it;
        if (prev && trygg_store_get(c->st, prev, &it) == TRYGG_OK)
            TRYGG_COPY_FIT(r->ref, it.ref);
        return TRYGG_OK;
    }
    if (e != TRYGG_ERR_NOTFOUND)
        return e;
    who w;
    e = identify(c, in->pseudonym, in->reachable, in->national, &w);
    if (e)
        return e;
    int undec = sms_undecodable(in->text);
    int ss = undec ? 0 : sms_stop_start(c->cfg, in->text);
    const char *rest = in->text;
    int kw = ss == 1 ? SMS_KW_STOP : ss == 2 ? -1 : sms_keyword(c->cfg, in->text, &rest);
    /* Keyword messages (STOP please, HELP) take the keyword's language or
     * the thread's, never a guess from the polite words around them. */
    int words =
        !ss && kw != SMS_KW_STOP && kw != SMS_KW_HELP && kw != SMS_KW_RING && kw != SMS_KW_STATUS;
    pick_lang(c, &w, in->text, undec, words);
    const char *why = silence(c, &w, now);
    int64_t since = now - (int64_t)c->cfg->thread_days * 86400;

    if (ss == 2) {
        /* START/BÖRJA: the contact opts back in (the gateway stores the
         * number again). */
        r->action = DLG_START;
        if (w.ct.stopped) {
            e = trygg_store_contact_restart(c->st, w.pseudo);
            if (e)
                return e;
            w.ct.stopped = 0;
            TRYGG_INFO("%s said start", w.ct.alias);
        }
        e = reply(c, &w, silence(c, &w, now), REPLY_START, 0, NULL, DLG_AUTHOR, in->answered, r);
    } else if (sms_blank(in->text)) {
        /* Nothing to store: not a tip. The texter gets the help text. */
        r->action = DLG_HELP;
        e = reply(c, &w, why, REPLY_HELP, 0, NULL, DLG_AUTHOR, in->answered, r);
    } else if (kw == SMS_KW_STOP) {
        e = do_stop(c, &w, in, since, r);
    } else if (kw == SMS_KW_HELP) {
        r->action = DLG_HELP;
        e = reply(c, &w, why, REPLY_HELP, 0, NULL, DLG_AUTHOR, in->answered, r);
    } else if (kw == SMS_KW_RING) {
        e = do_ring(c, &w, in, why, now, r);
    } else if (kw == SMS_KW_STATUS) {
        e = do_status(c, &w, in, rest, why, r);
    } else {
        e = do_text(c, &w, in, kw, rest, undec, why, now, since, r);
    }
    if (e)
        return e;
    return trygg_store_sms_inbound_put(c->st, in->key, r->item_id, w.pseudo, now);
}

trygg_err sms_dialog_message(sms_dialog *c, const sms_in *in, int64_t now, sms_result *r)
{
    memset(r, 0, sizeof *r);
    if (!in->key || !in->key[0] || !in->pseudonym || !in->pseudonym[0] || !in->text)
        return TRYGG_ERR_INVALID;
    trygg_err e = trygg_store_unit_begin(c->st);
    if (e)
        return e;
    e = handle(c, in, now, r);
    e = trygg_store_unit_end(c->st, e);
    if (e)
        memset(r, 0, sizeof *r);
    return e;
}

trygg_err sms_dialog_call(sms_dialog *c, const char *key, const char *pseudonym, int reachable,
                          int64_t now, sms_result *r)
{
    memset(r, 0, sizeof *r);
    r->action = DLG_CALL;
    char day[11];
    time_t t = (time_t)now;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(day, sizeof day, "%Y-%m-%d", &tm);
    trygg_err e = trygg_store_unit_begin(c->st);
    if (e)
        return e;
    if (key && key[0]) {
        e = trygg_store_sms_inbound_get(c->st, key, NULL);
        if (e == TRYGG_OK) {
            r->action = DLG_DUPLICATE;
            return trygg_store_unit_end(c->st, TRYGG_OK);
        }
        e = e == TRYGG_ERR_NOTFOUND ? TRYGG_OK : e;
    }
    /* Gammu has no audio: every call is hung up, so every call is unanswered. */
    if (!e)
        e = trygg_store_sms_counter_add(c->st, day, "calls", 1);
    if (!e)
        e = trygg_store_sms_counter_add(c->st, day, "calls_unanswered", 1);
    who w;
    if (!e && pseudonym && pseudonym[0]) {
        e = identify(c, pseudonym, reachable, 1, &w);
        if (!e)
            e = trygg_store_call_put(c->st, w.pseudo, now);
        if (!e) {
            if (w.ct.lang[0])
                TRYGG_COPY_FIT(w.lang, w.ct.lang);
            else
                TRYGG_COPY_FIT(w.lang, c->cfg->default_lang);
            e = reply(c, &w, silence(c, &w, now), REPLY_CALL, 0, NULL, DLG_AUTHOR, 0, r);
        }
    } else if (!e) {
        snprintf(r->why_silent, sizeof r->why_silent, "no-number");
    }
    /* The key without a sender: it does not count for the flood limits. */
    if (!e && key && key[0])
        e = trygg_store_sms_inbound_put(c->st, key, 0, "", now);
    e = trygg_store_unit_end(c->st, e);
    if (e)
        memset(r, 0, sizeof *r);
    return e;
}

trygg_err sms_dialog_stop_sent(sms_dialog *c, const char *pseudonym)
{
    return trygg_store_contact_stop(c->st, pseudonym);
}

const char *sms_action_name(sms_action a)
{
    static const char *const names[] = {"new_item",  "thread", "stop", "help",  "callback",
                                        "duplicate", "start",  "call", "status"};
    return (unsigned)a < sizeof names / sizeof names[0] ? names[a] : "unknown";
}

int sms_dialog_set_keywords(sms_dialog_cfg *c, int which, const char *list)
{
    char buf[256];
    c->nkw[which] = 0;
    if (!TRYGG_COPY(buf, list)) /* a cut list could end in a cut word */
        return 0;
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t && c->nkw[which] < SMS_KW_MAX;
         t = strtok_r(NULL, ",", &save)) {
        while (*t == ' ' || *t == '\t')
            t++;
        size_t l = strlen(t);
        while (l && (t[l - 1] == ' ' || t[l - 1] == '\t'))
            t[--l] = '\0';
        if (l == 0 || l >= SMS_KW_LEN)
            continue;
        sms_upper(t, c->kw[which][c->nkw[which]++], SMS_KW_LEN);
    }
    return c->nkw[which];
}

void sms_dialog_cfg_defaults(sms_dialog_cfg *c)
{
    memset(c, 0, sizeof *c);
    c->thread_days = 7;
    c->ring_window = 30;
    snprintf(c->alias_prefix, sizeof c->alias_prefix, "Tipsare T-");
    snprintf(c->default_lang, sizeof c->default_lang, "sv");
    c->replies_per_hour = 5;
    c->replies_per_day = 20;
    sms_dialog_set_keywords(c, SMS_KW_STOP, "STOPP,STOP,AVSLUTA");
    sms_dialog_set_keywords(c, SMS_KW_HELP, "HJÄLP,HJALP,HELP,INFO");
    sms_dialog_set_keywords(c, SMS_KW_FAULT, "FEL,FAULT");
    sms_dialog_set_keywords(c, SMS_KW_NEW, "NYTT,NY,NEW");
    sms_dialog_set_keywords(c, SMS_KW_RING, "RING,CALL");
    sms_dialog_set_keywords(c, SMS_KW_STATUS, "STATUS");
    snprintf(c->emergency, sizeof c->emergency, "112");
    snprintf(c->police_phone, sizeof c->police_phone, "114 14");
    snprintf(c->police_url, sizeof c->police_url, "polisen.se/tipsa");
}

void sms_upper(const char *in, char *out, size_t cap)
{
    trygg_utf8_upper(in, out, cap);
}
