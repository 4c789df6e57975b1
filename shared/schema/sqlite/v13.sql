-- v13: the operational group's meeting and measures (issue 15, docs/report.md
-- "Mötet: bedömning och beslut", "Insatser och åtgärdsplan"). Texts are
-- scrubbed of personal data before they are written.
-- The assessment (bedömning) of one ISO week, every save a new version.
CREATE TABLE week_notes (
    week TEXT NOT NULL,            -- "2026-W47"
    version INTEGER NOT NULL,      -- 1, 2, ...
    assessment TEXT NOT NULL DEFAULT '',
    publish INTEGER NOT NULL DEFAULT 0 CHECK (publish IN (0, 1)),
    author TEXT NOT NULL,          -- staff user name
    created INTEGER NOT NULL,
    PRIMARY KEY (week, version)
);
-- Decisions taken in a week's meeting, followed up the next week.
CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    week TEXT NOT NULL,
    text TEXT NOT NULL,
    org TEXT NOT NULL DEFAULT '',  -- responsible organisation
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'dropped')),
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL
);
CREATE INDEX decisions_week ON decisions(week);
-- The measures register (insatser/åtgärder). places, cats and types are
-- comma-separated ids: [place ID], [category ID], event type names.
CREATE TABLE measures (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    problem TEXT NOT NULL DEFAULT '',
    places TEXT NOT NULL DEFAULT '',
    cats TEXT NOT NULL DEFAULT '',
    types TEXT NOT NULL DEFAULT '',
    org TEXT NOT NULL,
    start_day TEXT NOT NULL,
    end_day TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('planned', 'ongoing', 'done', 'dropped')),
    priority INTEGER NOT NULL DEFAULT 2 CHECK (priority BETWEEN 1 AND 3),
    cost INTEGER NOT NULL DEFAULT -1,
    indicator TEXT NOT NULL DEFAULT '',
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL
);
-- The åtgärdsplan's editable preamble: one row.
CREATE TABLE plan_preamble (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    text TEXT NOT NULL,
    updated INTEGER NOT NULL
);
