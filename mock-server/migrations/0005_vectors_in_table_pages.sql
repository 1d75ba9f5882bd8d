-- Vectors as rows of a rowid table: a 384-dimension vector (1.5-3 KB) then fits in its leaf page,
-- where a WITHOUT ROWID table (an index b-tree) spills all but about 1 KB of each to overflow
-- pages, which a similarity search then follows for every vector.
CREATE TABLE vectors_new (
    id                 INTEGER PRIMARY KEY,
    vector_settings_id TEXT NOT NULL REFERENCES vectors_settings (id) ON DELETE CASCADE,
    record_row         INTEGER NOT NULL REFERENCES records (row) ON DELETE CASCADE,
    value              BLOB NOT NULL,
    inserted_at        TEXT NOT NULL,
    UNIQUE (vector_settings_id, record_row)
);
INSERT INTO vectors_new (vector_settings_id, record_row, value, inserted_at)
    SELECT vector_settings_id, record_row, value, inserted_at FROM vectors;
DROP TABLE vectors;
ALTER TABLE vectors_new RENAME TO vectors;
CREATE INDEX vectors_by_record ON vectors (record_row);
