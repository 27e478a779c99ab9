import type { CardBrand, DeclineCode, ProcessorTransactionStatus, RefusalCode } from "./port.ts";
import { settlementDateOf } from "./settlement-day.ts";

/**
 * The simulated processor's own rules, pure: what a capture, void or refund does to one of its
 * transactions, or why it refuses. Time is a parameter.
 */

export type SimTransactionKind = "authorization" | "sale" | "force";
export type SimTransactionStatus = "authorized" | "captured" | "voided" | "expired" | "declined";

export interface SimTransaction {
  readonly processorId: string;
  readonly reference: string;
  readonly kind: SimTransactionKind;
  readonly status: SimTransactionStatus;
  readonly amountCents: number;
  readonly capturedCents: number;
  readonly refundedCents: number;
  readonly approvalCode: string | null;
  readonly declineCode: DeclineCode | null;
  readonly declineMessage: string | null;
  readonly cardBrand: CardBrand;
  readonly cardLast4: string;
  readonly createdAt: Date;
  /** When an uncaptured authorization lapses; null for sales, forces and declines. */
  readonly expiresAt: Date | null;
  /** The batch its capture settles in, once captured. */
  readonly settlementDate: string | null;
}

/** Card networks let an issuer release an uncaptured authorization's hold after about a week. */
export const authorizationLifetimeMs = 7 * 24 * 60 * 60 * 1000;

export type Decision<Next> =
  | { readonly ok: true; readonly next: Next }
  | { readonly ok: false; readonly code: RefusalCode; readonly message: string };

const refuse = (code: RefusalCode, message: string) => ({ ok: false, code, message }) as const;

/** The status as of `now`: an authorization past its expiry has expired even before anyone wrote so. */
export function statusAt(t: SimTransaction, now: Date): SimTransactionStatus {
  return t.status === "authorized" && t.expiresAt !== null && now.getTime() >= t.expiresAt.getTime() ? "expired" : t.status;
}

/** A capture settles when its batch's cutoff has passed. */
export function isSettled(t: SimTransaction, now: Date): boolean {
  return t.status === "captured" && t.settlementDate !== null && t.settlementDate < settlementDateOf(now);
}

export function publicStatus(t: SimTransaction, now: Date): ProcessorTransactionStatus {
  const status = statusAt(t, now);
  if (status === "declined") throw new Error(`A declined transaction has no approved status (${t.processorId})`);
  return isSettled(t, now) ? "settled" : status;
}

/** Refusals shared by every operation on a transaction that is not live. */
function refuseIfClosed(status: SimTransactionStatus): Decision<never> | null {
  if (status === "declined") return refuse("transaction_declined", "The transaction was declined");
  if (status === "voided") return refuse("already_voided", "The transaction was voided");
  return null;
}

export function decideCapture(
  t: SimTransaction,
  amountCents: number,
  now: Date,
): Decision<{ status: "captured"; capturedCents: number; settlementDate: string }> {
  const status = statusAt(t, now);
  const closed = refuseIfClosed(status);
  if (closed) return closed;
  if (status === "expired") return refuse("authorization_expired", "The authorization expired before it was captured");
  if (status === "captured") return refuse("already_captured", "The authorization was already captured; a capture releases what it leaves");
  if (amountCents > t.amountCents)
    return refuse("amount_exceeds_authorized", `A capture of ${amountCents} cents exceeds the ${t.amountCents} cents authorized`);
  return { ok: true, next: { status: "captured", capturedCents: amountCents, settlementDate: settlementDateOf(now) } };
}

/** A void cancels an authorization, or a capture whose batch has not closed (with nothing refunded). */
export function decideVoid(t: SimTransaction, now: Date): Decision<{ status: "voided"; capturedCents: 0 }> {
  const status = statusAt(t, now);
  const closed = refuseIfClosed(status);
  if (closed) return closed;
  if (status === "expired") return refuse("authorization_expired", "The authorization expired: there is nothing to void");
  if (isSettled(t, now)) return refuse("already_settled", "The capture has settled: refund it instead");
  if (t.refundedCents > 0) return refuse("refunds_exist", "The capture has refunds: refund the rest instead of voiding");
  return { ok: true, next: { status: "voided", capturedCents: 0 } };
}

export function decideRefund(
  t: SimTransaction,
  amountCents: number,
  now: Date,
): Decision<{ refundedCents: number; settlementDate: string }> {
  const status = statusAt(t, now);
  const closed = refuseIfClosed(status);
  if (closed) return closed;
  if (status !== "captured") return refuse("not_captured", "Only a captured transaction can be refunded: void an authorization instead");
  const refundableCents = t.capturedCents - t.refundedCents;
  if (amountCents > refundableCents)
    return refuse(
      "amount_exceeds_captured",
      `A refund of ${amountCents} cents exceeds the ${refundableCents} cents captured and not yet refunded`,
    );
  return { ok: true, next: { refundedCents: t.refundedCents + amountCents, settlementDate: settlementDateOf(now) } };
}
