-- v20: how a staff-made item came in (issue 14): "phone", "visit", "letter"
-- or "email" for channel 'staff' (the registration form, server/web_new.c),
-- '' for every other channel. Shown in the queue, on the item page and in
-- the exports beside the channel.
ALTER TABLE items ADD COLUMN via TEXT NOT NULL DEFAULT '';
