-- v3: kiosk notices and channel health.

CREATE TABLE notices (
    id INTEGER PRIMARY KEY,
    lang TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    starts INTEGER NOT NULL,
    ends INTEGER NOT NULL);
CREATE TABLE health (
    component TEXT PRIMARY KEY,
    json TEXT NOT NULL,
    updated INTEGER NOT NULL);
