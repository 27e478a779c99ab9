import type { Sql } from "../../platform/index.ts";
import type { BillRow } from "../domain/bill-file.ts";

export interface Snapshot {
  readonly ref: string;
  readonly name: string;
  readonly status: string;
  readonly amountDueCents: number;
  readonly pastDueCents: number;
  readonly dueDate: string;
  readonly importedAt: Date;
}

export interface ImportRecord {
  readonly id: string;
  readonly status: "accepted" | "refused";
  readonly rowsTotal: number;
  readonly rowsAccepted: number;
  readonly rowsRejected: number;
  readonly report: unknown;
  readonly importedAt: Date;
}

export async function findImportByDigest(sql: Sql, agencyId: string, system: string, digest: Buffer): Promise<ImportRecord | undefined> {
  const [row] = await sql.query<{
    id: string;
    status: ImportRecord["status"];
    rows_total: number;
    rows_accepted: number;
    rows_rejected: number;
    report: unknown;
    imported_at: Date;
  }>("SELECT * FROM bill_imports WHERE agency_id = $1 AND system = $2 AND digest = $3", [agencyId, system, digest]);
  return (
    row && {
      id: row.id,
      status: row.status,
      rowsTotal: row.rows_total,
      rowsAccepted: row.rows_accepted,
      rowsRejected: row.rows_rejected,
      report: row.report,
      importedAt: row.imported_at,
    }
  );
}

