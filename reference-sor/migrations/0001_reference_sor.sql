-- The reference system of record: Demo County's own software. Every table lives in the schema
-- reference_sor, apart from Remit's, and this folder's versions are recorded in
-- reference_sor.schema_migrations (store.ts runs migrate() with search_path set to the schema).

CREATE SCHEMA IF NOT EXISTS reference_sor;

-- The county itself: one row, written by the first seed; it also marks the seed as done.
CREATE TABLE reference_sor.county (
  id smallint PRIMARY KEY CHECK (id = 1),
  name text NOT NULL,
  rule_set text NOT NULL CHECK (rule_set IN ('TX', 'CA', 'IL-COOK', 'FL', 'WA')),
  time_zone text NOT NULL,
  seed integer NOT NULL,
  seeded_for date NOT NULL,
  seeded_at timestamptz NOT NULL DEFAULT now()
);

-- Every payable account, whatever its kind: payments point here and lock this row.
CREATE TABLE reference_sor.accounts (
  ref text PRIMARY KEY CHECK (ref ~ '^[A-Z0-9-]{4,32}$'),
  kind text NOT NULL CHECK (kind IN ('parcel', 'court_case', 'utility', 'permit')),
  name text NOT NULL,
  UNIQUE (kind, ref)
);

-- Property tax ---------------------------------------------------------------------------------

CREATE TABLE reference_sor.taxing_units (
  code text PRIMARY KEY,
  name text NOT NULL
);

CREATE TABLE reference_sor.tax_rates (
  unit_code text NOT NULL REFERENCES reference_sor.taxing_units (code),
  tax_year integer NOT NULL,
  -- Tax per dollar of taxable value, in millionths (0.3900% = 3900).
  rate_millionths integer NOT NULL CHECK (rate_millionths > 0),
  PRIMARY KEY (unit_code, tax_year)
);

CREATE TABLE reference_sor.parcels (
  ref text PRIMARY KEY,
  kind text NOT NULL DEFAULT 'parcel' CHECK (kind = 'parcel'),
  situs_address text NOT NULL,
  property_class text NOT NULL CHECK (property_class IN ('residential', 'nonresidential')),
  FOREIGN KEY (kind, ref) REFERENCES reference_sor.accounts (kind, ref)
);

-- The year's base tax of a parcel, split across the taxing units that levy it.
CREATE TABLE reference_sor.parcel_levies (
  ref text NOT NULL REFERENCES reference_sor.parcels (ref),
  tax_year integer NOT NULL,
  unit_code text NOT NULL,
  taxable_value_cents bigint NOT NULL CHECK (taxable_value_cents >= 0),
  tax_cents bigint NOT NULL CHECK (tax_cents >= 0),
  PRIMARY KEY (ref, tax_year, unit_code),
  FOREIGN KEY (unit_code, tax_year) REFERENCES reference_sor.tax_rates (unit_code, tax_year)
);

-- A tax bill: the whole year (installment 0), or one installment where the rule set has them.
CREATE TABLE reference_sor.parcel_bills (
  bill_id text PRIMARY KEY,
  ref text NOT NULL REFERENCES reference_sor.parcels (ref),
  tax_year integer NOT NULL,
  installment smallint NOT NULL CHECK (installment >= 0),
  tax_cents bigint NOT NULL CHECK (tax_cents > 0),
  billed_on date NOT NULL,
  UNIQUE (ref, tax_year, installment)
);

-- Courts ---------------------------------------------------------------------------------------

CREATE TABLE reference_sor.court_cases (
  ref text PRIMARY KEY,
  kind text NOT NULL DEFAULT 'court_case' CHECK (kind = 'court_case'),
  court text NOT NULL,
  offense text NOT NULL,
  filed_on date NOT NULL,
  FOREIGN KEY (kind, ref) REFERENCES reference_sor.accounts (kind, ref)
);

CREATE TABLE reference_sor.court_assessments (
  assessment_id text PRIMARY KEY,
  ref text NOT NULL REFERENCES reference_sor.court_cases (ref),
  category text NOT NULL CHECK (category IN ('restitution', 'state_surcharge', 'fine', 'penalty_assessment', 'cost')),
  description text NOT NULL,
  assessed_on date NOT NULL,
  amount_cents bigint NOT NULL CHECK (amount_cents > 0)
);
CREATE INDEX court_assessments_by_case ON reference_sor.court_assessments (ref);

-- Utilities ------------------------------------------------------------------------------------

