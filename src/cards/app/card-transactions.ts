import { getSystemCached } from "../../accounts/index.ts";
import { getAgencyCached } from "../../agencies/index.ts";
import { openAccount, recordTransfer } from "../../ledger/index.ts";
import { type Database, newId, type PaymentTwin, refuseDuplicatePayment, type Sql } from "../../platform/index.ts";
import { requestPosting, requestReversal } from "../../posting/index.ts";
import { readCardForProcessor, redeemCardToken, type VaultKeys } from "../../vault/index.ts";
import * as store from "../adapters/card-store.ts";
import {
  authorizationLifetimeMs,
  type CardEvent,
  type CardRefund,
  type CardStatus,
  type CardTransaction,
  type CardTransactionType,
  cardError,
  isInDoubt,
  nextCardStatus,
  statusAfterRefusedVoid,
} from "../domain/card-transaction.ts";
import type { AuthorizeResult, CardProcessor, InquiryResult, OperationResult } from "../processor/port.ts";

export interface CardDeps {
  readonly db: Database;
  readonly processor: CardProcessor;
  readonly vaultKeys: VaultKeys;
  readonly clock: () => Date;
}

export interface NewCardTransaction {
  readonly type: CardTransactionType;
  readonly cardToken: string;
  readonly amountCents: number;
  readonly account?: { readonly system: string; readonly ref: string } | undefined;
  readonly agencyTrackingId?: string | undefined;
  readonly approvalCode?: string | undefined;
  readonly description?: string | undefined;
  readonly metadata?: Readonly<Record<string, string>> | undefined;
  readonly allowDuplicate?: boolean | undefined;
}

/**
 * Ledger account ids by database, agency and fund, once opened. Ledger accounts are never changed
 * or removed, so an id once committed stays right; opening the two accounts was two round trips
 * inside every transaction that journals. Bounded; the oldest entry goes first.
 */
const ledgerAccountIds = new WeakMap<Database, Map<string, LedgerAccounts>>();
const ledgerAccountIdsMax = 10_000;

interface LedgerAccounts {
  readonly clearing: string;
  readonly collections: string;
}

/**
 * The card's money sits in a clearing account until the processor settles it to the bank; the
 * account's system (or the general fund, for a payment to no account) earns the revenue. On a
 * miss the accounts are opened through `db`, outside the caller's transaction: opening is
 * idempotent, and an account opened for a payment that then fails is harmless.
 */
async function ledgerAccountsFor(db: Database, agencyId: string, system: string | undefined): Promise<LedgerAccounts> {
  const fund = system === undefined ? "general" : (await getSystemCached(db, agencyId, system)).fund;
  const key = `${agencyId}/${fund}`;
  let cache = ledgerAccountIds.get(db);
  const cached = cache?.get(key);
  if (cached) return cached;
  const clearing = await openAccount(db, agencyId, {
    fund: "general",
    code: "card_clearing",
    name: "Card payments due from the processor",
    normalSide: "debit",
  });
  const collections = await openAccount(db, agencyId, {
    fund,
    code: "collections",
    name: system === undefined ? "General collections" : `${system} collected`,
    normalSide: "credit",
  });
  const accounts = { clearing: clearing.id, collections: collections.id };
  if (!cache) {
    cache = new Map();
    ledgerAccountIds.set(db, cache);
  }
  if (cache.size >= ledgerAccountIdsMax) cache.delete(cache.keys().next().value as string);
  cache.set(key, accounts);
  return accounts;
}

/**
 * A sale, an authorization, or the force of an offline approval code.
 *
 * The processor call cannot sit inside a database transaction, so the transaction is first
 * recorded as `authorizing` (with its token redeemed and the card's CVC erased, in one commit),
 * then the processor is called with the transaction id as its idempotency key and the card as
 * read while redeeming, then the answer is recorded with its ledger journal and posting request
 * (a second commit). If the answer never comes, the row stays `authorizing` — read as `unknown` —
 * until `resolveInDoubt` asks the processor what happened (an inquiry: the card is never needed
 * again, which is why its CVC can go before the call).
 */
