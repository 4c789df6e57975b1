/*
 * route.c — routing rules from an INI file (format in route.h and in
 * assets/config/routing.ini, which is also the built-in default).
 *
 * Loading is two passes: the inih pass (cfg.c) records destinations, rules,
 * links and the on-call address with the line of every key; the check pass
 * then resolves destination names and enforces the invariant that nothing
 * that can be a tip, or can name a person, reaches a company destination.
 * Routing an item is a linear scan over at most ROUTE_MAX_RULES rules.
 */
#include "trygg/copy.h"
#include "trygg/route.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "trygg/cfg.h"
#include "trygg/log.h"
#include "trygg/paths.h"
#include "trygg/text.h"

#define ROUTE_MAX_RULES 64
#define ROUTE_MAX_DESTS 32
#define ROUTE_LIST_MAX  512
#define ROUTE_MAX_TELL  8
#define ROUTE_VALUE_MAX 512

/* Keys allowed in [links]. */
static const char *const link_keys[] = {
    "police_tip_url",    "police_tip_form_url", "police_tip_phone",
    "police_phone",      "emergency",           "police_report_url",
    "child_concern_url", "child_concern_phone", "parent_municipality_url",
    "parent_police_url",
};
#define NLINKS (sizeof link_keys / sizeof link_keys[0])

struct dest {
    char name[TRYGG_NAME_MAX + 1];
    char label[128];
    char email[256];
    char webhook_url[512];
    int company;
    int full_access; /* -1 = not given (yes for "security", else no) */
    int has_email, has_webhook;
    int line, full_line;
};

struct rule {
    char name[TRYGG_NAME_MAX + 1];
    int line;
    unsigned kinds;                  /* bit per trygg_kind; all bits = any */
    char categories[ROUTE_LIST_MAX]; /* "" = any */
    char areas[ROUTE_LIST_MAX];      /* "" = any */
    int names_person;                /* -1 any, 0 no, 1 yes */
    char destination[TRYGG_NAME_MAX + 1];
    int dest_line;
    char copy_to[TRYGG_NAME_MAX + 1];
    int copy_line;
    char copy_areas[ROUTE_LIST_MAX]; /* "" = all */
    char tell[ROUTE_MAX_TELL][32];
    int ntell;
    int urgent;
};

struct trygg_routes {
    struct rule rules[ROUTE_MAX_RULES];
    int nrules;
    struct dest dests[ROUTE_MAX_DESTS];
    int ndests;
    char links[NLINKS][ROUTE_VALUE_MAX];
    int has_link[NLINKS];
    char oncall[256];
    const trygg_keywords *kw;
};

#define ALL_KINDS ((1u << TRYGG_KIND_COUNT) - 1u)

/* ------------------------------------------------------------------ lists */

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    size_t i = 0;
    while (s[i] == ' ' || s[i] == '\t')
        i++;
    memmove(s, s + i, n - i + 1);
}

/* Normalises "a, b ,c" to "a,b,c" in out[cap]; "*" (alone) gives "".
 * Returns 0 if too long, not UTF-8 or an item is empty. */
static int parse_list(const char *v, char *out, size_t cap)
{
    char tmp[ROUTE_LIST_MAX];
    if (!trygg_cfg_str(v, tmp, sizeof tmp))
        return 0;
    out[0] = '\0';
    size_t used = 0;
    char *save = NULL;
    char *copy = tmp;
    trim(copy);
    if (strcmp(copy, "*") == 0 || copy[0] == '\0')
        return 1;
    /* an empty item ("a,,b") is an error */
    if (copy[0] == ',' || copy[strlen(copy) - 1] == ',' || strstr(copy, ",,") != NULL)
        return 0;
    for (char *tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        trim(tok);
        if (tok[0] == '\0' || strcmp(tok, "*") == 0)
            return 0;
        size_t l = strlen(tok);
        if (used + l + 2 > cap)
            return 0;
        if (used > 0)
            out[used++] = ',';
        memcpy(out + used, tok, l + 1);
        used += l;
    }
    return 1;
}

