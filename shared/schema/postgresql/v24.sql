-- v24: the week picture's cache (issue 15 and 17, docs/report.md
-- "Performance"), the same tables and meaning as SQLite's week cache
-- (shared/schema/sqlite/v6.sql and v9.sql): the counts of a complete past
-- week by dimension (dim 0 kind, 1 "kind/category", 2 area, 4 channel,
-- 5 source, as trygg/report.h numbers them) and its total, of citizen items
-- except duplicates and spam. A week picture reads its 12 history weeks
-- from here and counts only its own week live (store_pg_report.c). Times
-- are Unix seconds. One trigger now drops both caches of an item's times:
-- the week (report_week_done; its counts are replaced at the next fill and
-- hold no place text) and the quarter's and year's pieces of v22, whenever
-- an item is added, deleted or changed in a column either counts. The
-- backend fills a week holding report_week_done in SHARE ROW EXCLUSIVE
-- mode, so a trigger's DELETE of a concurrent write waits for the count and
-- then drops it.
--
-- The week picture's partner events (13 sums by type, one per week,
-- trygg_store_event_totals) read a covering index by day: a plain range of
-- (day, type, count) with no row to fetch, as on SQLite (v24 there too).
CREATE INDEX events_week ON events(day, type, count);

CREATE TABLE report_week_done (
    week_start bigint PRIMARY KEY,
    week_end bigint NOT NULL,
    total bigint NOT NULL,
    computed bigint NOT NULL
);
CREATE TABLE report_week_counts (
    week_start bigint NOT NULL,
    dim integer NOT NULL,
    key text NOT NULL,
    n bigint NOT NULL,
    PRIMARY KEY (week_start, dim, key)
);

DROP TRIGGER report_piece_item ON items;
DROP FUNCTION report_piece_drop_item();

CREATE FUNCTION report_cache_drop_item() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    t bigint;
BEGIN
    FOREACH t IN ARRAY CASE TG_OP
            WHEN 'INSERT' THEN ARRAY[floor(extract(epoch from NEW.created))::bigint]
            WHEN 'DELETE' THEN ARRAY[floor(extract(epoch from OLD.created))::bigint]
            ELSE ARRAY[floor(extract(epoch from OLD.created))::bigint,
                       floor(extract(epoch from NEW.created))::bigint] END LOOP
        DELETE FROM report_week_done WHERE week_start <= t AND week_end > t;
        DELETE FROM report_piece_counts
         WHERE piece_start > t - 691200 AND piece_start <= t AND piece_end > t;
        DELETE FROM report_piece_done WHERE piece_start <= t AND piece_end > t;
    END LOOP;
    RETURN NULL;
END $$;
CREATE TRIGGER report_cache_item AFTER INSERT OR DELETE
    OR UPDATE OF created, kind, category, area, channel, source, shared_place, close_reason
    ON items FOR EACH ROW EXECUTE FUNCTION report_cache_drop_item();
