/*
 * fuzz_http_fake.h — a stand-in for http_mhd.c in the server fuzz targets.
 *
 * The fuzz targets call the real handlers of api.c and open311.c without
 * libmicrohttpd: fuzz_http_fake.c implements http.h (responses exactly as
 * http_mhd.c builds them, request headers from a small table) and a
 * server_store() that has no database (the parsers under test never need
 * one before intake_submit, which each target defines itself).
 * Read first: fuzz_req.
 */
#ifndef TRYGG_FUZZ_HTTP_FAKE_H
#define TRYGG_FUZZ_HTTP_FAKE_H

#include "http.h"

#define FUZZ_MAX_HEADERS 4

/* A request under construction; req.conn points at the header table. */
typedef struct fuzz_req {
    http_req req;
    http_kv headers[FUZZ_MAX_HEADERS];
    int nheaders;
} fuzz_req;

/* Zeroes *f, sets method/path/body and points req.conn at the headers. */
void fuzz_req_init(fuzz_req *f, const char *method, const char *path, const char *body, size_t len);
/* Adds a request header (name and value must outlive *f); -1 when full. */
int fuzz_req_header(fuzz_req *f, const char *name, const char *value);

/* Checks a finished response: status 100..599, a JSON content type implies a
 * body that parses as JSON (of type `json_type`, or any when < 0), headers
 * without CR/LF. Aborts otherwise. */
void fuzz_resp_check(const http_resp *resp, int json_type);

/* A fixed catalog for the targets: fault categories "pothole" and
 * "lighting", concern category "unsafe", areas "centrum" and "hamnen";
 * one Open311 key "fuzz-key" (not required). Sets ctx->cfg.catalog
 * (calloc'd, lives for the process). Aborts on no memory. */
struct server_ctx;
void fuzz_catalog(struct server_ctx *ctx);

#endif
