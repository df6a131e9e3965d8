-- Board access (issue 9): a private board's snapshots need a signed-in
-- user (its flag is copied to its snapshots, so a snapshot of a board
-- deleted since keeps it); published links show one board read-only to
-- anyone holding the link, until revoked.
ALTER TABLE boards ADD COLUMN private INTEGER NOT NULL DEFAULT 0;
ALTER TABLE snapshots ADD COLUMN private INTEGER NOT NULL DEFAULT 0;
CREATE TABLE board_links (
    id         INTEGER PRIMARY KEY,
    board_id   TEXT NOT NULL,
    token      TEXT NOT NULL UNIQUE, -- fbp_ + 256 random bits: the key of the public URL
    name       TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
) STRICT;
CREATE INDEX board_links_board ON board_links (board_id);
