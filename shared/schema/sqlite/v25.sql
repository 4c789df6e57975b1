-- v25: nothing changes on SQLite. PostgreSQL's v25
-- (shared/schema/postgresql/v25.sql) adds items_urgent, a narrow copy of
-- the urgent items' search columns that the search reads first (FTS5 has
-- no such problem: SQLite's search joins its own index to the order). The
-- step keeps both backends at the same schema number.
SELECT 1;