export async function createCardTransaction(deps: CardDeps, agencyId: string, input: NewCardTransaction): Promise<CardTransaction> {
  if (input.type === "force" && !input.approvalCode) {
    throw cardError("approval_code_required", "A force needs approval_code, the code the card issuer gave by phone", "approval_code");
  }
  if (input.type !== "force" && input.approvalCode) {
    throw cardError("approval_code_required", "approval_code is only for type force", "approval_code");
  }
  const now = deps.clock();
  if (input.account) await getSystemCached(deps.db, agencyId, input.account.system);
  const duplicateWindowSeconds = input.allowDuplicate ? 0 : (await getAgencyCached(deps.db, agencyId)).duplicateWindowSeconds;
  const { created, redeemed } = await deps.db.transaction(async (tx) => {
    // The security code serves this one authorization (PCI DSS 3.3.1.2): it is erased as the
    // token is spent, and travels from here to the processor in memory only.
    const card = await redeemCardToken(tx, agencyId, input.cardToken, now, { forAuthorization: true });
    if (duplicateWindowSeconds > 0) {
      await refuseDuplicate(tx, agencyId, { fingerprint: card.fingerprint, ...input }, duplicateWindowSeconds, now);
    }
    const inserted = await store.insertTransaction(tx, {
      agencyId,
      id: newId("ctx"),
      type: input.type,
      status: "authorizing",
      amountCents: input.amountCents,
      captureRequestedCents: null,
      amountCapturedCents: 0,
      amountRefundedCents: 0,
      vaultCardId: card.cardId,
      card: { brand: card.brand, last4: card.last4, expMonth: card.expMonth, expYear: card.expYear },
      fingerprint: card.fingerprint,
      account: input.account ?? null,
      postingPaymentId: null,
      agencyTrackingId: input.agencyTrackingId ?? null,
      description: input.description ?? null,
      metadata: input.metadata ?? {},
      approvalCode: input.approvalCode ?? null,
      declineCode: null,
      declineMessage: null,
      processorId: null,
      createdAt: now,
      authorizedAt: null,
      capturedAt: null,
      voidedAt: null,
      settledAt: null,
      expiresAt: null,
    });
    return { created: inserted, redeemed: card };
  });

  // The card as read while redeeming its token: no second read of the vault.
  const card = await readCardForProcessor(deps.db, deps.vaultKeys, agencyId, redeemed);
  const result =
    input.type === "force"
      ? await deps.processor.forceOffline({
          reference: created.id,
          amountCents: created.amountCents,
          card,
          approvalCode: input.approvalCode as string,
        })
      : await deps.processor.authorize({
          reference: created.id,
          amountCents: created.amountCents,
          card,
          capture: input.type === "sale",
        });
  return recordAuthorization(deps, created, result);
}

/** The same card, account and amount within the agency's window is refused as a duplicate. */
function refuseDuplicate(tx: Sql, agencyId: string, twin: PaymentTwin, windowSeconds: number, now: Date): Promise<void> {
  return refuseDuplicatePayment(tx, {
    kind: "card",
    agencyId,
    twin,
    windowSeconds,
    now,
    findTwin: (since) => store.findRecentTwin(tx, agencyId, twin, since),
    describe: (earlier) => `Transaction ${earlier.id} charged this card ${earlier.amountCents} cents`,
  });
}

