-- Presentment: systems of record that only trade files. Remit imports their bill files, keeps
-- the last snapshot of each account, accrues late fees from it day by day, and sends payments
-- back in posting files.

ALTER TABLE systems_of_record
  ADD COLUMN bill_file_url text,
  ADD COLUMN posting_file_url text,
  -- How often bill files are fetched and posting files sent, when the URLs are set.
  ADD COLUMN file_interval_ms integer NOT NULL DEFAULT 60000 CHECK (file_interval_ms BETWEEN 1000 AND 86400000);

CREATE TABLE bill_imports (
  agency_id text NOT NULL,
  id text NOT NULL,
  system text NOT NULL,
  source text NOT NULL,
  -- SHA-256 of the file: the same file imported twice is recognised and changes nothing.
  digest bytea NOT NULL,
  status text NOT NULL CHECK (status IN ('accepted', 'refused')),
  rows_total integer NOT NULL,
  rows_accepted integer NOT NULL,
  rows_rejected integer NOT NULL,
  report jsonb NOT NULL,
  imported_at timestamptz NOT NULL,
  PRIMARY KEY (agency_id, id),
  UNIQUE (agency_id, system, digest),
  FOREIGN KEY (agency_id, system) REFERENCES systems_of_record (agency_id, system)
);

CREATE TABLE bill_snapshots (
  agency_id text NOT NULL,
  system text NOT NULL,
  ref text NOT NULL,
  name text NOT NULL,
  status text NOT NULL,
  amount_due_cents bigint NOT NULL CHECK (amount_due_cents >= 0),
  past_due_cents bigint NOT NULL CHECK (past_due_cents >= 0 AND past_due_cents <= amount_due_cents),
  due_date date NOT NULL,
  bill_date date,
  import_id text NOT NULL,
  imported_at timestamptz NOT NULL,
  PRIMARY KEY (agency_id, system, ref),
  FOREIGN KEY (agency_id, import_id) REFERENCES bill_imports (agency_id, id)
);

CREATE TABLE posting_files (
  agency_id text NOT NULL,
  id text NOT NULL,
  system text NOT NULL,
  file_name text NOT NULL,
  lines integer NOT NULL CHECK (lines > 0),
  total_cents bigint NOT NULL,
  written_at timestamptz NOT NULL,
  delivered_at timestamptz,
  PRIMARY KEY (agency_id, id),
  FOREIGN KEY (agency_id, system) REFERENCES systems_of_record (agency_id, system)
);

CREATE TABLE posting_file_lines (
  agency_id text NOT NULL,
  payment_id text NOT NULL,
  system text NOT NULL,
  ref text NOT NULL,
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  paid_at timestamptz NOT NULL,
  method text NOT NULL,
  queued_at timestamptz NOT NULL,
  file_id text,
  PRIMARY KEY (agency_id, payment_id),
  FOREIGN KEY (agency_id, system) REFERENCES systems_of_record (agency_id, system),
  FOREIGN KEY (agency_id, file_id) REFERENCES posting_files (agency_id, id)
);

CREATE INDEX posting_file_lines_queued ON posting_file_lines (agency_id, system) WHERE file_id IS NULL;
