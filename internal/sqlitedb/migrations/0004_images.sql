-- Images uploaded for image widgets (logos, floor plans): kept in the
-- database so a backup holds everything and nothing is fetched from outside.
CREATE TABLE images (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    data         BLOB NOT NULL,
    created_at   TEXT NOT NULL
) STRICT;
