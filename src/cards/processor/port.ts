/**
 * The card processor port: what Remit asks of a processor, whichever one an agency uses. A
 * decline, a refusal and an unknown outcome are values, never exceptions: a caller must handle
 * each. `unknown` means the processor may or may not have acted; it is never to be read as
 * approved or declined until `inquire` (for an authorization) or a retry with the same reference
 * (for a capture, void or refund) says which.
 */

export interface CardData {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string | null;
  postalCode: string | null;
}

export type DeclineCode = "card_declined" | "insufficient_funds" | "expired_card" | "incorrect_cvc" | "processing_error";

export type AuthorizeResult =
  | { outcome: "approved"; processorId: string; approvalCode: string }
  | { outcome: "declined"; processorId: string | null; declineCode: DeclineCode; message: string }
  /** No answer in time, or the connection failed: the outcome is not known. */
  | { outcome: "unknown"; reason: string };

/** The result of a capture, void or refund. */
export type OperationResult =
  | { outcome: "done"; processorId: string }
  /** `code` is one of `refusalCodes`. */
  | { outcome: "refused"; code: string; message: string }
  | { outcome: "unknown"; reason: string };

/** Why a processor refuses a capture, void or refund: stable codes a caller can branch on. */
export const refusalCodes = [
  "transaction_not_found",
  "transaction_declined",
  "authorization_expired",
  "already_captured",
  "already_voided",
  "already_settled",
  "refunds_exist",
  "not_captured",
  "amount_exceeds_authorized",
  "amount_exceeds_captured",
] as const;
export type RefusalCode = (typeof refusalCodes)[number];

/** Where an approved transaction stands at the processor; `settled` once its capture's batch has closed. */
export type ProcessorTransactionStatus = "authorized" | "captured" | "settled" | "voided" | "expired";

export type InquiryResult =
  /** The processor never processed this reference. */
  | { found: false }
  | {
      found: true;
      outcome: "approved";
      processorId: string;
      approvalCode: string;
      capturedCents: number;
      amountCents: number;
      refundedCents: number;
      status: ProcessorTransactionStatus;
    }
  | { found: true; outcome: "declined"; processorId: string; declineCode: DeclineCode; message: string };

export type CardBrand = "visa" | "mastercard" | "amex" | "discover" | "unknown";

export interface SettlementLine {
  /** Remit's id of the operation: the capture's or refund's own id, or the transaction's id for a sale or a force. */
  reference: string;
  /** The processor's id of this capture or refund. */
  processorId: string;
  /** The processor's id of the authorization, sale or force it belongs to. */
  transactionProcessorId: string;
  kind: "capture" | "refund";
  amountCents: number;
  cardBrand: CardBrand;
  cardLast4: string;
}

export interface SettlementTotals {
  captureCount: number;
  captureCents: number;
  refundCount: number;
  refundCents: number;
  /** Captures less refunds: what the processor funds for the day, before its fees. */
  netCents: number;
}

export interface SettlementReport {
  /** The processor's cutoff day, YYYY-MM-DD. */
  date: string;
  /** When the day's batch closes (ISO 8601 instant). */
  cutoffAt: string;
  /** True once the cutoff has passed: a closed report never changes. An open one is the batch so far. */
  closed: boolean;
  lines: SettlementLine[];
  totals: SettlementTotals;
}

/**
 * `signal`, when given, tells the processor the caller stopped waiting (the connector's timeout):
 * it should stop waiting too, so no timer or socket outlives the call.
 */
export interface CallOptions {
  signal?: AbortSignal;
}

export interface CardProcessor {
  /** `reference` is Remit's transaction id: the processor's idempotency key (a retry with the same reference returns the first result). */
  authorize(
    req: { reference: string; amountCents: number; card: CardData; capture: boolean },
    options?: CallOptions,
  ): Promise<AuthorizeResult>;
  /** Force of an offline approval code obtained by phone (voice authorization): captures without a new authorization. */
  forceOffline(
    req: { reference: string; amountCents: number; card: CardData; approvalCode: string },
    options?: CallOptions,
  ): Promise<AuthorizeResult>;
  /** `reference` here and for void and refund is the operation's own Remit id, so each operation is idempotent too. */
  capture(req: { reference: string; processorId: string; amountCents: number }, options?: CallOptions): Promise<OperationResult>;
  void(req: { reference: string; processorId: string }, options?: CallOptions): Promise<OperationResult>;
  refund(req: { reference: string; processorId: string; amountCents: number }, options?: CallOptions): Promise<OperationResult>;
  inquire(reference: string, options?: CallOptions): Promise<InquiryResult>;
  /** Every capture and refund settled on `date` (YYYY-MM-DD, the processor's cutoff day), for reconciliation. */
  settlementReport(date: string, options?: CallOptions): Promise<SettlementReport>;
}
