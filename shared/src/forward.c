/*
 * forward.c — forward payloads and queueing them in the notification outbox
 * (see trygg/forward.h). Moved here from trygg-server so every intake path
 * forwards by the same rules; the sending stays in server/forward.c.
 */
#include "trygg/copy.h"
#include "trygg/forward.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trygg/i18n.h"
#include "trygg/log.h"
#include "trygg/text.h"
#include "trygg/time.h"

#define PAYLOAD_MAX 8000 /* the store's cap is 8 KiB including NUL */

const char *const trygg_forward_default_subject = "Trygg {ref}: {summary}";
const char *const trygg_forward_default_body =
    "{ref}\n{summary}\n{place}\n{when}\n\n{text}\n\n{contact}\n{link}";

static int names_person(trygg_store *st, const trygg_item *it)
{
    const trygg_keywords *k = trygg_keywords_default();
    if (!k)
        return 0;
    if (!it->redacted)
        return it->text[0] && trygg_text_names_person(k, it->text);
    trygg_item *sh = malloc(sizeof *sh);
    int names = 1; /* unreadable copy: refuse */
    if (sh && trygg_store_get_view(st, it->id, TRYGG_VIEW_SHARED, sh) == TRYGG_OK)
        names = sh->text[0] && trygg_text_names_person(k, sh->text);
    free(sh);
    return names;
}

static void when_text(const trygg_item *it, char out[80])
{
    snprintf(out, 80, "%s%s%s", it->when_date, it->when_date[0] && it->when_band[0] ? " " : "",
             it->when_band);
}

static void iso_utc(int64_t t, char out[32])
{
    trygg_time_format_utc(t, "%Y-%m-%dT%H:%M:%SZ", out, 32);
}

static const char *label_of(const trygg_forward_cfg *fc, const char *what, int kind, const char *id)
{
    const char *l = fc->label && id[0] ? fc->label(fc->label_user, what, kind, id) : NULL;
    return l;
}

typedef struct view {
    char text[TRYGG_TEXT_MAX + 64];
    char place[TRYGG_NAME_MAX + 1];
    const char *contact;
    const char *alias;
    char link[400];
} view;

enum view_of { VIEW_FULL, VIEW_SHARED, VIEW_SCRUB_OWN };

/* What a destination may see of `it`. VIEW_SHARED: the store's recipients'
 * copy (scrubbed, or as the security department redacted it); VIEW_SCRUB_OWN:
 * it->text scrubbed here (the on-call alert carries the message that raised
 * it, which need not be the item's stored text). */
static trygg_err make_view(trygg_store *st, const trygg_forward_cfg *fc, const trygg_item *it,
                           enum view_of of, view *v)
{
    memset(v, 0, sizeof *v);
    int full_access = of == VIEW_FULL;
    if (full_access) {
        TRYGG_COPY_FIT(v->text, it->text);
        TRYGG_COPY_FIT(v->place, it->place);
        v->alias = it->alias;
    } else if (of == VIEW_SCRUB_OWN) {
        trygg_err rc = trygg_scrub(it->text, v->text, sizeof v->text, NULL);
        if (rc == TRYGG_OK)
            rc = trygg_scrub(it->place, v->place, sizeof v->place, NULL);
        if (rc != TRYGG_OK)
            return rc;
        v->alias = "";
    } else {
        trygg_item *sh = malloc(sizeof *sh);
        if (sh == NULL)
            return TRYGG_ERR_NOMEM;
        trygg_err rc = trygg_store_get_view(st, it->id, TRYGG_VIEW_SHARED, sh);
        if (rc == TRYGG_OK) {
            TRYGG_COPY_FIT(v->text, sh->text);
            TRYGG_COPY_FIT(v->place, sh->place);
        }
        free(sh);
        if (rc != TRYGG_OK)
            return rc;
        v->alias = "";
    }
    /* Contact data went with consent for the sign-up's or call-back's
     * purpose. A number that came by SMS or voice never leaves the system. */
    int purpose = it->kind == TRYGG_KIND_WATCH_SIGNUP || it->kind == TRYGG_KIND_WALK_SIGNUP ||
                  it->kind == TRYGG_KIND_CALLBACK;
    int phone = it->channel == TRYGG_CHANNEL_SMS || it->channel == TRYGG_CHANNEL_VOICE;
    v->contact = it->consent && !phone && (full_access || purpose) ? it->contact : "";
    if (fc->public_url && fc->public_url[0] && it->id > 0)
        snprintf(v->link, sizeof v->link, "%s/item/%lld", fc->public_url, (long long)it->id);
    return TRYGG_OK;
}

