/*
 * ops.h — operations endpoints: /healthz and /metrics (Prometheus text
 * format 0.0.4), and the request latency histogram behind them.
 */
#ifndef TRYGG_SERVER_OPS_H
#define TRYGG_SERVER_OPS_H

#include "server.h"

/* http_options.observe hook: counts one answered request (thread-safe). */
void ops_observe(void *ctx, const http_req *req, int status, int64_t elapsed_us);

#endif
