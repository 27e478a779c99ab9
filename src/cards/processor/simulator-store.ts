import type { Sql } from "../../platform/index.ts";
import type { CardBrand, DeclineCode, SettlementLine } from "./port.ts";
import type { SimTransaction, SimTransactionKind, SimTransactionStatus } from "./simulator-rules.ts";

/** The simulator's tables (`processor_sim_*`, migration 0011), by purpose. */

interface TransactionRow {
  processor_id: string;
  reference: string;
  kind: SimTransactionKind;
  status: SimTransactionStatus;
  amount_cents: number;
  captured_cents: number;
  refunded_cents: number;
  approval_code: string | null;
  decline_code: DeclineCode | null;
  decline_message: string | null;
  card_brand: CardBrand;
  card_last4: string;
  created_at: Date;
  expires_at: Date | null;
  settlement_date: string | null;
}

// `date` columns are read as text: the drivers would turn them into midnight in the process's zone.
const transactionColumns = `processor_id, reference, kind, status, amount_cents, captured_cents, refunded_cents, approval_code,
  decline_code, decline_message, card_brand, card_last4, created_at, expires_at, settlement_date::text AS settlement_date`;

const toTransaction = (r: TransactionRow): SimTransaction => ({
  processorId: r.processor_id,
  reference: r.reference,
  kind: r.kind,
  status: r.status,
  amountCents: r.amount_cents,
  capturedCents: r.captured_cents,
  refundedCents: r.refunded_cents,
  approvalCode: r.approval_code,
  declineCode: r.decline_code,
  declineMessage: r.decline_message,
  cardBrand: r.card_brand,
  cardLast4: r.card_last4,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  settlementDate: r.settlement_date,
});

/**
 * Inserts the transaction unless its reference is taken; either way returns the reference's
 * transaction, in one statement. Only when another call inserted the same reference after this
 * statement's snapshot (so that neither half sees it) is the row read again.
 */
export async function insertTransactionOnce(sql: Sql, t: SimTransaction): Promise<{ inserted: boolean; transaction: SimTransaction }> {
  const [row] = await sql.query<TransactionRow & { inserted: boolean }>(
    `WITH inserted AS (
       INSERT INTO processor_sim_transactions (processor_id, reference, kind, status, amount_cents, captured_cents, refunded_cents,
         approval_code, decline_code, decline_message, card_brand, card_last4, created_at, expires_at, settlement_date)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       ON CONFLICT (reference) DO NOTHING
       RETURNING ${transactionColumns}, true AS inserted)
     SELECT * FROM inserted
     UNION ALL
     SELECT ${transactionColumns}, false AS inserted FROM processor_sim_transactions
     WHERE reference = $2 AND NOT EXISTS (SELECT 1 FROM inserted)`,
    [
      t.processorId,
      t.reference,
      t.kind,
      t.status,
      t.amountCents,
      t.capturedCents,
      t.refundedCents,
      t.approvalCode,
      t.declineCode,
      t.declineMessage,
      t.cardBrand,
      t.cardLast4,
      t.createdAt,
      t.expiresAt,
      t.settlementDate,
    ],
  );
  if (row) return { inserted: row.inserted, transaction: toTransaction(row) };
  const existing = await findTransactionByReference(sql, t.reference);
  if (!existing) throw new Error(`Transaction ${t.reference} conflicted on insert but cannot be read`);
  return { inserted: false, transaction: existing };
}

export async function findTransactionByReference(sql: Sql, reference: string): Promise<SimTransaction | undefined> {
  const [row] = await sql.query<TransactionRow>(`SELECT ${transactionColumns} FROM processor_sim_transactions WHERE reference = $1`, [
    reference,
  ]);
  return row && toTransaction(row);
}

/** Locks the transaction so operations on it run one at a time. */
export async function lockTransaction(sql: Sql, processorId: string): Promise<SimTransaction | undefined> {
  const [row] = await sql.query<TransactionRow>(
    `SELECT ${transactionColumns} FROM processor_sim_transactions WHERE processor_id = $1 FOR UPDATE`,
    [processorId],
  );
  return row && toTransaction(row);
}

export async function updateTransaction(
  sql: Sql,
  processorId: string,
  change: { status: SimTransactionStatus; capturedCents: number; refundedCents: number; settlementDate: string | null },
): Promise<void> {
  await sql.query(
    `UPDATE processor_sim_transactions SET status = $2, captured_cents = $3, refunded_cents = $4, settlement_date = $5::date
     WHERE processor_id = $1`,
    [processorId, change.status, change.capturedCents, change.refundedCents, change.settlementDate],
  );
}

export type SimOperationKind = "capture" | "void" | "refund";

export interface SimOperation {
  readonly reference: string;
  readonly kind: SimOperationKind;
  readonly transactionProcessorId: string;
  readonly amountCents: number | null;
  readonly result: { outcome: "done"; processorId: string } | { outcome: "refused"; code: string; message: string };
  readonly settlementDate: string | null;
  readonly createdAt: Date;
}

