-- v15: the routing rule's copy_to (issue 14, docs/staff-ui.md "Who sees what"):
-- the recipient that got a scrubbed copy of an item at intake, so its users
-- find the item in their queue. Never set for tips or call-backs (the routing
-- config refuses a company copy_to for them; web_access.c hides them anyway).
ALTER TABLE items ADD COLUMN copy_to TEXT NOT NULL DEFAULT '';
CREATE INDEX items_copy_to ON items(copy_to, created) WHERE copy_to <> '';
-- The duplicates of an original, listed on its page.
CREATE INDEX items_duplicate_of ON items(duplicate_of) WHERE duplicate_of IS NOT NULL;
