-- Events: what happened to an agency's payments, for the agency to read (GET /v1/events) and,
-- later, for webhooks to deliver. Written by outbox handlers, so an event exists exactly when
-- the change it tells of committed. Never an account or card number in `data`.

CREATE TABLE events (
  agency_id text NOT NULL REFERENCES agencies (id),
  -- evt_…
  id text NOT NULL,
  -- `<object>.<what happened>`, e.g. ach_debit.returned.
  type text NOT NULL CHECK (type ~ '^[a-z_]+\.[a-z_.]+$'),
  data jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (agency_id, id)
);

CREATE INDEX events_created ON events (agency_id, created_at DESC, id DESC);
