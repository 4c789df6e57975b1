-- v16: staff sessions and login failures in the database instead of a
-- server's memory, so several servers share them and a restart logs nobody
-- out (store.h "Staff sessions and login limits"). Only the SHA-256 of a
-- session's cookie token is kept.
CREATE TABLE staff_sessions (
    token_hash TEXT PRIMARY KEY,
    csrf TEXT NOT NULL,
    username TEXT NOT NULL,
    display TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL DEFAULT '',
    destination TEXT NOT NULL DEFAULT '',
    can_call_back INTEGER NOT NULL DEFAULT 0,
    lang TEXT NOT NULL DEFAULT 'sv',
    stage INTEGER NOT NULL,
    created INTEGER NOT NULL,
    last_seen INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX staff_sessions_user ON staff_sessions(username);
CREATE INDEX staff_sessions_seen ON staff_sessions(last_seen);
CREATE TABLE login_failures (
    key TEXT PRIMARY KEY,
    window_start INTEGER NOT NULL,
    fails INTEGER NOT NULL
) WITHOUT ROWID;
