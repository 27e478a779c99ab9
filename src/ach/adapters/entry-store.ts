import type { Sql } from "../../platform/index.ts";
import type { AchEntry, AchStatus } from "../domain/ach-entry.ts";

export interface EntryRow {
  agency_id: string;
  id: string;
  kind: AchEntry["kind"];
  originator_id: string;
  schedule_id: string | null;
  bank_account_id: string;
  bank_fingerprint: string;
  routing_number: string;
  account_last4: string;
  account_type: AchEntry["accountType"];
  amount_cents: number;
  sec_code: AchEntry["secCode"];
  authorization_text: string | null;
  individual_name: string;
  status: AchStatus;
  effective_date_text: string;
  same_day: boolean;
  system: string | null;
  ref: string | null;
  agency_tracking_id: string | null;
  description: string | null;
  posting_payment_id: string | null;
  file_id: string | null;
  trace_number: string | null;
  return_code: string | null;
  return_reason: string | null;
  created_at: Date;
  updated_at: Date;
  submitted_at: Date | null;
  settled_at: Date | null;
  returned_at: Date | null;
  canceled_at: Date | null;
}

/** Every column, with the effective date as `YYYY-MM-DD` text (no time zone can shift it). */
export const entryColumns = "ach_entries.*, ach_entries.effective_date::text AS effective_date_text";

export const toEntry = (r: EntryRow): AchEntry => ({
  agencyId: r.agency_id,
  id: r.id,
  kind: r.kind,
  originatorId: r.originator_id,
  scheduleId: r.schedule_id,
  bankAccountId: r.bank_account_id,
  bankFingerprint: r.bank_fingerprint,
  routingNumber: r.routing_number,
  accountLast4: r.account_last4,
  accountType: r.account_type,
  amountCents: Number(r.amount_cents),
  secCode: r.sec_code,
  authorizationText: r.authorization_text,
  individualName: r.individual_name,
  status: r.status,
  effectiveDate: r.effective_date_text,
  sameDay: r.same_day,
  account: r.system !== null && r.ref !== null ? { system: r.system, ref: r.ref } : null,
  agencyTrackingId: r.agency_tracking_id,
  description: r.description,
  postingPaymentId: r.posting_payment_id,
  fileId: r.file_id,
  traceNumber: r.trace_number,
  returnCode: r.return_code,
  returnReason: r.return_reason,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  submittedAt: r.submitted_at,
  settledAt: r.settled_at,
  returnedAt: r.returned_at,
  canceledAt: r.canceled_at,
});

export async function findEntry(sql: Sql, agencyId: string, id: string, lock = false): Promise<AchEntry | undefined> {
  const [row] = await sql.query<EntryRow>(
    `SELECT ${entryColumns} FROM ach_entries WHERE agency_id = $1 AND id = $2${lock ? " FOR UPDATE" : ""}`,
    [agencyId, id],
  );
  return row && toEntry(row);
}

export interface EntryChanges {
  readonly fileId?: string;
  readonly traceNumber?: string;
  readonly returnCode?: string;
  readonly returnReason?: string | null;
  readonly postingPaymentId?: string | null;
  readonly effectiveDate?: string;
  readonly submittedAt?: Date;
  readonly settledAt?: Date;
  readonly returnedAt?: Date;
  readonly canceledAt?: Date;
}

const columnOf: Record<keyof EntryChanges, string> = {
  fileId: "file_id",
  traceNumber: "trace_number",
  returnCode: "return_code",
  returnReason: "return_reason",
  postingPaymentId: "posting_payment_id",
  effectiveDate: "effective_date",
  submittedAt: "submitted_at",
  settledAt: "settled_at",
  returnedAt: "returned_at",
  canceledAt: "canceled_at",
};

/** Moves an entry from `from` to `to` (the same, to change only fields); undefined when it was no longer in `from`. */
export async function moveEntry(
  sql: Sql,
  agencyId: string,
  id: string,
  from: AchStatus,
  to: AchStatus,
  now: Date,
  changes: EntryChanges = {},
): Promise<AchEntry | undefined> {
  const entries = Object.entries(changes).filter(([, v]) => v !== undefined) as [keyof EntryChanges, unknown][];
  const sets = entries.map(([key], i) => `${columnOf[key]} = $${i + 6}`);
  const [row] = await sql.query<EntryRow>(
    `UPDATE ach_entries SET ${["status = $4", "updated_at = $5", ...sets].join(", ")}
      WHERE agency_id = $1 AND id = $2 AND status = $3 RETURNING ${entryColumns}`,
    [agencyId, id, from, to, now, ...entries.map(([, v]) => v)],
  );
  return row && toEntry(row);
}
