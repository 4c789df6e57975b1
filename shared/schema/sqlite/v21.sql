-- v21: nothing to do on SQLite. PostgreSQL's v21
-- (shared/schema/postgresql/v21.sql) makes its foreign keys deferrable for
-- an import (`tryggctl move`); SQLite defers them with PRAGMA
-- defer_foreign_keys. The version number keeps both schemas in step.
SELECT 1;
