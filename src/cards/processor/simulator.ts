import { randomInt } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { type Database, newId } from "../../platform/index.ts";
import type {
  AuthorizeResult,
  CallOptions,
  CardData,
  CardProcessor,
  InquiryResult,
  OperationResult,
  RefusalCode,
  SettlementReport,
} from "./port.ts";
import { cutoffInstantOf, parseSettlementDate, settlementDateOf } from "./settlement-day.ts";
import {
  authorizationLifetimeMs,
  type Decision,
  decideCapture,
  decideRefund,
  decideVoid,
  publicStatus,
  type SimTransaction,
  type SimTransactionKind,
  type SimTransactionStatus,
  statusAt,
} from "./simulator-rules.ts";
import {
  findSettlementLines,
  findTransactionByReference,
  insertOperationOnce,
  insertTransactionOnce,
  lockTransaction,
  type SimOperation,
  type SimOperationKind,
  updateTransaction,
} from "./simulator-store.ts";
import { behaviourOf, cardBrand, declineMessages, issuerDecision } from "./test-cards.ts";
import { withTimeout } from "./with-timeout.ts";

export interface SimulatorOptions {
  readonly db: Database;
  /** The processor's clock; tests move it. */
  readonly now?: () => Date;
  /** The connector's timeout: 10 s unless told. */
  readonly timeoutMs?: number;
  /** How long the no-answer test cards keep a call waiting: twice the timeout unless told. */
  readonly hangMs?: number;
}

/**
 * The embedded default processor: the simulator behind the connector's timeout. It keeps its own
 * books in the `processor_sim_*` tables, so inquiries and settlement reports survive a restart.
 */
export function createCardProcessorSimulator(options: SimulatorOptions): CardProcessor {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return withTimeout(createRawSimulator({ ...options, hangMs: options.hangMs ?? 2 * timeoutMs }), { timeoutMs });
}

const approvalCodeAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const newApprovalCode = () => Array.from({ length: 6 }, () => approvalCodeAlphabet[randomInt(approvalCodeAlphabet.length)]).join("");

