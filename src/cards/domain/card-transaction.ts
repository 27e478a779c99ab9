import { catalogError, type ErrorCatalog } from "../../platform/index.ts";

export type CardTransactionType = "sale" | "authorization" | "force";

/**
 * Stored statuses. `authorizing`, `capturing` and `voiding` mean a call to the processor whose
 * answer is not known yet (it timed out, or the process stopped mid-call): they read as
 * `unknown`, and the background job or a read settles them by asking the processor.
 */
export type CardStatus =
  | "authorizing"
  | "authorized"
  | "capturing"
  | "captured"
  | "voiding"
  | "settled"
  | "voided"
  | "declined"
  | "expired";

export type PublicCardStatus = "authorized" | "captured" | "settled" | "voided" | "declined" | "expired" | "unknown";

export type CardEvent =
  | "approve"
  | "approve_captured"
  | "decline"
  | "capture"
  | "capture_done"
  | "capture_refused"
  | "void"
  | "void_done"
  | "expire"
  | "settle";

/** The lifecycle as data: the only moves a card transaction can make. */
export const cardTransitions = {
  authorizing: { approve: "authorized", approve_captured: "captured", decline: "declined" },
  authorized: { capture: "capturing", void: "voiding", expire: "expired" },
  capturing: { capture_done: "captured", capture_refused: "authorized" },
  captured: { void: "voiding", settle: "settled" },
  // A refused void goes back to where it started (`statusAfterRefusedVoid`), which the status alone does not say.
  voiding: { void_done: "voided" },
  settled: {},
  voided: {},
  declined: {},
  expired: {},
} as const satisfies Record<CardStatus, Partial<Record<CardEvent, CardStatus>>>;

export function nextCardStatus(status: CardStatus, event: CardEvent): CardStatus | undefined {
  return (cardTransitions[status] as Partial<Record<CardEvent, CardStatus>>)[event];
}

/** A void the processor refused returns to where it started: captured if money was taken, else authorized. */
export function statusAfterRefusedVoid(amountCapturedCents: number): CardStatus {
  return amountCapturedCents > 0 ? "captured" : "authorized";
}

/** Waiting for an answer from the processor that has not come. */
export function isInDoubt(status: CardStatus): boolean {
  return status === "authorizing" || status === "capturing" || status === "voiding";
}

export function publicCardStatus(status: CardStatus): PublicCardStatus {
  return isInDoubt(status) ? "unknown" : (status as PublicCardStatus);
}

export const publicCardStatuses: readonly PublicCardStatus[] = [
  "authorized",
  "captured",
  "settled",
  "voided",
  "declined",
  "expired",
  "unknown",
];

/** The stored statuses a public status filter stands for. */
export function storedStatusesOf(status: PublicCardStatus): CardStatus[] {
  return status === "unknown" ? ["authorizing", "capturing", "voiding"] : [status];
}

export interface CardTransaction {
  readonly agencyId: string;
  readonly id: string;
  readonly type: CardTransactionType;
  readonly status: CardStatus;
  readonly amountCents: number;
  readonly captureRequestedCents: number | null;
  readonly amountCapturedCents: number;
  readonly amountRefundedCents: number;
  readonly vaultCardId: string;
  readonly card: { readonly brand: string; readonly last4: string; readonly expMonth: number; readonly expYear: number };
  readonly fingerprint: string;
  readonly account: { readonly system: string; readonly ref: string } | null;
  readonly postingPaymentId: string | null;
  readonly agencyTrackingId: string | null;
  readonly description: string | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly approvalCode: string | null;
  readonly declineCode: string | null;
  readonly declineMessage: string | null;
  readonly processorId: string | null;
  readonly createdAt: Date;
  /** When the status last changed. */
  readonly updatedAt: Date;
  readonly authorizedAt: Date | null;
  readonly capturedAt: Date | null;
  readonly voidedAt: Date | null;
  readonly settledAt: Date | null;
  readonly expiresAt: Date | null;
}

export type RefundStatus = "pending" | "succeeded" | "failed";

export interface CardRefund {
  readonly agencyId: string;
  readonly id: string;
  readonly transactionId: string;
  readonly amountCents: number;
  readonly status: RefundStatus;
  readonly reason: string | null;
  readonly failureMessage: string | null;
  readonly processorId: string | null;
  readonly createdAt: Date;
  readonly completedAt: Date | null;
}

/** How much is left to capture: nothing once a capture is made or in flight. */
export function amountCapturable(t: CardTransaction): number {
  return t.status === "authorized" ? t.amountCents : 0;
}

/** An authorization holds the money this long; the processor lets it lapse after that. */
export const authorizationLifetimeMs = 7 * 24 * 60 * 60 * 1000;

export const cardErrors = {
  card_transaction_not_found: { status: 404, title: "No such card transaction", retryable: false },
  card_declined: { status: 402, title: "The card was declined", retryable: false },
  insufficient_funds: { status: 402, title: "The card has insufficient funds", retryable: false },
  expired_card: { status: 402, title: "The card has expired", retryable: false },
  incorrect_cvc: { status: 402, title: "The card's security code is incorrect", retryable: false },
  processing_error: { status: 402, title: "The processor could not process the card", retryable: true },
  approval_code_required: { status: 400, title: "A force needs the offline approval code", retryable: false },
  invalid_transaction_state: { status: 409, title: "The card transaction cannot do that in its current status", retryable: false },
  insufficient_capturable_amount: { status: 409, title: "More than the authorization holds", retryable: false },
  insufficient_refundable_amount: { status: 409, title: "More than was captured and not yet refunded", retryable: false },
  transaction_outcome_unknown: {
    status: 409,
    title: "The processor has not answered for this transaction yet",
    retryable: true,
  },
  processor_refused: { status: 409, title: "The processor refused the operation", retryable: false },
  refund_not_found: { status: 404, title: "No such refund", retryable: false },
} as const satisfies ErrorCatalog;

export const cardError = catalogError(cardErrors);

export type DeclineCode = "card_declined" | "insufficient_funds" | "expired_card" | "incorrect_cvc" | "processing_error";