export async function insertImport(
  sql: Sql,
  agencyId: string,
  system: string,
  source: string,
  digest: Buffer,
  record: ImportRecord,
): Promise<void> {
  await sql.query(
    `INSERT INTO bill_imports (agency_id, id, system, source, digest, status, rows_total, rows_accepted, rows_rejected, report, imported_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      agencyId,
      record.id,
      system,
      source,
      digest,
      record.status,
      record.rowsTotal,
      record.rowsAccepted,
      record.rowsRejected,
      JSON.stringify(record.report),
      record.importedAt,
    ],
  );
}

/** Replaces the snapshot of each row's account; with `complete`, accounts absent from the file are gone (paid off or closed). */
export async function upsertSnapshots(
  sql: Sql,
  agencyId: string,
  system: string,
  importId: string,
  rows: readonly BillRow[],
  now: Date,
  complete: boolean,
) {
  for (let i = 0; i < rows.length; i += 5_000) {
    const chunk = rows.slice(i, i + 5_000);
    await sql.query(
      `INSERT INTO bill_snapshots (agency_id, system, ref, name, status, amount_due_cents, past_due_cents, due_date, bill_date, import_id, imported_at)
       SELECT $1, $2, r.ref, r.name, r.status, r.amount_due, r.past_due, r.due_date, r.bill_date, $3, $4
         FROM unnest($5::text[], $6::text[], $7::text[], $8::bigint[], $9::bigint[], $10::date[], $11::date[])
           AS r (ref, name, status, amount_due, past_due, due_date, bill_date)
       ON CONFLICT (agency_id, system, ref) DO UPDATE SET name = EXCLUDED.name, status = EXCLUDED.status,
         amount_due_cents = EXCLUDED.amount_due_cents, past_due_cents = EXCLUDED.past_due_cents, due_date = EXCLUDED.due_date,
         bill_date = EXCLUDED.bill_date, import_id = EXCLUDED.import_id, imported_at = EXCLUDED.imported_at`,
      [
        agencyId,
        system,
        importId,
        now,
        chunk.map((r) => r.ref),
        chunk.map((r) => r.name),
        chunk.map((r) => r.status),
        chunk.map((r) => r.amountDueCents),
        chunk.map((r) => r.pastDueCents),
        chunk.map((r) => r.dueDate),
        chunk.map((r) => r.billDate),
      ],
    );
  }
  if (complete)
    await sql.query("DELETE FROM bill_snapshots WHERE agency_id = $1 AND system = $2 AND import_id <> $3", [agencyId, system, importId]);
}

export async function findSnapshot(sql: Sql, agencyId: string, system: string, ref: string): Promise<Snapshot | undefined> {
  const [row] = await sql.query<{
    ref: string;
    name: string;
    status: string;
    amount_due_cents: number;
    past_due_cents: number;
    due_date: string;
    imported_at: Date;
  }>(
    `SELECT ref, name, status, amount_due_cents, past_due_cents, to_char(due_date, 'YYYY-MM-DD') AS due_date, imported_at
       FROM bill_snapshots WHERE agency_id = $1 AND system = $2 AND ref = $3`,
    [agencyId, system, ref],
  );
  return (
    row && {
      ref: row.ref,
      name: row.name,
      status: row.status,
      amountDueCents: row.amount_due_cents,
      pastDueCents: row.past_due_cents,
      dueDate: row.due_date,
      importedAt: row.imported_at,
    }
  );
}

/** Payments delivered in posting files after the snapshot was taken: the snapshot cannot show them yet. */
export async function sumDeliveredSince(sql: Sql, agencyId: string, system: string, ref: string, since: Date): Promise<number> {
  const [row] = await sql.query<{ cents: number }>(
    `SELECT coalesce(sum(l.amount_cents), 0)::bigint AS cents
       FROM posting_file_lines l JOIN posting_files f ON f.agency_id = l.agency_id AND f.id = l.file_id
      WHERE l.agency_id = $1 AND l.system = $2 AND l.ref = $3 AND f.delivered_at > $4`,
    [agencyId, system, ref, since],
  );
  return row?.cents ?? 0;
}

export async function queueLine(
  sql: Sql,
  line: {
    agencyId: string;
    paymentId: string;
    system: string;
    ref: string;
    amountCents: number;
    paidAt: Date;
    method: string;
    queuedAt: Date;
  },
): Promise<void> {
  await sql.query(
    `INSERT INTO posting_file_lines (agency_id, payment_id, system, ref, amount_cents, paid_at, method, queued_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (agency_id, payment_id) DO NOTHING`,
    [line.agencyId, line.paymentId, line.system, line.ref, line.amountCents, line.paidAt, line.method, line.queuedAt],
  );
}

export interface FileLine {
  readonly paymentId: string;
  readonly ref: string;
  readonly amountCents: number;
  readonly paidAt: Date;
  readonly method: string;
}

/** Gathers the queued lines of a system into a new posting file record (inside the caller's transaction). */
export async function claimQueuedLines(
  sql: Sql,
  agencyId: string,
  system: string,
  fileId: string,
  fileName: string,
  now: Date,
  limit: number,
): Promise<FileLine[]> {
  const rows = await sql.query<{ payment_id: string; ref: string; amount_cents: number; paid_at: Date; method: string }>(
    `SELECT payment_id, ref, amount_cents, paid_at, method FROM posting_file_lines
      WHERE agency_id = $1 AND system = $2 AND file_id IS NULL ORDER BY queued_at, payment_id LIMIT $3 FOR UPDATE SKIP LOCKED`,
    [agencyId, system, limit],
  );
  if (rows.length === 0) return [];
  await sql.query(
    "INSERT INTO posting_files (agency_id, id, system, file_name, lines, total_cents, written_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    [agencyId, fileId, system, fileName, rows.length, rows.reduce((s, r) => s + r.amount_cents, 0), now],
  );
  await sql.query("UPDATE posting_file_lines SET file_id = $3 WHERE agency_id = $1 AND payment_id = ANY($2::text[])", [
    agencyId,
    rows.map((r) => r.payment_id),
    fileId,
  ]);
  return rows.map((r) => ({ paymentId: r.payment_id, ref: r.ref, amountCents: r.amount_cents, paidAt: r.paid_at, method: r.method }));
}

export async function undeliveredFiles(
  sql: Sql,
  agencyId: string,
  system: string,
): Promise<Array<{ id: string; fileName: string; lines: FileLine[] }>> {
  const files = await sql.query<{ id: string; file_name: string }>(
    "SELECT id, file_name FROM posting_files WHERE agency_id = $1 AND system = $2 AND delivered_at IS NULL ORDER BY written_at LIMIT 10",
    [agencyId, system],
  );
  const result = [];
  for (const f of files) {
    const lines = await sql.query<{ payment_id: string; ref: string; amount_cents: number; paid_at: Date; method: string }>(
      "SELECT payment_id, ref, amount_cents, paid_at, method FROM posting_file_lines WHERE agency_id = $1 AND file_id = $2 ORDER BY payment_id",
      [agencyId, f.id],
    );
    result.push({
      id: f.id,
      fileName: f.file_name,
      lines: lines.map((r) => ({ paymentId: r.payment_id, ref: r.ref, amountCents: r.amount_cents, paidAt: r.paid_at, method: r.method })),
    });
  }
  return result;
}

export async function markDelivered(sql: Sql, agencyId: string, fileId: string, now: Date): Promise<void> {
  await sql.query("UPDATE posting_files SET delivered_at = $3 WHERE agency_id = $1 AND id = $2", [agencyId, fileId, now]);
}

export async function lastFileActivity(
  sql: Sql,
  agencyId: string,
  system: string,
): Promise<{ lastFetchAt: Date | null; lastFileAt: Date | null }> {
  const [row] = await sql.query<{ last_fetch_at: Date | null; last_file_at: Date | null }>(
    `SELECT (SELECT bill_fetched_at FROM systems_of_record WHERE agency_id = $1 AND system = $2) AS last_fetch_at,
            (SELECT max(written_at) FROM posting_files WHERE agency_id = $1 AND system = $2) AS last_file_at`,
    [agencyId, system],
  );
  return { lastFetchAt: row?.last_fetch_at ?? null, lastFileAt: row?.last_file_at ?? null };
}

export async function recordBillFetch(sql: Sql, agencyId: string, system: string, at: Date): Promise<void> {
  await sql.query("UPDATE systems_of_record SET bill_fetched_at = $3 WHERE agency_id = $1 AND system = $2", [agencyId, system, at]);
}
