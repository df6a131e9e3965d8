-- Users and their sessions (issue 9). Only a bcrypt hash of a password and
-- a SHA-256 hash of a session id are kept.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL COLLATE NOCASE UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    last_login_at TEXT
) STRICT;

CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY, -- hex SHA-256 of the cookie value
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_ms   INTEGER NOT NULL, -- unix ms
    last_seen_ms INTEGER NOT NULL, -- unix ms, written at most once a minute
    ip           TEXT NOT NULL,
    user_agent   TEXT NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);
