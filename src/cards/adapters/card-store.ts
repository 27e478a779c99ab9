import type { PaymentTwin, Sql } from "../../platform/index.ts";
import type { CardRefund, CardStatus, CardTransaction, CardTransactionType, RefundStatus } from "../domain/card-transaction.ts";

interface TransactionRow {
  agency_id: string;
  id: string;
  type: CardTransactionType;
  status: CardStatus;
  amount_cents: number;
  capture_requested_cents: number | null;
  amount_captured_cents: number;
  amount_refunded_cents: number;
  vault_card_id: string;
  card_brand: string;
  card_last4: string;
  card_exp_month: number;
  card_exp_year: number;
  card_fingerprint: string;
  system: string | null;
  ref: string | null;
  posting_payment_id: string | null;
  agency_tracking_id: string | null;
  description: string | null;
  metadata: Record<string, string>;
  approval_code: string | null;
  decline_code: string | null;
  decline_message: string | null;
  processor_id: string | null;
  created_at: Date;
  updated_at: Date;
  authorized_at: Date | null;
  captured_at: Date | null;
  voided_at: Date | null;
  settled_at: Date | null;
  expires_at: Date | null;
}

const toTransaction = (r: TransactionRow): CardTransaction => ({
  agencyId: r.agency_id,
  id: r.id,
  type: r.type,
  status: r.status,
  amountCents: Number(r.amount_cents),
  captureRequestedCents: r.capture_requested_cents === null ? null : Number(r.capture_requested_cents),
  amountCapturedCents: Number(r.amount_captured_cents),
  amountRefundedCents: Number(r.amount_refunded_cents),
  vaultCardId: r.vault_card_id,
  card: { brand: r.card_brand, last4: r.card_last4, expMonth: r.card_exp_month, expYear: r.card_exp_year },
  fingerprint: r.card_fingerprint,
  account: r.system !== null && r.ref !== null ? { system: r.system, ref: r.ref } : null,
  postingPaymentId: r.posting_payment_id,
  agencyTrackingId: r.agency_tracking_id,
  description: r.description,
  metadata: r.metadata,
  approvalCode: r.approval_code,
  declineCode: r.decline_code,
  declineMessage: r.decline_message,
  processorId: r.processor_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  authorizedAt: r.authorized_at,
  capturedAt: r.captured_at,
  voidedAt: r.voided_at,
  settledAt: r.settled_at,
  expiresAt: r.expires_at,
});

export async function insertTransaction(sql: Sql, t: Omit<CardTransaction, "updatedAt">): Promise<CardTransaction> {
  const [row] = await sql.query<TransactionRow>(
    `INSERT INTO card_transactions (agency_id, id, type, status, amount_cents, vault_card_id, card_brand, card_last4,
       card_exp_month, card_exp_year, card_fingerprint, system, ref, agency_tracking_id, description, metadata, approval_code,
       created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18) RETURNING *`,
    [
      t.agencyId,
      t.id,
      t.type,
      t.status,
      t.amountCents,
      t.vaultCardId,
      t.card.brand,
      t.card.last4,
      t.card.expMonth,
      t.card.expYear,
      t.fingerprint,
      t.account?.system ?? null,
      t.account?.ref ?? null,
      t.agencyTrackingId,
      t.description,
      JSON.stringify(t.metadata),
      t.approvalCode,
      t.createdAt,
    ],
  );
  return toTransaction(row as TransactionRow);
}

export async function findTransaction(sql: Sql, agencyId: string, id: string, lock = false): Promise<CardTransaction | undefined> {
  const [row] = await sql.query<TransactionRow>(
    `SELECT * FROM card_transactions WHERE agency_id = $1 AND id = $2${lock ? " FOR UPDATE" : ""}`,
    [agencyId, id],
  );
  return row && toTransaction(row);
}

/** The fields a move may set besides the status; absent ones keep their value. */
export interface TransactionChanges {
  readonly captureRequestedCents?: number | null;
  readonly amountCapturedCents?: number;
  readonly amountRefundedCents?: number;
  readonly postingPaymentId?: string | null;
  readonly approvalCode?: string | null;
  readonly declineCode?: string | null;
  readonly declineMessage?: string | null;
  readonly processorId?: string | null;
  readonly authorizedAt?: Date;
  readonly capturedAt?: Date;
  readonly voidedAt?: Date;
  readonly settledAt?: Date;
  readonly expiresAt?: Date | null;
}

