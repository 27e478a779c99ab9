import { catalogError, type ErrorCatalog } from "../../platform/index.ts";

/** An account in an agency's system of record, as callers name it. */
export interface AccountRef {
  readonly system: string;
  readonly ref: string;
}

export type Component = "tax" | "penalty" | "interest" | "fees" | "discount" | "principal";

export interface BreakdownLine {
  readonly label: string;
  readonly component: Component;
  readonly taxYear?: number;
  readonly amountCents: number;
}

/** A balance as the system of record states it, and when Remit read it. */
export interface SorBalance {
  readonly ref: string;
  readonly name: string;
  readonly status: string;
  readonly asOf: string;
  readonly amountDueCents: number;
  readonly breakdown: readonly BreakdownLine[];
  readonly readAt: Date;
  /** `live`: read from the system just now; `snapshot`: from the last bill file, accrued to today. */
  readonly source: "live" | "snapshot";
}

export interface PostingRequest {
  /** Remit's id for the payment; the system of record is idempotent on it. */
  readonly paymentId: string;
  readonly ref: string;
  readonly amountCents: number;
  readonly paidAt: Date;
  readonly method: string;
}

/** What a connector reports. Failures are values so the posting engine can decide retry versus dead letter. */
export type SorResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly retryable: true; readonly code: "sor_unavailable" | "sor_timeout" | "sor_busy"; readonly detail: string }
  | { readonly ok: false; readonly retryable: false; readonly code: string; readonly detail: string };

/** The one port every system of record is reached through. */
export interface SystemOfRecordConnector {
  readBalance(ref: string, asOf: string): Promise<SorResult<SorBalance>>;
  /** The system's receipt; null when the payment was queued for a posting file and is not in the system yet. */
  post(request: PostingRequest): Promise<SorResult<{ receiptNumber: string | null }>>;
  /** Reverses a posted payment. A payment the system never received counts as reversed. */
  reverse(paymentId: string, reason: string): Promise<SorResult<{ receiptNumber: string | null }>>;
}

export interface SystemConfig {
  readonly agencyId: string;
  readonly system: string;
  readonly name: string;
  readonly connector: "live" | "presentment";
  readonly accountKind: string;
  readonly baseUrl: string | null;
  readonly fund: string;
  readonly callLimit: number;
  readonly timeoutMs: number;
  /** Presentment: where bill files are fetched from and posting files sent to, and how often. */
  readonly billFileUrl: string | null;
  readonly postingFileUrl: string | null;
  readonly fileIntervalMs: number;
}

export const accountsErrors = {
  unknown_system: { status: 404, title: "The agency has no system of record by that name", retryable: false },
  account_not_found: { status: 404, title: "The system of record has no such account", retryable: false },
  sor_unavailable: { status: 503, title: "The system of record is not answering", retryable: true },
  sor_timeout: { status: 504, title: "The system of record did not answer in time", retryable: true },
  sor_busy: { status: 503, title: "Too many calls to the system of record at once", retryable: true },
  sor_rejected: { status: 502, title: "The system of record refused the request", retryable: false },
} as const satisfies ErrorCatalog;

export const accountsError = catalogError(accountsErrors);

/** The amount a payer owes today: the system's balance less payments Remit accepted that the system does not show yet. */
export function amountDueCents(balance: SorBalance, unpostedCents: number): number {
  return Math.max(0, balance.amountDueCents - unpostedCents);
}
