-- Argilla 2.x records and the work done on them (argilla-2x-records-api.md): responses,
-- suggestions, vectors, who has responded in a dataset, and what the search engine of the real
-- server indexes (metadata terms and numbers, text) as tables with indexes. Record `fields`,
-- `metadata`, response `values` and suggestion `value`/`score` are stored as the JSON sent.

CREATE TABLE records (
    row         INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    dataset_id  TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    external_id TEXT,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'completed')),
    fields      TEXT NOT NULL,
    metadata    TEXT,
    inserted_at TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (dataset_id, external_id)
);
CREATE INDEX records_by_dataset ON records (dataset_id, inserted_at, row);
CREATE INDEX records_by_status ON records (dataset_id, status);

CREATE TABLE responses (
    id          TEXT PRIMARY KEY NOT NULL,
    record_id   TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    "values"    TEXT,
    status      TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'discarded')),
    inserted_at TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (record_id, user_id)
);
CREATE INDEX responses_by_user ON responses (user_id);

CREATE TABLE suggestions (
    id          TEXT PRIMARY KEY NOT NULL,
    record_id   TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    question_id TEXT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    value       TEXT NOT NULL,
    score       TEXT,
    agent       TEXT,
    type        TEXT CHECK (type IN ('model', 'human')),
    inserted_at TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (record_id, question_id)
);
CREATE INDEX suggestions_by_question ON suggestions (question_id);

-- A vector's components as little-endian f64s, exactly as sent.
CREATE TABLE vectors (
    record_row         INTEGER NOT NULL REFERENCES records (row) ON DELETE CASCADE,
    vector_settings_id TEXT NOT NULL REFERENCES vectors_settings (id) ON DELETE CASCADE,
    value              BLOB NOT NULL,
    inserted_at        TEXT NOT NULL,
    PRIMARY KEY (vector_settings_id, record_row)
) WITHOUT ROWID;
CREATE INDEX vectors_by_record ON vectors (record_row);

-- The users with a response in a dataset, by the time of their first one.
CREATE TABLE datasets_users (
    dataset_id  TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    inserted_at TEXT NOT NULL,
    PRIMARY KEY (dataset_id, user_id)
);

-- What a search filters and sorts on: each value of a record's metadata for a property of its
-- dataset (a list gives one row per element), as a term and, when numeric, as a number.
CREATE TABLE records_metadata (
    record_row  INTEGER NOT NULL REFERENCES records (row) ON DELETE CASCADE,
    property_id TEXT NOT NULL REFERENCES metadata_properties (id) ON DELETE CASCADE,
    term        TEXT,
    number      REAL
);
CREATE INDEX records_metadata_terms ON records_metadata (property_id, term, record_row);
CREATE INDEX records_metadata_numbers ON records_metadata (property_id, number, record_row);
CREATE INDEX records_metadata_by_record ON records_metadata (record_row);

-- The text a full-text search reads: rowid = record row × 1024 for all its fields together,
-- + 1 + a field's position for that field alone. The standard analyzer's tokens: Unicode words, lower
-- case, accents kept.
CREATE VIRTUAL TABLE records_text USING fts5 (
    text,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 0'
);

-- A record's text goes with it, also when its dataset (or the dataset's workspace) goes.
CREATE TRIGGER records_text_of_deleted_record AFTER DELETE ON records BEGIN
    DELETE FROM records_text WHERE rowid BETWEEN old.row * 1024 AND old.row * 1024 + 1023;
END;