const columnOf: Record<keyof TransactionChanges, string> = {
  captureRequestedCents: "capture_requested_cents",
  amountCapturedCents: "amount_captured_cents",
  amountRefundedCents: "amount_refunded_cents",
  postingPaymentId: "posting_payment_id",
  approvalCode: "approval_code",
  declineCode: "decline_code",
  declineMessage: "decline_message",
  processorId: "processor_id",
  authorizedAt: "authorized_at",
  capturedAt: "captured_at",
  voidedAt: "voided_at",
  settledAt: "settled_at",
  expiresAt: "expires_at",
};

/** Moves a transaction from `from` to `to` (the same, to change only fields); undefined when it was no longer in `from`. */
export async function moveTransaction(
  sql: Sql,
  agencyId: string,
  id: string,
  from: CardStatus,
  to: CardStatus,
  now: Date,
  changes: TransactionChanges = {},
): Promise<CardTransaction | undefined> {
  const entries = Object.entries(changes).filter(([, v]) => v !== undefined) as [keyof TransactionChanges, unknown][];
  const sets = entries.map(([key], i) => `${columnOf[key]} = $${i + 6}`);
  const [row] = await sql.query<TransactionRow>(
    `UPDATE card_transactions SET ${["status = $4", "updated_at = $5", ...sets].join(", ")}
      WHERE agency_id = $1 AND id = $2 AND status = $3 RETURNING *`,
    [agencyId, id, from, to, now, ...entries.map(([, v]) => v)],
  );
  return row && toTransaction(row);
}

/** The newest transaction of this card, for this account and amount, made since `since`. */
export async function findRecentTwin(sql: Sql, agencyId: string, twin: PaymentTwin, since: Date): Promise<CardTransaction | undefined> {
  const [row] = await sql.query<TransactionRow>(
    `SELECT * FROM card_transactions
      WHERE agency_id = $1 AND card_fingerprint = $2 AND amount_cents = $3 AND created_at >= $4
        AND system IS NOT DISTINCT FROM $5 AND ref IS NOT DISTINCT FROM $6
        AND status NOT IN ('declined', 'voided', 'expired')
      ORDER BY created_at DESC LIMIT 1`,
    [agencyId, twin.fingerprint, twin.amountCents, since, twin.account?.system ?? null, twin.account?.ref ?? null],
  );
  return row && toTransaction(row);
}

export interface TransactionFilter {
  readonly agencyTrackingId?: string | undefined;
  readonly statuses?: readonly CardStatus[] | undefined;
  readonly type?: CardTransactionType | undefined;
  readonly createdFrom?: Date | undefined;
  readonly createdBefore?: Date | undefined;
  /** Keyset cursor: rows strictly older than this one. */
  readonly after?: { readonly createdAt: Date; readonly id: string } | undefined;
  readonly limit: number;
}

