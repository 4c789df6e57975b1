-- v20: how a staff-made item came in (issue 14): "phone", "visit", "letter"
-- or "email" for channel 'staff', '' otherwise (as SQLite's v20).
-- Also mends the baseline's items.reported: it held a boolean where the
-- store keeps the time the resident reported at an offline kiosk (SQLite's
-- v11: Unix seconds, 0 = on arrival). A true there cannot be turned back
-- into a time, so it becomes NULL (= on arrival), as 0 does.
ALTER TABLE items ADD COLUMN via text NOT NULL DEFAULT '';
ALTER TABLE items ALTER COLUMN reported DROP DEFAULT;
ALTER TABLE items ALTER COLUMN reported DROP NOT NULL;
ALTER TABLE items ALTER COLUMN reported TYPE timestamptz USING NULL;
