/*
 * police_events.c — fetch (libcurl) and store (jansson, SQLite) the police's
 * public events feed. See police_events.h for the contract.
 */
#include "store_internal.h"
#include "trygg/police_events.h"
#include "trygg/report.h"
#include "trygg/log.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char police_schema[] =
    "CREATE TABLE IF NOT EXISTS police_events(id INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
    " datetime TEXT NOT NULL DEFAULT '', name TEXT NOT NULL DEFAULT '',"
    " summary TEXT NOT NULL DEFAULT '', url TEXT NOT NULL DEFAULT '',"
    " type TEXT NOT NULL DEFAULT '', location_name TEXT NOT NULL DEFAULT '',"
    " gps TEXT NOT NULL DEFAULT '', fetched INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS police_events_at ON police_events(at);";

trygg_err trygg_police_db_init(trygg_store *st)
{
    return trygg_st_exec(st, police_schema);
}

static int two(const char *s)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return -1;
    return (s[0] - '0') * 10 + (s[1] - '0');
}

int64_t trygg_police_parse_time(const char *s)
{
    int y, mo, d, h, mi, sec, oh, om, n = 0;
    char sign;
    if (!s || sscanf(s, "%4d-%2d-%2d %2d:%2d:%2d %c%n", &y, &mo, &d, &h, &mi, &sec, &sign, &n) != 7)
        return -1;
    if ((sign != '+' && sign != '-') || strlen(s + n) != 5 || s[n + 2] != ':')
        return -1;
    oh = two(s + n);
    om = two(s + n + 3);
    if (oh < 0 || om < 0 || oh > 14 || om > 59 || y < 1970 || mo < 1 || mo > 12 || d < 1 ||
        d > 31 || h > 23 || mi > 59 || sec > 60)
        return -1;
    int64_t off = (int64_t)(oh * 3600 + om * 60) * (sign == '+' ? 1 : -1);
    return trygg_civil_to_unix(y, mo, d, h, mi, sec) - off;
}

static const char *jstr(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? v : "";
}

static void fail(char *err, size_t cap, const char *msg)
{
    if (err && cap)
        snprintf(err, cap, "%s", msg);
}

trygg_err trygg_police_store_json(trygg_store *st, const char *json, size_t len, const char *origin,
                                  int *stored, int *skipped, char *err, size_t errcap)
{
    if (stored)
        *stored = 0;
    if (skipped)
        *skipped = 0;
    if (!st || !json) {
        fail(err, errcap, "no input");
        return TRYGG_ERR_INVALID;
    }
    json_error_t je;
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        if (err && errcap)
            snprintf(err, errcap, "malformed JSON at line %d: %s", je.line, je.text);
        return TRYGG_ERR_INVALID;
    }
    if (!json_is_array(root)) {
        json_decref(root);
        fail(err, errcap, "feed is not a JSON array");
        return TRYGG_ERR_INVALID;
    }
    trygg_err e = trygg_st_tx_begin(st);
    if (!e)
        e = trygg_police_db_init(st);
    sqlite3_stmt *s = NULL;
    if (!e)
        e = trygg_st_prepare(st,
                             "INSERT INTO police_events(id, at, datetime, name, summary, url,"
                             " type, location_name, gps, fetched)"
                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
                             " ON CONFLICT(id) DO UPDATE SET at = excluded.at,"
                             " datetime = excluded.datetime, name = excluded.name,"
                             " summary = excluded.summary, url = excluded.url,"
                             " type = excluded.type, location_name = excluded.location_name,"
                             " gps = excluded.gps, fetched = excluded.fetched",
                             &s);
    int64_t now = trygg_st_now();
    size_t i;
    json_t *ev;
    json_array_foreach(root, i, ev)
    {
        if (e)
            break;
        json_t *jid = json_object_get(ev, "id");
        const char *dt = jstr(ev, "datetime");
        int64_t at = trygg_police_parse_time(dt);
        if (!json_is_object(ev) || !json_is_integer(jid) || json_integer_value(jid) <= 0 ||
            at < 0) {
            if (skipped)
                (*skipped)++;
            continue;
        }
        json_t *loc = json_object_get(ev, "location");
        const char *url = jstr(ev, "url");
        char full[1024];
        if (origin && url[0] == '/')
            snprintf(full, sizeof full, "%s%s", origin, url);
        else
            snprintf(full, sizeof full, "%s", url);
        sqlite3_reset(s);
        sqlite3_bind_int64(s, 1, (sqlite3_int64)json_integer_value(jid));
        sqlite3_bind_int64(s, 2, at);
        trygg_st_bind_text(s, 3, dt);
        trygg_st_bind_text(s, 4, jstr(ev, "name"));
        trygg_st_bind_text(s, 5, jstr(ev, "summary"));
        trygg_st_bind_text(s, 6, full);
        trygg_st_bind_text(s, 7, jstr(ev, "type"));
        trygg_st_bind_text(s, 8, json_is_object(loc) ? jstr(loc, "name") : "");
        trygg_st_bind_text(s, 9, json_is_object(loc) ? jstr(loc, "gps") : "");
        sqlite3_bind_int64(s, 10, now);
        int rc = sqlite3_step(s);
        if (rc != SQLITE_DONE)
            e = trygg_st_fail(st, rc, "police event insert");
        else if (stored)
            (*stored)++;
    }
    sqlite3_finalize(s);
    json_decref(root);
    e = trygg_st_tx_end(st, e);
    if (e) {
        if (stored)
            *stored = 0;
        fail(err, errcap, trygg_store_errmsg(st));
    }
    return e;
}

