-- v17: a decision's history (issue 15, docs/report.md "Mötet: bedömning och
-- beslut"): every status a decision is given, by whom and when, so the
-- meeting can follow a decision up. The first entry is the status it was
-- taken with; decisions taken before this step get one entry with their
-- status as it stands, by '' (unknown), at their last change.
CREATE TABLE decision_history (
    id INTEGER PRIMARY KEY,
    decision INTEGER NOT NULL REFERENCES decisions(id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('open', 'done', 'dropped')),
    author TEXT NOT NULL DEFAULT '',  -- staff user name
    at INTEGER NOT NULL
);
CREATE INDEX decision_history_decision ON decision_history(decision, id);
INSERT INTO decision_history (decision, status, author, at)
    SELECT id, status, '', updated FROM decisions ORDER BY id;
