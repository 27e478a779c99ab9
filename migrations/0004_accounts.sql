-- Each agency's systems of record: where its balances live and where payments are posted.

CREATE TABLE systems_of_record (
  agency_id text NOT NULL REFERENCES agencies (id),
  -- The agency's own name for the system, as callers use it: /v1/accounts/{system}/{ref}.
  system text NOT NULL CHECK (system ~ '^[a-z0-9_]{1,64}$'),
  name text NOT NULL,
  connector text NOT NULL CHECK (connector IN ('live', 'presentment')),
  -- The kind of account the system keeps, in its protocol: parcel, court_case, utility, permit.
  account_kind text NOT NULL,
  base_url text,
  -- The ledger fund that payments to this system are credited to.
  fund text NOT NULL CHECK (fund ~ '^[a-z0-9_]{1,64}$'),
  -- Calls in flight at once, at most: Remit never floods an agency's system at peak.
  call_limit integer NOT NULL DEFAULT 8 CHECK (call_limit BETWEEN 1 AND 256),
  timeout_ms integer NOT NULL DEFAULT 2000 CHECK (timeout_ms BETWEEN 50 AND 60000),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (agency_id, system),
  CHECK (connector <> 'live' OR base_url IS NOT NULL)
);
