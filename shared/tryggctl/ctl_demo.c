/*
 * ctl_demo.c — tryggctl demo-data: fills the queue with invented items from
 * assets/demo/items.tsv spread over the last three weeks, routed by the
 * default rules, so a fresh installation has something to show. Each line
 * has a fixed client key, so running it again adds nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"
#include "trygg/copy.h"
#include "trygg/paths.h"
#include "trygg/route.h"
#include "trygg/secret.h"
#include "trygg/time.h"

/* Unix time of `hour`:17 local time, `days_ago` days before today. */
static int64_t demo_time(int days_ago, int hour)
{
    time_t now = time(NULL);
    trygg_tm tm;
    trygg_time_local((int64_t)now, &tm);
    int64_t t = trygg_time_from_local(tm.year, tm.month, tm.day - days_ago, hour, 17, 0);
    return t > (int64_t)now ? (int64_t)now - 60 : t;
}

/* Walks the item through the statuses up to `status` ("closed:REASON"). */
static trygg_err apply_status(trygg_store *st, const trygg_item *it, const char *status,
                              int64_t first_id)
{
    trygg_status target;
    trygg_close_reason reason = TRYGG_CLOSE_NONE;
    char name[32];
    if (!TRYGG_COPY(name, status))
        return TRYGG_ERR_INVALID;
    char *colon = strchr(name, ':');
    if (colon) {
        *colon = '\0';
        if (trygg_close_reason_parse(colon + 1, &reason))
            return TRYGG_ERR_INVALID;
    }
    if (trygg_status_parse(name, &target))
        return TRYGG_ERR_INVALID;
    if (target == TRYGG_STATUS_NEW)
        return TRYGG_OK;
    trygg_err err = trygg_store_set_status(st, it->id, "demo", TRYGG_STATUS_TRIAGED, 0, 0);
    if (!err && (target == TRYGG_STATUS_FORWARDED || target == TRYGG_STATUS_IN_PROGRESS))
        err = trygg_store_set_status(st, it->id, "demo", target, 0, 0);
    if (!err && target == TRYGG_STATUS_CLOSED)
        err = trygg_store_set_status(st, it->id, "demo", TRYGG_STATUS_CLOSED, reason,
                                     reason == TRYGG_CLOSE_DUPLICATE ? first_id : 0);
    return err;
}

static int cmd_demo(ctl_ctx *ctx, int argc, char **argv)
{
    (void)argv;
    if (argc != 1) {
        ctl_error("usage: tryggctl demo-data");
        return CTL_USAGE;
    }
    char path[PATH_MAX];
    if (trygg_asset_path("demo/items.tsv", path, sizeof path)) {
        ctl_error("asset path too long");
        return CTL_STORE;
    }
    FILE *f = fopen(path, "r");
    if (!f) {
        ctl_error("cannot read %s", path);
        return CTL_STORE;
    }
    int rc = ctl_open_store(ctx, 0);
    if (rc) {
        fclose(f);
        return rc;
    }
    trygg_routes *routes = NULL;
    if (trygg_routes_default(&routes) != TRYGG_OK)
        routes = NULL;
    static char line[8192];
    static trygg_item it, out;
    int lineno = 0, added = 0, total = 0;
    int64_t first_id = 0;
    trygg_err err = TRYGG_OK;
    while (!err && fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *fields[8];
        int nf = 0;
        char *save = NULL;
        for (char *tok = strtok_r(line, "\t", &save); tok && nf < 8;
             tok = strtok_r(NULL, "\t", &save))
            fields[nf++] = tok;
        trygg_item_init(&it);
        if (nf != 8 || trygg_kind_parse(fields[2], &it.kind) ||
            trygg_channel_parse(fields[3], &it.channel) ||
            trygg_strset(it.category, sizeof it.category, fields[4]) ||
            trygg_strset(it.area, sizeof it.area, fields[5]) ||
            trygg_strset(it.text, sizeof it.text, fields[7])) {
            ctl_error("%s:%d: malformed demo line", path, lineno);
            err = TRYGG_ERR_INVALID;
            break;
        }
        snprintf(it.client_key, sizeof it.client_key, "demo-%03d", lineno);
        if (!TRYGG_COPY(it.source, it.channel == TRYGG_CHANNEL_KIOSK ? "demo-kiosk" : "demo")) {
            err = TRYGG_ERR_TOOBIG;
            break;
        }
        it.created = demo_time(atoi(fields[0]), atoi(fields[1]));
        if (it.channel == TRYGG_CHANNEL_SMS || it.channel == TRYGG_CHANNEL_VOICE) {
            /* An invented pseudonymous sender with an alias, as the gateway
             * would create it. */
            trygg_contact c;
            char pseudo[65];
            trygg_token_hash(it.client_key, pseudo);
            err = trygg_store_contact_get_or_create(ctx->st, pseudo, NULL, 0, "Tipsare T-", &c);
            if (err)
                break;
            memcpy(it.sender, pseudo, sizeof pseudo);
            TRYGG_COPY_FIT(it.alias, c.alias);
        }
        if (routes) {
            trygg_route_result r;
            if (trygg_route_item(routes, &it, &r) == TRYGG_OK) {
                TRYGG_COPY_FIT(it.destination, r.destination);
                it.urgent = r.urgent;
            }
        }
        int made = 0;
        err = trygg_store_submit(ctx->st, &it, &out, &made);
        if (err)
            break;
        total++;
        if (!first_id)
            first_id = out.id;
        if (!made)
            continue;
        added++;
        if (it.sender[0])
            err = trygg_store_add_message(ctx->st, out.id, TRYGG_MSG_IN, "smsgw", it.text, NULL);
        if (!err)
            err = apply_status(ctx->st, &out, fields[6], first_id);
    }
    fclose(f);
    trygg_routes_free(routes);
    if (err)
        return err == TRYGG_ERR_INVALID && !ctx->st ? CTL_USAGE
                                                    : ctl_store_fail(ctx, err, "demo-data");
    printf("demo data: %d items (%d new)\n", total, added);
    return CTL_OK;
}
CTL_COMMAND(demo, "demo-data",
            "  demo-data                 add ~30 invented items over the last 3 weeks (idempotent)",
            cmd_demo)