/** The simulator without the connector's timeout: a no-answer card makes it wait `hangMs`, or until the call's signal aborts. */
export function createRawSimulator(options: { db: Database; now?: () => Date; hangMs: number }): CardProcessor {
  const { db, hangMs } = options;
  const clock = options.now ?? (() => new Date());

  /** The answer that never comes in time; the wait ends early when the caller gives up. */
  const hang = (signal: AbortSignal | undefined) => sleep(hangMs, undefined, { signal });

  async function authorizeOnce(
    req: { reference: string; amountCents: number; card: CardData; kind: SimTransactionKind; offlineApprovalCode: string | null },
    callOptions: CallOptions | undefined,
  ): Promise<AuthorizeResult> {
    assertReference(req.reference);
    assertAmount(req.amountCents);
    const behaviour = behaviourOf(req.card.number);
    if (behaviour.kind === "timeout_not_processed") {
      const prior = await findTransactionByReference(db, req.reference);
      if (prior) return authorizeResultOf(sameRequest(prior, req));
      // The request is lost on the way: nothing is recorded, and the connection eventually drops.
      await hang(callOptions?.signal);
      return { outcome: "unknown", reason: "connection_reset" };
    }
    // A retry finds the first call's row instead of inserting: one statement either way.
    const { inserted, transaction } = await insertTransactionOnce(db, newTransaction(req, clock()));
    if (inserted && behaviour.kind === "timeout_approved") {
      // Approved and recorded, but the answer is lost on the way back.
      await hang(callOptions?.signal);
    }
    return authorizeResultOf(sameRequest(transaction, req));
  }

  /**
   * One capture, void or refund: the first call with a reference decides, under the transaction's
   * row lock, and records its result (refusals too); a retry returns that result.
   */
  async function operateOnce(
    req: { reference: string; kind: SimOperationKind; transactionProcessorId: string; amountCents: number | null },
    decide: (t: SimTransaction, now: Date) => Decision<{ change: TransactionChange; settlementDate: string | null }>,
  ): Promise<OperationResult> {
    assertReference(req.reference);
    if (req.amountCents !== null) assertAmount(req.amountCents);
    const now = clock();
    const operation = await db.transaction(async (tx) => {
      const transaction = await lockTransaction(tx, req.transactionProcessorId);
      const decision: Decision<{ change: TransactionChange; settlementDate: string | null }> = transaction
        ? decide(transaction, now)
        : refusal("transaction_not_found", `No transaction ${req.transactionProcessorId}`);
      const candidate: SimOperation = {
        ...req,
        result: decision.ok
          ? { outcome: "done", processorId: newId(operationIdPrefixes[req.kind]) }
          : { outcome: "refused", code: decision.code, message: decision.message },
        settlementDate: decision.ok ? decision.next.settlementDate : null,
        createdAt: now,
      };
      const recorded = await insertOperationOnce(tx, candidate);
      if (!recorded.inserted || !transaction) return recorded.operation;
      if (decision.ok) await updateTransaction(tx, transaction.processorId, decision.next.change);
      else if (statusAt(transaction, now) !== transaction.status)
        await updateTransaction(tx, transaction.processorId, { ...transaction, status: "expired" });
      return recorded.operation;
    });
    return sameOperation(operation, req).result;
  }

  return {
    authorize: (req, callOptions) =>
      authorizeOnce({ ...req, kind: req.capture ? "sale" : "authorization", offlineApprovalCode: null }, callOptions),

    forceOffline: (req, callOptions) => authorizeOnce({ ...req, kind: "force", offlineApprovalCode: req.approvalCode }, callOptions),

    capture: (req) =>
      operateOnce(
        { reference: req.reference, kind: "capture", transactionProcessorId: req.processorId, amountCents: req.amountCents },
        (t, now) =>
          mapDecision(decideCapture(t, req.amountCents, now), (next) => ({
            change: { ...t, ...next },
            settlementDate: next.settlementDate,
          })),
      ),

    void: (req) =>
      operateOnce({ reference: req.reference, kind: "void", transactionProcessorId: req.processorId, amountCents: null }, (t, now) =>
        mapDecision(decideVoid(t, now), (next) => ({ change: { ...t, ...next }, settlementDate: null })),
      ),

    refund: (req) =>
      operateOnce(
        { reference: req.reference, kind: "refund", transactionProcessorId: req.processorId, amountCents: req.amountCents },
        (t, now) =>
          mapDecision(decideRefund(t, req.amountCents, now), (next) => ({
            change: { ...t, refundedCents: next.refundedCents },
            settlementDate: next.settlementDate,
          })),
      ),

    async inquire(reference): Promise<InquiryResult> {
      const t = await findTransactionByReference(db, reference);
      if (!t) return { found: false };
      if (t.status === "declined") {
        return {
          found: true,
          outcome: "declined",
          processorId: t.processorId,
          declineCode: required(t.declineCode),
          message: required(t.declineMessage),
        };
      }
      return {
        found: true,
        outcome: "approved",
        processorId: t.processorId,
        approvalCode: required(t.approvalCode),
        capturedCents: t.capturedCents,
        amountCents: t.amountCents,
        refundedCents: t.refundedCents,
        status: publicStatus(t, clock()),
      };
    },

    async settlementReport(date): Promise<SettlementReport> {
      parseSettlementDate(date);
      const cutoffAt = cutoffInstantOf(date);
      const lines = await findSettlementLines(db, date);
      const captures = lines.filter((l) => l.kind === "capture");
      const refunds = lines.filter((l) => l.kind === "refund");
      const captureCents = sumCents(captures);
      const refundCents = sumCents(refunds);
      return {
        date,
        cutoffAt: cutoffAt.toISOString(),
        closed: clock().getTime() >= cutoffAt.getTime(),
        lines,
        totals: {
          captureCount: captures.length,
          captureCents,
          refundCount: refunds.length,
          refundCents,
          netCents: captureCents - refundCents,
        },
      };
    },
  };
}

interface TransactionChange {
  readonly status: SimTransactionStatus;
  readonly capturedCents: number;
  readonly refundedCents: number;
  readonly settlementDate: string | null;
}

const operationIdPrefixes: Readonly<Record<SimOperationKind, string>> = { capture: "sim_cap", void: "sim_void", refund: "sim_rfd" };

const offlineApprovalCodePattern = /^[0-9A-Za-z]{6}$/;

