/*
 * http_resp.c — the parts of http.h that need no HTTP server: building a
 * response, and reading decoded query arguments and form fields. Shared by
 * http_mhd.c and the fuzz targets' stand-in for it (tests/fuzz), so there is
 * one implementation of each.
 */
#include "http.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trygg/copy.h"

/* ---- responses ------------------------------------------------------------ */

int http_resp_set(http_resp *resp, int status, const char *ctype, const char *body, size_t len)
{
    char ctype_copy[sizeof resp->content_type];
    if (!TRYGG_COPY(ctype_copy, ctype ? ctype : "text/plain"))
        return -1;
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return -1;
    if (len)
        memcpy(copy, body, len);
    copy[len] = '\0';
    free(resp->body);
    resp->body = copy;
    resp->len = len;
    resp->status = status;
    TRYGG_COPY_FIT(resp->content_type, ctype_copy);
    return 0;
}

int http_resp_json(http_resp *resp, int status, json_t *obj)
{
    if (obj == NULL)
        return -1;
    char *s = json_dumps(obj, JSON_COMPACT);
    json_decref(obj);
    if (s == NULL)
        return -1;
    free(resp->body);
    resp->body = s;
    resp->len = strlen(s);
    resp->status = status;
    snprintf(resp->content_type, sizeof resp->content_type, "application/json");
    return 0;
}

int http_resp_header(http_resp *resp, const char *name, const char *value)
{
    if (resp->nheaders >= HTTP_MAX_HEADERS || name == NULL || value == NULL)
        return -1;
    /* Header injection guard: no CR/LF in either part. */
    if (strpbrk(name, "\r\n:") || strpbrk(value, "\r\n"))
        return -1;
    char *n = strdup(name), *v = strdup(value);
    if (n == NULL || v == NULL) {
        free(n);
        free(v);
        return -1;
    }
    resp->headers[resp->nheaders].name = n;
    resp->headers[resp->nheaders].value = v;
    resp->nheaders++;
    return 0;
}

int http_resp_redirect(http_resp *resp, const char *location)
{
    if (http_resp_set(resp, 303, "text/plain; charset=utf-8", "", 0) != 0)
        return -1;
    return http_resp_header(resp, "Location", location);
}

void http_resp_free(http_resp *resp)
{
    free(resp->body);
    resp->body = NULL;
    for (int i = 0; i < resp->nheaders; i++) {
        free((char *)resp->headers[i].name);
        free((char *)resp->headers[i].value);
    }
    resp->nheaders = 0;
}

/* ---- request fields ---------------------------------------------------------- */

const char *http_query(const http_req *r, const char *name)
{
    for (int i = 0; i < r->nquery; i++)
        if (strcmp(r->query[i].name, name) == 0)
            return r->query[i].value;
    return NULL;
}

const char *http_form(const http_req *r, const char *name)
{
    for (int i = 0; i < r->nform; i++)
        if (strcmp(r->form[i].name, name) == 0)
            return r->form[i].value;
    return NULL;
}

const char *http_form_file(const http_req *r, const char *name, size_t *len)
{
    if (!r->file_field || strcmp(r->file_field, name) != 0)
        return NULL;
    *len = r->file_len;
    return r->file_data;
}
