import { type Database, newId, type Sql } from "../../platform/index.ts";
import * as store from "../adapters/ledger-store.ts";
import { invariantQueries } from "../adapters/verify-queries.ts";
import {
  type Account,
  availableBalanceCents,
  type Balances,
  entriesOf,
  ledgerError,
  matchesRequest,
  postedBalanceCents,
  requestedExpiry,
  type Side,
  type Transfer,
  type TransferRequest,
  validateTransferRequest,
} from "../domain/ledger.ts";

export interface NewAccount {
  readonly fund: string;
  readonly code: string;
  readonly name: string;
  readonly normalSide: Side;
}

/**
 * Opens the account for this fund and code, or returns it when it is already open (its name may
 * differ: names describe, fund and code identify). A different normal side is refused.
 */
export async function openAccount(sql: Sql, agencyId: string, input: NewAccount): Promise<Account> {
  const account = await store.insertAccountOnce(sql, { agencyId, id: newId("lac"), ...input });
  if (account.normalSide !== input.normalSide) {
    throw ledgerError(
      "account_exists_with_different_fields",
      `Account ${input.fund}/${input.code} exists with normal side ${account.normalSide}, not ${input.normalSide}`,
      "normal_side",
    );
  }
  return account;
}

export async function getAccount(sql: Sql, agencyId: string, accountId: string): Promise<Account> {
  const account = await store.findAccount(sql, agencyId, accountId);
  if (!account) throw ledgerError("ledger_account_not_found", `No ledger account ${accountId}`, "account_id");
  return account;
}

export const listAccountsMax = 100;

export async function listAccounts(
  sql: Sql,
  agencyId: string,
  page: { limit?: number; startingAfter?: string } = {},
): Promise<{ accounts: Account[]; hasMore: boolean }> {
  const limit = Math.min(Math.max(page.limit ?? 10, 1), listAccountsMax);
  const rows = await store.listAccounts(sql, agencyId, limit + 1, page.startingAfter);
  return { accounts: rows.slice(0, limit), hasMore: rows.length > limit };
}

export interface AccountBalances extends Balances {
  /** Normal-side balance of posted money. */
  readonly postedCents: number;
  /** Posted balance less pending outflows. */
  readonly availableCents: number;
}

export async function getBalances(sql: Sql, agencyId: string, accountId: string): Promise<AccountBalances> {
  const account = await getAccount(sql, agencyId, accountId);
  const sums = await store.sumBalances(sql, agencyId, accountId);
  return {
    ...sums,
    postedCents: postedBalanceCents(account.normalSide, sums),
    availableCents: availableBalanceCents(account.normalSide, sums),
  };
}

export interface TransferOutcome {
  readonly transfer: Transfer;
  /** True when this id was already recorded with the same fields: nothing new was written. */
  readonly replayed: boolean;
}

/**
 * Records one transfer inside the caller's transaction, so a payment's ledger journal commits
 * together with the payment and its outbox rows. Safe to retry with the same id.
 * `now` decides whether a pending transfer has expired.
 */
export async function recordTransfer(tx: Sql, agencyId: string, request: TransferRequest, now: Date): Promise<TransferOutcome> {
  validateTransferRequest(request);
  // A post or void must see its own earlier result before it looks at the pending transfer.
  // A transfer between accounts skips this read: its insert finds a retry by itself.
  if (request.kind === "post_pending" || request.kind === "void_pending") {
    const existing = await store.findTransfer(tx, agencyId, request.id);
    if (existing) return replay(existing, request);
  }

  let transfer: Omit<Transfer, "createdAt">;
  let pending: Transfer | undefined;
  if (request.kind === "post_pending" || request.kind === "void_pending") {
    const locked = await lockPending(tx, agencyId, request.pendingId);
    // A retry that waited on the lock while its first attempt committed: answer with that result.
    if (locked.resolution?.id === request.id) return replay(locked.resolution, request);
    refuseResolved(locked.resolution, request.pendingId);
    pending = locked.pending;
    if (request.kind === "post_pending" && pending.expiresAt && pending.expiresAt <= now) {
      throw ledgerError(
        "pending_transfer_expired",
        `Pending transfer ${pending.id} expired at ${pending.expiresAt.toISOString()}`,
        "pending_id",
      );
    }
    const amountCents = request.kind === "post_pending" ? (request.amountCents ?? pending.amountCents) : pending.amountCents;
    if (amountCents > pending.amountCents) {
      throw ledgerError(
        "exceeds_pending_transfer_amount",
        `Cannot post ${amountCents} cents of a pending transfer of ${pending.amountCents} cents`,
        "amount_cents",
      );
    }
    transfer = {
      agencyId,
      id: request.id,
      kind: request.kind,
      debitAccountId: pending.debitAccountId,
      creditAccountId: pending.creditAccountId,
      amountCents,
      pendingId: pending.id,
      expiresAt: null,
      description: request.description ?? "",
    };
  } else {
    transfer = {
      agencyId,
      id: request.id,
      kind: request.kind,
      debitAccountId: request.debitAccountId,
      creditAccountId: request.creditAccountId,
      amountCents: request.amountCents,
      pendingId: null,
      expiresAt: requestedExpiry(request),
      description: request.description ?? "",
    };
  }

  const inserted = await store.insertTransfer(tx, transfer, entriesOf({ ...transfer, createdAt: now }, pending)).catch((error: unknown) => {
    // The foreign keys check both accounts belong to this agency; say which one is missing.
    if ((error as { code?: string }).code !== "23503") throw error;
    throw ledgerError(
      "ledger_account_not_found",
      `No ledger account ${transfer.debitAccountId} or ${transfer.creditAccountId} in this agency`,
      "debit_account_id",
    );
  });
  if (inserted) return { transfer: inserted, replayed: false };
  // A transfer with this id was recorded first: by an earlier attempt, or a concurrent one.
  const winner = await store.findTransfer(tx, agencyId, request.id);
  if (!winner) throw new Error(`transfer ${request.id} conflicted on insert but cannot be read`);
  return replay(winner, request);
}