static json_t *item_json(const trygg_forward_cfg *fc, const trygg_item *it, const view *v)
{
    json_t *o = json_object();
    char ts[32], when[80];
    iso_utc(it->created, ts);
    when_text(it, when);
    const char *cl = label_of(fc, "category", (int)it->kind, it->category);
    const char *al = label_of(fc, "area", (int)it->kind, it->area);
    json_object_set_new(o, "ref", json_string(it->ref));
    json_object_set_new(o, "kind", json_string(trygg_kind_name(it->kind)));
    const char *kl = label_of(fc, "kind", (int)it->kind, trygg_kind_name(it->kind));
    if (kl)
        json_object_set_new(o, "kind_label", json_string(kl));
    json_object_set_new(o, "channel", json_string(trygg_channel_name(it->channel)));
    json_object_set_new(o, "category", json_string(it->category));
    if (cl)
        json_object_set_new(o, "category_label", json_string(cl));
    json_object_set_new(o, "area", json_string(it->area));
    if (al)
        json_object_set_new(o, "area_label", json_string(al));
    json_object_set_new(o, "place", json_string(v->place));
    json_object_set_new(o, "when", json_string(when));
    json_object_set_new(o, "text", json_string(v->text));
    json_object_set_new(o, "lang", json_string(it->lang));
    json_object_set_new(o, "urgent", json_boolean(it->urgent));
    json_object_set_new(o, "created", json_string(ts));
    if (v->contact[0])
        json_object_set_new(o, "contact", json_string(v->contact));
    if (v->alias && v->alias[0])
        json_object_set_new(o, "alias", json_string(v->alias));
    if (it->walk_id)
        json_object_set_new(o, "walk_id", json_integer(it->walk_id));
    if (v->link[0])
        json_object_set_new(o, "link", json_string(v->link));
    return o;
}

/* 1 when the template line [p, end) names at least one placeholder and every
 * one it names is empty for this item: such a line ("Kategori: {category}"
 * for an item without a category) has nothing to say and is left out. */
static int line_is_empty(const char *p, const char *end, const char *const *names,
                         const char *const *values)
{
    int named = 0;
    for (const char *q = p; q < end; q++) {
        if (*q != '{')
            continue;
        const char *c = memchr(q, '}', (size_t)(end - q));
        if (!c)
            break;
        for (size_t i = 0; names[i]; i++) {
            if (strlen(names[i]) == (size_t)(c - q - 1) &&
                strncmp(names[i], q + 1, (size_t)(c - q - 1)) == 0) {
                if (values[i] && values[i][0])
                    return 0;
                named = 1;
            }
        }
        q = c;
    }
    return named;
}

/* "Otrygghet, Dålig belysning, Centrum": the kind, category and area that the
 * item has, in words, for a subject line. */
static void summary_text(const char *kind, const char *cat, const char *area, char *out, size_t cap)
{
    const char *parts[] = {kind, cat, area};
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < 3 && o < cap; i++) {
        if (!parts[i] || !parts[i][0])
            continue;
        int k = snprintf(out + o, cap - o, "%s%s", o ? ", " : "", parts[i]);
        o = k < 0 ? cap : o + (size_t)k;
    }
}

static trygg_err render(const char *tmpl, const trygg_forward_cfg *fc, const trygg_item *it,
                        const view *v, const char *dest_label, char *out, size_t cap)
{
    char when[80], summary[400];
    when_text(it, when);
    const char *cl = label_of(fc, "category", (int)it->kind, it->category);
    const char *al = label_of(fc, "area", (int)it->kind, it->area);
    const char *kl = label_of(fc, "kind", (int)it->kind, trygg_kind_name(it->kind));
    const char *kind = kl ? kl : trygg_kind_name(it->kind);
    const char *cat = cl ? cl : it->category, *area = al ? al : it->area;
    summary_text(kind, cat, area, summary, sizeof summary);
    const char *names[] = {"ref",  "kind",    "category", "area",        "place",   "when",
                           "text", "contact", "link",     "destination", "summary", NULL};
    const char *values[] = {it->ref, kind,       cat,     area,       v->place, when,
                            v->text, v->contact, v->link, dest_label, summary,  NULL};
    /* The template without its empty lines; then no more than one blank line
     * in a row. */
    size_t tl = strlen(tmpl);
    char *t = malloc(tl + 1);
    if (!t)
        return TRYGG_ERR_NOMEM;
    size_t o = 0;
    for (const char *p = tmpl; *p;) {
        const char *nl = strchr(p, '\n');
        const char *end = nl ? nl + 1 : p + strlen(p);
        if (!line_is_empty(p, nl ? nl : end, names, values)) {
            memcpy(t + o, p, (size_t)(end - p));
            o += (size_t)(end - p);
        }
        p = end;
    }
    t[o] = '\0';
    trygg_err e = trygg_i18n_format(t, names, values, out, cap);
    free(t);
    char *w = out;
    for (const char *r = out; *r; r++) {
        if (*r == '\n' && w - out >= 2 && w[-1] == '\n' && w[-2] == '\n')
            continue;
        *w++ = *r;
    }
    *w = '\0';
    return e;
}

