-- Idempotency keys (IETF draft "The Idempotency-Key HTTP Header Field"): the first response to a
-- POST is kept and replayed for a retry with the same key, scoped to the agency.

CREATE TABLE idempotency_keys (
  agency_id text NOT NULL REFERENCES agencies (id),
  key text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  -- SHA-256 of method, path and body: the same key with another request is refused.
  request_digest bytea NOT NULL,
  status text NOT NULL CHECK (status IN ('in_flight', 'done')),
  response_status integer,
  response_body text,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (agency_id, key),
  CHECK ((status = 'done') = (response_status IS NOT NULL))
);

CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
