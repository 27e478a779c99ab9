-- The card processor simulator's own books: the embedded default processor behaves like an
-- external system that happens to share the database, so these tables have no foreign keys to
-- Remit's and Remit's tables none to them. No card number is kept, not even hashed (an unsalted
-- hash of a card number is as good as the number): only brand and last four digits.

CREATE TABLE processor_sim_transactions (
  processor_id text PRIMARY KEY,
  -- Remit's transaction id: the idempotency key of authorize and forceOffline.
  reference text NOT NULL UNIQUE CHECK (length(reference) BETWEEN 1 AND 128),
  kind text NOT NULL CHECK (kind IN ('authorization', 'sale', 'force')),
  status text NOT NULL CHECK (status IN ('authorized', 'captured', 'voided', 'expired', 'declined')),
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  captured_cents bigint NOT NULL DEFAULT 0 CHECK (captured_cents >= 0),
  refunded_cents bigint NOT NULL DEFAULT 0 CHECK (refunded_cents >= 0),
  approval_code text CHECK (approval_code ~ '^[0-9A-Z]{6}$'),
  decline_code text CHECK (decline_code IN ('card_declined', 'insufficient_funds', 'expired_card', 'incorrect_cvc', 'processing_error')),
  decline_message text,
  card_brand text NOT NULL CHECK (card_brand IN ('visa', 'mastercard', 'amex', 'discover', 'unknown')),
  card_last4 text NOT NULL CHECK (card_last4 ~ '^[0-9]{4}$'),
  created_at timestamptz NOT NULL,
  expires_at timestamptz,
  settlement_date date,
  CHECK (captured_cents <= amount_cents),
  CHECK (refunded_cents <= captured_cents),
  CHECK ((status = 'declined') = (decline_code IS NOT NULL)),
  CHECK ((status = 'declined') = (approval_code IS NULL)),
  CHECK ((status = 'declined') = (decline_message IS NOT NULL)),
  CHECK ((status = 'captured') = (captured_cents > 0)),
  CHECK ((kind = 'authorization' AND status <> 'declined') = (expires_at IS NOT NULL)),
  CHECK (status NOT IN ('authorized', 'expired', 'declined') OR settlement_date IS NULL),
  CHECK (status <> 'captured' OR settlement_date IS NOT NULL)
);

-- Captures, voids and refunds, keyed by Remit's id of each operation so a retry gets the first
-- result, refusals included.
CREATE TABLE processor_sim_operations (
  reference text PRIMARY KEY CHECK (length(reference) BETWEEN 1 AND 128),
  kind text NOT NULL CHECK (kind IN ('capture', 'void', 'refund')),
  -- As the caller named it: a refused operation may name a transaction that does not exist.
  transaction_processor_id text NOT NULL,
  amount_cents bigint CHECK (amount_cents > 0),
  outcome text NOT NULL CHECK (outcome IN ('done', 'refused')),
  processor_id text UNIQUE,
  refusal_code text,
  refusal_message text,
  settlement_date date,
  created_at timestamptz NOT NULL,
  CHECK ((kind = 'void') = (amount_cents IS NULL)),
  CHECK ((outcome = 'done') = (processor_id IS NOT NULL)),
  CHECK ((outcome = 'refused') = (refusal_code IS NOT NULL AND refusal_message IS NOT NULL)),
  CHECK ((outcome = 'done' AND kind <> 'void') = (settlement_date IS NOT NULL))
);

CREATE INDEX processor_sim_transactions_settlement ON processor_sim_transactions (settlement_date) WHERE kind <> 'authorization';
CREATE INDEX processor_sim_operations_settlement ON processor_sim_operations (settlement_date) WHERE settlement_date IS NOT NULL;
