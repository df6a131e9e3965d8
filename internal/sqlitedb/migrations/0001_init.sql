-- Boards: the current state of each board. doc holds the board's content
-- (name, description, theme, widgets, variants) as JSON; name, widget_count
-- and variants are copies for listing without parsing every document.
CREATE TABLE boards (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    revision     INTEGER NOT NULL CHECK (revision >= 1),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    deleted_at   TEXT,
    widget_count INTEGER NOT NULL,
    variants     TEXT NOT NULL,
    doc          TEXT NOT NULL
) STRICT;

CREATE INDEX boards_by_deleted_at ON boards (deleted_at, updated_at);

-- Every save of a board, kept: revision N of a board is exactly the content
-- the client saved as N.
CREATE TABLE board_versions (
    board_id   TEXT NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    revision   INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    name       TEXT NOT NULL,
    doc        TEXT NOT NULL,
    PRIMARY KEY (board_id, revision)
) STRICT;
