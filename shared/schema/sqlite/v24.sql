-- v24: the week picture's partner events (13 sums by type per picture,
-- trygg_store_event_totals, shared/src/store_sqlite_events.h) read a
-- covering index: a range of (day, type, count), no row fetched per event
-- (events are filed in any order, so a week's events lie on as many pages
-- as it has events). PostgreSQL's v24 (shared/schema/postgresql/v24.sql)
-- adds the same index and the week cache SQLite has had since v6.
CREATE INDEX events_week ON events(day, type, count);
