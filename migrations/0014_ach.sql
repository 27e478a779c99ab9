-- ACH origination: the agency's originating bank (ODFI), prenotes, debits, recurring schedules,
-- the NACHA files cut for the bank, and what came back (returns and notifications of change).
-- Bank account numbers live only in the vault; these tables keep its id, routing number, last 4
-- and the agency-keyed fingerprint.

CREATE TABLE ach_originators (
  agency_id text NOT NULL REFERENCES agencies (id),
  id text NOT NULL,
  bank_name text NOT NULL CHECK (length(bank_name) BETWEEN 1 AND 23),
  -- The ODFI's routing number (9 digits); its first 8 start every trace number.
  odfi_routing text NOT NULL CHECK (odfi_routing ~ '^[0-9]{9}$'),
  -- File header: immediate destination (the bank or its operator) and origin.
  immediate_destination text NOT NULL CHECK (immediate_destination ~ '^[0-9]{9}$'),
  immediate_origin text NOT NULL CHECK (immediate_origin ~ '^[0-9A-Za-z ]{9,10}$'),
  company_name text NOT NULL CHECK (length(company_name) BETWEEN 1 AND 16),
  company_id text NOT NULL CHECK (length(company_id) = 10),
  -- The bank's own cutoff for next-day files, America/New_York wall time.
  next_day_cutoff time NOT NULL DEFAULT '17:00',
  -- The bank's cutoffs for same-day windows (each before the Fed's 10:30, 14:45, 16:45); empty: no same-day.
  same_day_cutoffs time[] NOT NULL DEFAULT '{}',
  requires_prenote boolean NOT NULL DEFAULT false,
  prenote_days integer NOT NULL DEFAULT 3 CHECK (prenote_days BETWEEN 0 AND 10),
  -- Post to the system of record when the entry is sent (and reverse on return), or when it settles.
  posting_policy text NOT NULL DEFAULT 'on_submission' CHECK (posting_policy IN ('on_submission', 'on_settlement')),
  returned_payment_fee_cents bigint NOT NULL DEFAULT 0 CHECK (returned_payment_fee_cents >= 0),
  is_default boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (agency_id, id)
);

CREATE UNIQUE INDEX ach_originators_default ON ach_originators (agency_id) WHERE is_default;

-- Trace numbers: the ODFI's 8 digits and a 7-digit sequence, unique per originator.
CREATE TABLE ach_trace_sequences (
  agency_id text NOT NULL,
  originator_id text NOT NULL,
  last_sequence bigint NOT NULL DEFAULT 0 CHECK (last_sequence BETWEEN 0 AND 9999999),
  PRIMARY KEY (agency_id, originator_id),
  FOREIGN KEY (agency_id, originator_id) REFERENCES ach_originators (agency_id, id)
);

CREATE TABLE ach_files (
  agency_id text NOT NULL,
  id text NOT NULL,
  originator_id text NOT NULL,
  -- next_day, or same_day_1 … same_day_3 (the Fed's windows).
  submission_window text NOT NULL CHECK (submission_window ~ '^(next_day|same_day_[1-3])$'),
  effective_date date NOT NULL,
  file_name text NOT NULL,
  file_id_modifier text NOT NULL CHECK (file_id_modifier ~ '^[A-Z0-9]$'),
  entry_count integer NOT NULL CHECK (entry_count > 0),
  debit_total_cents bigint NOT NULL CHECK (debit_total_cents >= 0),
  created_at timestamptz NOT NULL,
  PRIMARY KEY (agency_id, id),
  FOREIGN KEY (agency_id, originator_id) REFERENCES ach_originators (agency_id, id),
  UNIQUE (agency_id, file_name)
);

-- One row per entry Remit originates: a prenote ($0) or a debit.
CREATE TABLE ach_entries (
  agency_id text NOT NULL,
  -- pre_… for a prenote, ach_… for a debit.
  id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('prenote', 'debit')),
  originator_id text NOT NULL,
  schedule_id text,
  -- The vault's bank account, and what may be shown of it.
  bank_account_id text NOT NULL,
  bank_fingerprint text NOT NULL,
  routing_number text NOT NULL CHECK (routing_number ~ '^[0-9]{9}$'),
  account_last4 text NOT NULL CHECK (account_last4 ~ '^[0-9]{4}$'),
  account_type text NOT NULL CHECK (account_type IN ('checking', 'savings')),
  amount_cents bigint NOT NULL CHECK (amount_cents >= 0),
  sec_code text NOT NULL CHECK (sec_code IN ('WEB', 'PPD', 'CCD', 'TEL')),
  -- The payer's authorization as the SEC code requires it (WEB: the online consent; TEL: the
  -- recorded or confirmed oral authorization; PPD/CCD: the signed agreement's reference).
  authorization_text text CHECK (length(authorization_text) <= 2000),
  individual_name text NOT NULL CHECK (length(individual_name) BETWEEN 1 AND 22),
  status text NOT NULL CHECK (status IN (
    'created', 'scheduled', 'pending_submission', 'submitted', 'settled', 'returned', 'canceled')),
  -- The date the payer asked for; the entry settles on it or the next FedACH business day.
  effective_date date NOT NULL,
  same_day boolean NOT NULL DEFAULT false,
  system text,
  ref text CHECK (length(ref) BETWEEN 1 AND 64),
  agency_tracking_id text CHECK (length(agency_tracking_id) <= 128),
  description text CHECK (length(description) <= 500),
  posting_payment_id text,
  file_id text,
  trace_number text CHECK (trace_number ~ '^[0-9]{15}$'),
  return_code text CHECK (return_code ~ '^R[0-9A-Z]{2}$'),
  return_reason text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  submitted_at timestamptz,
  settled_at timestamptz,
  returned_at timestamptz,
  canceled_at timestamptz,
  PRIMARY KEY (agency_id, id),
  FOREIGN KEY (agency_id, originator_id) REFERENCES ach_originators (agency_id, id),
  FOREIGN KEY (agency_id, system) REFERENCES systems_of_record (agency_id, system),
  FOREIGN KEY (agency_id, file_id) REFERENCES ach_files (agency_id, id),
  CHECK ((kind = 'prenote') = (amount_cents = 0)),
  CHECK ((system IS NULL) = (ref IS NULL)),
  CHECK (kind = 'debit' OR system IS NULL),
  CHECK ((status IN ('submitted', 'settled', 'returned')) <= (trace_number IS NOT NULL AND file_id IS NOT NULL)),
  CHECK ((status = 'returned') = (return_code IS NOT NULL)),
  CHECK (NOT same_day OR amount_cents <= 100000000)
);

