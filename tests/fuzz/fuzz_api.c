/*
 * fuzz_api.c — libFuzzer target: the kiosk API's submission parser
 * (server/api.c: api_body_object + parse_submission, the code between the
 * request body and intake_submit in h_submit) on arbitrary bodies.
 *
 * api.c is included so its static parser is reachable without changing it;
 * http.h comes from fuzz_http_fake.c. Checks: no crash or leak; a rejected
 * body has only known field names with known error codes, and its error
 * response is a JSON object; an accepted body gives an item that
 * trygg_item_validate accepts (what intake_submit checks next), with every
 * string field valid UTF-8 within its cap, the fields that the kind needs,
 * contact only with consent, and a known kind, band and language.
 */
#include "../../server/api.c"

#include <stdint.h>

#include "fuzz_http_fake.h"

/* Not reached by this target (h_submit is not called); defined for the link. */
trygg_err intake_submit(server_ctx *ctx, trygg_item *item, int *created, const char **field)
{
    (void)ctx, (void)item, (void)created, (void)field;
    abort();
}

trygg_err intake_submit_follow(server_ctx *ctx, trygg_item *item, char *secret, int *created,
                               const char **field)
{
    (void)ctx, (void)item, (void)secret, (void)created, (void)field;
    abort();
}

static server_ctx fctx;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fuzz_catalog(&fctx);
    trygg_log_set_level(TRYGG_LOG_ERR);
    return 0;
}

/* A NUL-terminated string field of cap bytes: terminated, valid UTF-8. */
static void check_str(const char *s, size_t cap)
{
    size_t n = strnlen(s, cap);
    if (n == cap || !trygg_utf8_valid(s, n))
        abort();
}

static int in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return 1;
    return 0;
}

static void check_rejected(json_t *fields)
{
    static const char *const names[] = {"uuid", "kind", "category", "area",    "when",
                                        "text", "lang", "consent",  "contact", "walk_id"};
    static const char *const codes[] = {"required", "invalid", "type", "too_long",
                                        "consent_required"};
    const char *key;
    json_t *v;
    json_object_foreach(fields, key, v)
    {
        if (!in_list(key, names, sizeof names / sizeof names[0]) || !json_is_string(v) ||
            !in_list(json_string_value(v), codes, sizeof codes / sizeof codes[0]))
            abort();
    }
}

static void check_accepted(trygg_item *it)
{
    check_str(it->client_key, sizeof it->client_key);
    check_str(it->category, sizeof it->category);
    check_str(it->area, sizeof it->area);
    check_str(it->when_band, sizeof it->when_band);
    check_str(it->when_date, sizeof it->when_date);
    check_str(it->text, sizeof it->text);
    check_str(it->lang, sizeof it->lang);
    check_str(it->contact, sizeof it->contact);
    if (strlen(it->client_key) < 8)
        abort();
    if (it->kind != TRYGG_KIND_CONCERN && it->kind != TRYGG_KIND_FAULT &&
        it->kind != TRYGG_KIND_WATCH_SIGNUP && it->kind != TRYGG_KIND_WALK_SIGNUP)
        abort();
    int needs_cat = it->kind == TRYGG_KIND_CONCERN || it->kind == TRYGG_KIND_FAULT;
    if (needs_cat && (it->category[0] == '\0' || it->area[0] == '\0'))
        abort();
    if (it->kind == TRYGG_KIND_WALK_SIGNUP && it->walk_id <= 0)
        abort();
    if (it->when_band[0] && !in_list(it->when_band, bands, sizeof bands / sizeof bands[0]))
        abort();
    if (it->when_band[0] && it->when_date[0])
        abort();
    if (!in_list(it->lang, config_langs, CONFIG_NLANGS))
        abort();
    if (it->contact[0] && !it->consent)
        abort();
    if (it->consent != 0 && it->consent != 1)
        abort();
    /* What h_submit does next: the reference, then intake's validation. */
    trygg_ref_from_key(it->client_key, it->ref);
    const char *bad = NULL;
    if (trygg_item_validate(it, &bad) != TRYGG_OK) {
        fprintf(stderr, "fuzz_api: accepted by the API, refused by trygg_item_validate: %s\n",
                bad ? bad : "?");
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > API_MAX_BODY + 16)
        return 0;
    fuzz_req f;
    fuzz_req_init(&f, "POST", "/api/v1/submissions", (const char *)data, size);
    fuzz_req_header(&f, "Content-Type", "application/json; charset=utf-8");
    http_resp resp = {0};
    json_t *o = api_body_object(&f.req, &resp, API_MAX_BODY);
    if (o == NULL) {
        if (resp.status != 400 && resp.status != 413)
            abort();
        fuzz_resp_check(&resp, JSON_OBJECT);
        http_resp_free(&resp);
        return 0;
    }
    trygg_item *item = malloc(sizeof *item);
    json_t *fields = json_object();
    if (item == NULL || fields == NULL)
        abort();
    trygg_item_init(item);
    item->channel = TRYGG_CHANNEL_KIOSK;
    snprintf(item->source, sizeof item->source, "%s", "kiosk-1");
    parse_submission(&fctx, o, item, fields);
    json_decref(o);
    if (json_object_size(fields) > 0) {
        check_rejected(fields);
        api_error_fields(&resp, 400, "validation", fields);
        fuzz_resp_check(&resp, JSON_OBJECT);
    } else {
        json_decref(fields);
        check_accepted(item);
    }
    http_resp_free(&resp);
    free(item);
    return 0;
}
