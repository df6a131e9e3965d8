-- Paired screens (issue 9): unattended displays that paired once with a
-- code and hold a long-lived display token. Only a SHA-256 hash of the
-- token is kept. A revoked screen stays listed with its revocation time
-- until it is forgotten.
CREATE TABLE screens (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL,
    grp              TEXT NOT NULL DEFAULT '',  -- "group" is a keyword
    token_hash       TEXT NOT NULL UNIQUE,      -- hex SHA-256 of the token (fbd_…)
    target           TEXT NOT NULL DEFAULT '{}', -- JSON: what it shows
    switched_from    TEXT,                      -- JSON: what it showed before "switch every screen"
    created_by       TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    last_seen_at     TEXT,
    user_agent       TEXT NOT NULL DEFAULT '',
    address          TEXT NOT NULL DEFAULT '',
    showing          TEXT NOT NULL DEFAULT '',  -- the page it last said it shows
    errors           INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT NOT NULL DEFAULT '',
    last_error_at    TEXT,
    watchdog_reloads INTEGER NOT NULL DEFAULT 0,
    revoked_at       TEXT
) STRICT;
