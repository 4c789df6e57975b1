-- v12: reply templates edited by an admin (issue 14). The catalog's text
-- (assets/i18n/sms, keys tpl.*) applies unless a row here overrides it for
-- that template and language; deleting the row resets it. No personal data.
CREATE TABLE reply_templates (
    key TEXT NOT NULL,
    lang TEXT NOT NULL,
    text TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (key, lang)) WITHOUT ROWID;
