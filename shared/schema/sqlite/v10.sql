-- v10: follow-up codes (issue 14, docs/follow-up.md). The resident's code is
-- the reference plus a secret part; the store keeps only a keyed hash of the
-- two (hex), never the secret. '' = the item has no follow-up code.
ALTER TABLE items ADD COLUMN follow_hash TEXT NOT NULL DEFAULT '';