/** Records the processor's answer to an authorization, once: a second answer finds it settled and changes nothing. */
async function recordAuthorization(deps: CardDeps, t: CardTransaction, result: AuthorizeResult | InquiryResult): Promise<CardTransaction> {
  if ("outcome" in result && result.outcome === "unknown") return t;
  const now = deps.clock();
  const approved = "outcome" in result && result.outcome === "approved";
  // Type, amount and account never change after the insert: what `t` says of them holds.
  const accounts = approved ? await ledgerAccountsFor(deps.db, t.agencyId, t.account?.system) : undefined;
  return deps.db.transaction(async (tx) => {
    if (!("outcome" in result) || result.outcome === "declined") {
      const declined = "outcome" in result && result.outcome === "declined";
      const decided = await moveFromAuthorizing(tx, t, "decline", now, {
        declineCode: declined ? result.declineCode : "processing_error",
        declineMessage: declined ? result.message : "The processor has no record of this transaction: no money was taken",
        processorId: declined ? result.processorId : null,
      });
      return decided.transaction;
    }
    if (!accounts) throw new Error(`Transaction ${t.id} was approved but its ledger accounts were not opened`);
    const captured = t.type !== "authorization" || ("capturedCents" in result && result.capturedCents > 0);
    const approval = { processorId: result.processorId, approvalCode: result.approvalCode, authorizedAt: now };
    const decided = captured
      ? await moveFromAuthorizing(tx, t, "approve_captured", now, {
          ...approval,
          amountCapturedCents: t.amountCents,
          capturedAt: now,
          postingPaymentId: t.account ? t.id : null,
        })
      : await moveFromAuthorizing(tx, t, "approve", now, { ...approval, expiresAt: new Date(now.getTime() + authorizationLifetimeMs) });
    if (!decided.moved) return decided.transaction;
    await recordTransfer(
      tx,
      t.agencyId,
      {
        id: t.id,
        kind: captured ? "posted" : "pending",
        debitAccountId: accounts.clearing,
        creditAccountId: accounts.collections,
        amountCents: t.amountCents,
        description: `card ${t.type}`,
      },
      now,
    );
    if (captured) await postCaptured(tx, decided.transaction, t.id, t.amountCents, now);
    return decided.transaction;
  });
}

/**
 * Moves a transaction out of `authorizing` in one statement, which also takes its row lock. When
 * it is no longer `authorizing` (an inquiry or a racing call recorded the answer first), that
 * answer stands: `moved` is false and the transaction is as it is now.
 */
async function moveFromAuthorizing(
  tx: Sql,
  t: CardTransaction,
  event: "approve" | "approve_captured" | "decline",
  now: Date,
  changes: store.TransactionChanges,
): Promise<{ moved: boolean; transaction: CardTransaction }> {
  const to = nextCardStatus("authorizing", event) as CardStatus;
  const moved = await store.moveTransaction(tx, t.agencyId, t.id, "authorizing", to, now, changes);
  if (moved) return { moved: true, transaction: moved };
  return { moved: false, transaction: await lock(tx, t.agencyId, t.id) };
}

/** Asks for a captured payment to be posted to its account's system of record, when it has one. */
async function postCaptured(tx: Sql, t: CardTransaction, paymentId: string, amountCents: number, now: Date): Promise<void> {
  if (!t.account) return;
  await requestPosting(tx, { agencyId: t.agencyId, paymentId, account: t.account, amountCents, method: "card", paidAt: now }, now);
}

/** Force (capture) of an authorization, all of it or less; capturing less releases the rest. */
export async function captureCardTransaction(
  deps: CardDeps,
  agencyId: string,
  id: string,
  amountCents: number | undefined,
): Promise<CardTransaction> {
  const now = deps.clock();
  const capturing = await deps.db.transaction(async (tx) => {
    const t = await lock(tx, agencyId, id);
    const amount = amountCents ?? t.captureRequestedCents ?? t.amountCents;
    // A retry of the capture in flight goes on to ask the processor again.
    if (t.status === "capturing" && amount === t.captureRequestedCents) return t;
    if (t.status !== "authorized") throw stateError(t, "capture");
    if (amount > t.amountCents) {
      throw cardError("insufficient_capturable_amount", `Transaction ${id} holds ${t.amountCents} cents; asked for ${amount}`, "amount");
    }
    return move(tx, t, "capture", now, { captureRequestedCents: amount });
  });
  return sendCapture(deps, capturing);
}