/** Newest first, keyset-paginated on (created_at, id). */
export async function listTransactions(sql: Sql, agencyId: string, f: TransactionFilter): Promise<CardTransaction[]> {
  const where = ["agency_id = $1"];
  const params: unknown[] = [agencyId];
  const add = (clause: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (f.agencyTrackingId !== undefined) add((p) => `agency_tracking_id = ${p}`, f.agencyTrackingId);
  if (f.statuses !== undefined) add((p) => `status = ANY(${p}::text[])`, f.statuses);
  if (f.type !== undefined) add((p) => `type = ${p}`, f.type);
  if (f.createdFrom !== undefined) add((p) => `created_at >= ${p}`, f.createdFrom);
  if (f.createdBefore !== undefined) add((p) => `created_at < ${p}`, f.createdBefore);
  if (f.after !== undefined) {
    params.push(f.after.createdAt, f.after.id);
    where.push(`(created_at, id) < ($${params.length - 1}, $${params.length})`);
  }
  params.push(f.limit);
  const rows = await sql.query<TransactionRow>(
    `SELECT * FROM card_transactions WHERE ${where.join(" AND ")} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map(toTransaction);
}

/** Transactions whose processor call has gone unanswered since before `before`, oldest first. */
export async function listInDoubt(sql: Sql, before: Date, limit: number): Promise<CardTransaction[]> {
  const rows = await sql.query<TransactionRow>(
    `SELECT * FROM card_transactions WHERE status IN ('authorizing', 'capturing', 'voiding') AND updated_at < $1
      ORDER BY updated_at LIMIT $2`,
    [before, limit],
  );
  return rows.map(toTransaction);
}

export async function listExpiredAuthorizations(sql: Sql, now: Date, limit: number): Promise<CardTransaction[]> {
  const rows = await sql.query<TransactionRow>(
    "SELECT * FROM card_transactions WHERE status = 'authorized' AND expires_at <= $1 ORDER BY expires_at LIMIT $2",
    [now, limit],
  );
  return rows.map(toTransaction);
}

interface RefundRow {
  agency_id: string;
  id: string;
  transaction_id: string;
  amount_cents: number;
  status: RefundStatus;
  reason: string | null;
  failure_message: string | null;
  processor_id: string | null;
  created_at: Date;
  completed_at: Date | null;
}

const toRefund = (r: RefundRow): CardRefund => ({
  agencyId: r.agency_id,
  id: r.id,
  transactionId: r.transaction_id,
  amountCents: Number(r.amount_cents),
  status: r.status,
  reason: r.reason,
  failureMessage: r.failure_message,
  processorId: r.processor_id,
  createdAt: r.created_at,
  completedAt: r.completed_at,
});

export async function insertRefund(sql: Sql, r: CardRefund): Promise<CardRefund> {
  const [row] = await sql.query<RefundRow>(
    `INSERT INTO card_refunds (agency_id, id, transaction_id, amount_cents, status, reason, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
    [r.agencyId, r.id, r.transactionId, r.amountCents, r.status, r.reason, r.createdAt],
  );
  return toRefund(row as RefundRow);
}

export async function findRefund(sql: Sql, agencyId: string, id: string): Promise<CardRefund | undefined> {
  const [row] = await sql.query<RefundRow>("SELECT * FROM card_refunds WHERE agency_id = $1 AND id = $2", [agencyId, id]);
  return row && toRefund(row);
}

export async function listRefunds(sql: Sql, agencyId: string, transactionId: string): Promise<CardRefund[]> {
  const rows = await sql.query<RefundRow>(
    "SELECT * FROM card_refunds WHERE agency_id = $1 AND transaction_id = $2 ORDER BY created_at, id LIMIT 1000",
    [agencyId, transactionId],
  );
  return rows.map(toRefund);
}

/** Refunded and in flight: what a new refund must leave room for. */
export async function sumRefundsHeld(sql: Sql, agencyId: string, transactionId: string): Promise<number> {
  const [row] = await sql.query<{ held: string }>(
    "SELECT coalesce(sum(amount_cents), 0) AS held FROM card_refunds WHERE agency_id = $1 AND transaction_id = $2 AND status <> 'failed'",
    [agencyId, transactionId],
  );
  return Number(row?.held ?? 0);
}

export async function completeRefund(
  sql: Sql,
  agencyId: string,
  id: string,
  outcome: { status: "succeeded" | "failed"; processorId?: string | null; failureMessage?: string | null },
  now: Date,
): Promise<CardRefund | undefined> {
  const [row] = await sql.query<RefundRow>(
    `UPDATE card_refunds SET status = $3, processor_id = $4, failure_message = $5, completed_at = $6
      WHERE agency_id = $1 AND id = $2 AND status = 'pending' RETURNING *`,
    [agencyId, id, outcome.status, outcome.processorId ?? null, outcome.failureMessage ?? null, now],
  );
  return row && toRefund(row);
}

export async function listPendingRefunds(sql: Sql, before: Date, limit: number): Promise<CardRefund[]> {
  const rows = await sql.query<RefundRow>(
    "SELECT * FROM card_refunds WHERE status = 'pending' AND created_at < $1 ORDER BY created_at LIMIT $2",
    [before, limit],
  );
  return rows.map(toRefund);
}

/** Captured transactions whose processor id appears in a settlement report: they are settled. */
export async function settleByProcessorIds(sql: Sql, processorIds: readonly string[], now: Date): Promise<number> {
  if (processorIds.length === 0) return 0;
  const rows = await sql.query(
    `UPDATE card_transactions SET status = 'settled', settled_at = $2
      WHERE processor_id = ANY($1::text[]) AND status = 'captured' RETURNING id`,
    [processorIds, now],
  );
  return rows.length;
}