/* 1 if `value` is in the comma list (case-insensitive); "" list = any. */
static int list_has(const char *list, const char *value)
{
    if (list[0] == '\0')
        return 1;
    size_t vl = strlen(value);
    const char *p = list;
    while (*p != '\0') {
        const char *e = strchr(p, ',');
        size_t l = e != NULL ? (size_t)(e - p) : strlen(p);
        if (l == vl && strncasecmp(p, value, l) == 0)
            return 1;
        if (e == NULL)
            break;
        p = e + 1;
    }
    return 0;
}

static int is_name(const char *s)
{
    if (s[0] == '\0' || strlen(s) > TRYGG_NAME_MAX)
        return 0;
    for (const char *p = s; *p != '\0'; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.'))
            return 0;
    }
    return 1;
}

/* ------------------------------------------------------------------ parse */

struct load_ctx {
    trygg_routes *r;
    char section[128];
    struct rule *cur_rule;
    struct dest *cur_dest;
    int bad_section; /* errors already reported for this section header */
};

static struct dest *find_dest(trygg_routes *r, const char *name)
{
    for (int i = 0; i < r->ndests; i++)
        if (strcmp(r->dests[i].name, name) == 0)
            return &r->dests[i];
    return NULL;
}

/* Starts a new section; returns 0 when it is bad (error recorded). */
static int enter_section(struct load_ctx *c, trygg_cfg_errors *e, const char *section, int line)
{
    trygg_routes *r = c->r;
    TRYGG_COPY_TRUNC(c->section, section); /* only used in error messages */
    c->cur_rule = NULL;
    c->cur_dest = NULL;
    c->bad_section = 0;
    if (strncmp(section, "rule ", 5) == 0) {
        const char *name = section + 5;
        if (!is_name(name)) {
            c->bad_section = 1;
            return trygg_cfg_fail(e, line, "bad rule name '%s' (letters, digits, _ - .)", name);
        }
        for (int i = 0; i < r->nrules; i++) {
            if (strcmp(r->rules[i].name, name) == 0) {
                c->bad_section = 1;
                return trygg_cfg_fail(e, line, "rule '%s' defined twice (first at line %d)", name,
                                      r->rules[i].line);
            }
        }
        if (r->nrules >= ROUTE_MAX_RULES) {
            c->bad_section = 1;
            return trygg_cfg_fail(e, line, "more than %d rules", ROUTE_MAX_RULES);
        }
        struct rule *ru = &r->rules[r->nrules++];
        memset(ru, 0, sizeof *ru);
        if (!TRYGG_COPY(ru->name, name))
            return trygg_cfg_fail(e, line, "rule name too long");
        ru->line = line;
        ru->kinds = ALL_KINDS;
        ru->names_person = -1;
        c->cur_rule = ru;
        return 1;
    }
    if (strncmp(section, "destination ", 12) == 0) {
        const char *name = section + 12;
        if (!is_name(name)) {
            c->bad_section = 1;
            return trygg_cfg_fail(e, line, "bad destination name '%s'", name);
        }
        struct dest *d = find_dest(r, name);
        if (d != NULL) {
            c->bad_section = 1;
            return trygg_cfg_fail(e, line, "destination '%s' defined twice (first at line %d)",
                                  name, d->line);
        }
        if (r->ndests >= ROUTE_MAX_DESTS) {
            c->bad_section = 1;
            return trygg_cfg_fail(e, line, "more than %d destinations", ROUTE_MAX_DESTS);
        }
        d = &r->dests[r->ndests++];
        memset(d, 0, sizeof *d);
        if (!TRYGG_COPY(d->name, name))
            return trygg_cfg_fail(e, line, "destination name too long");
        d->line = line;
        d->full_access = -1;
        c->cur_dest = d;
        return 1;
    }
    if (strcmp(section, "links") == 0 || strcmp(section, "oncall") == 0)
        return 1;
    c->bad_section = 1;
    return trygg_cfg_fail(e, line, "unknown section [%s]", section);
}

