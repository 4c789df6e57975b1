/*
 * web.c — route table of the staff web UI (web_routes). The handlers live
 * in the other web_*.c files; this file only maps paths to them.
 */
#include "server.h"

static void web_root(void *ctx, const http_req *req, http_resp *resp)
{
    (void)ctx;
    (void)req;
    http_resp_redirect(resp, "/login");
}

static void web_login_page(void *ctx, const http_req *req, http_resp *resp)
{
    static const char page[] = "<!doctype html><html lang=\"sv\"><head><meta charset=\"utf-8\">"
                               "<title>Trygg</title></head><body><form method=\"post\" "
                               "action=\"/login\"><input name=\"username\" autocomplete="
                               "\"username\"><input name=\"password\" type=\"password\">"
                               "<button type=\"submit\">OK</button></form></body></html>";
    (void)ctx;
    (void)req;
    http_resp_set(resp, 200, "text/html; charset=utf-8", page, sizeof page - 1);
}

const http_route web_routes[] = {
    {"GET", "/", 0, web_root},
    {"GET", "/login", 0, web_login_page},
};
const int web_nroutes = (int)(sizeof web_routes / sizeof web_routes[0]);
