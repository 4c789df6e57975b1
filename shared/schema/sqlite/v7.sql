-- v7: case work — the staff member an item is assigned to, and its response
-- deadline (computed by the server from its configured response times in
-- Swedish working days, trygg/workdays.h; 0 until computed).
ALTER TABLE items ADD COLUMN assignee TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN due_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX items_assignee ON items(assignee, status) WHERE assignee <> '';
CREATE INDEX items_due ON items(due_at) WHERE status <> 'closed';
