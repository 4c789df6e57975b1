-- v8: partner events — what the operational group's partners (the housing
-- company's caretakers, municipal staff, security guards, the police officer)
-- register themselves. Not items: no thread, no reply. Text and place are
-- scrubbed of personal data before they are written; kept 365 days
-- (trygg_store_purge).
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    type TEXT NOT NULL,
    day TEXT NOT NULL,
    band TEXT NOT NULL,
    area TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    count INTEGER NOT NULL CHECK (count BETWEEN 1 AND 999),
    text TEXT NOT NULL DEFAULT '',
    org TEXT NOT NULL,
    reporter TEXT NOT NULL,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL
);
CREATE INDEX events_day ON events(day);
CREATE INDEX events_org_day ON events(org, day);
