-- API tokens (issue 9): admin-created, scoped (ingest, read, write).
-- Only a SHA-256 hash of the secret is kept: the secret is 256 random bits,
-- so a fast hash is enough, and it is shown once at creation. A revoked
-- token stays listed with its revocation time.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    secret_hash  TEXT NOT NULL UNIQUE, -- hex SHA-256 of the whole secret (fbt_…)
    scopes       TEXT NOT NULL,        -- comma-separated, sorted: "ingest", "read", "write"
    created_by   TEXT NOT NULL,        -- the admin's name when it was made
    created_at   TEXT NOT NULL,
    last_used_at TEXT,                 -- written at most once a minute per token
    revoked_at   TEXT
) STRICT;
