import type { PaymentTwin, Sql } from "../../platform/index.ts";
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
  cancel_reason: string | null;
}

/** An entry as stored: an `AchEntry` and why it was canceled, when it was. */
export interface EntryRecord extends AchEntry {
  readonly cancelReason: string | null;
}

/** Every column, with the effective date as `YYYY-MM-DD` text (no time zone can shift it). */
export const entryColumns = "ach_entries.*, ach_entries.effective_date::text AS effective_date_text";

export const toEntry = (r: EntryRow): EntryRecord => ({
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
  cancelReason: r.cancel_reason,
});

export async function findEntry(sql: Sql, agencyId: string, id: string, lock = false): Promise<EntryRecord | undefined> {
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
  readonly cancelReason?: string;
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
  cancelReason: "cancel_reason",
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
): Promise<EntryRecord | undefined> {
  const entries = Object.entries(changes).filter(([, v]) => v !== undefined) as [keyof EntryChanges, unknown][];
  const sets = entries.map(([key], i) => `${columnOf[key]} = $${i + 6}`);
  const [row] = await sql.query<EntryRow>(
    `UPDATE ach_entries SET ${["status = $4", "updated_at = $5", ...sets].join(", ")}
      WHERE agency_id = $1 AND id = $2 AND status = $3 RETURNING ${entryColumns}`,
    [agencyId, id, from, to, now, ...entries.map(([, v]) => v)],
  );
  return row && toEntry(row);
}

export async function insertEntry(sql: Sql, e: Omit<EntryRecord, "updatedAt">): Promise<EntryRecord> {
  const [row] = await sql.query<EntryRow>(
    `INSERT INTO ach_entries (agency_id, id, kind, originator_id, schedule_id, bank_account_id, bank_fingerprint, routing_number,
       account_last4, account_type, amount_cents, sec_code, authorization_text, individual_name, status, effective_date, same_day,
       system, ref, agency_tracking_id, description, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $22)
     RETURNING ${entryColumns}`,
    [
      e.agencyId,
      e.id,
      e.kind,
      e.originatorId,
      e.scheduleId,
      e.bankAccountId,
      e.bankFingerprint,
      e.routingNumber,
      e.accountLast4,
      e.accountType,
      e.amountCents,
      e.secCode,
      e.authorizationText,
      e.individualName,
      e.status,
      e.effectiveDate,
      e.sameDay,
      e.account?.system ?? null,
      e.account?.ref ?? null,
      e.agencyTrackingId,
      e.description,
      e.createdAt,
    ],
  );
  return toEntry(row as EntryRow);
}

/** The newest debit from this bank account, for this account of the agency and amount, made since `since` and not canceled. */
export async function findRecentTwin(sql: Sql, agencyId: string, twin: PaymentTwin, since: Date): Promise<EntryRecord | undefined> {
  const [row] = await sql.query<EntryRow>(
    `SELECT ${entryColumns} FROM ach_entries
      WHERE agency_id = $1 AND bank_fingerprint = $2 AND amount_cents = $3 AND created_at >= $4 AND kind = 'debit'
        AND system IS NOT DISTINCT FROM $5 AND ref IS NOT DISTINCT FROM $6 AND status <> 'canceled'
      ORDER BY created_at DESC LIMIT 1`,
    [agencyId, twin.fingerprint, twin.amountCents, since, twin.account?.system ?? null, twin.account?.ref ?? null],
  );
  return row && toEntry(row);
}

/** The bank account's newest prenote that was not canceled: the one its debits wait on. */
export async function findLatestPrenote(sql: Sql, agencyId: string, fingerprint: string): Promise<EntryRecord | undefined> {
  const [row] = await sql.query<EntryRow>(
    `SELECT ${entryColumns} FROM ach_entries
      WHERE agency_id = $1 AND bank_fingerprint = $2 AND kind = 'prenote' AND status <> 'canceled'
      ORDER BY created_at DESC, id DESC LIMIT 1`,
    [agencyId, fingerprint],
  );
  return row && toEntry(row);
}

/** Deferred debits dated on or before `throughDate` move from `scheduled` to `to`, oldest date first. */
export async function releaseScheduled(sql: Sql, throughDate: string, to: AchStatus, now: Date, limit: number): Promise<number> {
  const rows = await sql.query(
    `UPDATE ach_entries e SET status = $4, updated_at = $2
       FROM (SELECT agency_id, id FROM ach_entries WHERE status = 'scheduled' AND effective_date <= $1
              ORDER BY effective_date LIMIT $3 FOR UPDATE SKIP LOCKED) due
      WHERE e.agency_id = due.agency_id AND e.id = due.id AND e.status = 'scheduled'
      RETURNING e.id`,
    [throughDate, now, limit, to],
  );
  return rows.length;
}

