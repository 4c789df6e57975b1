-- v5 (issue 12): kiosk reference prefixes, so a kiosk's offline receipts are
-- unique by construction (shared/include/trygg/ref.h). kiosks.ref_prefix is
-- the kiosk's current prefix; kiosk_prefixes records every prefix ever issued
-- and to whom (a prefix is never issued twice, even after its kiosk is gone,
-- and a kiosk's queued references under a retired prefix stay valid).
-- Existing kiosks get the first prefixes in trygg_ref_prefix_nth order
-- ("22", "23", ...: digit 2-9, then any of the 29 symbols) by creation.

ALTER TABLE kiosks ADD COLUMN ref_prefix TEXT;
UPDATE kiosks SET ref_prefix = (SELECT CASE WHEN n < 232 THEN
    substr('23456789ABCDEFGHJKMNPQRSTWXYZ', n / 29 + 1, 1) ||
    substr('23456789ABCDEFGHJKMNPQRSTWXYZ', n % 29 + 1, 1) END
    FROM (SELECT count(*) AS n FROM kiosks k2 WHERE k2.rowid < kiosks.rowid));
CREATE UNIQUE INDEX kiosks_ref_prefix ON kiosks(ref_prefix);
CREATE TABLE kiosk_prefixes (
    prefix TEXT PRIMARY KEY,
    kiosk_id TEXT NOT NULL,
    issued INTEGER NOT NULL);
INSERT INTO kiosk_prefixes (prefix, kiosk_id, issued)
    SELECT ref_prefix, id, created FROM kiosks WHERE ref_prefix IS NOT NULL;
