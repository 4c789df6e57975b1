-- v22: the quarter's and the year's counts, cached per week piece (issue 15,
-- docs/report.md "Performance"). trygg_store_period_counts cuts every bucket
-- (a month, a quarter, a year) into pieces that each lie in one ISO week;
-- weeks and months both begin at local midnight, so a month is whole pieces
-- and every report covering it reads the same few hundred cached rows
-- instead of scanning its items again. A piece holds the counts of citizen
-- items (src 0, except duplicates and spam) by area, "kind/category" and
-- the shared place, and the partner events' summed counts (src 1) by area,
-- type and place. Like the week cache (v6), a piece is dropped by the
-- triggers whenever an item or a partner event in it is added, changed or
-- deleted — its counts too, so no place text outlives the item or event it
-- came from (a piece is at most a week and an hour: 691200 s bounds the
-- index range); it is filled again on the next report.
CREATE TABLE report_piece_done(piece_start INTEGER NOT NULL, piece_end INTEGER NOT NULL,
    first_day TEXT NOT NULL, last_day TEXT NOT NULL,
    PRIMARY KEY(piece_start, piece_end)) WITHOUT ROWID;
CREATE TABLE report_piece_counts(piece_start INTEGER NOT NULL, piece_end INTEGER NOT NULL,
    src INTEGER NOT NULL, area TEXT NOT NULL, key TEXT NOT NULL, place TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY(piece_start, piece_end, src, area, key, place)) WITHOUT ROWID;
CREATE TRIGGER report_piece_item_ins AFTER INSERT ON items BEGIN
    DELETE FROM report_piece_counts
     WHERE piece_start > NEW.created - 691200 AND piece_start <= NEW.created
       AND piece_end > NEW.created;
    DELETE FROM report_piece_done
     WHERE piece_start <= NEW.created AND piece_end > NEW.created;
END;
CREATE TRIGGER report_piece_item_upd AFTER UPDATE OF created, kind, category, area,
    shared_place, close_reason ON items BEGIN
    DELETE FROM report_piece_counts
     WHERE piece_start > OLD.created - 691200 AND piece_start <= OLD.created
       AND piece_end > OLD.created;
    DELETE FROM report_piece_counts
     WHERE piece_start > NEW.created - 691200 AND piece_start <= NEW.created
       AND piece_end > NEW.created;
    DELETE FROM report_piece_done
     WHERE (piece_start <= OLD.created AND piece_end > OLD.created)
        OR (piece_start <= NEW.created AND piece_end > NEW.created);
END;
CREATE TRIGGER report_piece_item_del AFTER DELETE ON items BEGIN
    DELETE FROM report_piece_counts
     WHERE piece_start > OLD.created - 691200 AND piece_start <= OLD.created
       AND piece_end > OLD.created;
    DELETE FROM report_piece_done
     WHERE piece_start <= OLD.created AND piece_end > OLD.created;
END;
CREATE TRIGGER report_piece_event_ins AFTER INSERT ON events BEGIN
    DELETE FROM report_piece_counts WHERE (piece_start, piece_end) IN
        (SELECT piece_start, piece_end FROM report_piece_done
          WHERE first_day <= NEW.day AND last_day >= NEW.day);
    DELETE FROM report_piece_done WHERE first_day <= NEW.day AND last_day >= NEW.day;
END;
CREATE TRIGGER report_piece_event_upd AFTER UPDATE OF type, day, area, place, count
    ON events BEGIN
    DELETE FROM report_piece_counts WHERE (piece_start, piece_end) IN
        (SELECT piece_start, piece_end FROM report_piece_done
          WHERE first_day <= OLD.day AND last_day >= OLD.day);
    DELETE FROM report_piece_counts WHERE (piece_start, piece_end) IN
        (SELECT piece_start, piece_end FROM report_piece_done
          WHERE first_day <= NEW.day AND last_day >= NEW.day);
    DELETE FROM report_piece_done
     WHERE (first_day <= OLD.day AND last_day >= OLD.day)
        OR (first_day <= NEW.day AND last_day >= NEW.day);
END;
CREATE TRIGGER report_piece_event_del AFTER DELETE ON events BEGIN
    DELETE FROM report_piece_counts WHERE (piece_start, piece_end) IN
        (SELECT piece_start, piece_end FROM report_piece_done
          WHERE first_day <= OLD.day AND last_day >= OLD.day);
    DELETE FROM report_piece_done WHERE first_day <= OLD.day AND last_day >= OLD.day;
END;
