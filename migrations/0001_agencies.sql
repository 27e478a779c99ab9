-- Agencies and their API keys. Every table that holds agency data has agency_id first in its
-- primary key, so a distributed PostgreSQL can shard by agency without a redesign.

CREATE TABLE agencies (
  id text PRIMARY KEY,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  time_zone text NOT NULL,
  allowed_origins text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  agency_id text NOT NULL REFERENCES agencies (id),
  id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('secret', 'publishable')),
  mode text NOT NULL CHECK (mode IN ('test', 'live')),
  -- SHA-256 of the key; the key itself is shown once and never stored.
  digest bytea NOT NULL CHECK (length(digest) = 32),
  last4 text NOT NULL CHECK (length(last4) = 4),
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  PRIMARY KEY (agency_id, id)
);

CREATE UNIQUE INDEX api_keys_digest ON api_keys (digest);
