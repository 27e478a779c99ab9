-- When each file-only system's bill file was last fetched, imported or not: an unchanged file
-- must not be fetched again before its interval has passed.
ALTER TABLE systems_of_record ADD COLUMN bill_fetched_at timestamptz;
