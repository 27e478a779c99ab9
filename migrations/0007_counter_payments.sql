-- Payments taken at the counter by staff: cash and checks.

CREATE TABLE counter_payments (
  agency_id text NOT NULL REFERENCES agencies (id),
  id text NOT NULL,
  method text NOT NULL CHECK (method IN ('cash', 'check')),
  check_number text CHECK (check_number ~ '^[0-9]{1,15}$'),
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  system text NOT NULL,
  ref text NOT NULL,
  agency_tracking_id text CHECK (length(agency_tracking_id) <= 128),
  status text NOT NULL CHECK (status IN ('accepted', 'voided')),
  received_at timestamptz NOT NULL,
  voided_at timestamptz,
  PRIMARY KEY (agency_id, id),
  FOREIGN KEY (agency_id, system) REFERENCES systems_of_record (agency_id, system),
  CHECK ((method = 'check') = (check_number IS NOT NULL)),
  CHECK ((status = 'voided') = (voided_at IS NOT NULL))
);

CREATE INDEX counter_payments_tracking ON counter_payments (agency_id, agency_tracking_id) WHERE agency_tracking_id IS NOT NULL;
