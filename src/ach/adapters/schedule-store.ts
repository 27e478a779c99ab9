import type { Sql } from "../../platform/index.ts";
import type { SecCode } from "../domain/ach-entry.ts";
import type { AchSchedule, NonBusinessDayRule, ScheduleFrequency, ScheduleStatus } from "../domain/schedule.ts";

interface ScheduleRow {
  agency_id: string;
  id: string;
  originator_id: string;
  bank_account_id: string;
  bank_fingerprint: string;
  routing_number: string;
  account_last4: string;
  account_type: "checking" | "savings";
  individual_name: string;
  amount_cents: number;
  sec_code: SecCode;
  authorization_text: string | null;
  frequency: ScheduleFrequency;
  dates_text: string[];
  start_date_text: string;
  end_date_text: string | null;
  count: number | null;
  non_business_day: NonBusinessDayRule;
  system: string | null;
  ref: string | null;
  agency_tracking_id: string | null;
  status: ScheduleStatus;
  debits_created: number;
  next_date_text: string | null;
  created_at: Date;
  canceled_at: Date | null;
}

/** Dates as `YYYY-MM-DD` text, which no time zone can shift. */
const scheduleColumns = `ach_schedules.*, dates::text[] AS dates_text, start_date::text AS start_date_text,
  end_date::text AS end_date_text, next_date::text AS next_date_text`;

const toSchedule = (r: ScheduleRow): AchSchedule => ({
  agencyId: r.agency_id,
  id: r.id,
  originatorId: r.originator_id,
  bankAccountId: r.bank_account_id,
  bankFingerprint: r.bank_fingerprint,
  routingNumber: r.routing_number,
  accountLast4: r.account_last4,
  accountType: r.account_type,
  individualName: r.individual_name,
  amountCents: Number(r.amount_cents),
  secCode: r.sec_code,
  authorizationText: r.authorization_text,
  plan: {
    frequency: r.frequency,
    startDate: r.start_date_text,
    endDate: r.end_date_text,
    count: r.count,
    dates: r.dates_text,
    nonBusinessDay: r.non_business_day,
  },
  account: r.system !== null && r.ref !== null ? { system: r.system, ref: r.ref } : null,
  agencyTrackingId: r.agency_tracking_id,
  status: r.status,
  debitsCreated: r.debits_created,
  nextDate: r.next_date_text,
  createdAt: r.created_at,
  canceledAt: r.canceled_at,
});

export async function insertSchedule(sql: Sql, s: AchSchedule): Promise<AchSchedule> {
  const [row] = await sql.query<ScheduleRow>(
    `INSERT INTO ach_schedules (agency_id, id, originator_id, bank_account_id, bank_fingerprint, routing_number, account_last4,
       account_type, individual_name, amount_cents, sec_code, authorization_text, frequency, dates, start_date, end_date, count,
       non_business_day, system, ref, agency_tracking_id, status, debits_created, next_date, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::date[], $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)
     RETURNING ${scheduleColumns}`,
    [
      s.agencyId,
      s.id,
      s.originatorId,
      s.bankAccountId,
      s.bankFingerprint,
      s.routingNumber,
      s.accountLast4,
      s.accountType,
      s.individualName,
      s.amountCents,
      s.secCode,
      s.authorizationText,
      s.plan.frequency,
      s.plan.dates,
      s.plan.startDate,
      s.plan.endDate,
      s.plan.count,
      s.plan.nonBusinessDay,
      s.account?.system ?? null,
      s.account?.ref ?? null,
      s.agencyTrackingId,
      s.status,
      s.debitsCreated,
      s.nextDate,
      s.createdAt,
    ],
  );
  return toSchedule(row as ScheduleRow);
}

export async function findSchedule(sql: Sql, agencyId: string, id: string, lock = false): Promise<AchSchedule | undefined> {
  const [row] = await sql.query<ScheduleRow>(
    `SELECT ${scheduleColumns} FROM ach_schedules WHERE agency_id = $1 AND id = $2${lock ? " FOR UPDATE" : ""}`,
    [agencyId, id],
  );
  return row && toSchedule(row);
}

/** Records how far the schedule's debits have been made. */
export async function updateProgress(
  sql: Sql,
  agencyId: string,
  id: string,
  progress: { debitsCreated: number; nextDate: string | null; status: ScheduleStatus },
): Promise<AchSchedule> {
  const [row] = await sql.query<ScheduleRow>(
    `UPDATE ach_schedules SET debits_created = $3, next_date = $4, status = $5 WHERE agency_id = $1 AND id = $2
     RETURNING ${scheduleColumns}`,
    [agencyId, id, progress.debitsCreated, progress.nextDate, progress.status],
  );
  if (!row) throw new Error(`schedule ${id} vanished under its row lock`);
  return toSchedule(row);
}

export async function markCanceled(sql: Sql, agencyId: string, id: string, now: Date): Promise<AchSchedule> {
  const [row] = await sql.query<ScheduleRow>(
    `UPDATE ach_schedules SET status = 'canceled', canceled_at = $3, next_date = NULL WHERE agency_id = $1 AND id = $2
     RETURNING ${scheduleColumns}`,
    [agencyId, id, now],
  );
  if (!row) throw new Error(`schedule ${id} vanished under its row lock`);
  return toSchedule(row);
}

/** Active schedules with a date on or before `throughDate` that has no debit yet, soonest first. */
export async function listDueSchedules(sql: Sql, throughDate: string, limit: number): Promise<{ agencyId: string; id: string }[]> {
  const rows = await sql.query<{ agency_id: string; id: string }>(
    "SELECT agency_id, id FROM ach_schedules WHERE status = 'active' AND next_date <= $1 ORDER BY next_date LIMIT $2",
    [throughDate, limit],
  );
  return rows.map((r) => ({ agencyId: r.agency_id, id: r.id }));
}
