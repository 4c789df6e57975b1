-- v23: the forward outbox's hand-over marker (issue 17, docs/server.md
-- "Forwarding: what a crash can do"). handed_over is the time a worker
-- started the final step of a send (the end of the SMTP DATA, the webhook's
-- request) and has not yet recorded its outcome: written, under the
-- worker's lease, before that step, cleared when the result is marked. A
-- claimed row with handed_over <> 0 was being handed over when its worker
-- died: the receiver may have it; it is sent again with the same
-- Message-ID / Idempotency-Key. handovers counts the final steps started,
-- i.e. the most copies the receiver can have got.
ALTER TABLE notify_out ADD COLUMN handed_over INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notify_out ADD COLUMN handovers INTEGER NOT NULL DEFAULT 0;