typedef struct body {
    char *data;
    size_t len, cap, max;
    int over;
} body;

static size_t on_data(char *p, size_t size, size_t n, void *user)
{
    body *b = user;
    size_t add = size * n;
    if (b->len + add > b->max) {
        b->over = 1;
        return 0; /* aborts the transfer */
    }
    if (b->len + add + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 16384;
        while (nc < b->len + add + 1)
            nc *= 2;
        char *d = realloc(b->data, nc);
        if (!d)
            return 0;
        b->data = d;
        b->cap = nc;
    }
    memcpy(b->data + b->len, p, add);
    b->len += add;
    b->data[b->len] = '\0';
    return add;
}

/* "https://host[:port]" of url into out[cap]; "" if it has no scheme. */
static void url_origin(const char *url, char *out, size_t cap)
{
    const char *p = strstr(url, "://");
    out[0] = '\0';
    if (!p)
        return;
    const char *end = strchr(p + 3, '/');
    size_t n = end ? (size_t)(end - url) : strlen(url);
    const char *q = strchr(p + 3, '?');
    if (q && (size_t)(q - url) < n)
        n = (size_t)(q - url);
    if (n < cap) {
        memcpy(out, url, n);
        out[n] = '\0';
    }
}

static void meta_set(trygg_store *st, const char *key, int64_t v)
{
    sqlite3_stmt *s;
    if (trygg_st_prepare(st, "INSERT OR REPLACE INTO report_meta(key, value) VALUES (?1, ?2)", &s))
        return;
    trygg_st_bind_text(s, 1, key);
    sqlite3_bind_int64(s, 2, v);
    trygg_st_run(st, s, "report meta");
}

trygg_err trygg_police_fetch(trygg_store *st, const trygg_police_opts *o, int *stored, char *err,
                             size_t errcap)
{
    if (stored)
        *stored = 0;
    if (!st || !o || !o->url || !o->url[0]) {
        fail(err, errcap, "no feed URL configured");
        return TRYGG_ERR_INVALID;
    }
    if (strncmp(o->url, "https://", 8) != 0 && strncmp(o->url, "http://", 7) != 0) {
        fail(err, errcap, "feed URL must be http:// or https://");
        return TRYGG_ERR_INVALID;
    }
    trygg_err e = trygg_report_db_init(st);
    if (e) {
        fail(err, errcap, trygg_store_errmsg(st));
        return e;
    }
    meta_set(st, "police_last_try", trygg_st_now());
    CURL *c = curl_easy_init();
    if (!c) {
        fail(err, errcap, "curl init failed");
        return TRYGG_ERR_NOMEM;
    }
    body b = {0};
    b.max = o->max_bytes ? o->max_bytes : TRYGG_POLICE_MAX_BYTES;
    char cerr[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_URL, o->url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, o->timeout_s > 0 ? o->timeout_s : 20L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "trygg/" TRYGG_VERSION);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    if (b.over) {
        e = TRYGG_ERR_TOOBIG;
        if (err && errcap)
            snprintf(err, errcap, "feed larger than %zu bytes", b.max);
    } else if (rc != CURLE_OK) {
        e = TRYGG_ERR_IO;
        if (err && errcap)
            snprintf(err, errcap, "fetch failed: %s", cerr[0] ? cerr : curl_easy_strerror(rc));
    } else if (status < 200 || status > 299) {
        e = TRYGG_ERR_IO;
        if (err && errcap)
            snprintf(err, errcap, "feed answered HTTP %ld", status);
    } else {
        char origin[256];
        url_origin(o->url, origin, sizeof origin);
        e = trygg_police_store_json(st, b.data ? b.data : "", b.len, origin[0] ? origin : NULL,
                                    stored, NULL, err, errcap);
    }
    free(b.data);
    if (!e)
        meta_set(st, "police_last_ok", trygg_st_now());
    else
        TRYGG_WARN("police events: %s", err ? err : trygg_strerror(e));
    return e;
}
