-- The transactional outbox: every effect outside Remit's database (posting to a system of
-- record, reversals, webhooks, files) is a row here, written in the same transaction as the
-- change that calls for it. Workers lease due rows, act, and record the outcome.

CREATE TABLE outbox_messages (
  agency_id text NOT NULL REFERENCES agencies (id),
  id text NOT NULL,
  topic text NOT NULL CHECK (topic ~ '^[a-z_]+\.[a-z_]+$'),
  -- The effect's own identity: enqueuing the same effect twice keeps one row.
  dedupe_key text NOT NULL CHECK (length(dedupe_key) BETWEEN 1 AND 200),
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'dead')),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  available_at timestamptz NOT NULL,
  -- While set and in the future, one worker is acting on the row; when it passes (the worker
  -- died), another may take it. Effects are idempotent on the receiving side, so that is safe.
  leased_until timestamptz,
  last_error text,
  created_at timestamptz NOT NULL,
  completed_at timestamptz,
  PRIMARY KEY (agency_id, id),
  UNIQUE (agency_id, dedupe_key),
  CHECK ((status = 'pending') = (completed_at IS NULL))
);

CREATE INDEX outbox_messages_due ON outbox_messages (available_at) WHERE status = 'pending';
CREATE INDEX outbox_messages_dead ON outbox_messages (agency_id, completed_at) WHERE status = 'dead';

CREATE FUNCTION outbox_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('remit_outbox', '');
  RETURN NULL;
END $$;

-- Wakes listening workers when the inserting transaction commits (NOTIFY is transactional).
CREATE TRIGGER outbox_messages_notify AFTER INSERT ON outbox_messages
  FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
