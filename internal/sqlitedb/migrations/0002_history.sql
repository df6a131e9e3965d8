-- History: every series that was rolled up, and its 10-second roll-ups.
CREATE TABLE series (
    id     INTEGER PRIMARY KEY,
    metric TEXT NOT NULL,
    labels TEXT NOT NULL, -- JSON object of the labels, keys sorted
    UNIQUE (metric, labels)
) STRICT;

CREATE TABLE rollups (
    series_id INTEGER NOT NULL REFERENCES series (id) ON DELETE CASCADE,
    ts        INTEGER NOT NULL, -- start of the 10 s bucket, unix ms
    min       REAL NOT NULL,
    max       REAL NOT NULL,
    sum       REAL NOT NULL,
    count     INTEGER NOT NULL,
    last      REAL NOT NULL,
    PRIMARY KEY (series_id, ts)
) STRICT, WITHOUT ROWID;

CREATE INDEX rollups_by_ts ON rollups (ts);
