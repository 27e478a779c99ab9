import { catalogError, type ErrorCatalog } from "../../platform/index.ts";

/**
 * An ACH entry Remit originates: a prenote ($0, proves the account before live debits) or a
 * debit. Both share one lifecycle and one table (`ach_entries`).
 */
export type AchEntryKind = "prenote" | "debit";

export type AchStatus = "created" | "scheduled" | "pending_submission" | "submitted" | "settled" | "returned" | "canceled";

export type AchEvent = "schedule" | "release" | "submit" | "settle" | "return" | "cancel";

/**
 * The lifecycle as data.
 * - created: recorded, held (a live debit waiting out its account's prenote period);
 * - scheduled: its effective date is later than the next file would carry it;
 * - pending_submission: due in the next file cut for its window;
 * - submitted: in a NACHA file sent to the bank, with its trace number;
 * - settled: the settlement date passed with no return; returned: the bank sent it back;
 * - canceled: taken out before any file carried it (after that, only a reversal could).
 */
export const achTransitions = {
  created: { schedule: "scheduled", release: "pending_submission", cancel: "canceled" },
  scheduled: { release: "pending_submission", cancel: "canceled" },
  pending_submission: { submit: "submitted", cancel: "canceled" },
  // A return can come days after settlement (R01 within 2 banking days, unauthorized up to 60 days).
  submitted: { settle: "settled", return: "returned" },
  settled: { return: "returned" },
  returned: {},
  canceled: {},
} as const satisfies Record<AchStatus, Partial<Record<AchEvent, AchStatus>>>;

export function nextAchStatus(status: AchStatus, event: AchEvent): AchStatus | undefined {
  return (achTransitions[status] as Partial<Record<AchEvent, AchStatus>>)[event];
}

export type SecCode = "WEB" | "PPD" | "CCD" | "TEL";
export const secCodes: readonly SecCode[] = ["WEB", "PPD", "CCD", "TEL"];

export type PostingPolicy = "on_submission" | "on_settlement";

export type SubmissionWindow = "next_day" | "same_day_1" | "same_day_2" | "same_day_3";

/** Same Day ACH takes no entry above this (NACHA, since March 2022). */
export const sameDayEntryLimitCents = 100_000_000;

export interface AchOriginator {
  readonly agencyId: string;
  readonly id: string;
  readonly bankName: string;
  readonly odfiRouting: string;
  readonly immediateDestination: string;
  readonly immediateOrigin: string;
  readonly companyName: string;
  readonly companyId: string;
  /** America/New_York wall time, `HH:MM`. */
  readonly nextDayCutoff: string;
  readonly sameDayCutoffs: readonly string[];
  readonly requiresPrenote: boolean;
  readonly prenoteDays: number;
  readonly postingPolicy: PostingPolicy;
  readonly returnedPaymentFeeCents: number;
  readonly isDefault: boolean;
}

export interface AchEntry {
  readonly agencyId: string;
  readonly id: string;
  readonly kind: AchEntryKind;
  readonly originatorId: string;
  readonly scheduleId: string | null;
  readonly bankAccountId: string;
  readonly bankFingerprint: string;
  readonly routingNumber: string;
  readonly accountLast4: string;
  readonly accountType: "checking" | "savings";
  readonly amountCents: number;
  readonly secCode: SecCode;
  readonly authorizationText: string | null;
  readonly individualName: string;
  readonly status: AchStatus;
  /** YYYY-MM-DD */
  readonly effectiveDate: string;
  readonly sameDay: boolean;
  readonly account: { readonly system: string; readonly ref: string } | null;
  readonly agencyTrackingId: string | null;
  readonly description: string | null;
  readonly postingPaymentId: string | null;
  readonly fileId: string | null;
  readonly traceNumber: string | null;
  readonly returnCode: string | null;
  readonly returnReason: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly submittedAt: Date | null;
  readonly settledAt: Date | null;
  readonly returnedAt: Date | null;
  readonly canceledAt: Date | null;
}

export const achErrors = {
  ach_debit_not_found: { status: 404, title: "No such ACH debit", retryable: false },
  ach_prenote_not_found: { status: 404, title: "No such ACH prenote", retryable: false },
  ach_schedule_not_found: { status: 404, title: "No such ACH schedule", retryable: false },
  ach_originator_not_configured: { status: 409, title: "The agency has no originating bank for ACH", retryable: false },
  authorization_text_required: { status: 400, title: "This SEC code needs the payer's authorization", retryable: false },
  invalid_effective_date: { status: 400, title: "The effective date is not valid", retryable: false },
  same_day_limit_exceeded: { status: 400, title: "Same Day ACH takes at most $1,000,000 per entry", retryable: false },
  ach_not_cancelable: { status: 409, title: "The entry is already in a file sent to the bank", retryable: false },
  invalid_schedule: { status: 400, title: "The schedule is not valid", retryable: false },
} as const satisfies ErrorCatalog;

export const achError = catalogError(achErrors);
