-- v21: the foreign keys may be checked at the commit. An import
-- (trygg_store_import_begin, `tryggctl move`) defers them with SET
-- CONSTRAINTS ALL DEFERRED, so rows come in table by table in any order
-- (an item marked as duplicate of a later item). Every other statement
-- still checks them at once (INITIALLY IMMEDIATE). As
-- shared/schema/sqlite/v21.sql, where SQLite's PRAGMA defer_foreign_keys
-- does the same without a schema change.
ALTER TABLE items ALTER CONSTRAINT items_duplicate_of_fkey DEFERRABLE INITIALLY IMMEDIATE;
ALTER TABLE messages ALTER CONSTRAINT messages_item_id_fkey DEFERRABLE INITIALLY IMMEDIATE;
ALTER TABLE user_recovery ALTER CONSTRAINT user_recovery_user_id_fkey DEFERRABLE INITIALLY IMMEDIATE;
ALTER TABLE decision_history ALTER CONSTRAINT decision_history_decision_fkey
    DEFERRABLE INITIALLY IMMEDIATE;
-- The queue's default page, open items newest first (urgent first), at a
-- region's 10M items: the items_order index walks through every closed
-- urgent item before the first open one (89 ms p95 at 1M items, more at
-- 10M; bench/bench_pg_triage.c). Open items are a few weeks' worth, so this
-- partial index stays small and its page is a few rows' read. The same for
-- one area's open items (the area filter read every open item: 32 ms p95
-- at 1M items, with 8,000 open).
CREATE INDEX items_open_order ON items(urgent, created, id) WHERE status <> 'closed';
CREATE INDEX items_area_open ON items(area, urgent, created, id) WHERE status <> 'closed';
