/*
 * ctl_items.c — tryggctl list, show, export, purge and check: reading the
 * queue from the command line, retention by hand, config checks.
 */
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"
#include "trygg/csv.h"
#include "trygg/ref.h"
#include "trygg/route.h"
#include "trygg/text.h"
#include "trygg/time.h"
#include "trygg/utf8.h"

#define PAGE 100

typedef struct list_opts {
    trygg_filter f;
    long limit;   /* 0 = all (export) */
    int scrubbed; /* export: scrub free text */
    const char *format;
} list_opts;

/* "YYYY-MM-DD" in local time -> unix seconds at local midnight. */
static int parse_day(const char *s, int64_t *out)
{
    return trygg_time_parse_day(s, out) == TRYGG_OK ? 0 : -1;
}

static int set_field(char *dst, size_t cap, const char *v, const char *opt)
{
    if (trygg_strset(dst, cap, v) != TRYGG_OK) {
        ctl_error("--%s: too long or not UTF-8", opt);
        return -1;
    }
    return 0;
}

/* The text filters: option letter, name, and where the value goes. */
static const struct {
    int letter;
    const char *name;
    size_t off, cap;
} text_opts[] = {
    {'a', "area", offsetof(trygg_filter, area), sizeof((trygg_filter *)0)->area},
    {'c', "category", offsetof(trygg_filter, category), sizeof((trygg_filter *)0)->category},
    {'D', "destination", offsetof(trygg_filter, destination),
     sizeof((trygg_filter *)0)->destination},
    {'q', "query", offsetof(trygg_filter, query), sizeof((trygg_filter *)0)->query},
};

/* --status, --kind, --channel: a name of the item model. */
static int set_enum_opt(int c, const char *v, list_opts *o)
{
    trygg_status st;
    trygg_kind kd;
    trygg_channel ch;
    if (c == 's') {
        if (trygg_status_parse(v, &st) != TRYGG_OK) {
            ctl_error("--status: one of new, triaged, forwarded, in_progress, closed");
            return CTL_USAGE;
        }
        o->f.status = (int)st;
    } else if (c == 'k') {
        if (trygg_kind_parse(v, &kd) != TRYGG_OK) {
            ctl_error("--kind: one of concern, fault, tip, watch_signup, walk_signup, "
                      "callback");
            return CTL_USAGE;
        }
        o->f.kind = (int)kd;
    } else {
        if (trygg_channel_parse(v, &ch) != TRYGG_OK) {
            ctl_error("--channel: one of kiosk, sms, voice, open311, staff");
            return CTL_USAGE;
        }
        o->f.channel = (int)ch;
    }
    return CTL_OK;
}

/* Applies one option (getopt_long's letter c, its argument v) to o. */
static int apply_list_opt(int c, const char *v, list_opts *o)
{
    char *end;
    for (size_t i = 0; i < sizeof text_opts / sizeof text_opts[0]; i++)
        if (text_opts[i].letter == c)
            return set_field((char *)&o->f + text_opts[i].off, text_opts[i].cap, v,
                             text_opts[i].name)
                       ? CTL_USAGE
                       : CTL_OK;
    switch (c) {
    case 's':
    case 'k':
    case 'C':
        return set_enum_opt(c, v, o);
    case 'u':
        o->f.urgent = 1;
        return CTL_OK;
    case 'o':
        o->f.open_only = 1;
        return CTL_OK;
    case 'F':
    case 'T':
        if (parse_day(v, c == 'F' ? &o->f.from : &o->f.to)) {
            ctl_error("--%s: expected YYYY-MM-DD", c == 'F' ? "from" : "to");
            return CTL_USAGE;
        }
        return CTL_OK;
    case 'n':
        o->limit = strtol(v, &end, 10);
        if (*end || o->limit < 1 || o->limit > 100000) {
            ctl_error("--limit: a number 1..100000");
            return CTL_USAGE;
        }
        return CTL_OK;
    case 'f':
        o->format = v;
        return CTL_OK;
    case 'S':
        o->scrubbed = 1;
        return CTL_OK;
    default:
        return CTL_USAGE;
    }
}

