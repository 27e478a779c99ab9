import { catalogError, type ErrorCatalog } from "../../platform/index.ts";

export type Side = "debit" | "credit";
export type Layer = "posted" | "pending";

export interface Account {
  readonly agencyId: string;
  readonly id: string;
  /** The fund (general, property_tax, …) the account belongs to, as a government books it. */
  readonly fund: string;
  readonly code: string;
  readonly name: string;
  /** The side on which the account's balance grows: debit for assets, credit for liabilities and revenue. */
  readonly normalSide: Side;
  readonly createdAt: Date;
}

export type TransferKind = "posted" | "pending" | "post_pending" | "void_pending";

interface TransferBetweenAccounts {
  readonly id: string;
  readonly debitAccountId: string;
  readonly creditAccountId: string;
  readonly amountCents: number;
  readonly description?: string;
}

/** What a caller asks for. The id is the caller's, and the same id always means the same transfer. */
export type TransferRequest =
  | (TransferBetweenAccounts & { readonly kind: "posted" })
  | (TransferBetweenAccounts & {
      readonly kind: "pending";
      /** After this instant the reservation lapses and the worker voids it. */
      readonly expiresAt?: Date;
    })
  | {
      readonly id: string;
      readonly kind: "post_pending";
      readonly pendingId: string;
      /** At most the pending amount; less posts part and releases the rest. Default: all of it. */
      readonly amountCents?: number;
      readonly description?: string;
    }
  | {
      readonly id: string;
      readonly kind: "void_pending";
      readonly pendingId: string;
      readonly description?: string;
    };

export interface Transfer {
  readonly agencyId: string;
  readonly id: string;
  readonly kind: TransferKind;
  readonly debitAccountId: string;
  readonly creditAccountId: string;
  /** For a void, the amount it released. */
  readonly amountCents: number;
  readonly pendingId: string | null;
  readonly expiresAt: Date | null;
  readonly description: string;
  readonly createdAt: Date;
}

export interface Entry {
  readonly accountId: string;
  readonly side: Side;
  readonly layer: Layer;
  /** Positive adds to the layer; negative (pending layer only) releases a reservation. */
  readonly amountCents: number;
}

export interface Balances {
  readonly debitsPendingCents: number;
  readonly creditsPendingCents: number;
  readonly debitsPostedCents: number;
  readonly creditsPostedCents: number;
}

export const ledgerErrors = {
  ledger_account_not_found: { status: 404, title: "No such ledger account", retryable: false },
  account_exists_with_different_fields: {
    status: 409,
    title: "A ledger account with this fund and code already exists with other fields",
    retryable: false,
  },
  transfer_exists_with_different_fields: {
    status: 409,
    title: "A transfer with this id already exists with other fields",
    retryable: false,
  },
  invalid_transfer: { status: 400, title: "The transfer is not valid", retryable: false },
  pending_transfer_not_found: { status: 404, title: "No such pending transfer", retryable: false },
  pending_transfer_already_posted: { status: 409, title: "The pending transfer was already posted", retryable: false },
  pending_transfer_already_voided: { status: 409, title: "The pending transfer was already voided", retryable: false },
  pending_transfer_expired: { status: 409, title: "The pending transfer has expired", retryable: false },
  exceeds_pending_transfer_amount: {
    status: 409,
    title: "The amount exceeds what the pending transfer reserved",
    retryable: false,
  },
} as const satisfies ErrorCatalog;

export type LedgerErrorCode = keyof typeof ledgerErrors;
export const ledgerError = catalogError(ledgerErrors);

/** One cent short of $100 billion: far above any real payment, far below 2^53. */
export const amountCentsMax = 9_999_999_999_999;
const idPattern = /^[\x21-\x7e]{1,128}$/;

/** Checks what can be checked without the database; throws `invalid_transfer` naming the field. */
export function validateTransferRequest(request: TransferRequest): void {
  if (!idPattern.test(request.id)) {
    throw ledgerError("invalid_transfer", "A transfer id has 1 to 128 printable ASCII characters", "id");
  }
  if ((request.description ?? "").length > 500) {
    throw ledgerError("invalid_transfer", "A description has at most 500 characters", "description");
  }
  if (request.kind === "posted" || request.kind === "pending") {
    checkAmount(request.amountCents);
    if (request.debitAccountId === request.creditAccountId) {
      throw ledgerError("invalid_transfer", "A transfer needs two different accounts", "credit_account_id");
    }
  } else if (request.kind === "post_pending" && request.amountCents !== undefined) {
    checkAmount(request.amountCents);
  }
}

function checkAmount(amountCents: number): void {
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0 || amountCents > amountCentsMax) {
    throw ledgerError("invalid_transfer", `An amount is a whole number of cents from 1 to ${amountCentsMax}`, "amount_cents");
  }
}

/**
 * The entries a transfer writes. Each layer balances: debits equal credits. A post or void first
 * releases the whole reservation in the pending layer; a post then moves its amount in the
 * posted layer.
 */
export function entriesOf(transfer: Transfer, pending?: Transfer): Entry[] {
  const { debitAccountId: debit, creditAccountId: credit } = transfer;
  const pair = (layer: Layer, amountCents: number): Entry[] => [
    { accountId: debit, side: "debit", layer, amountCents },
    { accountId: credit, side: "credit", layer, amountCents },
  ];
  switch (transfer.kind) {
    case "posted":
      return pair("posted", transfer.amountCents);
    case "pending":
      return pair("pending", transfer.amountCents);
    case "post_pending":
      return [...pair("pending", -requirePending(pending).amountCents), ...pair("posted", transfer.amountCents)];
    case "void_pending":
      return pair("pending", -requirePending(pending).amountCents);
  }
}

function requirePending(pending: Transfer | undefined): Transfer {
  if (pending?.kind !== "pending") throw new Error("a post or void needs the pending transfer it resolves");
  return pending;
}

export function requestedExpiry(request: TransferRequest): Date | null {
  return request.kind === "pending" ? (request.expiresAt ?? null) : null;
}

/**
 * True when a stored transfer is what this request would have created, so a retry can be
 * answered with the first result. Fields the request leaves out take their defaults.
 */
export function matchesRequest(transfer: Transfer, request: TransferRequest): boolean {
  if (transfer.kind !== request.kind || transfer.description !== (request.description ?? "")) return false;
  switch (request.kind) {
    case "posted":
    case "pending":
      return (
        transfer.debitAccountId === request.debitAccountId &&
        transfer.creditAccountId === request.creditAccountId &&
        transfer.amountCents === request.amountCents &&
        transfer.expiresAt?.getTime() === requestedExpiry(request)?.getTime()
      );
    case "post_pending":
      return (
        transfer.pendingId === request.pendingId && (request.amountCents === undefined || transfer.amountCents === request.amountCents)
      );
    case "void_pending":
      return transfer.pendingId === request.pendingId;
  }
}

/** Balance on the account's normal side: what it holds, posted money only. */
export function postedBalanceCents(normalSide: Side, b: Balances): number {
  return normalSide === "debit" ? b.debitsPostedCents - b.creditsPostedCents : b.creditsPostedCents - b.debitsPostedCents;
}

/** Posted balance less what pending transfers have reserved to flow out of the account. */
export function availableBalanceCents(normalSide: Side, b: Balances): number {
  return postedBalanceCents(normalSide, b) - (normalSide === "debit" ? b.creditsPendingCents : b.debitsPendingCents);
}