async function sendCapture(deps: CardDeps, t: CardTransaction): Promise<CardTransaction> {
  const amount = t.captureRequestedCents as number;
  const result = await deps.processor.capture({ reference: `${t.id}:capture`, processorId: t.processorId as string, amountCents: amount });
  if (result.outcome === "unknown") return t;
  const now = deps.clock();
  const after = await deps.db.transaction(async (tx) => {
    const current = await lock(tx, t.agencyId, t.id);
    if (current.status !== "capturing") return current;
    if (result.outcome === "refused") return move(tx, current, "capture_refused", now, { captureRequestedCents: null });
    await recordTransfer(tx, t.agencyId, { id: `${t.id}:capture`, kind: "post_pending", pendingId: t.id, amountCents: amount }, now);
    const moved = await move(tx, current, "capture_done", now, {
      captureRequestedCents: null,
      amountCapturedCents: amount,
      capturedAt: now,
      postingPaymentId: current.account ? current.id : null,
    });
    await postCaptured(tx, moved, current.id, amount, now);
    return moved;
  });
  refusedBy(result);
  return after;
}

/**
 * Void before settlement: an authorization releases its hold; a capture is reversed whole (a
 * correcting journal, and the posting reversed in the system of record). After settlement, or
 * once refunded in part, money has moved: refund instead.
 */
export async function voidCardTransaction(deps: CardDeps, agencyId: string, id: string): Promise<CardTransaction> {
  const now = deps.clock();
  const voiding = await deps.db.transaction(async (tx) => {
    const t = await lock(tx, agencyId, id);
    if (t.status === "voiding") return t;
    if (t.status === "captured" && t.amountRefundedCents > 0) {
      throw cardError("invalid_transaction_state", `Transaction ${id} was refunded in part; refund the rest instead`, "id");
    }
    if (t.status === "captured" && (await store.sumRefundsHeld(tx, agencyId, id)) > 0) {
      throw cardError("invalid_transaction_state", `Transaction ${id} has a refund in flight; refund the rest instead`, "id");
    }
    if (!nextCardStatus(t.status, "void")) throw stateError(t, "void");
    return move(tx, t, "void", now);
  });
  return sendVoid(deps, voiding);
}

async function sendVoid(deps: CardDeps, t: CardTransaction): Promise<CardTransaction> {
  const result = await deps.processor.void({ reference: `${t.id}:void`, processorId: t.processorId as string });
  if (result.outcome === "unknown") return t;
  const now = deps.clock();
  const accounts = result.outcome === "done" ? await ledgerAccountsFor(deps.db, t.agencyId, t.account?.system) : undefined;
  const after = await deps.db.transaction(async (tx) => {
    const current = await lock(tx, t.agencyId, t.id);
    if (current.status !== "voiding") return current;
    if (result.outcome === "refused") {
      const back = statusAfterRefusedVoid(current.amountCapturedCents);
      return (await store.moveTransaction(tx, t.agencyId, t.id, "voiding", back, now)) as CardTransaction;
    }
    if (!accounts) throw new Error(`Void of ${t.id} was done but its ledger accounts were not opened`);
    if (current.amountCapturedCents === 0) {
      await recordTransfer(tx, t.agencyId, { id: `${t.id}:void`, kind: "void_pending", pendingId: t.id }, now);
    } else {
      await recordTransfer(
        tx,
        t.agencyId,
        {
          id: `${t.id}:void`,
          kind: "posted",
          debitAccountId: accounts.collections,
          creditAccountId: accounts.clearing,
          amountCents: current.amountCapturedCents,
          description: "card void",
        },
        now,
      );
      if (current.postingPaymentId) await requestReversal(tx, t.agencyId, current.postingPaymentId, "card payment voided", now);
    }
    return move(tx, current, "void_done", now, { voidedAt: now });
  });
  refusedBy(result);
  return after;
}

/**
 * Refund of captured money, in part and more than once, never more than captured. The refund is
 * recorded `pending` first, holding its amount against the transaction so two refunds at once
 * cannot exceed what was captured, then sent to the processor with its own id as the key.
 */
