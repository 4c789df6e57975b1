-- v19: full-text indexing once per transaction instead of once per item
-- (issue 12, throughput). The insert triggers of v2 and v4 wrote both FTS5
-- indexes at the end of every item's INSERT; inside the intake's batch
-- transaction FTS5 writes a new segment at every statement's end, so each
-- item paid two segment writes and their merges (most of a submit's cost).
-- Now the insert trigger only notes the new id in fts_pending; the store
-- indexes every pending item in one statement per index just before its
-- transaction commits (store_sqlite.c, fts_flush), so a committed item is
-- always searchable. The update and delete triggers leave a pending item
-- alone: it is not in the index yet, and it is indexed as it is at commit.
DROP TRIGGER IF EXISTS items_fts_ai;
DROP TRIGGER IF EXISTS items_shared_fts_ai;
DROP TRIGGER IF EXISTS items_fts_ad;
DROP TRIGGER IF EXISTS items_shared_fts_ad;
DROP TRIGGER IF EXISTS items_fts_au;
DROP TRIGGER IF EXISTS items_shared_fts_au;
CREATE TABLE fts_pending (id INTEGER PRIMARY KEY);
-- OR IGNORE: a deleted pending item's id can be taken again by the next.
CREATE TRIGGER items_fts_pending AFTER INSERT ON items BEGIN
    INSERT OR IGNORE INTO fts_pending (id) VALUES (new.id); END;
CREATE TRIGGER items_fts_ad AFTER DELETE ON items
    WHEN NOT EXISTS (SELECT 1 FROM fts_pending WHERE id = old.id) BEGIN
    INSERT INTO items_fts(items_fts, rowid, text, place, ref, alias)
    VALUES ('delete', old.id, old.text, old.place, old.ref, old.alias); END;
CREATE TRIGGER items_fts_au AFTER UPDATE OF text, place, ref, alias ON items
    WHEN NOT EXISTS (SELECT 1 FROM fts_pending WHERE id = old.id) BEGIN
    INSERT INTO items_fts(items_fts, rowid, text, place, ref, alias)
    VALUES ('delete', old.id, old.text, old.place, old.ref, old.alias);
    INSERT INTO items_fts(rowid, text, place, ref, alias)
    VALUES (new.id, new.text, new.place, new.ref, new.alias); END;
CREATE TRIGGER items_shared_fts_ad AFTER DELETE ON items
    WHEN NOT EXISTS (SELECT 1 FROM fts_pending WHERE id = old.id) BEGIN
    INSERT INTO items_shared_fts(items_shared_fts, rowid, shared_text, shared_place, ref)
    VALUES ('delete', old.id, old.shared_text, old.shared_place, old.ref); END;
CREATE TRIGGER items_shared_fts_au AFTER UPDATE OF shared_text, shared_place, ref ON items
    WHEN NOT EXISTS (SELECT 1 FROM fts_pending WHERE id = old.id) BEGIN
    INSERT INTO items_shared_fts(items_shared_fts, rowid, shared_text, shared_place, ref)
    VALUES ('delete', old.id, old.shared_text, old.shared_place, old.ref);
    INSERT INTO items_shared_fts(rowid, shared_text, shared_place, ref)
    VALUES (new.id, new.shared_text, new.shared_place, new.ref); END;
