-- The posting of each payment to the agency's system of record. A payment and its posting row
-- (and the outbox message that carries it out) commit in one transaction.

CREATE TABLE postings (
  agency_id text NOT NULL REFERENCES agencies (id),
  -- Remit's payment id (ctx_…, ach_…, cpy_…); the system of record is idempotent on it.
  payment_id text NOT NULL,
  system text NOT NULL,
  ref text NOT NULL CHECK (length(ref) BETWEEN 1 AND 64),
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  method text NOT NULL,
  paid_at timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'posted', 'failed', 'reversal_pending', 'reversed')),
  sor_reference text,
  posted_at timestamptz,
  reversed_at timestamptz,
  last_error text,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (agency_id, payment_id),
  FOREIGN KEY (agency_id, system) REFERENCES systems_of_record (agency_id, system),
  CHECK ((status = 'posted') <= (posted_at IS NOT NULL AND sor_reference IS NOT NULL)),
  CHECK ((status = 'reversed') = (reversed_at IS NOT NULL))
);

-- Payments accepted but not yet in the system of record, subtracted from the balance it reports.
CREATE INDEX postings_unposted ON postings (agency_id, system, ref) WHERE status IN ('pending', 'failed');
