/*
 * report_pg_fill.c — bench_report's PostgreSQL side (report_pg_fill.h): the
 * fill by SQL and the item count, apart from bench_report.c because the
 * two backends' internal headers cannot be included together.
 */
#include "report_pg_fill.h"

#include "store_pg_internal.h"

#include <stdio.h>

/* PostgreSQL: N items and 200,000 partner events by SQL (generate_series),
 * spread like fill() and fill_events(), in one transaction each. */
trygg_err bench_pg_fill(trygg_store *st, long n, int weeks, int64_t first, int64_t end)
{
    char sql[4096];
    snprintf(sql, sizeof sql,
             "INSERT INTO items(ref, client_key, channel, source, kind, category, area, place,"
             " shared_place, text, status, close_reason, destination, created, updated, purge_at)"
             " SELECT 'R' || g, 'bench-' || g, ch, CASE WHEN ch = 'kiosk' THEN 'bibl-1'"
             " ELSE 'smsgw' END, kind, CASE kind WHEN 'concern' THEN (ARRAY['lighting',"
             " 'vegetation','isolated','disturbance','vandalism','littering','drugs',"
             " 'traffic'])[1 + g %% 8] WHEN 'fault' THEN (ARRAY['street_light','pothole',"
             " 'snow_ice','sign','playground','park_furniture','tree','graffiti'])[1 + g %% 7]"
             " WHEN 'tip' THEN 'crime' ELSE '' END, (ARRAY['centrum','centrum','centrum',"
             " 'gota','gota','lodose','nygard','strom','hjartum','vasterlanda','tunge'])"
             "[1 + (g * 7) %% 11], pl, pl, '', CASE WHEN g %% 10 < 7 THEN 'closed' ELSE 'new'"
             " END, CASE WHEN g %% 10 < 7 THEN 'resolved' ELSE '' END, 'security', t, t,"
             " t + interval '365 days' FROM (SELECT g, to_timestamp(%lld + (%lld::float8 * g)"
             " / %ld) AS t, (ARRAY['concern','concern','concern','fault','fault','tip',"
             " 'watch_signup','walk_signup','callback'])[1 + (g * 13) %% 9] AS kind,"
             " (ARRAY['kiosk','kiosk','kiosk','sms','sms','voice','open311','staff'])"
             "[1 + (g * 5) %% 8] AS ch, (ARRAY['','','','','','','Gångtunneln vid stationen',"
             " 'Ströms slott','Torget','Badplatsen'])[1 + (g * 3) %% 10] AS pl"
             " FROM generate_series(1, %ld) g) x",
             (long long)first, (long long)(end - first - 1), n, n);
    trygg_err err = trygg_pg_exec(st, sql, "bench fill");
    if (err)
        return err;
    snprintf(sql, sizeof sql,
             "INSERT INTO events(type, day, band, area, place, count, text, org, reporter,"
             " created, updated) SELECT (ARRAY['damage','graffiti','fire','litter','gathering',"
             " 'disturbance','drugs','traffic','other'])[1 + g %% 9], to_char(t AT TIME ZONE"
             " 'Europe/Stockholm', 'YYYY-MM-DD'), 'evening', (ARRAY['centrum','strom','gota',"
             " 'lodose','nygard'])[1 + (g * 7) %% 5], '', 1 + g %% 3, '', 'housing', 'bench',"
             " t, t FROM (SELECT g, to_timestamp(%lld - random() * %lld) AS t"
             " FROM generate_series(1, 200000) g) x",
             (long long)end, (long long)weeks * 7 * 86400);
    err = trygg_pg_exec(st, sql, "bench events");
    return err ? err : trygg_pg_exec(st, "ANALYZE", "analyze");
}

trygg_err bench_pg_count(trygg_store *st, int64_t *n)
{
    return trygg_pg_int64(st, "SELECT count(*) FROM items", TRYGG_SQL_NO_ARGS, n, "items");
}
