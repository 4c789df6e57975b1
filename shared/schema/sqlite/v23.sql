-- v23: nothing to do on SQLite. PostgreSQL's v23
-- (shared/schema/postgresql/v23.sql) gets the week picture's cache that
-- SQLite has had since v6 (report_week_done, report_week_counts). The
-- version number keeps both schemas in step.
SELECT 1;
