-- v9: the situation picture does not count items closed as duplicate or
-- spam (store_sqlite_report.c). The covering index of the report scan gets
-- close_reason, and a week's count cache is dropped when an item of it is
-- closed as (or reopened from) duplicate or spam; the cache itself is
-- emptied, since it was counted with those items.
DROP INDEX IF EXISTS report_items_scan_v2;
CREATE INDEX report_items_scan_v3 ON items(created, kind, category, area,
    channel, source, status, urgent, shared_place, close_reason);
DELETE FROM report_week_counts;
DELETE FROM report_week_done;
DROP TRIGGER IF EXISTS report_cache_upd;
CREATE TRIGGER report_cache_upd AFTER UPDATE OF created, kind, category, area, channel, source,
    close_reason ON items BEGIN
    DELETE FROM report_week_done
     WHERE (week_start <= OLD.created AND week_end > OLD.created)
        OR (week_start <= NEW.created AND week_end > NEW.created);
END;
