-- v6: every table in a migration, outboxes with leases, gateway clients.
--
-- Until v5 the report, the police feed and the SMS gateway created their own
-- tables when they opened the store (CREATE ... IF NOT EXISTS, unversioned).
-- This step creates them here. A file written by that code already has some
-- of them, with exactly this text: tables holding data are created only if
-- missing; caches, indexes and triggers are dropped and created again. The
-- trigger report_health_upd is not recreated: health rows are written with
-- INSERT OR REPLACE, which never fires an UPDATE trigger.

-- The weekly situation picture (store_report.c). A covering index for the
-- 13-week scan and a partial index on status changes for the time to close.
DROP INDEX IF EXISTS report_items_week;
DROP INDEX IF EXISTS report_items_scan;
DROP INDEX IF EXISTS report_items_scan_v2;
CREATE INDEX report_items_scan_v2 ON items(created, kind, category, area,
    channel, source, status, urgent, shared_place);
DROP INDEX IF EXISTS report_audit_status;
CREATE INDEX report_audit_status ON audit(item_id, at) WHERE action = 'status';

-- Per-week counts of complete past weeks; a cache, dropped whenever an item
-- of the week is added, moved, re-classified or deleted.
DROP TRIGGER IF EXISTS report_cache_ins;
DROP TRIGGER IF EXISTS report_cache_upd;
DROP TRIGGER IF EXISTS report_cache_del;
DROP TABLE IF EXISTS report_week_counts;
DROP TABLE IF EXISTS report_week_done;
CREATE TABLE report_week_done(week_start INTEGER PRIMARY KEY,
    week_end INTEGER NOT NULL, total INTEGER NOT NULL, computed INTEGER NOT NULL);
CREATE TABLE report_week_counts(week_start INTEGER NOT NULL,
    dim INTEGER NOT NULL, key TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY(week_start, dim, key)) WITHOUT ROWID;
CREATE TRIGGER report_cache_ins AFTER INSERT ON items BEGIN
    DELETE FROM report_week_done
     WHERE week_start <= NEW.created AND week_end > NEW.created;
END;
CREATE TRIGGER report_cache_upd AFTER UPDATE OF created, kind, category, area, channel, source
    ON items BEGIN
    DELETE FROM report_week_done
     WHERE (week_start <= OLD.created AND week_end > OLD.created)
        OR (week_start <= NEW.created AND week_end > NEW.created);
END;
CREATE TRIGGER report_cache_del AFTER DELETE ON items BEGIN
    DELETE FROM report_week_done
     WHERE week_start <= OLD.created AND week_end > OLD.created;
END;

-- When availability logging began (history_since), and availability
-- intervals: a kiosk heartbeat or a gateway health record extends the
-- component's open interval; a gap over 600 seconds starts a new one. A
-- health record whose JSON says "ok": false does not count as up.
CREATE TABLE IF NOT EXISTS report_meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO report_meta(key, value)
    VALUES ('history_since', CAST(strftime('%s','now') AS INTEGER));
CREATE TABLE IF NOT EXISTS report_uptime(id INTEGER PRIMARY KEY,
    component TEXT NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL);
DROP INDEX IF EXISTS report_uptime_comp;
CREATE INDEX report_uptime_comp ON report_uptime(component, last);
DROP TRIGGER IF EXISTS report_kiosk_seen;
DROP TRIGGER IF EXISTS report_health_ins;
DROP TRIGGER IF EXISTS report_health_upd;
CREATE TRIGGER report_kiosk_seen AFTER UPDATE OF last_seen ON kiosks
    WHEN NEW.last_seen > 0 BEGIN
    UPDATE report_uptime SET last = NEW.last_seen
     WHERE id = (SELECT id FROM report_uptime
                  WHERE component = 'kiosk:' || NEW.id
                    AND last >= NEW.last_seen - 600 AND first <= NEW.last_seen
                  ORDER BY last DESC LIMIT 1)
       AND last < NEW.last_seen;
    INSERT INTO report_uptime(component, first, last)
    SELECT 'kiosk:' || NEW.id, NEW.last_seen, NEW.last_seen
     WHERE NOT EXISTS (SELECT 1 FROM report_uptime
                        WHERE component = 'kiosk:' || NEW.id
                          AND last >= NEW.last_seen - 600 AND first <= NEW.last_seen);
END;
CREATE TRIGGER report_health_ins AFTER INSERT ON health
    WHEN NOT (json_valid(NEW.json) AND json_extract(NEW.json, '$.ok') IS 0) BEGIN
    UPDATE report_uptime SET last = NEW.updated
     WHERE id = (SELECT id FROM report_uptime
                  WHERE component = 'gw:' || NEW.component
                    AND last >= NEW.updated - 600 AND first <= NEW.updated
                  ORDER BY last DESC LIMIT 1)
       AND last < NEW.updated;
    INSERT INTO report_uptime(component, first, last)
    SELECT 'gw:' || NEW.component, NEW.updated, NEW.updated
     WHERE NOT EXISTS (SELECT 1 FROM report_uptime
                        WHERE component = 'gw:' || NEW.component
                          AND last >= NEW.updated - 600 AND first <= NEW.updated);
END;

-- The police's published events for the area (police_events.c).
CREATE TABLE IF NOT EXISTS police_events(id INTEGER PRIMARY KEY, at INTEGER NOT NULL,
    datetime TEXT NOT NULL DEFAULT '', name TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '', url TEXT NOT NULL DEFAULT '',
    type TEXT NOT NULL DEFAULT '', location_name TEXT NOT NULL DEFAULT '',
    gps TEXT NOT NULL DEFAULT '', fetched INTEGER NOT NULL);
DROP INDEX IF EXISTS police_events_at;
CREATE INDEX police_events_at ON police_events(at);

-- The SMS channel: the idempotency key of every inbound SMS (also the
-- per-sender count for flood limits), anonymous daily counters, and when a
-- sender last called (RING makes a call-back only right after a call).
CREATE TABLE IF NOT EXISTS smsgw_inbound(
    key TEXT PRIMARY KEY,
    item_id INTEGER NOT NULL,
    sender TEXT NOT NULL,
    created INTEGER NOT NULL);
DROP INDEX IF EXISTS smsgw_inbound_sender;
CREATE INDEX smsgw_inbound_sender ON smsgw_inbound(sender, created);
CREATE TABLE IF NOT EXISTS smsgw_counters(
    day TEXT NOT NULL,
    name TEXT NOT NULL,
    count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, name));
CREATE TABLE IF NOT EXISTS smsgw_calls(
    sender TEXT NOT NULL,
    at INTEGER NOT NULL);
DROP INDEX IF EXISTS smsgw_calls_sender;
CREATE INDEX smsgw_calls_sender ON smsgw_calls(sender, at);

-- Clients: a registered client is a lobby kiosk or an SMS gateway; each may
-- use only its own API.
ALTER TABLE kiosks ADD COLUMN role TEXT NOT NULL DEFAULT 'kiosk';

-- Leased outboxes: a worker claims due rows until lease_until under its
-- instance name, so two workers never send the same message and a crashed
-- worker's rows come back when the lease ends.
ALTER TABLE sms_out ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE sms_out ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notify_out ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE notify_out ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;

-- Jobs that must run once at a time across processes and hosts (purge,
-- police fetch, checkpoints): a named lease.
CREATE TABLE job_leases(
    name TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    until INTEGER NOT NULL);