CREATE UNIQUE INDEX ach_entries_trace ON ach_entries (agency_id, trace_number) WHERE trace_number IS NOT NULL;
CREATE INDEX ach_entries_due ON ach_entries (agency_id, originator_id, effective_date) WHERE status IN ('scheduled', 'pending_submission');
CREATE INDEX ach_entries_created ON ach_entries (agency_id, created_at DESC, id DESC);
CREATE INDEX ach_entries_tracking ON ach_entries (agency_id, agency_tracking_id) WHERE agency_tracking_id IS NOT NULL;
CREATE INDEX ach_entries_duplicates ON ach_entries (agency_id, bank_fingerprint, amount_cents, created_at DESC);
CREATE INDEX ach_entries_submitted ON ach_entries (agency_id, effective_date) WHERE status = 'submitted';

CREATE TABLE ach_schedules (
  agency_id text NOT NULL,
  id text NOT NULL,
  originator_id text NOT NULL,
  bank_account_id text NOT NULL,
  bank_fingerprint text NOT NULL,
  routing_number text NOT NULL,
  account_last4 text NOT NULL,
  account_type text NOT NULL CHECK (account_type IN ('checking', 'savings')),
  individual_name text NOT NULL,
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  sec_code text NOT NULL CHECK (sec_code IN ('WEB', 'PPD', 'CCD', 'TEL')),
  authorization_text text,
  frequency text NOT NULL CHECK (frequency IN ('weekly', 'monthly', 'quarterly', 'dates')),
  -- For `dates` (an installment plan's due dates); for the others, derived from start_date.
  dates date[] NOT NULL DEFAULT '{}',
  start_date date NOT NULL,
  end_date date,
  count integer CHECK (count > 0),
  -- A date that is not a FedACH business day: the next business day, or skipped.
  non_business_day text NOT NULL DEFAULT 'next_business_day' CHECK (non_business_day IN ('next_business_day', 'skip')),
  system text,
  ref text,
  agency_tracking_id text,
  status text NOT NULL CHECK (status IN ('active', 'completed', 'canceled')),
  -- How many of the schedule's dates have become debits.
  debits_created integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  canceled_at timestamptz,
  PRIMARY KEY (agency_id, id),
  FOREIGN KEY (agency_id, originator_id) REFERENCES ach_originators (agency_id, id),
  FOREIGN KEY (agency_id, system) REFERENCES systems_of_record (agency_id, system),
  CHECK ((system IS NULL) = (ref IS NULL))
);

-- A return or NOC file, imported once: the same file again (by its SHA-256) changes nothing.
CREATE TABLE ach_inbound_files (
  agency_id text NOT NULL,
  digest text NOT NULL,
  file_name text NOT NULL,
  returns integer NOT NULL,
  notices integer NOT NULL,
  unmatched integer NOT NULL,
  imported_at timestamptz NOT NULL,
  PRIMARY KEY (agency_id, digest)
);

-- Notifications of change, as received and as applied to the vault's bank account.
CREATE TABLE ach_change_notices (
  agency_id text NOT NULL,
  entry_id text NOT NULL,
  change_code text NOT NULL CHECK (change_code ~ '^C[0-9]{2}$'),
  -- Corrected data with any account number reduced to its last 4; the vault holds the rest.
  corrected_summary text NOT NULL,
  applied boolean NOT NULL,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (agency_id, entry_id, change_code),
  FOREIGN KEY (agency_id, entry_id) REFERENCES ach_entries (agency_id, id)
);
