/*
 * report_web.h — the weekly situation picture in trygg-server.
 *
 * Routes (report_routes, wired by core.c):
 *   GET /report            the week page (?week=2026-W47, default: this week);
 *                          exact counts for the security department, small
 *                          counts suppressed for every other role
 *   GET /report/week.csv   tidy CSV, always suppressed (an export)
 *   GET /report/print      printable A4 page, always suppressed
 *   (the quarter and the year: report_period_routes below)
 * Every route needs a logged-in staff session (web_begin).
 *
 * Background: report_start() installs the report's database objects (the
 * availability log fed by kiosk heartbeats and gateway health records) and,
 * when police_events_url is configured, starts a thread that fetches the
 * police's public events every hour. report_stop() ends it.
 */
#ifndef TRYGG_REPORT_WEB_H
#define TRYGG_REPORT_WEB_H

#include "server.h"
#include "web.h"

#include "trygg/buf.h"
#include "trygg/report.h"

extern const http_route report_routes[];
extern const int report_nroutes;

/* May this user see the internal view? server.ini [report] internal_roles
 * (default "security, admin") and internal_destinations. */
int report_internal_allowed(const server_config *cfg, const web_user *u);
/* The small-count threshold of the published view ([server] small_count). */
int report_threshold(const server_config *cfg);
/* Renders week *week's picture as a print fragment (no document head) into
 * *out for the meeting pages (server/web_meeting.c): the published view
 * when `suppress` is set or the user may not see the internal one. 0, or
 * the HTTP status to answer (400 a week not begun, 500, 503). */
int report_week_fragment(web_ctx *w, const trygg_week *week, int suppress, trygg_buf *out);

/* The report catalog (assets/i18n/report), loaded once; NULL if missing. */
const trygg_i18n *report_catalog(void);
/* Areas, groups, category labels and the map of the configuration. */
void report_areas_from_config(const server_config *cfg, trygg_report_areas *out);

/* The quarter and the year (server/report_period_web.c), wired by core.c
 * like report_routes:
 *   GET /report/quarter[.csv|/print]?period=2026-Q3   the council's area analysis
 *   GET /report/year[.csv|/print]?period=2026|2026-H1 the steering group's report
 *   GET /report/police?week=2026-W47  police events of a week, placed by hand
 *   POST /report/police/place         attach (place) or detach (place="")
 * The views and roles are the week's; the police pages are the security
 * department's (admin, security) only. */
extern const http_route report_period_routes[];
extern const int report_period_nroutes;

/* Call once after the configuration is loaded and before serving. Failures
 * are logged, never fatal; returns 0. */
int report_start(server_ctx *ctx);
/* Stops the police fetch thread (if any) and waits for it. */
void report_stop(void);
/* Builds the running year and the last complete one and the running
 * week's picture at `now` and throws them away: what the background job of
 * report_start() does every hour (from a minute after the start), so the
 * period cache (schema v22) holds every month of the last three years and
 * the week cache the 12 complete weeks before the running one before a
 * reader asks. */
void report_warm_periods(trygg_store *st, int64_t now);

#endif
