-- v22: the quarter's and the year's counts, cached per week piece (issue 15,
-- docs/report.md "Performance"); the same tables and meaning as SQLite's
-- v21 (shared/schema/sqlite/v21.sql). trygg_store_period_counts cuts every
-- bucket (a month, a quarter, a year) into pieces that each lie in one ISO
-- week; a piece holds the counts of citizen items (src 0, except duplicates
-- and spam) by area, "kind/category" and the shared place, and the partner
-- events' summed counts (src 1) by area, type and place. Times are Unix
-- seconds, days local "YYYY-MM-DD" like events.day. The triggers drop a
-- piece, and its counts (no place text outlives its item or event),
-- whenever an item or a partner event in it is added, changed or deleted; the backend fills it again on the next report, holding
-- report_piece_done in SHARE ROW EXCLUSIVE mode while it counts, so a
-- trigger's DELETE of a concurrent write waits for the count and then drops
-- it (store_pg_period.c).
CREATE TABLE report_piece_done (
    piece_start bigint NOT NULL,
    piece_end bigint NOT NULL,
    first_day text NOT NULL,
    last_day text NOT NULL,
    PRIMARY KEY (piece_start, piece_end)
);
CREATE TABLE report_piece_counts (
    piece_start bigint NOT NULL,
    piece_end bigint NOT NULL,
    src integer NOT NULL,
    area text NOT NULL,
    key text NOT NULL,
    place text NOT NULL,
    n bigint NOT NULL,
    PRIMARY KEY (piece_start, piece_end, src, area, key, place)
);

CREATE FUNCTION report_piece_drop_item() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM report_piece_counts
         WHERE piece_start > extract(epoch from OLD.created) - 691200
           AND piece_start <= extract(epoch from OLD.created)
           AND piece_end > extract(epoch from OLD.created);
        DELETE FROM report_piece_done
         WHERE piece_start <= extract(epoch from OLD.created)
           AND piece_end > extract(epoch from OLD.created);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        DELETE FROM report_piece_counts
         WHERE piece_start > extract(epoch from NEW.created) - 691200
           AND piece_start <= extract(epoch from NEW.created)
           AND piece_end > extract(epoch from NEW.created);
        DELETE FROM report_piece_done
         WHERE piece_start <= extract(epoch from NEW.created)
           AND piece_end > extract(epoch from NEW.created);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER report_piece_item AFTER INSERT OR DELETE
    OR UPDATE OF created, kind, category, area, shared_place, close_reason
    ON items FOR EACH ROW EXECUTE FUNCTION report_piece_drop_item();

CREATE FUNCTION report_piece_drop_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM report_piece_counts WHERE (piece_start, piece_end) IN
            (SELECT piece_start, piece_end FROM report_piece_done
              WHERE first_day <= OLD.day AND last_day >= OLD.day);
        DELETE FROM report_piece_done WHERE first_day <= OLD.day AND last_day >= OLD.day;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        DELETE FROM report_piece_counts WHERE (piece_start, piece_end) IN
            (SELECT piece_start, piece_end FROM report_piece_done
              WHERE first_day <= NEW.day AND last_day >= NEW.day);
        DELETE FROM report_piece_done WHERE first_day <= NEW.day AND last_day >= NEW.day;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER report_piece_event AFTER INSERT OR DELETE
    OR UPDATE OF type, day, area, place, count
    ON events FOR EACH ROW EXECUTE FUNCTION report_piece_drop_event();
