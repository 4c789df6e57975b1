-- v4: privacy by construction.
-- - items.shared_text/shared_place: the copy a recipient without full
--   access sees, searches, sorts and exports (scrubbed at write; replaced by
--   the security department's redaction, redacted = 1). A second full-text
--   index covers only that copy, so a search cannot reach the raw text.
-- - messages.audience: 'internal' (security only, the default) or
--   'recipient' (written for the recipient on purpose); shared_text is the
--   scrubbed copy a recipient sees.
-- - access_log: who viewed unscrubbed tips or call-back numbers, and every
--   export (the data protection officer's list).
-- - users.totp_*: two-factor login (RFC 6238); user_recovery: hashed
--   one-time recovery codes.
-- Existing rows get their shared copy from trygg_scrub(), the scrubber
-- (text.h) registered as an SQL function on every connection.

ALTER TABLE items ADD COLUMN shared_text TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN shared_place TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN redacted INTEGER NOT NULL DEFAULT 0;
UPDATE items SET shared_text = trygg_scrub(text), shared_place = trygg_scrub(place)
    WHERE purged = 0;
CREATE VIRTUAL TABLE items_shared_fts USING fts5(shared_text, shared_place, ref,
    content='items', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
INSERT INTO items_shared_fts(items_shared_fts) VALUES ('rebuild');
CREATE TRIGGER items_shared_fts_ai AFTER INSERT ON items BEGIN
    INSERT INTO items_shared_fts(rowid, shared_text, shared_place, ref)
    VALUES (new.id, new.shared_text, new.shared_place, new.ref); END;
CREATE TRIGGER items_shared_fts_ad AFTER DELETE ON items BEGIN
    INSERT INTO items_shared_fts(items_shared_fts, rowid, shared_text, shared_place, ref)
    VALUES ('delete', old.id, old.shared_text, old.shared_place, old.ref); END;
CREATE TRIGGER items_shared_fts_au AFTER UPDATE OF shared_text, shared_place, ref ON items
    BEGIN
    INSERT INTO items_shared_fts(items_shared_fts, rowid, shared_text, shared_place, ref)
    VALUES ('delete', old.id, old.shared_text, old.shared_place, old.ref);
    INSERT INTO items_shared_fts(rowid, shared_text, shared_place, ref)
    VALUES (new.id, new.shared_text, new.shared_place, new.ref); END;
ALTER TABLE messages ADD COLUMN audience TEXT NOT NULL DEFAULT 'internal';
ALTER TABLE messages ADD COLUMN shared_text TEXT NOT NULL DEFAULT '';
CREATE TABLE access_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    item_id INTEGER NOT NULL DEFAULT 0,
    detail TEXT NOT NULL DEFAULT '');
CREATE INDEX access_log_at ON access_log(at);
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
CREATE TABLE user_recovery (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    code_hash TEXT NOT NULL,
    used_at INTEGER NOT NULL DEFAULT 0);
CREATE INDEX user_recovery_user ON user_recovery(user_id);
