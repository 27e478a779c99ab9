-- Card transactions and their refunds. Only the vault holds card numbers: a transaction keeps
-- the vault's card id, the brand, last 4 and expiry, and the agency-keyed fingerprint.

-- How long an identical card payment is refused as a duplicate, per agency (0 turns it off).
ALTER TABLE agencies ADD COLUMN duplicate_window_seconds integer NOT NULL DEFAULT 600
  CHECK (duplicate_window_seconds BETWEEN 0 AND 86400);

CREATE TABLE card_transactions (
  agency_id text NOT NULL REFERENCES agencies (id),
  id text NOT NULL,
  type text NOT NULL CHECK (type IN ('sale', 'authorization', 'force')),
  -- authorizing, capturing and voiding are read as `unknown` until the processor's answer is known.
  status text NOT NULL CHECK (status IN (
    'authorizing', 'authorized', 'capturing', 'captured', 'voiding', 'settled', 'voided', 'declined', 'expired')),
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  -- The amount of the capture in flight (status capturing), and what was captured.
  capture_requested_cents bigint CHECK (capture_requested_cents > 0 AND capture_requested_cents <= amount_cents),
  amount_captured_cents bigint NOT NULL DEFAULT 0 CHECK (amount_captured_cents BETWEEN 0 AND amount_cents),
  amount_refunded_cents bigint NOT NULL DEFAULT 0 CHECK (amount_refunded_cents BETWEEN 0 AND amount_captured_cents),
  vault_card_id text NOT NULL,
  card_brand text NOT NULL,
  card_last4 text NOT NULL CHECK (card_last4 ~ '^[0-9]{4}$'),
  card_exp_month integer NOT NULL CHECK (card_exp_month BETWEEN 1 AND 12),
  card_exp_year integer NOT NULL,
  card_fingerprint text NOT NULL,
  system text,
  ref text CHECK (length(ref) BETWEEN 1 AND 64),
  -- The payment id its system of record knows it by: the transaction's id, then a refund's id
  -- once a partial refund re-posts what remains.
  posting_payment_id text,
  agency_tracking_id text CHECK (length(agency_tracking_id) <= 128),
  description text CHECK (length(description) <= 500),
  metadata jsonb NOT NULL DEFAULT '{}',
  approval_code text,
  decline_code text,
  decline_message text,
  processor_id text,
  created_at timestamptz NOT NULL,
  -- When the status last changed: how long a call to the processor has gone unanswered.
  updated_at timestamptz NOT NULL,
  authorized_at timestamptz,
  captured_at timestamptz,
  voided_at timestamptz,
  settled_at timestamptz,
  expires_at timestamptz,
  PRIMARY KEY (agency_id, id),
  FOREIGN KEY (agency_id, system) REFERENCES systems_of_record (agency_id, system),
  CHECK ((system IS NULL) = (ref IS NULL)),
  CHECK ((status = 'capturing') = (capture_requested_cents IS NOT NULL)),
  CHECK ((status = 'declined') = (decline_code IS NOT NULL))
);

-- Inquiry: by the agency's own tracking id, and lists newest first.
CREATE INDEX card_transactions_tracking ON card_transactions (agency_id, agency_tracking_id) WHERE agency_tracking_id IS NOT NULL;
CREATE INDEX card_transactions_created ON card_transactions (agency_id, created_at DESC, id DESC);
-- Duplicate detection: the same card, account and amount lately.
CREATE INDEX card_transactions_duplicates ON card_transactions (agency_id, card_fingerprint, amount_cents, created_at DESC);
-- The background jobs: answers still unknown, and authorizations to expire.
CREATE INDEX card_transactions_in_doubt ON card_transactions (updated_at) WHERE status IN ('authorizing', 'capturing', 'voiding');
CREATE INDEX card_transactions_authorized ON card_transactions (expires_at) WHERE status = 'authorized';

CREATE TABLE card_refunds (
  agency_id text NOT NULL,
  id text NOT NULL,
  transaction_id text NOT NULL,
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  -- pending until the processor's answer is known.
  status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  reason text CHECK (length(reason) <= 500),
  failure_message text,
  processor_id text,
  created_at timestamptz NOT NULL,
  completed_at timestamptz,
  PRIMARY KEY (agency_id, id),
  FOREIGN KEY (agency_id, transaction_id) REFERENCES card_transactions (agency_id, id),
  CHECK ((status = 'pending') = (completed_at IS NULL))
);

CREATE INDEX card_refunds_transaction ON card_refunds (agency_id, transaction_id, created_at);
CREATE INDEX card_refunds_pending ON card_refunds (created_at) WHERE status = 'pending';