/* Builds the e-mail payload; shortens the text until it fits. */
static char *email_payload(const trygg_forward_cfg *fc, const trygg_item *it, view *v,
                           const char *to, const char *dest_label, int urgent)
{
    const char *subj_t = fc->mail_subject ? fc->mail_subject : trygg_forward_default_subject;
    const char *body_t = fc->mail_body ? fc->mail_body : trygg_forward_default_body;
    char *subject = malloc(1024), *body = malloc(PAYLOAD_MAX);
    char *out = NULL;
    for (int tries = 0; subject && body && tries < 8; tries++) {
        if (render(subj_t, fc, it, v, dest_label, subject, 1024) != TRYGG_OK)
            snprintf(subject, 1024, "Trygg %s", it->ref);
        trygg_utf8_cut(subject, 200);
        char full_subject[1100];
        snprintf(full_subject, sizeof full_subject, "%s%s", urgent ? "!!! " : "", subject);
        if (render(body_t, fc, it, v, dest_label, body, PAYLOAD_MAX) == TRYGG_OK) {
            json_t *o = json_object();
            json_object_set_new(o, "to", json_string(to));
            json_object_set_new(o, "subject", json_string(full_subject));
            json_object_set_new(o, "body", json_string(body));
            json_object_set_new(o, "ref", json_string(it->ref));
            json_object_set_new(o, "urgent", json_boolean(urgent));
            out = json_dumps(o, JSON_COMPACT);
            json_decref(o);
            if (out && strlen(out) < PAYLOAD_MAX)
                break;
            free(out);
            out = NULL;
        }
        trygg_utf8_cut(v->text, strlen(v->text) / 2);
        strcat(v->text, " [...]");
    }
    free(subject);
    free(body);
    return out;
}

static char *webhook_payload(const trygg_forward_cfg *fc, const trygg_item *it, view *v,
                             const char *dest)
{
    for (int tries = 0; tries < 8; tries++) {
        json_t *o = json_object();
        json_object_set_new(o, "event", json_string("item.forwarded"));
        json_object_set_new(o, "destination", json_string(dest));
        json_object_set_new(o, "item", item_json(fc, it, v));
        char *out = json_dumps(o, JSON_COMPACT);
        json_decref(o);
        if (out && strlen(out) < PAYLOAD_MAX)
            return out;
        free(out);
        trygg_utf8_cut(v->text, strlen(v->text) / 2);
        strcat(v->text, " [...]");
    }
    return NULL;
}

static int valid_address(const char *a)
{
    return a[0] && strchr(a, '@') && !strpbrk(a, "\r\n<>\", ") && strlen(a) < 254;
}

trygg_err trygg_forward_enqueue(trygg_store *st, const trygg_forward_cfg *fc,
                                const trygg_item *item, const char *destination, const char *actor)
{
    trygg_destination d;
    trygg_err rc = trygg_store_dest_get(st, destination, &d);
    if (rc != TRYGG_OK)
        return rc;
    /* Recipients are declared in the routing config: one it does not
     * declare gets nothing, and the config (not the database row) says
     * whether it is a company and has full access. A company never has full
     * access and never gets a tip or a call-back, whatever the database says. */
    trygg_route_dest cd;
    if (fc->routes == NULL || trygg_routes_dest_find(fc->routes, destination, &cd) != TRYGG_OK) {
        TRYGG_WARN("forward: refused %s to '%s': not a recipient in the routing config", item->ref,
                   destination);
        return TRYGG_ERR_NOTFOUND;
    }
    d.full_access = d.full_access && cd.full_access && !cd.company;
    if (cd.company && (item->kind == TRYGG_KIND_TIP || item->kind == TRYGG_KIND_CALLBACK)) {
        TRYGG_WARN("forward: refused %s (%s) to company recipient '%s'", item->ref,
                   trygg_kind_name(item->kind), destination);
        return TRYGG_ERR_PERM;
    }
    /* Tips and anything naming a person stay with full-access destinations
     * (the security department): a company may not process suspected crimes.
     * Once the security department has redacted the recipients' copy, that
     * copy is what is checked (and what is sent). */
    if (!d.full_access && (item->kind == TRYGG_KIND_TIP || names_person(st, item))) {
        TRYGG_WARN("forward: refused %s (%s) to '%s': tips and person-naming items go to "
                   "full-access destinations only",
                   item->ref, trygg_kind_name(item->kind), destination);
        return TRYGG_ERR_PERM;
    }
    view *v = malloc(sizeof *v);
    if (v == NULL)
        return TRYGG_ERR_NOMEM;
    int queued = 0;
    if (d.email[0]) {
        if (!valid_address(d.email)) {
            TRYGG_WARN("forward: destination '%s' has an invalid e-mail address", destination);
        } else if ((rc = make_view(st, fc, item, d.full_access ? VIEW_FULL : VIEW_SHARED, v)) ==
                   TRYGG_OK) {
            char *p = email_payload(fc, item, v, d.email, d.label[0] ? d.label : d.name, 0);
            rc = p ? trygg_store_notify_enqueue(st, item->id, destination, "email", p, NULL)
                   : TRYGG_ERR_NOMEM;
            free(p);
            if (rc != TRYGG_OK)
                goto out;
            queued++;
        } else {
            goto out;
        }
    }
    if (d.webhook_url[0]) {
        if ((rc = make_view(st, fc, item, d.full_access ? VIEW_FULL : VIEW_SHARED, v)) != TRYGG_OK)
            goto out;
        char *p = webhook_payload(fc, item, v, destination);
        rc = p ? trygg_store_notify_enqueue(st, item->id, destination, "webhook", p, NULL)
               : TRYGG_ERR_NOMEM;
        free(p);
        if (rc != TRYGG_OK)
            goto out;
        queued++;
    }
    char detail[160];
    snprintf(detail, sizeof detail, "%s (%d %s)%s", destination, queued,
             queued == 1 ? "channel" : "channels", d.full_access ? "" : ", scrubbed");
    rc = trygg_store_audit(st, item->id, actor ? actor : "system", "forward", detail);
    if (queued == 0)
        TRYGG_INFO("forward: destination '%s' has neither e-mail nor webhook", destination);
out:
    free(v);
    return rc;
}