/** What becomes of a held debit: its account's prenote period passed (or prenotes are no longer asked), or its prenote failed. */
export interface HeldDecision {
  readonly agencyId: string;
  readonly id: string;
  readonly decision: "release" | "cancel";
  readonly prenoteId: string | null;
  readonly prenoteReturnCode: string | null;
  readonly prenoteReturnReason: string | null;
}

/**
 * Held debits that can be decided now, oldest first. `clearedBefore[n]` is the instant before
 * which a prenote must have been sent for a period of `n` business days to be over.
 */
export async function listDecidableHeld(sql: Sql, clearedBefore: readonly Date[], limit: number): Promise<HeldDecision[]> {
  const rows = await sql.query<{
    agency_id: string;
    id: string;
    decision: "release" | "cancel";
    prenote_id: string | null;
    return_code: string | null;
    return_reason: string | null;
  }>(
    `SELECT d.agency_id, d.id, p.id AS prenote_id, p.return_code, p.return_reason,
            CASE WHEN o.requires_prenote AND (p.id IS NULL OR p.status = 'returned') THEN 'cancel' ELSE 'release' END AS decision
       FROM ach_entries d
       JOIN ach_originators o ON o.agency_id = d.agency_id AND o.id = d.originator_id
       LEFT JOIN LATERAL (
         SELECT id, status, return_code, return_reason, submitted_at FROM ach_entries p
          WHERE p.agency_id = d.agency_id AND p.bank_fingerprint = d.bank_fingerprint AND p.kind = 'prenote' AND p.status <> 'canceled'
          ORDER BY p.created_at DESC, p.id DESC LIMIT 1) p ON true
      WHERE d.status = 'created' AND d.kind = 'debit'
        AND (NOT o.requires_prenote OR p.id IS NULL OR p.status = 'returned'
             OR (p.status IN ('submitted', 'settled') AND p.submitted_at < ($1::timestamptz[])[o.prenote_days + 1]))
      ORDER BY d.created_at LIMIT $2`,
    [clearedBefore, limit],
  );
  return rows.map((r) => ({
    agencyId: r.agency_id,
    id: r.id,
    decision: r.decision,
    prenoteId: r.prenote_id,
    prenoteReturnCode: r.return_code,
    prenoteReturnReason: r.return_reason,
  }));
}

/**
 * The entries of a schedule that no file has carried yet, locked. One a file cut took meanwhile
 * is left out: after the wait for its lock, its new status no longer matches.
 */
export async function lockOpenScheduleEntries(sql: Sql, agencyId: string, scheduleId: string): Promise<EntryRecord[]> {
  const rows = await sql.query<EntryRow>(
    `SELECT ${entryColumns} FROM ach_entries
      WHERE agency_id = $1 AND schedule_id = $2 AND status IN ('created', 'scheduled', 'pending_submission')
      ORDER BY id LIMIT 1000 FOR UPDATE`,
    [agencyId, scheduleId],
  );
  return rows.map(toEntry);
}

export interface EntryFilter {
  readonly kind: AchEntry["kind"];
  readonly agencyTrackingId?: string | undefined;
  readonly status?: AchStatus | undefined;
  readonly scheduleId?: string | undefined;
  readonly createdFrom?: Date | undefined;
  readonly createdBefore?: Date | undefined;
  /** Rows created at or before this instant (a page that continues after another table's row). */
  readonly createdAtOrBefore?: Date | undefined;
  /** Keyset cursor: rows strictly older than this one. */
  readonly after?: { readonly createdAt: Date; readonly id: string } | undefined;
  readonly limit: number;
}

/** Newest first, keyset-paginated on (created_at, id). */
export async function listEntries(sql: Sql, agencyId: string, f: EntryFilter): Promise<EntryRecord[]> {
  const where = ["agency_id = $1", "kind = $2"];
  const params: unknown[] = [agencyId, f.kind];
  const add = (clause: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (f.agencyTrackingId !== undefined) add((p) => `agency_tracking_id = ${p}`, f.agencyTrackingId);
  if (f.status !== undefined) add((p) => `status = ${p}`, f.status);
  if (f.scheduleId !== undefined) add((p) => `schedule_id = ${p}`, f.scheduleId);
  if (f.createdFrom !== undefined) add((p) => `created_at >= ${p}`, f.createdFrom);
  if (f.createdBefore !== undefined) add((p) => `created_at < ${p}`, f.createdBefore);
  if (f.createdAtOrBefore !== undefined) add((p) => `created_at <= ${p}`, f.createdAtOrBefore);
  if (f.after !== undefined) {
    params.push(f.after.createdAt, f.after.id);
    where.push(`(created_at, id) < ($${params.length - 1}, $${params.length})`);
  }
  params.push(f.limit);
  const rows = await sql.query<EntryRow>(
    `SELECT ${entryColumns} FROM ach_entries WHERE ${where.join(" AND ")} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map(toEntry);
}
