-- v2: full-text search over items (kept in sync by triggers and filled from
-- the rows that already exist), SMS contacts and the two outboxes.

CREATE VIRTUAL TABLE items_fts USING fts5(text, place, ref, alias,
    content='items', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER items_fts_ai AFTER INSERT ON items BEGIN
    INSERT INTO items_fts(rowid, text, place, ref, alias)
    VALUES (new.id, new.text, new.place, new.ref, new.alias); END;
CREATE TRIGGER items_fts_ad AFTER DELETE ON items BEGIN
    INSERT INTO items_fts(items_fts, rowid, text, place, ref, alias)
    VALUES ('delete', old.id, old.text, old.place, old.ref, old.alias); END;
CREATE TRIGGER items_fts_au AFTER UPDATE OF text, place, ref, alias ON items BEGIN
    INSERT INTO items_fts(items_fts, rowid, text, place, ref, alias)
    VALUES ('delete', old.id, old.text, old.place, old.ref, old.alias);
    INSERT INTO items_fts(rowid, text, place, ref, alias)
    VALUES (new.id, new.text, new.place, new.ref, new.alias); END;
INSERT INTO items_fts(items_fts) VALUES ('rebuild');
CREATE TABLE contacts (
    pseudonym TEXT PRIMARY KEY,
    alias TEXT NOT NULL UNIQUE,
    cipher BLOB,
    stopped INTEGER NOT NULL DEFAULT 0,
    blocked INTEGER NOT NULL DEFAULT 0,
    callback_consent INTEGER NOT NULL DEFAULT 0,
    lang TEXT NOT NULL DEFAULT '',
    first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL);
CREATE TABLE sms_out (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL DEFAULT 0,
    recipient TEXT NOT NULL,
    text TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending',
    parts INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    created INTEGER NOT NULL,
    next_attempt INTEGER NOT NULL,
    sent_at INTEGER NOT NULL DEFAULT 0);
CREATE INDEX sms_out_due ON sms_out(status, next_attempt);
CREATE INDEX sms_out_item ON sms_out(item_id);
CREATE TABLE notify_out (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL DEFAULT 0,
    destination TEXT NOT NULL,
    channel TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    created INTEGER NOT NULL,
    next_attempt INTEGER NOT NULL,
    sent_at INTEGER NOT NULL DEFAULT 0);
CREATE INDEX notify_out_due ON notify_out(status, next_attempt);
CREATE INDEX notify_out_item ON notify_out(item_id);
