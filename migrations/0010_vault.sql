-- The vault: the only tables that hold card and bank-account numbers, always encrypted (AES-256-GCM
-- under a per-record data key, stored wrapped by the key-encryption key named in kek_version).
-- Routing numbers are public and kept plain; card and account numbers, expiry, postal code and
-- CVV only ever as ciphertext. Everything else in Remit sees tokens, brand and last 4.

-- Each agency's HMAC key for fingerprints, wrapped like a data key: fingerprints differ across
-- agencies and survive a KEK rotation.
CREATE TABLE vault_fingerprint_keys (
  agency_id text NOT NULL REFERENCES agencies (id),
  wrapped_key bytea NOT NULL CHECK (length(wrapped_key) = 60),
  kek_version text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (agency_id)
);

CREATE TABLE vault_cards (
  agency_id text NOT NULL REFERENCES agencies (id),
  id text NOT NULL,
  brand text NOT NULL CHECK (brand IN ('visa', 'mastercard', 'amex', 'discover', 'unknown')),
  last4 text NOT NULL CHECK (last4 ~ '^[0-9]{4}$'),
  exp_month integer NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
  exp_year integer NOT NULL CHECK (exp_year BETWEEN 2000 AND 2200),
  fingerprint text NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
  -- Number, expiry and postal code, sealed together.
  card_ciphertext bytea NOT NULL,
  -- The CVV, sealed apart so it can be erased after the first authorization or an hour (PCI DSS 3.3.1.2).
  cvc_ciphertext bytea,
  wrapped_data_key bytea NOT NULL CHECK (length(wrapped_data_key) = 60),
  kek_version text NOT NULL,
  created_at timestamptz NOT NULL,
  cvc_erased_at timestamptz,
  PRIMARY KEY (agency_id, id),
  CHECK ((cvc_ciphertext IS NULL) = (cvc_erased_at IS NOT NULL))
);

CREATE INDEX vault_cards_fingerprint ON vault_cards (agency_id, fingerprint);
CREATE INDEX vault_cards_cvc_held ON vault_cards (created_at) WHERE cvc_erased_at IS NULL;
CREATE INDEX vault_cards_kek_version ON vault_cards (kek_version);

CREATE TABLE vault_bank_accounts (
  agency_id text NOT NULL REFERENCES agencies (id),
  id text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (agency_id, id)
);

-- A correction (a notification of change) adds a version; the highest is current, the older
-- ones stay for audit.
CREATE TABLE vault_bank_account_versions (
  agency_id text NOT NULL,
  bank_account_id text NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  routing_number text NOT NULL CHECK (routing_number ~ '^[0-9]{9}$'),
  account_ciphertext bytea NOT NULL,
  last4 text NOT NULL CHECK (last4 ~ '^[0-9]{4}$'),
  account_type text NOT NULL CHECK (account_type IN ('checking', 'savings')),
  account_holder_name text CHECK (length(account_holder_name) BETWEEN 1 AND 100),
  fingerprint text NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
  wrapped_data_key bytea NOT NULL CHECK (length(wrapped_data_key) = 60),
  kek_version text NOT NULL,
  -- Why this version exists: the first from tokenization, later ones from a correction.
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL,
  PRIMARY KEY (agency_id, bank_account_id, version),
  FOREIGN KEY (agency_id, bank_account_id) REFERENCES vault_bank_accounts (agency_id, id)
);

CREATE INDEX vault_bank_account_versions_fingerprint ON vault_bank_account_versions (agency_id, fingerprint);
CREATE INDEX vault_bank_account_versions_kek_version ON vault_bank_account_versions (kek_version);

-- Single-use tokens: 128-bit random ids, one agency, 15 minutes to be used.
CREATE TABLE vault_tokens (
  agency_id text NOT NULL,
  id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('card', 'bank_account')),
  card_id text,
  bank_account_id text,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  PRIMARY KEY (agency_id, id),
  FOREIGN KEY (agency_id, card_id) REFERENCES vault_cards (agency_id, id),
  FOREIGN KEY (agency_id, bank_account_id) REFERENCES vault_bank_accounts (agency_id, id),
  CHECK ((kind = 'card') = (card_id IS NOT NULL)),
  CHECK ((kind = 'bank_account') = (bank_account_id IS NOT NULL)),
  CHECK (id ~ CASE kind WHEN 'card' THEN '^tok_[0-9A-Za-z]{22}$' ELSE '^btok_[0-9A-Za-z]{22}$' END),
  CHECK (expires_at > created_at),
  CHECK (used_at IS NULL OR used_at < expires_at)
);

CREATE INDEX vault_tokens_unused_expiry ON vault_tokens (expires_at) WHERE used_at IS NULL;
CREATE INDEX vault_tokens_card ON vault_tokens (agency_id, card_id) WHERE card_id IS NOT NULL;
CREATE INDEX vault_tokens_bank_account ON vault_tokens (agency_id, bank_account_id) WHERE bank_account_id IS NOT NULL;
