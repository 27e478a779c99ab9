import { mkdir, open, readdir, rename } from "node:fs/promises";
import { dirname } from "node:path";
import type { Sql } from "../../platform/index.ts";
import type { SubmissionWindow } from "../domain/ach-entry.ts";
import { type EntryRecord, type EntryRow, entryColumns, toEntry } from "./entry-store.ts";

/**
 * SQL of the ACH file side: file cuts (originators, trace numbers, files, submitted entries),
 * settlement, imported return and NOC files, change notices, and the events they raise; and the
 * one way files are written to disk (aside, then renamed).
 */

// ── Originators ─────────────────────────────────────────────────────────────────────────────

/** Originators with entries waiting for a file, across agencies. */
export async function listOriginatorsWithPending(sql: Sql, limit: number): Promise<Array<{ agencyId: string; id: string }>> {
  const rows = await sql.query<{ agency_id: string; id: string }>(
    `SELECT o.agency_id, o.id FROM ach_originators o
      WHERE EXISTS (SELECT 1 FROM ach_entries e
                     WHERE e.agency_id = o.agency_id AND e.originator_id = o.id AND e.status = 'pending_submission')
      ORDER BY o.agency_id, o.id LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({ agencyId: r.agency_id, id: r.id }));
}

/** The agencies whose originators use one of these company ids: whose return file this may be. */
export async function findAgenciesByCompanyIds(sql: Sql, companyIds: readonly string[]): Promise<string[]> {
  const rows = await sql.query<{ agency_id: string }>(
    "SELECT DISTINCT agency_id FROM ach_originators WHERE company_id = ANY($1::text[]) ORDER BY agency_id LIMIT 10",
    [companyIds],
  );
  return rows.map((r) => r.agency_id);
}

// ── Files ───────────────────────────────────────────────────────────────────────────────────

export interface AchFile {
  readonly agencyId: string;
  readonly id: string;
  readonly originatorId: string;
  readonly submissionWindow: SubmissionWindow;
  /** The date its entries settle on, YYYY-MM-DD. */
  readonly effectiveDate: string;
  readonly fileName: string;
  readonly fileIdModifier: string;
  readonly entryCount: number;
  readonly debitTotalCents: number;
  readonly createdAt: Date;
}

interface FileRow {
  agency_id: string;
  id: string;
  originator_id: string;
  submission_window: SubmissionWindow;
  effective_date_text: string;
  file_name: string;
  file_id_modifier: string;
  entry_count: number;
  debit_total_cents: number;
  created_at: Date;
}

const toFile = (r: FileRow): AchFile => ({
  agencyId: r.agency_id,
  id: r.id,
  originatorId: r.originator_id,
  submissionWindow: r.submission_window,
  effectiveDate: r.effective_date_text,
  fileName: r.file_name,
  fileIdModifier: r.file_id_modifier,
  entryCount: r.entry_count,
  debitTotalCents: Number(r.debit_total_cents),
  createdAt: r.created_at,
});

const fileColumns = "ach_files.*, ach_files.effective_date::text AS effective_date_text";

export async function insertFile(sql: Sql, f: AchFile): Promise<AchFile> {
  const [row] = await sql.query<FileRow>(
    `INSERT INTO ach_files (agency_id, id, originator_id, submission_window, effective_date, file_name, file_id_modifier,
       entry_count, debit_total_cents, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${fileColumns}`,
    [
      f.agencyId,
      f.id,
      f.originatorId,
      f.submissionWindow,
      f.effectiveDate,
      f.fileName,
      f.fileIdModifier,
      f.entryCount,
      f.debitTotalCents,
      f.createdAt,
    ],
  );
  return toFile(row as FileRow);
}

export async function findFile(sql: Sql, agencyId: string, id: string): Promise<AchFile | undefined> {
  const [row] = await sql.query<FileRow>(`SELECT ${fileColumns} FROM ach_files WHERE agency_id = $1 AND id = $2`, [agencyId, id]);
  return row && toFile(row);
}

/** The originator's files created in [from, to): how many, and for which windows. */
export async function listFilesCreatedBetween(
  sql: Sql,
  agencyId: string,
  originatorId: string,
  from: Date,
  to: Date,
): Promise<Array<{ window: SubmissionWindow; modifier: string }>> {
  const rows = await sql.query<{ submission_window: SubmissionWindow; file_id_modifier: string }>(
    `SELECT submission_window, file_id_modifier FROM ach_files
      WHERE agency_id = $1 AND originator_id = $2 AND created_at >= $3 AND created_at < $4
      ORDER BY created_at LIMIT 100`,
    [agencyId, originatorId, from, to],
  );
  return rows.map((r) => ({ window: r.submission_window, modifier: r.file_id_modifier }));
}

// ── Entries ─────────────────────────────────────────────────────────────────────────────────

export interface CutSelection {
  readonly agencyId: string;
  readonly originatorId: string;
  /** Only entries effective on or before this date. */
  readonly effectiveThrough: string;
  /** A same-day window takes only same-day entries of `date`, within the per-entry limit. */
  readonly sameDay?: { readonly date: string; readonly amountCentsMax: number } | undefined;
  /** A next-day file leaves out the same-day entries of `date` that a later same-day window today can still carry. */
  readonly leaveSameDayOf?: { readonly date: string; readonly amountCentsMax: number } | undefined;
  readonly limit: number;
}

/**
 * The entries a file cut takes, locked. `SKIP LOCKED`: an entry being canceled right now is
 * left to its cancel (it misses this file); an entry this cut holds waits for it, so the cancel
 * then finds it submitted.
 */
export async function lockEntriesForCut(sql: Sql, s: CutSelection): Promise<EntryRecord[]> {
  const where = ["agency_id = $1", "originator_id = $2", "status = 'pending_submission'", "effective_date <= $3"];
  const params: unknown[] = [s.agencyId, s.originatorId, s.effectiveThrough];
  if (s.sameDay) {
    params.push(s.sameDay.date, s.sameDay.amountCentsMax);
    where.push(`same_day AND effective_date = $${params.length - 1} AND amount_cents <= $${params.length}`);
  }
  if (s.leaveSameDayOf) {
    params.push(s.leaveSameDayOf.date, s.leaveSameDayOf.amountCentsMax);
    where.push(`NOT (same_day AND effective_date = $${params.length - 1} AND amount_cents <= $${params.length})`);
  }
  params.push(s.limit);
  const rows = await sql.query<EntryRow>(
    `SELECT ${entryColumns} FROM ach_entries WHERE ${where.join(" AND ")}
      ORDER BY sec_code, kind, effective_date, id LIMIT $${params.length} FOR UPDATE SKIP LOCKED`,
    params,
  );
  return rows.map(toEntry);
}

/** Takes `count` trace sequence numbers for the originator; returns the first. */
export async function reserveTraceSequences(sql: Sql, agencyId: string, originatorId: string, count: number): Promise<number> {
  const [row] = await sql.query<{ last_sequence: number }>(
    `INSERT INTO ach_trace_sequences (agency_id, originator_id, last_sequence) VALUES ($1, $2, $3)
     ON CONFLICT (agency_id, originator_id) DO UPDATE SET last_sequence = ach_trace_sequences.last_sequence + EXCLUDED.last_sequence
     RETURNING last_sequence`,
    [agencyId, originatorId, count],
  );
  return Number((row as { last_sequence: number }).last_sequence) - count + 1;
}

export interface Submission {
  readonly id: string;
  readonly traceNumber: string;
  readonly postingPaymentId: string | null;
}

/** Moves the cut's entries (still `pending_submission`, locked by the cut) to `submitted` in one statement; returns how many moved. */
export async function submitEntries(
  sql: Sql,
  agencyId: string,
  file: { id: string; effectiveDate: string },
  submissions: readonly Submission[],
  now: Date,
): Promise<number> {
  const rows = await sql.query(
    `UPDATE ach_entries e SET status = 'submitted', file_id = $2, effective_date = $3, submitted_at = $4, updated_at = $4,
            trace_number = s.trace_number, posting_payment_id = s.posting_payment_id
       FROM unnest($5::text[], $6::text[], $7::text[]) AS s(id, trace_number, posting_payment_id)
      WHERE e.agency_id = $1 AND e.id = s.id AND e.status = 'pending_submission'
      RETURNING e.id`,
    [
      agencyId,
      file.id,
      file.effectiveDate,
      now,
      submissions.map((s) => s.id),
      submissions.map((s) => s.traceNumber),
      submissions.map((s) => s.postingPaymentId),
    ],
  );
  return rows.length;
}

/** A file's entries in trace-number order, as the file carries them. */
export async function listFileEntries(sql: Sql, agencyId: string, fileId: string): Promise<EntryRecord[]> {
  const rows = await sql.query<EntryRow>(
    `SELECT ${entryColumns} FROM ach_entries WHERE agency_id = $1 AND file_id = $2 ORDER BY trace_number`,
    [agencyId, fileId],
  );
  return rows.map(toEntry);
}

/** Submitted entries effective on or before `throughDate`, oldest date first, with their file's window. */
export async function listSubmittedThrough(
  sql: Sql,
  throughDate: string,
  limit: number,
): Promise<Array<{ agencyId: string; id: string; effectiveDate: string; window: SubmissionWindow }>> {
  const rows = await sql.query<{ agency_id: string; id: string; effective_date_text: string; submission_window: SubmissionWindow }>(
    `SELECT e.agency_id, e.id, e.effective_date::text AS effective_date_text, f.submission_window
       FROM ach_entries e JOIN ach_files f ON f.agency_id = e.agency_id AND f.id = e.file_id
      WHERE e.status = 'submitted' AND e.effective_date <= $1
      ORDER BY e.effective_date, e.agency_id, e.id LIMIT $2`,
    [throughDate, limit],
  );
  return rows.map((r) => ({ agencyId: r.agency_id, id: r.id, effectiveDate: r.effective_date_text, window: r.submission_window }));
}

export async function findEntryByTrace(sql: Sql, agencyId: string, traceNumber: string): Promise<EntryRecord | undefined> {
  const [row] = await sql.query<EntryRow>(`SELECT ${entryColumns} FROM ach_entries WHERE agency_id = $1 AND trace_number = $2 FOR UPDATE`, [
    agencyId,
    traceNumber,
  ]);
  return row && toEntry(row);
}

// ── Inbound files and change notices ────────────────────────────────────────────────────────

/**
 * Claims an inbound file by its digest; false when it was imported before. A concurrent import
 * of the same file waits on the key and then finds it claimed.
 */
export async function claimInboundFile(sql: Sql, agencyId: string, digest: string, fileName: string, now: Date): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO ach_inbound_files (agency_id, digest, file_name, returns, notices, unmatched, imported_at)
     VALUES ($1, $2, $3, 0, 0, 0, $4) ON CONFLICT (agency_id, digest) DO NOTHING RETURNING digest`,
    [agencyId, digest, fileName.slice(0, 255), now],
  );
  return rows.length === 1;
}

export async function recordInboundCounts(
  sql: Sql,
  agencyId: string,
  digest: string,
  counts: { returns: number; notices: number; unmatched: number },
): Promise<void> {
  await sql.query("UPDATE ach_inbound_files SET returns = $3, notices = $4, unmatched = $5 WHERE agency_id = $1 AND digest = $2", [
    agencyId,
    digest,
    counts.returns,
    counts.notices,
    counts.unmatched,
  ]);
}

/** Records a notification of change once per entry and code; false when it was recorded before. */
export async function insertChangeNotice(
  sql: Sql,
  n: { agencyId: string; entryId: string; changeCode: string; correctedSummary: string; applied: boolean; receivedAt: Date },
): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO ach_change_notices (agency_id, entry_id, change_code, corrected_summary, applied, received_at)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (agency_id, entry_id, change_code) DO NOTHING RETURNING entry_id`,
    [n.agencyId, n.entryId, n.changeCode, n.correctedSummary, n.applied, n.receivedAt],
  );
  return rows.length === 1;
}

export interface ChangeNotice {
  readonly entryId: string;
  readonly changeCode: string;
  readonly correctedSummary: string;
  readonly applied: boolean;
  readonly receivedAt: Date;
}

export async function listChangeNotices(sql: Sql, agencyId: string, entryId: string): Promise<ChangeNotice[]> {
  const rows = await sql.query<{ entry_id: string; change_code: string; corrected_summary: string; applied: boolean; received_at: Date }>(
    `SELECT * FROM ach_change_notices WHERE agency_id = $1 AND entry_id = $2 ORDER BY received_at, change_code LIMIT 100`,
    [agencyId, entryId],
  );
  return rows.map((r) => ({
    entryId: r.entry_id,
    changeCode: r.change_code,
    correctedSummary: r.corrected_summary,
    applied: r.applied,
    receivedAt: r.received_at,
  }));
}

// ── Events (held here until a notifications capability owns them) ──────────────────────────

export interface AgencyEvent {
  readonly agencyId: string;
  readonly id: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly createdAt: Date;
}

interface EventRow {
  agency_id: string;
  id: string;
  type: string;
  data: Record<string, unknown>;
  created_at: Date;
}

const toEvent = (r: EventRow): AgencyEvent => ({ agencyId: r.agency_id, id: r.id, type: r.type, data: r.data, createdAt: r.created_at });

/** Records an event once: the same id again changes nothing. */
export async function insertEvent(sql: Sql, e: AgencyEvent): Promise<void> {
  await sql.query(
    `INSERT INTO events (agency_id, id, type, data, created_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (agency_id, id) DO NOTHING`,
    [e.agencyId, e.id, e.type, JSON.stringify(e.data), e.createdAt],
  );
}

/** Newest first, keyset-paginated on (created_at, id) after the event `startingAfter`. */
export async function listEvents(
  sql: Sql,
  agencyId: string,
  page: { limit: number; startingAfter?: string | undefined; type?: string | undefined },
): Promise<AgencyEvent[]> {
  const where = ["agency_id = $1"];
  const params: unknown[] = [agencyId];
  if (page.type !== undefined) {
    params.push(page.type);
    where.push(`type = $${params.length}`);
  }
  if (page.startingAfter !== undefined) {
    params.push(page.startingAfter);
    where.push(`(created_at, id) < (SELECT created_at, id FROM events WHERE agency_id = $1 AND id = $${params.length})`);
  }
  params.push(page.limit);
  const rows = await sql.query<EventRow>(
    `SELECT * FROM events WHERE ${where.join(" AND ")} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map(toEvent);
}

export async function eventExists(sql: Sql, agencyId: string, id: string): Promise<boolean> {
  const rows = await sql.query("SELECT 1 FROM events WHERE agency_id = $1 AND id = $2", [agencyId, id]);
  return rows.length === 1;
}

// ── Files on disk ───────────────────────────────────────────────────────────────────────────

/**
 * Writes `text` to `path` so that no reader ever sees half a file: to `<path>.tmp` first, synced
 * to disk, then renamed over `path` (atomic within a file system), and the folder synced so the
 * rename itself survives a crash.
 */
export async function writeFileAtomically(path: string, text: string): Promise<void> {
  const folder = dirname(path);
  await mkdir(folder, { recursive: true });
  const aside = `${path}.tmp`;
  const handle = await open(aside, "w", 0o600);
  try {
    await handle.writeFile(text, "latin1");
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(aside, path);
  const dir = await open(folder, "r");
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** The names of the folders in `dir`, sorted; none when `dir` does not exist yet. */
export async function subfolders(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return [];
    throw error;
  }
}
