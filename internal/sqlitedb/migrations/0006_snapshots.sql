-- Snapshots: a board frozen at a moment, layout and data, immutable. The
-- id is the key of a public-by-link page: 128 random bits.
CREATE TABLE snapshots (
    id         TEXT PRIMARY KEY,
    board_id   TEXT NOT NULL,
    board_name TEXT NOT NULL,
    variant    TEXT NOT NULL,
    at         INTEGER NOT NULL, -- the frozen moment, unix ms
    note       TEXT NOT NULL,
    doc        TEXT NOT NULL,    -- the board content and every widget's data (JSON)
    png        BLOB,             -- the picture, once rendered
    created_at TEXT NOT NULL,
    expires_at TEXT              -- NULL: kept until deleted
) STRICT;
CREATE INDEX snapshots_board ON snapshots (board_id, created_at);
