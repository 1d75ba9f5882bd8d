-- The users API's state: users, workspaces and who belongs where.
-- Ids are canonical hyphenated UUID strings; timestamps are naive UTC 'YYYY-MM-DDTHH:MM:SS',
-- exactly as the real server (on SQLite) returns them, so they are stored as they are sent.

CREATE TABLE users (
    id            TEXT PRIMARY KEY NOT NULL,
    first_name    TEXT NOT NULL,
    last_name     TEXT,
    username      TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'annotator')),
    api_key       TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    inserted_at   TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE workspaces (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL UNIQUE,
    inserted_at TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- Lists are ordered by (inserted_at, rowid): timestamps have whole seconds, and rows created
-- in the same second keep their insertion order, as they do on the real server.
CREATE TABLE workspaces_users (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    inserted_at  TEXT NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);

CREATE INDEX workspaces_users_by_user ON workspaces_users (user_id);