interface OperationRow {
  reference: string;
  kind: SimOperationKind;
  transaction_processor_id: string;
  amount_cents: number | null;
  outcome: "done" | "refused";
  processor_id: string | null;
  refusal_code: string | null;
  refusal_message: string | null;
  settlement_date: string | null;
  created_at: Date;
}

const operationColumns = `reference, kind, transaction_processor_id, amount_cents, outcome, processor_id, refusal_code, refusal_message,
  settlement_date::text AS settlement_date, created_at`;

const toOperation = (r: OperationRow): SimOperation => ({
  reference: r.reference,
  kind: r.kind,
  transactionProcessorId: r.transaction_processor_id,
  amountCents: r.amount_cents,
  result:
    r.outcome === "done"
      ? { outcome: "done", processorId: r.processor_id as string }
      : { outcome: "refused", code: r.refusal_code as string, message: r.refusal_message as string },
  settlementDate: r.settlement_date,
  createdAt: r.created_at,
});

export async function findOperation(sql: Sql, reference: string): Promise<SimOperation | undefined> {
  const [row] = await sql.query<OperationRow>(`SELECT ${operationColumns} FROM processor_sim_operations WHERE reference = $1`, [reference]);
  return row && toOperation(row);
}

/** Records the operation unless its reference is taken; either way returns the reference's operation. */
export async function insertOperationOnce(sql: Sql, op: SimOperation): Promise<{ inserted: boolean; operation: SimOperation }> {
  const done = op.result.outcome === "done" ? op.result : null;
  const refused = op.result.outcome === "refused" ? op.result : null;
  const [inserted] = await sql.query<OperationRow>(
    `INSERT INTO processor_sim_operations (reference, kind, transaction_processor_id, amount_cents, outcome, processor_id,
       refusal_code, refusal_message, settlement_date, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::date, $10)
     ON CONFLICT (reference) DO NOTHING
     RETURNING ${operationColumns}`,
    [
      op.reference,
      op.kind,
      op.transactionProcessorId,
      op.amountCents,
      op.result.outcome,
      done?.processorId ?? null,
      refused?.code ?? null,
      refused?.message ?? null,
      op.settlementDate,
      op.createdAt,
    ],
  );
  if (inserted) return { inserted: true, operation: toOperation(inserted) };
  const existing = await findOperation(sql, op.reference);
  if (!existing) throw new Error(`Operation ${op.reference} conflicted on insert but cannot be read`);
  return { inserted: false, operation: existing };
}

/** A bound on one day's report: a simulator day beyond it is a bug in a test, not a busy day. */
export const settlementLinesMax = 100_000;

interface SettlementRow {
  reference: string;
  processor_id: string;
  transaction_processor_id: string;
  kind: "capture" | "refund";
  amount_cents: number;
  card_brand: CardBrand;
  card_last4: string;
}

/**
 * The captures and refunds in the batch of `date`: sales and forces (captured as they were
 * approved), then captures and refunds made as operations; a voided transaction's capture is out.
 * Ordered by time and id so the same day always reads the same.
 */
export async function findSettlementLines(sql: Sql, date: string): Promise<SettlementLine[]> {
  const rows = await sql.query<SettlementRow>(
    `SELECT reference, processor_id, transaction_processor_id, kind, amount_cents, card_brand, card_last4 FROM (
       SELECT t.reference, t.processor_id, t.processor_id AS transaction_processor_id, 'capture' AS kind, t.captured_cents AS amount_cents,
              t.card_brand, t.card_last4, t.created_at AS at
       FROM processor_sim_transactions t
       WHERE t.settlement_date = $1::date AND t.kind <> 'authorization' AND t.status = 'captured'
       UNION ALL
       SELECT o.reference, o.processor_id, o.transaction_processor_id, o.kind, o.amount_cents, t.card_brand, t.card_last4, o.created_at AS at
       FROM processor_sim_operations o
       JOIN processor_sim_transactions t ON t.processor_id = o.transaction_processor_id
       WHERE o.settlement_date = $1::date AND o.outcome = 'done' AND o.kind IN ('capture', 'refund') AND t.status <> 'voided'
     ) AS lines
     ORDER BY at, processor_id
     LIMIT $2`,
    [date, settlementLinesMax + 1],
  );
  if (rows.length > settlementLinesMax) throw new Error(`The settlement of ${date} has more than ${settlementLinesMax} lines`);
  return rows.map((r) => ({
    reference: r.reference,
    processorId: r.processor_id,
    transactionProcessorId: r.transaction_processor_id,
    kind: r.kind,
    amountCents: r.amount_cents,
    cardBrand: r.card_brand,
    cardLast4: r.card_last4,
  }));
}