static int rule_key(struct rule *ru, trygg_cfg_errors *e, const char *name, const char *value,
                    int line)
{
    if (strcmp(name, "kind") == 0) {
        char list[ROUTE_LIST_MAX];
        if (!parse_list(value, list, sizeof list))
            return trygg_cfg_fail(e, line, "kind: bad list '%s'", value);
        if (list[0] == '\0') {
            ru->kinds = ALL_KINDS;
            return 1;
        }
        ru->kinds = 0;
        char *save = NULL;
        for (char *t = strtok_r(list, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
            trygg_kind k;
            if (trygg_kind_parse(t, &k) != TRYGG_OK)
                return trygg_cfg_fail(e, line, "kind: unknown kind '%s'", t);
            ru->kinds |= 1u << k;
        }
        return 1;
    }
    if (strcmp(name, "category") == 0) {
        if (!parse_list(value, ru->categories, sizeof ru->categories))
            return trygg_cfg_fail(e, line, "category: bad list '%s'", value);
        return 1;
    }
    if (strcmp(name, "area") == 0) {
        if (!parse_list(value, ru->areas, sizeof ru->areas))
            return trygg_cfg_fail(e, line, "area: bad list '%s'", value);
        return 1;
    }
    if (strcmp(name, "copy_areas") == 0) {
        if (!parse_list(value, ru->copy_areas, sizeof ru->copy_areas))
            return trygg_cfg_fail(e, line, "copy_areas: bad list '%s'", value);
        return 1;
    }
    if (strcmp(name, "names_person") == 0) {
        int b;
        if (strcasecmp(value, "any") == 0 || strcmp(value, "*") == 0)
            ru->names_person = -1;
        else if (trygg_cfg_bool(value, &b))
            ru->names_person = b;
        else
            return trygg_cfg_fail(e, line, "names_person: expected yes, no or any, not '%s'",
                                  value);
        return 1;
    }
    if (strcmp(name, "destination") == 0) {
        if (!is_name(value))
            return trygg_cfg_fail(e, line, "destination: bad name '%s'", value);
        if (!TRYGG_COPY(ru->destination, value))
            return trygg_cfg_fail(e, line, "destination: name too long");
        ru->dest_line = line;
        return 1;
    }
    if (strcmp(name, "copy_to") == 0) {
        if (value[0] == '\0') {
            ru->copy_to[0] = '\0';
            return 1;
        }
        if (!is_name(value))
            return trygg_cfg_fail(e, line, "copy_to: bad name '%s'", value);
        if (!TRYGG_COPY(ru->copy_to, value))
            return trygg_cfg_fail(e, line, "copy_to: name too long");
        ru->copy_line = line;
        return 1;
    }
    if (strcmp(name, "tell") == 0) {
        char list[ROUTE_LIST_MAX];
        if (!parse_list(value, list, sizeof list))
            return trygg_cfg_fail(e, line, "tell: bad list '%s'", value);
        ru->ntell = 0;
        char *save = NULL;
        for (char *t = strtok_r(list, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
            if (ru->ntell >= ROUTE_MAX_TELL)
                return trygg_cfg_fail(e, line, "tell: more than %d keys", ROUTE_MAX_TELL);
            if (!is_name(t) || strlen(t) >= sizeof ru->tell[0])
                return trygg_cfg_fail(e, line, "tell: bad message key '%s'", t);
            if (!TRYGG_COPY(ru->tell[ru->ntell++], t))
                return trygg_cfg_fail(e, line, "tell: bad message key '%s'", t);
        }
        return 1;
    }
    if (strcmp(name, "urgent") == 0) {
        if (!trygg_cfg_bool(value, &ru->urgent))
            return trygg_cfg_fail(e, line, "urgent: expected yes or no, not '%s'", value);
        return 1;
    }
    return trygg_cfg_fail(e, line, "unknown key '%s' in [rule %s]", name, ru->name);
}

static int load_handler(void *user, trygg_cfg_errors *e, const char *section, const char *name,
                        const char *value, int line)
{
    struct load_ctx *c = user;
    trygg_routes *r = c->r;
    if (name == NULL)
        return enter_section(c, e, section, line);
    if (c->bad_section)
        return 0;
    if (section[0] == '\0')
        return trygg_cfg_fail(e, line, "'%s' outside any section", name);
    if (c->cur_rule != NULL)
        return rule_key(c->cur_rule, e, name, value, line);
    if (c->cur_dest != NULL) {
        if (strcmp(name, "label") == 0) {
            if (!trygg_cfg_str(value, c->cur_dest->label, sizeof c->cur_dest->label))
                return trygg_cfg_fail(e, line, "label: too long or not UTF-8");
            return 1;
        }
        if (strcmp(name, "company") == 0) {
            if (!trygg_cfg_bool(value, &c->cur_dest->company))
                return trygg_cfg_fail(e, line, "company: expected yes or no, not '%s'", value);
            return 1;
        }
        if (strcmp(name, "full_access") == 0) {
            if (!trygg_cfg_bool(value, &c->cur_dest->full_access))
                return trygg_cfg_fail(e, line, "full_access: expected yes or no, not '%s'", value);
            c->cur_dest->full_line = line;
            return 1;
        }
        if (strcmp(name, "email") == 0) {
            if (!trygg_cfg_str(value, c->cur_dest->email, sizeof c->cur_dest->email) ||
                (value[0] != '\0' && (strchr(value, '@') == NULL || strpbrk(value, " <>\"\r\n"))))
                return trygg_cfg_fail(e, line, "email: not an e-mail address: '%s'", value);
            c->cur_dest->has_email = 1;
            return 1;
        }
        if (strcmp(name, "webhook_url") == 0) {
            if (!trygg_cfg_str(value, c->cur_dest->webhook_url, sizeof c->cur_dest->webhook_url) ||
                (value[0] != '\0' && strncmp(value, "https://", 8) != 0 &&
                 strncmp(value, "http://", 7) != 0))
                return trygg_cfg_fail(e, line, "webhook_url: not an http(s) address: '%s'", value);
            c->cur_dest->has_webhook = 1;
            return 1;
        }
        return trygg_cfg_fail(e, line, "unknown key '%s' in [destination %s]", name,
                              c->cur_dest->name);
    }
    if (strcmp(section, "links") == 0) {
        for (size_t i = 0; i < NLINKS; i++) {
            if (strcmp(name, link_keys[i]) == 0) {
                /* Only the child-concern page may be empty: "not configured"
                 * until the municipality confirms it (the kiosks then show the
                 * number alone, and the checks say so). */
                int may_be_empty =
                    strcmp(name, "child_concern_url") == 0 || strncmp(name, "parent_", 7) == 0;
                if (!trygg_cfg_str(value, r->links[i], sizeof r->links[i]) ||
                    (value[0] == '\0' && !may_be_empty))
                    return trygg_cfg_fail(e, line, "%s: empty, too long or not UTF-8", name);
                r->has_link[i] = 1;
                return 1;
            }
        }
        return trygg_cfg_fail(e, line, "unknown key '%s' in [links]", name);
    }
    if (strcmp(section, "oncall") == 0) {
        if (strcmp(name, "email") == 0) {
            if (!trygg_cfg_str(value, r->oncall, sizeof r->oncall) ||
                (value[0] != '\0' && strchr(value, '@') == NULL))
                return trygg_cfg_fail(e, line, "email: not an e-mail address: '%s'", value);
            return 1;
        }
        return trygg_cfg_fail(e, line, "unknown key '%s' in [oncall]", name);
    }
    return 0;
}

/* Resolves names and checks the privacy invariant; records errors and
 * returns how many there were. */
#define CHECK_FAIL(...) (nfail++, trygg_cfg_fail(e, __VA_ARGS__))
static int check_routes(trygg_routes *r, trygg_cfg_errors *e)
{
    int nfail = 0;
    if (r->nrules == 0)
        CHECK_FAIL(0, "no [rule NAME] sections");
    if (find_dest(r, "security") == NULL)
        CHECK_FAIL(0, "no [destination security] (the destination of the implied "
                      "fallback rule)");
    for (int i = 0; i < r->ndests; i++) {
        struct dest *d = &r->dests[i];
        if (d->full_access < 0)
            d->full_access = strcmp(d->name, "security") == 0 && !d->company;
        else if (d->full_access && d->company)
            CHECK_FAIL(d->full_line,
                       "destination '%s' is a company and may not have full_access (it may "
                       "never see unscrubbed text, tips or call-backs)",
                       d->name);
    }
    for (int i = 0; i < r->nrules; i++) {
        struct rule *ru = &r->rules[i];
        if (ru->kinds == 0) {
            CHECK_FAIL(ru->line, "rule '%s': empty kind list", ru->name);
            continue;
        }
        if (ru->destination[0] == '\0') {
            CHECK_FAIL(ru->line, "rule '%s' has no destination", ru->name);
            continue;
        }
        struct dest *d = find_dest(r, ru->destination);
        struct dest *cp = ru->copy_to[0] != '\0' ? find_dest(r, ru->copy_to) : NULL;
        if (d == NULL)
            CHECK_FAIL(ru->dest_line, "rule '%s': unknown destination '%s'", ru->name,
                       ru->destination);
        if (ru->copy_to[0] != '\0' && cp == NULL)
            CHECK_FAIL(ru->copy_line, "rule '%s': unknown copy_to destination '%s'", ru->name,
                       ru->copy_to);
        if (ru->copy_to[0] != '\0' && strcmp(ru->copy_to, ru->destination) == 0)
            CHECK_FAIL(ru->copy_line, "rule '%s': copy_to is the destination itself", ru->name);
        int tip = (ru->kinds & (1u << TRYGG_KIND_TIP)) != 0;
        int person = ru->names_person != 0;
        if (!tip && !person)
            continue;
        const char *why = tip ? "can match tips (kind = tip)"
                              : "can match text naming a person (names_person is not 'no')";
        if (d != NULL && d->company)
            CHECK_FAIL(ru->dest_line,
                       "rule '%s' %s but its destination '%s' is a company; tips and "
                       "suspicions about persons may only go to non-company destinations",
                       ru->name, why, d->name);
        if (cp != NULL && cp->company)
            CHECK_FAIL(ru->copy_line, "rule '%s' %s but copies to company destination '%s'",
                       ru->name, why, cp->name);
    }
    return nfail;
}

trygg_err trygg_routes_load(const char *path, trygg_routes **out, trygg_cfg_error *errs, int maxerr,
                            int *nerr)
{
    if (nerr != NULL)
        *nerr = 0;
    if (out == NULL || path == NULL)
        return TRYGG_ERR_INVALID;
    *out = NULL;
    trygg_routes *r = calloc(1, sizeof *r);
    if (r == NULL)
        return TRYGG_ERR_NOMEM;
    trygg_cfg_errors e = {.errs = errs, .max = errs != NULL ? maxerr : 0, .file = path};
    struct load_ctx c;
    memset(&c, 0, sizeof c);
    c.r = r;
    trygg_err err = trygg_cfg_parse_sections(path, load_handler, &c, &e);
    int nfail = 0;
    if (err == TRYGG_OK || err == TRYGG_ERR_CONFIG)
        nfail += check_routes(r, &e);
    if (err == TRYGG_OK) {
        r->kw = trygg_keywords_default();
        if (r->kw == NULL) {
            trygg_cfg_fail(&e, 0, "keyword lists not found under %s/keywords", trygg_asset_dir());
            nfail++;
        }
    }
    /* report in file order (stable: insertion sort on a few entries) */
    for (int i = 1; i < e.n; i++) {
        trygg_cfg_error tmp = errs[i];
        int j = i;
        while (j > 0 && errs[j - 1].line > tmp.line) {
            errs[j] = errs[j - 1];
            j--;
        }
        errs[j] = tmp;
    }
    if (nerr != NULL)
        *nerr = e.n;
    if (err == TRYGG_OK && nfail > 0)
        err = TRYGG_ERR_CONFIG;
    if (err != TRYGG_OK) {
        free(r);
        return err;
    }
    *out = r;
    return TRYGG_OK;
}

trygg_err trygg_routes_default(trygg_routes **out)
{
    if (out == NULL)
        return TRYGG_ERR_INVALID;
    *out = NULL;
    char path[4096];
    trygg_err err = trygg_asset_path("config/routing.ini", path, sizeof path);
    if (err)
        return err;
    trygg_cfg_error errs[8];
    int n = 0;
    err = trygg_routes_load(path, out, errs, 8, &n);
    for (int i = 0; i < n; i++)
        TRYGG_ERR("%s:%d: %s", errs[i].file, errs[i].line, errs[i].msg);
    return err;
}

void trygg_routes_free(trygg_routes *r)
{
    free(r);
}

/* ------------------------------------------------------------------ route */

static void add_tell(trygg_route_result *out, const char *key, int first)
{
    for (int i = 0; i < out->ntell; i++) {
        if (strcmp(out->tell[i], key) == 0) {
            if (!first || i == 0)
                return;
            /* move it to the front */
            memmove(out->tell[1], out->tell[0], (size_t)i * sizeof out->tell[0]);
            TRYGG_COPY_TRUNC(out->tell[0],
                             key); /* keys are tell[] entries or short literals: they fit */
            return;
        }
    }
    if (out->ntell >= 8)
        out->ntell = 7; /* make room; the last key gives way */
    if (first) {
        memmove(out->tell[1], out->tell[0], (size_t)out->ntell * sizeof out->tell[0]);
        TRYGG_COPY_TRUNC(out->tell[0],
                         key); /* keys are tell[] entries or short literals: they fit */
    } else {
        TRYGG_COPY_TRUNC(out->tell[out->ntell],
                         key); /* keys are tell[] entries or short literals: they fit */
    }
    out->ntell++;
}

trygg_err trygg_route_item(const trygg_routes *r, const trygg_item *item, trygg_route_result *out)
{
    if (r == NULL || item == NULL || out == NULL)
        return TRYGG_ERR_INVALID;
    memset(out, 0, sizeof *out);
    int names = trygg_text_names_person(r->kw, item->text);
    int urgent_signal = trygg_text_is_urgent(r->kw, item->text, NULL);
    unsigned kbit = (item->kind >= 0 && item->kind < TRYGG_KIND_COUNT) ? 1u << item->kind : 0;
    const struct rule *hit = NULL;
    for (int i = 0; i < r->nrules && hit == NULL; i++) {
        const struct rule *ru = &r->rules[i];
        if ((ru->kinds & kbit) == 0)
            continue;
        if (!list_has(ru->categories, item->category) || !list_has(ru->areas, item->area))
            continue;
        if (ru->names_person >= 0 && ru->names_person != names)
            continue;
        hit = ru;
    }
    if (hit == NULL) {
        TRYGG_COPY_FIT(out->rule, "(fallback)");
        TRYGG_COPY_FIT(out->destination, "security");
        add_tell(out, "ack", 0);
    } else {
        TRYGG_COPY_FIT(out->rule, hit->name);
        TRYGG_COPY_FIT(out->destination, hit->destination);
        if (hit->copy_to[0] != '\0' && list_has(hit->copy_areas, item->area)) {
            /* The load check makes this impossible for tips and person-naming
             * text; keep the guard anyway, it is cheap. */
            const struct dest *cp = NULL;
            for (int i = 0; i < r->ndests; i++)
                if (strcmp(r->dests[i].name, hit->copy_to) == 0)
                    cp = &r->dests[i];
            if (cp != NULL && !(cp->company && (names || item->kind == TRYGG_KIND_TIP)))
                TRYGG_COPY_FIT(out->copy_to, hit->copy_to);
        }
        for (int i = 0; i < hit->ntell; i++)
            add_tell(out, hit->tell[i], 0);
        out->urgent = hit->urgent;
    }
    if (urgent_signal || item->urgent)
        out->urgent = 1;
    if (out->urgent)
        add_tell(out, "emergency", 1);
    return TRYGG_OK;
}

const char *trygg_routes_link(const trygg_routes *r, const char *key)
{
    if (r == NULL || key == NULL)
        return NULL;
    for (size_t i = 0; i < NLINKS; i++)
        if (r->has_link[i] && strcmp(key, link_keys[i]) == 0)
            return r->links[i];
    return NULL;
}

int trygg_routes_dest_count(const trygg_routes *r)
{
    return r != NULL ? r->ndests : 0;
}

trygg_err trygg_routes_dest_at(const trygg_routes *r, int i, const char **name, const char **label,
                               int *company)
{
    if (r == NULL || i < 0 || i >= r->ndests)
        return TRYGG_ERR_NOTFOUND;
    *name = r->dests[i].name;
    *label = r->dests[i].label;
    *company = r->dests[i].company;
    return TRYGG_OK;
}

static void fill_dest(const struct dest *d, trygg_route_dest *out)
{
    out->name = d->name;
    out->label = d->label[0] ? d->label : d->name;
    out->email = d->email;
    out->webhook_url = d->webhook_url;
    out->has_email = d->has_email;
    out->has_webhook = d->has_webhook;
    out->company = d->company;
    out->full_access = d->full_access > 0 && !d->company;
}

trygg_err trygg_routes_dest_info(const trygg_routes *r, int i, trygg_route_dest *out)
{
    if (r == NULL || out == NULL || i < 0 || i >= r->ndests)
        return TRYGG_ERR_NOTFOUND;
    fill_dest(&r->dests[i], out);
    return TRYGG_OK;
}

trygg_err trygg_routes_dest_find(const trygg_routes *r, const char *name, trygg_route_dest *out)
{
    for (int i = 0; r != NULL && name != NULL && out != NULL && i < r->ndests; i++) {
        if (strcmp(r->dests[i].name, name) == 0) {
            fill_dest(&r->dests[i], out);
            return TRYGG_OK;
        }
    }
    return TRYGG_ERR_NOTFOUND;
}

trygg_err trygg_routes_sync_store(const trygg_routes *r, trygg_store *st, int *removed)
{
    if (removed)
        *removed = 0;
    if (r == NULL || st == NULL)
        return TRYGG_ERR_INVALID;
    trygg_destination *have = calloc(ROUTE_MAX_DESTS * 4, sizeof *have);
    if (have == NULL)
        return TRYGG_ERR_NOMEM;
    int n = 0;
    trygg_err err = trygg_store_begin(st);
    if (err == TRYGG_OK)
        err = trygg_store_dest_list(st, have, ROUTE_MAX_DESTS * 4, &n);
    /* Recipients the config no longer declares are removed: they receive
     * nothing, and nobody can pick them in the staff UI. */
    for (int i = 0; err == TRYGG_OK && i < n; i++) {
        trygg_route_dest cd;
        if (trygg_routes_dest_find(r, have[i].name, &cd) == TRYGG_OK)
            continue;
        err = trygg_store_dest_delete(st, have[i].name, "config");
        if (err == TRYGG_OK && removed)
            (*removed)++;
    }
    for (int i = 0; err == TRYGG_OK && i < r->ndests; i++) {
        trygg_route_dest cd;
        fill_dest(&r->dests[i], &cd);
        trygg_destination d;
        memset(&d, 0, sizeof d);
        for (int k = 0; k < n; k++)
            if (strcmp(have[k].name, cd.name) == 0)
                d = have[k]; /* keeps the webhook secret and unset addresses */
        if (!TRYGG_COPY(d.name, cd.name) || !TRYGG_COPY(d.label, cd.label) ||
            (cd.has_email && !TRYGG_COPY(d.email, cd.email)) ||
            (cd.has_webhook && !TRYGG_COPY(d.webhook_url, cd.webhook_url))) {
            err = TRYGG_ERR_TOOBIG;
            break;
        }
        d.full_access = cd.full_access;
        err = trygg_store_dest_put(st, &d);
    }
    if (err == TRYGG_OK)
        err = trygg_store_commit(st);
    else
        trygg_store_rollback(st);
    free(have);
    return err;
}

const char *const trygg_routes_no_child_concern =
    "WARNING: [links] child_concern_url is not configured: the kiosks show the number only, no "
    "QR code for reporting concern about a child";

int trygg_routes_child_concern_missing(const trygg_routes *r)
{
    const char *v = r ? trygg_routes_link(r, "child_concern_url") : NULL;
    return !v || !v[0];
}

const char *const trygg_routes_no_parent_links =
    "WARNING: [links] parent_municipality_url and parent_police_url are not configured: the "
    "kiosks' advice for parents shows no QR codes";

int trygg_routes_parent_links_missing(const trygg_routes *r)
{
    const char *m = r ? trygg_routes_link(r, "parent_municipality_url") : NULL;
    const char *p = r ? trygg_routes_link(r, "parent_police_url") : NULL;
    return (!m || !m[0]) && (!p || !p[0]);
}

int trygg_routes_warnings(const trygg_routes *r, const char **out, int max)
{
    int n = 0;
    if (n < max && (!r || trygg_routes_oncall(r)[0] == '\0'))
        out[n++] = trygg_routes_no_oncall;
    if (n < max && trygg_routes_child_concern_missing(r))
        out[n++] = trygg_routes_no_child_concern;
    if (n < max && trygg_routes_parent_links_missing(r))
        out[n++] = trygg_routes_no_parent_links;
    return n;
}

const char *const trygg_routes_no_oncall =
    "WARNING: no on-call address ([oncall] email in the routing config): urgent texts and "
    "reports (weapon, fire, violence now) alert nobody";

const char *trygg_routes_oncall(const trygg_routes *r)
{
    return r != NULL ? r->oncall : "";
}
