-- The double-entry ledger. Transfers are journals: each one writes balanced entries, and
-- nothing here is ever updated or deleted; a correction is a new transfer.
--
-- Entries live in two layers, as in TigerBeetle's account balances:
--   posted   money that moved;
--   pending  money reserved by a pending (two-phase) transfer. Posting or voiding it writes
--            negative pending entries that release the reservation.
-- Within every transfer and layer, debits equal credits. A constraint trigger checks that at
-- commit, so no code path, however buggy, can commit an unbalanced journal.

CREATE TABLE ledger_accounts (
  agency_id text NOT NULL REFERENCES agencies (id),
  id text NOT NULL,
  fund text NOT NULL CHECK (fund ~ '^[a-z0-9_]{1,64}$'),
  code text NOT NULL CHECK (code ~ '^[a-z0-9_:.]{1,128}$'),
  name text NOT NULL,
  normal_side text NOT NULL CHECK (normal_side IN ('debit', 'credit')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (agency_id, id),
  UNIQUE (agency_id, fund, code)
);

CREATE TABLE ledger_transfers (
  agency_id text NOT NULL REFERENCES agencies (id),
  -- Chosen by the caller and reused on every retry: the same id never moves money twice.
  id text NOT NULL CHECK (length(id) BETWEEN 1 AND 128),
  kind text NOT NULL CHECK (kind IN ('posted', 'pending', 'post_pending', 'void_pending')),
  debit_account_id text NOT NULL,
  credit_account_id text NOT NULL,
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  -- The pending transfer that a post or void resolves.
  pending_id text,
  -- When a pending transfer lapses; the worker voids it after that.
  expires_at timestamptz,
  description text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (agency_id, id),
  FOREIGN KEY (agency_id, debit_account_id) REFERENCES ledger_accounts (agency_id, id),
  FOREIGN KEY (agency_id, credit_account_id) REFERENCES ledger_accounts (agency_id, id),
  FOREIGN KEY (agency_id, pending_id) REFERENCES ledger_transfers (agency_id, id),
  CHECK (debit_account_id <> credit_account_id),
  CHECK ((kind IN ('post_pending', 'void_pending')) = (pending_id IS NOT NULL)),
  CHECK (kind = 'pending' OR expires_at IS NULL)
);

-- A pending transfer resolves at most once: one post or one void, never both, never two.
CREATE UNIQUE INDEX ledger_transfers_resolution ON ledger_transfers (agency_id, pending_id)
  WHERE pending_id IS NOT NULL;

CREATE INDEX ledger_transfers_expiring ON ledger_transfers (expires_at)
  WHERE kind = 'pending' AND expires_at IS NOT NULL;

CREATE TABLE ledger_entries (
  agency_id text NOT NULL,
  transfer_id text NOT NULL,
  account_id text NOT NULL,
  side text NOT NULL CHECK (side IN ('debit', 'credit')),
  layer text NOT NULL CHECK (layer IN ('posted', 'pending')),
  amount_cents bigint NOT NULL CHECK (amount_cents <> 0),
  CHECK (layer = 'pending' OR amount_cents > 0),
  FOREIGN KEY (agency_id, transfer_id) REFERENCES ledger_transfers (agency_id, id),
  FOREIGN KEY (agency_id, account_id) REFERENCES ledger_accounts (agency_id, id)
);

CREATE INDEX ledger_entries_transfer ON ledger_entries (agency_id, transfer_id);
CREATE INDEX ledger_entries_account ON ledger_entries (agency_id, account_id);

CREATE FUNCTION ledger_check_transfer_balanced() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  unbalanced text;
BEGIN
  SELECT layer INTO unbalanced
    FROM ledger_entries
   WHERE agency_id = NEW.agency_id AND transfer_id = NEW.transfer_id
   GROUP BY layer
  HAVING sum(CASE side WHEN 'debit' THEN amount_cents ELSE -amount_cents END) <> 0
   LIMIT 1;
  IF unbalanced IS NOT NULL THEN
    RAISE EXCEPTION 'ledger transfer % of agency % has unbalanced % entries', NEW.transfer_id, NEW.agency_id, unbalanced
      USING ERRCODE = '23514', CONSTRAINT = 'ledger_entries_balanced';
  END IF;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER ledger_entries_balanced
  AFTER INSERT ON ledger_entries
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION ledger_check_transfer_balanced();

CREATE FUNCTION ledger_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the ledger is append-only: % on % is refused; write a correcting transfer', TG_OP, TG_TABLE_NAME
    USING ERRCODE = '42501';
END $$;

CREATE TRIGGER ledger_transfers_append_only BEFORE UPDATE OR DELETE ON ledger_transfers
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_accounts_append_only BEFORE UPDATE OR DELETE ON ledger_accounts
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
