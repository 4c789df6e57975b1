-- v14: safety rounds (trygghetsronder, issue 16). The housing company's
-- rounds with tenants are planned like safety walks, with their own
-- capacity; a sign-up for one is a walk_signup the kiosk API marks with
-- category "round", so routing.ini sends it to the rounds' own coordinator.
ALTER TABLE walks ADD COLUMN round INTEGER NOT NULL DEFAULT 0 CHECK (round IN (0, 1));