trygg_err trygg_forward_enqueue_oncall(trygg_store *st, const trygg_forward_cfg *fc,
                                       const trygg_item *item, const char *actor)
{
    const char *to = fc->routes ? trygg_routes_oncall(fc->routes) : "";
    if (to == NULL || !valid_address(to))
        return TRYGG_ERR_NOTFOUND;
    view *v = malloc(sizeof *v);
    if (v == NULL)
        return TRYGG_ERR_NOMEM;
    /* The on-call copy leaves the system by e-mail: scrubbed like any copy. */
    trygg_err rc = make_view(st, fc, item, VIEW_SCRUB_OWN, v);
    if (rc == TRYGG_OK) {
        char *p = email_payload(fc, item, v, to, "oncall", 1);
        rc = p ? trygg_store_notify_enqueue(st, item->id, "oncall", "email", p, NULL)
               : TRYGG_ERR_NOMEM;
        free(p);
    }
    if (rc == TRYGG_OK)
        rc =
            trygg_store_audit(st, item->id, actor ? actor : "system", "forward", "oncall (urgent)");
    free(v);
    return rc;
}

int trygg_forward_fatal(trygg_err e)
{
    return e == TRYGG_ERR_DB || e == TRYGG_ERR_BUSY || e == TRYGG_ERR_FULL || e == TRYGG_ERR_IO ||
           e == TRYGG_ERR_NOMEM || e == TRYGG_ERR_READONLY || e == TRYGG_ERR_SCHEMA;
}

trygg_err trygg_forward_intake(trygg_store *st, const trygg_forward_cfg *fc, const trygg_item *item,
                               const trygg_route_result *rr, const char *actor)
{
    const char *dests[2] = {rr->destination, rr->copy_to};
    for (int i = 0; i < 2; i++) {
        if (dests[i][0] == '\0' || (i == 1 && strcmp(dests[1], dests[0]) == 0))
            continue;
        trygg_err fe = trygg_forward_enqueue(st, fc, item, dests[i], actor);
        if (trygg_forward_fatal(fe))
            return fe;
        if (fe != TRYGG_OK)
            TRYGG_WARN("intake: item %s not forwarded to '%s': %s", item->ref, dests[i],
                       trygg_strerror(fe));
        if (i == 1 && fe != TRYGG_ERR_PERM) {
            /* The copy also shows in the recipient's queue (scrubbed). */
            fe = trygg_store_set_copy_to(st, item->id, actor, dests[1]);
            if (trygg_forward_fatal(fe))
                return fe;
            if (fe != TRYGG_OK)
                TRYGG_WARN("intake: item %s: no copy for '%s': %s", item->ref, dests[1],
                           trygg_strerror(fe));
        }
    }
    if (item->urgent) {
        trygg_err fe = trygg_forward_enqueue_oncall(st, fc, item, actor);
        if (trygg_forward_fatal(fe))
            return fe;
        if (fe != TRYGG_OK)
            TRYGG_WARN("intake: on-call not notified of %s: %s", item->ref, trygg_strerror(fe));
    }
    return TRYGG_OK;
}
