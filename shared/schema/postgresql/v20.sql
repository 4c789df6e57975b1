-- v20: the foreign keys may be checked at the commit. An import
-- (trygg_store_import_begin, `tryggctl move`) defers them with SET
-- CONSTRAINTS ALL DEFERRED, so rows come in table by table in any order
-- (an item marked as duplicate of a later item). Every other statement
-- still checks them at once (INITIALLY IMMEDIATE). As
-- shared/schema/sqlite/v20.sql, where SQLite's PRAGMA defer_foreign_keys
-- does the same without a schema change.
ALTER TABLE items ALTER CONSTRAINT items_duplicate_of_fkey DEFERRABLE INITIALLY IMMEDIATE;
ALTER TABLE messages ALTER CONSTRAINT messages_item_id_fkey DEFERRABLE INITIALLY IMMEDIATE;
ALTER TABLE user_recovery ALTER CONSTRAINT user_recovery_user_id_fkey DEFERRABLE INITIALLY IMMEDIATE;
ALTER TABLE decision_history ALTER CONSTRAINT decision_history_decision_fkey
    DEFERRABLE INITIALLY IMMEDIATE;
