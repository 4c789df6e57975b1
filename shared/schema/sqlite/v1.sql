-- v1: the core tables.

CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    client_key TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    category TEXT NOT NULL DEFAULT '',
    area TEXT NOT NULL DEFAULT '',
    place TEXT NOT NULL DEFAULT '',
    when_date TEXT NOT NULL DEFAULT '',
    when_band TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT '',
    lang TEXT NOT NULL DEFAULT 'sv',
    contact TEXT NOT NULL DEFAULT '',
    consent INTEGER NOT NULL DEFAULT 0,
    urgent INTEGER NOT NULL DEFAULT 0,
    incomplete INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'new',
    close_reason TEXT NOT NULL DEFAULT '',
    duplicate_of INTEGER REFERENCES items(id),
    destination TEXT NOT NULL DEFAULT '',
    sender TEXT NOT NULL DEFAULT '',
    alias TEXT NOT NULL DEFAULT '',
    walk_id INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    purge_at INTEGER NOT NULL,
    purged INTEGER NOT NULL DEFAULT 0);
CREATE INDEX items_order ON items(urgent, created, id);
CREATE INDEX items_status ON items(status, urgent, created, id);
CREATE INDEX items_area ON items(area, urgent, created, id);
CREATE INDEX items_purge ON items(purge_at) WHERE purged = 0;
CREATE INDEX items_sender ON items(sender, created) WHERE sender <> '';
CREATE INDEX items_walk ON items(walk_id) WHERE walk_id <> 0;
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id),
    dir TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT '',
    created INTEGER NOT NULL);
CREATE INDEX messages_item ON messages(item_id, id);
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL DEFAULT 0,
    actor TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    at INTEGER NOT NULL);
CREATE INDEX audit_item ON audit(item_id, id);
CREATE TABLE destinations (
    name TEXT PRIMARY KEY,
    label TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    webhook_url TEXT NOT NULL DEFAULT '',
    webhook_secret TEXT NOT NULL DEFAULT '',
    full_access INTEGER NOT NULL DEFAULT 0);
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL,
    destination TEXT NOT NULL DEFAULT '',
    can_call_back INTEGER NOT NULL DEFAULT 0,
    disabled INTEGER NOT NULL DEFAULT 0,
    pwhash TEXT NOT NULL,
    created INTEGER NOT NULL);
CREATE TABLE kiosks (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL DEFAULT '',
    area TEXT NOT NULL DEFAULT '',
    token_hash TEXT NOT NULL UNIQUE,
    revoked INTEGER NOT NULL DEFAULT 0,
    last_seen INTEGER NOT NULL DEFAULT 0,
    version TEXT NOT NULL DEFAULT '',
    outbox_depth INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created INTEGER NOT NULL);
CREATE TABLE walks (
    id INTEGER PRIMARY KEY,
    starts INTEGER NOT NULL,
    area TEXT NOT NULL DEFAULT '',
    place TEXT NOT NULL DEFAULT '',
    meeting_point TEXT NOT NULL DEFAULT '',
    capacity INTEGER NOT NULL DEFAULT 0,
    cancelled INTEGER NOT NULL DEFAULT 0);
CREATE INDEX walks_starts ON walks(starts);