/** What the processor records for a new authorization, sale or force: approved or declined, never the card number. */
function newTransaction(
  req: { reference: string; amountCents: number; card: CardData; kind: SimTransactionKind; offlineApprovalCode: string | null },
  now: Date,
): SimTransaction {
  const today = now.toISOString().slice(0, 10);
  const validOfflineCode = req.offlineApprovalCode === null || offlineApprovalCodePattern.test(req.offlineApprovalCode);
  const declineCode = validOfflineCode
    ? issuerDecision(req.card, today, req.kind === "force" ? "force" : "authorization")
    : "card_declined";
  const base = {
    processorId: newId("sim_txn"),
    reference: req.reference,
    kind: req.kind,
    amountCents: req.amountCents,
    refundedCents: 0,
    cardBrand: cardBrand(req.card.number),
    cardLast4: req.card.number
      .replace(/[^0-9]/g, "")
      .slice(-4)
      .padStart(4, "0"),
    createdAt: now,
  };
  if (declineCode !== null) {
    const message = validOfflineCode
      ? declineMessages[declineCode]
      : "The offline approval code is not valid: it has six letters or digits";
    return {
      ...base,
      status: "declined",
      capturedCents: 0,
      approvalCode: null,
      declineCode,
      declineMessage: message,
      expiresAt: null,
      settlementDate: null,
    };
  }
  const approved = {
    ...base,
    approvalCode: req.offlineApprovalCode?.toUpperCase() ?? newApprovalCode(),
    declineCode: null,
    declineMessage: null,
  };
  return req.kind === "authorization"
    ? {
        ...approved,
        status: "authorized",
        capturedCents: 0,
        expiresAt: new Date(now.getTime() + authorizationLifetimeMs),
        settlementDate: null,
      }
    : { ...approved, status: "captured", capturedCents: req.amountCents, expiresAt: null, settlementDate: settlementDateAt(now) };
}

/**
 * `settlementDateOf` for every sale and force, computed once a minute: the cutoff falls on a
 * whole minute, so the date cannot change within one, and the time-zone arithmetic was a
 * noticeable share of a sale's CPU.
 */
let lastSettlementDate: { readonly minute: number; readonly date: string } | undefined;
function settlementDateAt(now: Date): string {
  const minute = Math.floor(now.getTime() / 60_000);
  if (lastSettlementDate?.minute !== minute) lastSettlementDate = { minute, date: settlementDateOf(now) };
  return lastSettlementDate.date;
}

function authorizeResultOf(t: SimTransaction): AuthorizeResult {
  if (t.status === "declined") {
    return { outcome: "declined", processorId: t.processorId, declineCode: required(t.declineCode), message: required(t.declineMessage) };
  }
  return { outcome: "approved", processorId: t.processorId, approvalCode: required(t.approvalCode) };
}

/** A reference names one request: the same reference for a different one is the caller's bug. */
function sameRequest(t: SimTransaction, req: { reference: string; amountCents: number; kind: SimTransactionKind }): SimTransaction {
  if (t.kind !== req.kind || t.amountCents !== req.amountCents) {
    throw new Error(
      `Reference ${req.reference} was first used for a ${t.kind} of ${t.amountCents} cents, not a ${req.kind} of ${req.amountCents}`,
    );
  }
  return t;
}

function sameOperation(
  op: SimOperation,
  req: { reference: string; kind: SimOperationKind; transactionProcessorId: string; amountCents: number | null },
): SimOperation {
  if (op.kind !== req.kind || op.transactionProcessorId !== req.transactionProcessorId || op.amountCents !== req.amountCents) {
    throw new Error(`Reference ${req.reference} was first used for another ${op.kind} (of ${op.transactionProcessorId})`);
  }
  return op;
}

function mapDecision<A, B>(decision: Decision<A>, map: (next: A) => B): Decision<B> {
  return decision.ok ? { ok: true, next: map(decision.next) } : decision;
}

function refusal(code: RefusalCode, message: string): Decision<never> {
  return { ok: false, code, message };
}

function assertReference(reference: string): void {
  if (reference.length < 1 || reference.length > 128) throw new RangeError("A processor reference has 1 to 128 characters");
}

function assertAmount(amountCents: number): void {
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0)
    throw new RangeError(`An amount is a positive number of cents, not ${amountCents}`);
}

function required<T>(value: T | null): T {
  if (value === null) throw new Error("A column its status requires is empty");
  return value;
}

const sumCents = (lines: readonly { amountCents: number }[]) => lines.reduce((sum, line) => sum + line.amountCents, 0);