function replay(existing: Transfer, request: TransferRequest): TransferOutcome {
  if (!matchesRequest(existing, request)) {
    throw ledgerError(
      "transfer_exists_with_different_fields",
      `Transfer ${request.id} was already recorded with other fields; use a new id for a new transfer`,
      "id",
    );
  }
  return { transfer: existing, replayed: true };
}

/**
 * Locks the pending transfer's row, so that of two concurrent resolutions one waits and then
 * sees the other, and returns it with its resolution if it has one.
 */
async function lockPending(tx: Sql, agencyId: string, pendingId: string): Promise<{ pending: Transfer; resolution: Transfer | undefined }> {
  const pending = await store.findTransfer(tx, agencyId, pendingId, true);
  if (pending?.kind !== "pending") {
    throw ledgerError("pending_transfer_not_found", `No pending transfer ${pendingId}`, "pending_id");
  }
  return { pending, resolution: await store.findResolution(tx, agencyId, pendingId) };
}

function refuseResolved(resolution: Transfer | undefined, pendingId: string): void {
  if (resolution?.kind === "post_pending") {
    throw ledgerError("pending_transfer_already_posted", `Pending transfer ${pendingId} was posted by ${resolution.id}`, "pending_id");
  }
  if (resolution) {
    throw ledgerError("pending_transfer_already_voided", `Pending transfer ${pendingId} was voided by ${resolution.id}`, "pending_id");
  }
}

/**
 * Records a transfer on its own. A transfer between accounts is one atomic statement and needs no
 * explicit transaction; a post or void locks its pending transfer, so it runs in one.
 */
export function transfer(db: Database, agencyId: string, request: TransferRequest, now: Date): Promise<TransferOutcome> {
  if (request.kind === "posted" || request.kind === "pending") return recordTransfer(db, agencyId, request, now);
  return db.transaction((tx) => recordTransfer(tx, agencyId, request, now));
}

/** Id of the void that the expiry job writes for a lapsed pending transfer: the same on every run. */
export const expiryVoidId = (pendingId: string) => `${pendingId}:expired`;

/**
 * Voids pending transfers whose time has passed, at most `limit` per call. Several workers can
 * run it at once: each claims different rows.
 */
export async function expirePendingTransfers(db: Database, now: Date, limit = 100): Promise<number> {
  return db.transaction(async (tx) => {
    const lapsed = await store.claimExpiredPending(tx, now, limit);
    let voided = 0;
    for (const pending of lapsed) {
      const request = { id: expiryVoidId(pending.id), kind: "void_pending", pendingId: pending.id, description: "expired" } as const;
      const locked = await lockPending(tx, pending.agencyId, pending.id);
      // Resolved by its owner between the claim and the lock: nothing left to expire.
      if (locked.resolution) continue;
      await recordTransfer(tx, pending.agencyId, request, now);
      voided++;
    }
    return voided;
  });
}

export interface Violation {
  readonly code: string;
  readonly description: string;
  readonly agencyId: string;
  readonly ref: string;
  readonly detail: string;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly checks: ReadonlyArray<{ code: string; description: string; violations: number }>;
  readonly violations: readonly Violation[];
  readonly counts: { readonly accounts: number; readonly transfers: number; readonly entries: number };
}

/**
 * Recomputes every balance and checks every invariant of the whole ledger, all agencies, in one
 * repeatable-read snapshot. Reports at most `violationsMax` rows per invariant.
 */
export async function verifyLedger(db: Database, violationsMax = 100): Promise<VerifyReport> {
  return db.transaction(
    async (tx) => {
      const checks: VerifyReport["checks"][number][] = [];
      const violations: Violation[] = [];
      for (const check of invariantQueries) {
        const rows = await tx.query<{ agency_id: string; ref: string; detail: string }>(check.sql, [violationsMax]);
        checks.push({ code: check.code, description: check.description, violations: rows.length });
        for (const r of rows) {
          violations.push({ code: check.code, description: check.description, agencyId: r.agency_id, ref: r.ref, detail: r.detail });
        }
      }
      const [counts] = await tx.query<{ accounts: number; transfers: number; entries: number }>(
        `SELECT (SELECT count(*) FROM ledger_accounts)::bigint AS accounts,
                (SELECT count(*) FROM ledger_transfers)::bigint AS transfers,
                (SELECT count(*) FROM ledger_entries)::bigint AS entries`,
      );
      return { ok: violations.length === 0, checks, violations, counts: counts ?? { accounts: 0, transfers: 0, entries: 0 } };
    },
    { isolation: "repeatable read" },
  );
}
