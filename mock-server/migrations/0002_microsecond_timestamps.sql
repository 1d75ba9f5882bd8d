-- Timestamps are stored with microseconds ('YYYY-MM-DDTHH:MM:SS.ffffff'): Argilla 2.x shows them,
-- 1.x shows the whole seconds. A database written by an earlier version gets the fraction added,
-- so all rows keep one format and text order stays time order.
UPDATE users SET inserted_at = inserted_at || '.000000' WHERE length(inserted_at) = 19;
UPDATE users SET updated_at = updated_at || '.000000' WHERE length(updated_at) = 19;
UPDATE workspaces SET inserted_at = inserted_at || '.000000' WHERE length(inserted_at) = 19;
UPDATE workspaces SET updated_at = updated_at || '.000000' WHERE length(updated_at) = 19;
UPDATE workspaces_users SET inserted_at = inserted_at || '.000000' WHERE length(inserted_at) = 19;
