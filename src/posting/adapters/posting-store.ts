import type { Sql } from "../../platform/index.ts";
import type { Posting, PostingStatus } from "../domain/posting.ts";

interface PostingRow {
  agency_id: string;
  payment_id: string;
  system: string;
  ref: string;
  amount_cents: number;
  method: string;
  paid_at: Date;
  status: PostingStatus;
  sor_reference: string | null;
  posted_at: Date | null;
  reversed_at: Date | null;
  last_error: string | null;
  created_at: Date;
}

const toPosting = (r: PostingRow): Posting => ({
  agencyId: r.agency_id,
  paymentId: r.payment_id,
  system: r.system,
  ref: r.ref,
  amountCents: r.amount_cents,
  method: r.method,
  paidAt: r.paid_at,
  status: r.status,
  sorReference: r.sor_reference,
  postedAt: r.posted_at,
  reversedAt: r.reversed_at,
  lastError: r.last_error,
  createdAt: r.created_at,
});

/** The insert of a new posting, yielding a row only when it was not there yet: for the outbox to run with its message. */
export function insertPostingStatement(p: Omit<Posting, "status" | "sorReference" | "postedAt" | "reversedAt" | "lastError">): {
  text: string;
  params: unknown[];
} {
  return {
    text: `INSERT INTO postings (agency_id, payment_id, system, ref, amount_cents, method, paid_at, status, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8)
     ON CONFLICT (agency_id, payment_id) DO NOTHING RETURNING payment_id`,
    params: [p.agencyId, p.paymentId, p.system, p.ref, p.amountCents, p.method, p.paidAt, p.createdAt],
  };
}

export async function findPosting(sql: Sql, agencyId: string, paymentId: string, lock = false): Promise<Posting | undefined> {
  const [row] = await sql.query<PostingRow>(`SELECT * FROM postings WHERE agency_id = $1 AND payment_id = $2${lock ? " FOR UPDATE" : ""}`, [
    agencyId,
    paymentId,
  ]);
  return row && toPosting(row);
}

export const postingKey = (agencyId: string, paymentId: string) => `${agencyId}/${paymentId}`;

/** Several postings in one statement, by `postingKey`; absent ones are missing from the map. */
export async function findPostings(sql: Sql, keys: ReadonlyArray<{ agencyId: string; paymentId: string }>): Promise<Map<string, Posting>> {
  const rows = await sql.query<PostingRow>(
    `SELECT p.* FROM postings p JOIN unnest($1::text[], $2::text[]) AS k (agency_id, payment_id)
         ON p.agency_id = k.agency_id AND p.payment_id = k.payment_id`,
    [keys.map((k) => k.agencyId), keys.map((k) => k.paymentId)],
  );
  return new Map(rows.map((r) => [postingKey(r.agency_id, r.payment_id), toPosting(r)]));
}

export interface PostedFields {
  readonly agencyId: string;
  readonly paymentId: string;
  readonly sorReference: string;
  readonly postedAt: Date;
}

/**
 * The statement that records postings the system took: `pending` or `failed` ones become
 * `posted`; one whose reversal was asked while its post was in flight stays `reversal_pending`
 * (the reversal follows) and keeps the receipt. Any other is left alone.
 */
export function markPostedStatement(postings: readonly PostedFields[]): { text: string; params: unknown[] } {
  return {
    text: `UPDATE postings p
        SET status = CASE WHEN p.status = 'reversal_pending' THEN p.status ELSE 'posted' END,
            sor_reference = v.sor_reference, posted_at = v.posted_at, last_error = NULL
       FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) AS v (agency_id, payment_id, sor_reference, posted_at)
      WHERE p.agency_id = v.agency_id AND p.payment_id = v.payment_id AND p.status IN ('pending', 'failed', 'reversal_pending')`,
    params: [
      postings.map((p) => p.agencyId),
      postings.map((p) => p.paymentId),
      postings.map((p) => p.sorReference),
      postings.map((p) => p.postedAt.toISOString()),
    ],
  };
}

/** Moves a posting from `from` to `to`; false when it was no longer in `from` (another worker moved it). */
export async function movePosting(
  sql: Sql,
  agencyId: string,
  paymentId: string,
  from: PostingStatus,
  to: PostingStatus,
  fields: { sorReference?: string; postedAt?: Date; reversedAt?: Date; lastError?: string | null } = {},
): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE postings
        SET status = $4,
            sor_reference = coalesce($5, sor_reference),
            posted_at = coalesce($6, posted_at),
            reversed_at = coalesce($7, reversed_at),
            last_error = CASE WHEN $8::boolean THEN $9 ELSE last_error END
      WHERE agency_id = $1 AND payment_id = $2 AND status = $3
      RETURNING payment_id`,
    [
      agencyId,
      paymentId,
      from,
      to,
      fields.sorReference ?? null,
      fields.postedAt ?? null,
      fields.reversedAt ?? null,
      fields.lastError !== undefined,
      fields.lastError ?? null,
    ],
  );
  return rows.length === 1;
}

export async function recordPostingError(sql: Sql, agencyId: string, paymentId: string, error: string): Promise<void> {
  await sql.query("UPDATE postings SET last_error = $3 WHERE agency_id = $1 AND payment_id = $2", [agencyId, paymentId, error]);
}

export async function sumUnposted(sql: Sql, agencyId: string, system: string, ref: string): Promise<number> {
  const [row] = await sql.query<{ cents: number }>(
    `SELECT coalesce(sum(amount_cents), 0)::bigint AS cents FROM postings
      WHERE agency_id = $1 AND system = $2 AND ref = $3 AND status IN ('pending', 'failed')`,
    [agencyId, system, ref],
  );
  return row?.cents ?? 0;
}
