-- v18: police events placed by hand (issue 15, docs/report.md "Polisens
-- händelser på platser"). The feed's coordinates are only the municipality's
-- centroid, so an event never gets a place from the feed: a user of the
-- security department attaches it to a place of the register (server.ini
-- [place ID]) and can detach it again. The fetch's upsert does not touch
-- these columns. Every attach and detach is kept in police_place_audit.
ALTER TABLE police_events ADD COLUMN place TEXT NOT NULL DEFAULT '';       -- [place ID], '' = none
ALTER TABLE police_events ADD COLUMN place_area TEXT NOT NULL DEFAULT '';  -- the place's area then
ALTER TABLE police_events ADD COLUMN place_label TEXT NOT NULL DEFAULT ''; -- the place's label then
ALTER TABLE police_events ADD COLUMN placed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE police_events ADD COLUMN placed_at INTEGER NOT NULL DEFAULT 0;
CREATE TABLE police_place_audit (
    id INTEGER PRIMARY KEY,
    police_id INTEGER NOT NULL,
    place TEXT NOT NULL,            -- the [place ID] attached, '' = detached
    actor TEXT NOT NULL,            -- staff user name
    at INTEGER NOT NULL
);
CREATE INDEX police_place_audit_event ON police_place_audit(police_id, id);
