-- v11: when the resident sent a report from a kiosk (the kiosk's clock),
-- kept apart from `created` (when it reached the server): a report made during
-- an outage arrives later. 0 = the same as its arrival (issue 16).
ALTER TABLE items ADD COLUMN reported INTEGER NOT NULL DEFAULT 0;
