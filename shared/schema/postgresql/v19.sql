-- v19: nothing to do on PostgreSQL. SQLite's v19 (shared/schema/sqlite/v19.sql)
-- defers its FTS5 indexing to the commit; PostgreSQL's tsvector columns are
-- generated with the row. The version number keeps both schemas in step.
SELECT 1;
