-- ACH operations: why an entry was canceled, and what the worker jobs that release held and
-- deferred entries and materialize schedules look up on every round.

-- Set when an entry is canceled: by the agency, with its schedule, or because its account's
-- prenote came back returned.
ALTER TABLE ach_entries ADD COLUMN cancel_reason text CHECK (length(cancel_reason) <= 500);

ALTER TABLE ach_entries ADD CONSTRAINT ach_entries_cancel_reason CHECK (cancel_reason IS NULL OR status = 'canceled');

-- Debits held until their account's prenote period has passed.
CREATE INDEX ach_entries_held ON ach_entries (created_at) WHERE status = 'created';

-- Prenotes of an account, newest first: what decides whether its debits may go.
CREATE INDEX ach_entries_prenotes ON ach_entries (agency_id, bank_fingerprint, created_at DESC) WHERE kind = 'prenote';

-- Deferred debits, by date, across agencies.
CREATE INDEX ach_entries_scheduled ON ach_entries (effective_date) WHERE status = 'scheduled';

-- A schedule's debits.
CREATE INDEX ach_entries_schedule ON ach_entries (agency_id, schedule_id) WHERE schedule_id IS NOT NULL;

-- The first of the schedule's dates that has no debit yet (null when none is left).
ALTER TABLE ach_schedules ADD COLUMN next_date date;

CREATE INDEX ach_schedules_due ON ach_schedules (next_date) WHERE status = 'active';
