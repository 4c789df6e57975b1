-- v23: the forward outbox's hand-over marker (issue 17); the same columns
-- and meaning as SQLite's v23 (shared/schema/sqlite/v23.sql): handed_over
-- is when a worker started the final step of a send and has not recorded
-- its outcome ('epoch' = none), handovers the final steps started.
ALTER TABLE notify_out ADD COLUMN handed_over timestamptz NOT NULL DEFAULT 'epoch';
ALTER TABLE notify_out ADD COLUMN handovers integer NOT NULL DEFAULT 0;