export async function refundCardTransaction(
  deps: CardDeps,
  agencyId: string,
  id: string,
  input: { amountCents?: number | undefined; reason?: string | undefined },
): Promise<CardRefund> {
  const now = deps.clock();
  const refund = await deps.db.transaction(async (tx) => {
    const t = await lock(tx, agencyId, id);
    if (t.status !== "captured" && t.status !== "settled") throw stateError(t, "refund");
    const refundable = t.amountCapturedCents - (await store.sumRefundsHeld(tx, agencyId, id));
    const amount = input.amountCents ?? refundable;
    if (amount <= 0 || amount > refundable) {
      throw cardError(
        "insufficient_refundable_amount",
        `Transaction ${id} has ${refundable} cents left to refund; asked for ${amount}`,
        "amount",
      );
    }
    return store.insertRefund(tx, {
      agencyId,
      id: newId("rf"),
      transactionId: id,
      amountCents: amount,
      status: "pending",
      reason: input.reason ?? null,
      failureMessage: null,
      processorId: null,
      createdAt: now,
      completedAt: null,
    });
  });
  return sendRefund(deps, refund);
}

async function sendRefund(deps: CardDeps, refund: CardRefund): Promise<CardRefund> {
  const t = await getCardTransaction(deps.db, refund.agencyId, refund.transactionId);
  const result = await deps.processor.refund({
    reference: refund.id,
    processorId: t.processorId as string,
    amountCents: refund.amountCents,
  });
  if (result.outcome === "unknown") return refund;
  const now = deps.clock();
  const accounts = result.outcome === "done" ? await ledgerAccountsFor(deps.db, refund.agencyId, t.account?.system) : undefined;
  const after = await deps.db.transaction(async (tx) => {
    const current = await lock(tx, refund.agencyId, refund.transactionId);
    if (result.outcome === "refused") {
      return store.completeRefund(tx, refund.agencyId, refund.id, { status: "failed", failureMessage: result.message }, now);
    }
    const done = await store.completeRefund(tx, refund.agencyId, refund.id, { status: "succeeded", processorId: result.processorId }, now);
    if (!done) return undefined;
    if (!accounts) throw new Error(`Refund ${refund.id} succeeded but its ledger accounts were not opened`);
    await recordTransfer(
      tx,
      refund.agencyId,
      {
        id: refund.id,
        kind: "posted",
        debitAccountId: accounts.collections,
        creditAccountId: accounts.clearing,
        amountCents: refund.amountCents,
        description: "card refund",
      },
      now,
    );
    const refunded = current.amountRefundedCents + refund.amountCents;
    let postingPaymentId = current.postingPaymentId;
    // The system of record takes a payment back whole: reverse the last posting and post what remains.
    if (current.account && postingPaymentId) {
      await requestReversal(tx, refund.agencyId, postingPaymentId, `card refund ${refund.id}`, now);
      const remaining = current.amountCapturedCents - refunded;
      postingPaymentId = remaining > 0 ? refund.id : null;
      if (remaining > 0) await postCaptured(tx, current, refund.id, remaining, now);
    }
    await store.moveTransaction(tx, refund.agencyId, current.id, current.status, current.status, now, {
      amountRefundedCents: refunded,
      postingPaymentId,
    });
    return done;
  });
  refusedBy(result);
  return after ?? (await store.findRefund(deps.db, refund.agencyId, refund.id)) ?? refund;
}

export async function getCardTransaction(sql: Sql, agencyId: string, id: string): Promise<CardTransaction> {
  const t = await store.findTransaction(sql, agencyId, id);
  if (!t) throw cardError("card_transaction_not_found", `No card transaction ${id}`, "id");
  return t;
}

export async function getRefund(sql: Sql, agencyId: string, id: string): Promise<CardRefund> {
  const refund = await store.findRefund(sql, agencyId, id);
  if (!refund) throw cardError("refund_not_found", `No refund ${id}`, "id");
  return refund;
}

export const listCardRefunds = store.listRefunds;

