/*
 * fuzz_open311.c — libFuzzer target: the Open311 request parser
 * (POST /open311/v2/requests.json in server/open311.c), JSON or form body.
 *
 * Input: byte 0 picks the body type (bit 0: 0 = JSON, 1 = urlencoded form,
 * split here at '&' and '=' as libmicrohttpd would hand it over; bit 1:
 * no Content-Type at all; bit 2: POST to requests.xml, the answer then being
 * XML that libxml2 must parse, with <service_requests> or <errors> as root);
 * the rest is the body. The real handler runs with
 * http.h from fuzz_http_fake.c; intake_submit (below) stands where the
 * store would be and checks what the parser accepted: a fault in a known
 * fault category, description (optional) valid UTF-8 within 4000 bytes, a
 * place, a known area or "other", contact only with consent and within its
 * cap, and an item that trygg_item_validate accepts. The response is always
 * a JSON array (or its XML form): 201 with one object exactly when an item
 * was submitted, otherwise 400/403/404/415.
 */
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz_http_fake.h"
#include "intake.h"
#include "server.h"
#include "trygg/log.h"
#include "trygg/ref.h"
#include "trygg/text.h"

static server_ctx fctx;
static int submitted;

static void check_str(const char *s, size_t cap)
{
    size_t n = strnlen(s, cap);
    if (n == cap || !trygg_utf8_valid(s, n))
        abort();
}

/* The kiosk path (api.c's h_submit) is not reached by this target. */
trygg_err intake_submit_follow(server_ctx *ctx, trygg_item *item, char *secret, int *created,
                               const char **field)
{
    (void)ctx, (void)item, (void)secret, (void)created, (void)field;
    abort();
}

trygg_err intake_submit(server_ctx *ctx, trygg_item *it, int *created, const char **field)
{
    if (field)
        *field = NULL;
    check_str(it->category, sizeof it->category);
    check_str(it->area, sizeof it->area);
    check_str(it->place, sizeof it->place);
    check_str(it->text, sizeof it->text);
    check_str(it->contact, sizeof it->contact);
    check_str(it->client_key, sizeof it->client_key);
    if (it->kind != TRYGG_KIND_FAULT || it->channel != TRYGG_CHANNEL_OPEN311 ||
        strcmp(it->source, "open311") != 0 || strncmp(it->client_key, "o311-", 5) != 0)
        abort();
    if (config_category_find(&ctx->cfg, TRYGG_KIND_FAULT, it->category) == NULL)
        abort();
    if (it->place[0] == '\0')
        abort();
    if (strcmp(it->area, "other") != 0 && config_area_find(&ctx->cfg, it->area) == NULL)
        abort();
    if (it->contact[0] && it->consent != 1)
        abort();
    const char *bad = NULL;
    if (trygg_item_validate(it, &bad) != TRYGG_OK) {
        fprintf(stderr, "fuzz_open311: accepted by Open311, refused by trygg_item_validate: %s\n",
                bad ? bad : "?");
        abort();
    }
    trygg_ref_from_key(it->client_key, it->ref);
    it->id = 1;
    *created = 1;
    submitted++;
    return TRYGG_OK;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fuzz_catalog(&fctx);
    trygg_log_set_level(TRYGG_LOG_ERR);
    return 0;
}

/* Splits a form body in place into f->req.form (no percent-decoding: the
 * values reach the handler as arbitrary bytes, as after decoding). */
static void split_form(fuzz_req *f, char *body)
{
    char *save = NULL;
    for (char *t = strtok_r(body, "&", &save); t && f->req.nform < HTTP_MAX_FIELDS;
         t = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(t, '=');
        if (eq)
            *eq++ = '\0';
        f->req.form[f->req.nform].name = t;
        f->req.form[f->req.nform].value = eq ? eq : "";
        f->req.nform++;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 64 * 1024)
        return 0;
    int form = data[0] & 1, no_ct = data[0] & 2, xml = data[0] & 4;
    size_t len = size - 1;
    char *body = malloc(len + 1);
    char *split = malloc(len + 1);
    if (body == NULL || split == NULL)
        abort();
    memcpy(body, data + 1, len);
    body[len] = '\0';
    memcpy(split, body, len + 1);

    fuzz_req f;
    fuzz_req_init(&f, "POST", xml ? "/open311/v2/requests.xml" : "/open311/v2/requests.json", body,
                  len);
    if (!no_ct)
        fuzz_req_header(&f, "Content-Type",
                        form ? "application/x-www-form-urlencoded" : "application/json");
    if (form)
        split_form(&f, split);

    http_resp resp = {0};
    submitted = 0;
    open311_routes[1].handler(&fctx, &f.req, &resp);
    fuzz_resp_check(&resp, JSON_ARRAY);
    if (xml) {
        /* Well-formed XML, the root the spec names, the status in it. */
        xmlDocPtr d = xmlReadMemory(resp.body, (int)resp.len, NULL, NULL,
                                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        xmlNodePtr root = d ? xmlDocGetRootElement(d) : NULL;
        const char *want = resp.status == 201 ? "service_requests" : "errors";
        if (root == NULL || strcmp((const char *)root->name, want) != 0 ||
            strncmp(resp.content_type, "text/xml", 8) != 0)
            abort();
        xmlFreeDoc(d);
        if (submitted != (resp.status == 201))
            abort();
    } else if (submitted) {
        json_t *a = json_loadb(resp.body, resp.len, 0, NULL);
        if (resp.status != 201 || json_array_size(a) != 1 ||
            !json_is_string(json_object_get(json_array_get(a, 0), "service_request_id")))
            abort();
        json_decref(a);
    }
    if (!submitted && resp.status != 400 && resp.status != 403 && resp.status != 404 &&
        resp.status != 415) {
        abort();
    }
    if (no_ct && resp.status != 415)
        abort();
    http_resp_free(&resp);
    free(body);
    free(split);
    return 0;
}