CREATE TABLE reference_sor.utility_accounts (
  ref text PRIMARY KEY,
  kind text NOT NULL DEFAULT 'utility' CHECK (kind = 'utility'),
  service_address text NOT NULL,
  service_status text NOT NULL CHECK (service_status IN ('active', 'disconnected')),
  disconnected_on date,
  -- What must be paid to be reconnected: arrears, their late fees and the turn-off fee.
  disconnect_amount_cents bigint NOT NULL DEFAULT 0 CHECK (disconnect_amount_cents >= 0),
  reconnect_eligible boolean NOT NULL DEFAULT false,
  FOREIGN KEY (kind, ref) REFERENCES reference_sor.accounts (kind, ref),
  CHECK ((service_status = 'disconnected') = (disconnected_on IS NOT NULL)),
  CHECK (NOT reconnect_eligible OR service_status = 'disconnected')
);

CREATE TABLE reference_sor.utility_bills (
  bill_id text PRIMARY KEY,
  ref text NOT NULL REFERENCES reference_sor.utility_accounts (ref),
  description text NOT NULL,
  bill_date date NOT NULL,
  due_date date NOT NULL CHECK (due_date >= bill_date),
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  late_fee_applies boolean NOT NULL
);
CREATE INDEX utility_bills_by_account ON reference_sor.utility_bills (ref);

-- Permits --------------------------------------------------------------------------------------

CREATE TABLE reference_sor.permits (
  ref text PRIMARY KEY,
  kind text NOT NULL DEFAULT 'permit' CHECK (kind = 'permit'),
  permit_type text NOT NULL,
  site_address text NOT NULL,
  applied_on date NOT NULL,
  fee_cents bigint NOT NULL CHECK (fee_cents > 0),
  status text NOT NULL CHECK (status IN ('pending_payment', 'issued')),
  issued_at timestamptz,
  FOREIGN KEY (kind, ref) REFERENCES reference_sor.accounts (kind, ref),
  CHECK ((status = 'issued') = (issued_at IS NOT NULL))
);

-- Payments -------------------------------------------------------------------------------------

CREATE SEQUENCE reference_sor.receipt_numbers;

-- payment_id is the caller's key: the primary key makes a payment land at most once.
CREATE TABLE reference_sor.payments (
  payment_id text PRIMARY KEY,
  kind text NOT NULL,
  ref text NOT NULL,
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  paid_at timestamptz NOT NULL,
  method text NOT NULL,
  receipt_number text NOT NULL UNIQUE,
  amount_due_after_cents bigint NOT NULL,
  source text NOT NULL CHECK (source IN ('api', 'posting_file', 'seed')),
  status text NOT NULL DEFAULT 'applied' CHECK (status IN ('applied', 'reversed')),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  reversed_at timestamptz,
  reversal_reason text,
  FOREIGN KEY (kind, ref) REFERENCES reference_sor.accounts (kind, ref),
  CHECK ((status = 'reversed') = (reversed_at IS NOT NULL))
);
CREATE INDEX payments_by_account ON reference_sor.payments (ref);

-- How each payment was applied. Balances are derived from the lines of payments not reversed.
CREATE TABLE reference_sor.payment_lines (
  payment_id text NOT NULL REFERENCES reference_sor.payments (payment_id),
  line_no smallint NOT NULL,
  charge_id text,
  label text NOT NULL,
  tax_year integer,
  installment smallint,
  component text NOT NULL CHECK (component IN ('tax', 'penalty', 'interest', 'fees', 'discount', 'principal', 'credit')),
  amount_cents bigint NOT NULL CHECK (amount_cents > 0 OR component = 'discount'),
  PRIMARY KEY (payment_id, line_no),
  CHECK ((component = 'credit') = (charge_id IS NULL))
);

-- P&I fixed on the tax a payment retired (see allocation.ts, Accrual).
CREATE TABLE reference_sor.payment_accruals (
  payment_id text NOT NULL REFERENCES reference_sor.payments (payment_id),
  charge_id text NOT NULL,
  component text NOT NULL CHECK (component IN ('penalty', 'interest', 'fees')),
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  PRIMARY KEY (payment_id, charge_id, component)
);

-- Workflow events the county's other systems act on (a crew reconnects, a permit prints).
CREATE TABLE reference_sor.events (
  event_id text PRIMARY KEY,
  ref text NOT NULL REFERENCES reference_sor.accounts (ref),
  type text NOT NULL CHECK (type IN ('reconnect_eligible', 'reconnect_eligibility_revoked', 'permit_issued', 'permit_issue_revoked')),
  payment_id text NOT NULL REFERENCES reference_sor.payments (payment_id),
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX events_by_account ON reference_sor.events (ref, created_at);
