-- The audit log (issue 9): one row per change made through the API (and
-- per refused attempt by a known user or token, and per failed login).
-- AUTOINCREMENT so an id is never reused after pruning: clients page with
-- ?before=<id>. Rows are only inserted and pruned (oldest first), never
-- updated.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,    -- UTC, fixed width so it sorts as text
    actor       TEXT NOT NULL,    -- "ada", "token:deploy", "display:lobby", "anonymous"
    actor_kind  TEXT NOT NULL,    -- user, token, display, anonymous
    ip          TEXT NOT NULL,    -- the client's address as the server saw it
    action      TEXT NOT NULL,    -- "board.update"
    route       TEXT NOT NULL,    -- "PUT /api/v1/boards/:id": the pattern, never the path (a setup link's token stays out)
    target_type TEXT NOT NULL,    -- "board", "" when none
    target_id   TEXT NOT NULL,
    summary     TEXT NOT NULL,
    status      INTEGER NOT NULL  -- the HTTP status answered
) STRICT;
CREATE INDEX audit_log_actor ON audit_log(actor COLLATE NOCASE, id);
CREATE INDEX audit_log_action ON audit_log(action, id);
CREATE INDEX audit_log_target ON audit_log(target_type, target_id, id);
CREATE INDEX audit_log_at ON audit_log(at);