/**
 * Settles what is in doubt (see `createCardTransaction`): an authorization is looked up by
 * inquiry; a capture, void or refund is sent again under the same key, which a processor answers
 * with the first result. Only calls older than `quietMs` are touched, so a call still waiting
 * for its answer is never second-guessed.
 */
export async function resolveInDoubt(deps: CardDeps, quietMs: number, limit = 50): Promise<number> {
  const before = new Date(deps.clock().getTime() - quietMs);
  let resolved = 0;
  for (const t of await store.listInDoubt(deps.db, before, limit)) {
    const after = await resolveOne(deps, t);
    if (after.status !== t.status) resolved++;
  }
  for (const refund of await store.listPendingRefunds(deps.db, before, limit)) {
    if ((await sendRefund(deps, refund).catch(() => refund)).status !== "pending") resolved++;
  }
  return resolved;
}

/** One transaction in doubt, asked about now: used by the job and when a read finds one. */
export async function resolveOne(deps: CardDeps, t: CardTransaction): Promise<CardTransaction> {
  const swallowRefusal = (error: unknown) => {
    if ((error as { code?: string }).code === "processor_refused") return store.findTransaction(deps.db, t.agencyId, t.id);
    throw error;
  };
  switch (t.status) {
    case "authorizing":
      return recordAuthorization(deps, t, await deps.processor.inquire(t.id));
    case "capturing":
      return (await sendCapture(deps, t).catch(swallowRefusal)) ?? t;
    case "voiding":
      return (await sendVoid(deps, t).catch(swallowRefusal)) ?? t;
    default:
      return t;
  }
}

/** Authorizations not captured within their lifetime lapse: the hold is released. */
export async function expireAuthorizations(deps: CardDeps, limit = 100): Promise<number> {
  const now = deps.clock();
  let expired = 0;
  for (const t of await store.listExpiredAuthorizations(deps.db, now, limit)) {
    await deps.db.transaction(async (tx) => {
      const current = await lock(tx, t.agencyId, t.id);
      if (current.status !== "authorized") return;
      await recordTransfer(tx, t.agencyId, { id: `${t.id}:expire`, kind: "void_pending", pendingId: t.id }, now);
      await move(tx, current, "expire", now);
      expired++;
    });
  }
  return expired;
}

/** Captures in the processor's settlement report for `date` are settled: past voiding, refundable only. */
export async function settleCardTransactions(deps: CardDeps, date: string): Promise<number> {
  const report = await deps.processor.settlementReport(date);
  const captured = report.lines.filter((l) => l.kind === "capture").map((l) => l.transactionProcessorId);
  return store.settleByProcessorIds(deps.db, captured, deps.clock());
}

async function lock(tx: Sql, agencyId: string, id: string): Promise<CardTransaction> {
  const t = await store.findTransaction(tx, agencyId, id, true);
  if (!t) throw cardError("card_transaction_not_found", `No card transaction ${id}`, "id");
  return t;
}

async function move(
  tx: Sql,
  t: CardTransaction,
  event: CardEvent,
  now: Date,
  changes: store.TransactionChanges = {},
): Promise<CardTransaction> {
  const to = nextCardStatus(t.status, event) as CardStatus;
  const moved = await store.moveTransaction(tx, t.agencyId, t.id, t.status, to, now, changes);
  if (!moved) throw new Error(`Transaction ${t.id} left ${t.status} under its row lock`);
  return moved;
}

function stateError(t: CardTransaction, operation: string) {
  return isInDoubt(t.status)
    ? cardError("transaction_outcome_unknown", `Transaction ${t.id} is waiting for the processor's answer; retry shortly`, "id")
    : cardError("invalid_transaction_state", `Transaction ${t.id} is ${t.status}: it cannot ${operation}`, "id");
}

/** A refusal is recorded first (the state moved back), then reported to the caller. */
function refusedBy(result: OperationResult): void {
  if (result.outcome === "refused") throw cardError("processor_refused", result.message, result.code);
}
