-- Argilla 2.x datasets and their settings (argilla-2x-datasets-api.md). Settings and the
-- distribution are stored as the JSON the API shows; names are unique per dataset and kind, a
-- dataset's name per workspace. Lists are ordered by (inserted_at, rowid).

CREATE TABLE datasets (
    id                   TEXT PRIMARY KEY NOT NULL,
    name                 TEXT NOT NULL,
    guidelines           TEXT,
    allow_extra_metadata INTEGER NOT NULL,
    status               TEXT NOT NULL CHECK (status IN ('draft', 'ready')),
    distribution         TEXT NOT NULL,
    metadata             TEXT,
    -- No cascade: a workspace with datasets cannot be deleted (409), as on the real server.
    workspace_id         TEXT NOT NULL REFERENCES workspaces (id),
    last_activity_at     TEXT NOT NULL,
    inserted_at          TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    UNIQUE (workspace_id, name)
);

CREATE TABLE fields (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    title       TEXT NOT NULL,
    required    INTEGER NOT NULL,
    settings    TEXT NOT NULL,
    dataset_id  TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    inserted_at TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (dataset_id, name)
);

CREATE TABLE questions (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    title       TEXT NOT NULL,
    description TEXT,
    required    INTEGER NOT NULL,
    settings    TEXT NOT NULL,
    dataset_id  TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    inserted_at TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (dataset_id, name)
);

CREATE TABLE metadata_properties (
    id                     TEXT PRIMARY KEY NOT NULL,
    name                   TEXT NOT NULL,
    title                  TEXT NOT NULL,
    settings               TEXT NOT NULL,
    visible_for_annotators INTEGER NOT NULL,
    dataset_id             TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    inserted_at            TEXT NOT NULL,
    updated_at             TEXT NOT NULL,
    UNIQUE (dataset_id, name)
);

CREATE TABLE vectors_settings (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    title       TEXT NOT NULL,
    dimensions  INTEGER NOT NULL,
    dataset_id  TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    inserted_at TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (dataset_id, name)
);