/* Parses the filter options shared by list and export. */
static int parse_list_opts(int argc, char **argv, list_opts *o, int export)
{
    static const struct option opts[] = {{"status", required_argument, NULL, 's'},
                                         {"kind", required_argument, NULL, 'k'},
                                         {"channel", required_argument, NULL, 'C'},
                                         {"area", required_argument, NULL, 'a'},
                                         {"category", required_argument, NULL, 'c'},
                                         {"destination", required_argument, NULL, 'D'},
                                         {"query", required_argument, NULL, 'q'},
                                         {"urgent", no_argument, NULL, 'u'},
                                         {"open", no_argument, NULL, 'o'},
                                         {"from", required_argument, NULL, 'F'},
                                         {"to", required_argument, NULL, 'T'},
                                         {"limit", required_argument, NULL, 'n'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"scrubbed", no_argument, NULL, 'S'},
                                         {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    trygg_filter_init(&o->f);
    o->limit = export ? 0 : 50;
    o->format = "csv";
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
        if (apply_list_opt(c, optarg, o) != CTL_OK)
            return CTL_USAGE;
    if (optind != argc) {
        ctl_error("unexpected argument '%s'", argv[optind]);
        return CTL_USAGE;
    }
    if (!export && (o->scrubbed || strcmp(o->format, "csv") != 0)) {
        ctl_error("--format and --scrubbed are for export");
        return CTL_USAGE;
    }
    /* The administrator's tool reads the full copy; --scrubbed exports what a
     * recipient without full access sees (the store's shared view). */
    o->f.view = o->scrubbed ? TRYGG_VIEW_SHARED : TRYGG_VIEW_FULL;
    if (export && strcmp(o->format, "csv") != 0) {
        ctl_error("--format: only csv is supported");
        return CTL_USAGE;
    }
    return CTL_OK;
}

/* Copies at most `max` characters (code points) of s, one line, into out. */
static const char *excerpt(const char *s, size_t max, char *out, size_t cap)
{
    size_t o = 0, len = strlen(s);
    for (size_t i = 0, chars = 0; i < len; chars++) {
        uint32_t cp;
        size_t n = trygg_utf8_next_lossy(s + i, len - i, &cp); /* a bad byte alone */
        if (o + n + 4 >= cap)
            break;
        if (chars == max) {
            memcpy(out + o, "\xe2\x80\xa6", 3); /* the tail becomes an ellipsis */
            o += 3;
            break;
        }
        for (size_t k = 0; k < n; k++, i++)
            out[o++] = (s[i] == '\n' || s[i] == '\r' || s[i] == '\t') ? ' ' : s[i];
    }
    out[o] = '\0';
    return out;
}

static int cmd_list(ctl_ctx *ctx, int argc, char **argv)
{
    list_opts o;
    int rc = parse_list_opts(argc, argv, &o, 0);
    if (rc)
        return rc;
    rc = ctl_open_store(ctx, 0);
    if (rc)
        return rc;
    static trygg_item items[PAGE];
    trygg_cursor cur = {0}, next;
    long shown = 0;
    printf("%-7s %-11s %-12s %-14s %-16s %-16s %s\n", "REF", "STATUS", "KIND", "AREA", "CATEGORY",
           "CREATED", "TEXT");
    do {
        int want = (int)(o.limit - shown < PAGE ? o.limit - shown : PAGE), n;
        trygg_err err = trygg_store_list(ctx->st, &o.f, &cur, items, want, &n, &next);
        if (err)
            return ctl_store_fail(ctx, err, "list");
        for (int i = 0; i < n; i++) {
            char t[32], ex[256];
            printf("%-7s %-11s %-12s %-14s %-16s %-16s %s%s\n", items[i].ref,
                   trygg_status_name(items[i].status), trygg_kind_name(items[i].kind),
                   items[i].area[0] ? items[i].area : "-",
                   items[i].category[0] ? items[i].category : "-", ctl_time(items[i].created, t),
                   items[i].urgent ? "[!] " : "", excerpt(items[i].text, 50, ex, sizeof ex));
        }
        shown += n;
        cur = next;
    } while (next.valid && shown < o.limit);
    return CTL_OK;
}
CTL_COMMAND(list, "list",
            "  list [--status S] [--kind K] [--channel C] [--area A] [--category C]\n"
            "       [--destination D] [--query TEXT] [--urgent] [--open]\n"
            "       [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--limit N]   newest first",
            cmd_list)

static int cmd_show(ctl_ctx *ctx, int argc, char **argv)
{
    if (argc != 2) {
        ctl_error("usage: tryggctl show REF");
        return CTL_USAGE;
    }
    char ref[TRYGG_REF_LEN + 1];
    if (trygg_ref_normalise(argv[1], ref) != TRYGG_OK) {
        ctl_error("'%s' is not a reference (like K7-4QX2)", argv[1]);
        return CTL_USAGE;
    }
    int rc = ctl_open_store(ctx, 0);
    if (rc)
        return rc;
    static trygg_item it;
    trygg_err err = trygg_store_get_by_ref(ctx->st, ref, &it);
    if (err)
        return ctl_store_fail(ctx, err, ref);
    char t1[32], t2[32], t3[32];
    printf("ref:          %s\n", it.ref);
    printf("status:       %s%s%s\n", trygg_status_name(it.status), it.close_reason ? " / " : "",
           it.close_reason ? trygg_close_reason_name(it.close_reason) : "");
    if (it.duplicate_of) {
        static trygg_item dup;
        if (trygg_store_get(ctx->st, it.duplicate_of, &dup) == TRYGG_OK)
            printf("duplicate of: %s\n", dup.ref);
    }
    printf("kind:         %s\n", trygg_kind_name(it.kind));
    printf("category:     %s\n", it.category);
    printf("area:         %s\n", it.area);
    if (it.place[0])
        printf("place:        %s\n", it.place);
    if (it.when_date[0] || it.when_band[0])
        printf("when:         %s %s\n", it.when_date, it.when_band);
    printf("channel:      %s (%s)\n", trygg_channel_name(it.channel), it.source);
    if (it.alias[0])
        printf("sender:       %s\n", it.alias);
    printf("urgent:       %s\n", it.urgent ? "yes" : "no");
    printf("destination:  %s\n", it.destination[0] ? it.destination : "-");
    printf("language:     %s\n", it.lang);
    printf("created:      %s\n", ctl_time(it.created, t1));
    printf("updated:      %s\n", ctl_time(it.updated, t2));
    printf("purge at:     %s%s\n", ctl_time(it.purge_at, t3), it.purged ? " (purged)" : "");
    if (it.contact[0])
        printf("contact:      %s\n", it.contact);
    printf("text:\n  %s\n", it.text[0] ? it.text : "-");

    enum { MAXM = 200 };
    trygg_message *m = calloc(MAXM, sizeof *m);
    trygg_audit *a = calloc(MAXM, sizeof *a);
    int n = 0;
    if (!m || !a) {
        free(m);
        free(a);
        ctl_error("out of memory");
        return CTL_STORE;
    }
    err = trygg_store_list_messages(ctx->st, it.id, TRYGG_VIEW_FULL, m, MAXM, &n);
    if (!err && n) {
        static const char *const dirs[] = {"in", "out", "note"};
        printf("thread:\n");
        for (int i = 0; i < n; i++)
            printf("  %s %-4s %s: %s\n", ctl_time(m[i].created, t1), dirs[m[i].dir], m[i].author,
                   m[i].text);
    }
    if (!err)
        err = trygg_store_list_audit(ctx->st, it.id, a, MAXM, &n);
    if (!err) {
        printf("audit:\n");
        for (int i = 0; i < n; i++)
            printf("  %s %s %s %s\n", ctl_time(a[i].at, t1), a[i].actor, a[i].action, a[i].detail);
    }
    free(m);
    free(a);
    if (err)
        return ctl_store_fail(ctx, err, "show");
    return CTL_OK;
}
CTL_COMMAND(show, "show", "  show REF                  one item with its thread and audit trail",
            cmd_show)

/* Writes one CSV row (trygg_csv_field: quoted, formula-guarded) to f.
 * Returns 0, or -1 if a field is over the row cap or memory ran out. */
static int csv_row(FILE *f, const char *const *cells, size_t n)
{
    trygg_buf b;
    trygg_buf_init(&b, 4u * 1024 * 1024);
    trygg_err e = TRYGG_OK;
    for (size_t i = 0; i < n && !e; i++)
        e = trygg_csv_field(&b, cells[i], i == 0);
    if (!e)
        e = trygg_csv_end(&b);
    if (!e)
        fputs(trygg_buf_str(&b), f);
    trygg_buf_free(&b);
    return e ? -1 : 0;
}

static int cmd_export(ctl_ctx *ctx, int argc, char **argv)
{
    list_opts o;
    int rc = parse_list_opts(argc, argv, &o, 1);
    if (rc)
        return rc;
    rc = ctl_open_store(ctx, 0);
    if (rc)
        return rc;
    static const char *const head[] = {
        "ref",       "created", "updated", "status",  "close_reason", "kind",        "category",
        "area",      "place",   "channel", "source",  "urgent",       "destination", "when_date",
        "when_band", "lang",    "sender",  "contact", "text"};
    const size_t ncol = sizeof head / sizeof head[0];
    if (csv_row(stdout, head, ncol) != 0)
        return ctl_store_fail(ctx, TRYGG_ERR_NOMEM, "export");
    static trygg_item items[PAGE];
    trygg_cursor cur = {0}, next;
    long done = 0;
    do {
        int want = PAGE, n;
        if (o.limit && o.limit - done < PAGE)
            want = (int)(o.limit - done);
        trygg_err err = trygg_store_list(ctx->st, &o.f, &cur, items, want, &n, &next);
        if (err)
            return ctl_store_fail(ctx, err, "export");
        for (int i = 0; i < n; i++) {
            trygg_item *it = &items[i];
            char c1[32], c2[32], urgent[4];
            snprintf(urgent, sizeof urgent, "%d", it->urgent);
            const char *text = it->text, *place = it->place, *contact = it->contact;
            const char *sender = it->alias;
            const char *row[] = {it->ref,
                                 ctl_time(it->created, c1),
                                 ctl_time(it->updated, c2),
                                 trygg_status_name(it->status),
                                 trygg_close_reason_name(it->close_reason),
                                 trygg_kind_name(it->kind),
                                 it->category,
                                 it->area,
                                 place,
                                 trygg_channel_name(it->channel),
                                 it->source,
                                 urgent,
                                 it->destination,
                                 it->when_date,
                                 it->when_band,
                                 it->lang,
                                 sender,
                                 contact,
                                 text};
            if (csv_row(stdout, row, ncol) != 0)
                return ctl_store_fail(ctx, TRYGG_ERR_TOOBIG, "export");
        }
        done += n;
        cur = next;
    } while (next.valid && (o.limit == 0 || done < o.limit));
    if (fflush(stdout) != 0 || ferror(stdout)) {
        ctl_error("export: write error");
        return CTL_STORE;
    }
    /* Every export is in the access log of personal data, as in the staff UI. */
    const char *who = getenv("SUDO_USER") ? getenv("SUDO_USER") : getenv("USER");
    char actor[TRYGG_NAME_MAX + 1], detail[64];
    snprintf(actor, sizeof actor, "tryggctl:%.40s", who && *who ? who : "?");
    snprintf(detail, sizeof detail, "%ld rows%s", done, o.scrubbed ? ", scrubbed" : "");
    if (trygg_store_access_add(ctx->st, actor, "export_csv", 0, detail) != TRYGG_OK)
        return ctl_store_fail(ctx, TRYGG_ERR_DB, "export: access log");
    return CTL_OK;
}
CTL_COMMAND(export, "export",
            "  export --format csv [--scrubbed] [list filters]   CSV on stdout; --scrubbed\n"
            "                            removes phone numbers, e-mail, personal numbers, contacts",
            cmd_export)

static int cmd_purge(ctl_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {{"now", required_argument, NULL, 'n'}, {NULL, 0, NULL, 0}};
    int64_t now = (int64_t)time(NULL);
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        char *end;
        if (c != 'n')
            return CTL_USAGE;
        long long v = strtoll(optarg, &end, 10);
        if (*end || v <= 0) {
            ctl_error("--now: unix seconds");
            return CTL_USAGE;
        }
        now = v;
    }
    if (optind != argc) {
        ctl_error("usage: tryggctl purge [--now UNIXTIME]");
        return CTL_USAGE;
    }
    int rc = ctl_open_store(ctx, 0);
    if (rc)
        return rc;
    int n = 0;
    trygg_err err = trygg_store_purge(ctx->st, now, &n);
    if (err)
        return ctl_store_fail(ctx, err, "purge");
    printf("purged %d items\n", n);
    return CTL_OK;
}
CTL_COMMAND(purge, "purge",
            "  purge [--now UNIXTIME]    remove text and contact data past retention", cmd_purge)

static int cmd_check(ctl_ctx *ctx, int argc, char **argv)
{
    (void)ctx;
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                         {"kind", required_argument, NULL, 'k'},
                                         {NULL, 0, NULL, 0}};
    const char *file = NULL, *kind = "routing";
    int c;
    while ((c = getopt_long(argc, argv, "c:k:", opts, NULL)) != -1) {
        if (c == 'c')
            file = optarg;
        else if (c == 'k')
            kind = optarg;
        else
            return CTL_USAGE;
    }
    if (!file || optind != argc) {
        ctl_error("usage: tryggctl check -c FILE [--kind routing]");
        return CTL_USAGE;
    }
    if (strcmp(kind, "routing") != 0) {
        ctl_error("check --kind %s: only routing configs can be checked by tryggctl so far "
                  "(use the daemon's -n)",
                  kind);
        return CTL_USAGE;
    }
    enum { MAXERR = 100 };
    static trygg_cfg_error errs[MAXERR];
    int nerr = 0;
    trygg_routes *r = NULL;
    trygg_err err = trygg_routes_load(file, &r, errs, MAXERR, &nerr);
    const char *warn[TRYGG_ROUTES_WARNINGS_MAX];
    int nwarn = err == TRYGG_OK ? trygg_routes_warnings(r, warn, TRYGG_ROUTES_WARNINGS_MAX) : 0;
    trygg_routes_free(r);
    for (int i = 0; i < nerr; i++)
        fprintf(stderr, "%s:%d: %s\n", errs[i].file[0] ? errs[i].file : file, errs[i].line,
                errs[i].msg);
    if (err) {
        if (nerr == 0)
            fprintf(stderr, "%s:0: %s\n", file, trygg_strerror(err));
        return CTL_USAGE;
    }
    printf("%s: ok\n", file);
    for (int i = 0; i < nwarn; i++) {
        printf("%s: %s\n", file, warn[i]);
        if (warn[i] == trygg_routes_no_oncall) /* urgent texts alert nobody: loud */
            fprintf(stderr, "%s: %s\n", file, warn[i]);
    }
    return CTL_OK;
}
CTL_COMMAND(check, "check",
            "  check -c FILE [--kind routing]   check a config file, errors as "
            "file:line: message",
            cmd_check)
