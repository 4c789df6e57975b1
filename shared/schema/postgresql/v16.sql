-- v16: staff sessions and login failures in the database instead of a
-- server's memory, so several servers share them and a restart logs nobody
-- out (store.h "Staff sessions and login limits"); as shared/schema/sqlite/v16.sql.
CREATE TABLE staff_sessions (
    token_hash text PRIMARY KEY,
    csrf text NOT NULL,
    username text NOT NULL,
    display text NOT NULL DEFAULT '',
    role text NOT NULL DEFAULT '',
    destination text NOT NULL DEFAULT '',
    can_call_back boolean NOT NULL DEFAULT false,
    lang text NOT NULL DEFAULT 'sv',
    stage integer NOT NULL,
    created timestamptz NOT NULL,
    last_seen timestamptz NOT NULL
);
CREATE INDEX staff_sessions_user ON staff_sessions(username);
CREATE INDEX staff_sessions_seen ON staff_sessions(last_seen);
CREATE TABLE login_failures (
    key text PRIMARY KEY,
    window_start timestamptz NOT NULL,
    fails integer NOT NULL
);
