import { catalogError, type ErrorCatalog } from "../../platform/index.ts";

export type CounterMethod = "cash" | "check";
export type CounterStatus = "accepted" | "voided";
export type CounterEvent = "void";

/** The lifecycle as data: a counter payment is accepted, and can be voided once. */
export const counterTransitions = {
  accepted: { void: "voided" },
  voided: {},
} as const satisfies Record<CounterStatus, Partial<Record<CounterEvent, CounterStatus>>>;

export interface CounterPayment {
  readonly agencyId: string;
  readonly id: string;
  readonly method: CounterMethod;
  readonly checkNumber: string | null;
  readonly amountCents: number;
  readonly system: string;
  readonly ref: string;
  readonly agencyTrackingId: string | null;
  readonly status: CounterStatus;
  readonly receivedAt: Date;
  readonly voidedAt: Date | null;
}

export const counterErrors = {
  counter_payment_not_found: { status: 404, title: "No such counter payment", retryable: false },
  counter_payment_already_voided: { status: 409, title: "The counter payment was already voided", retryable: false },
  check_number_required: { status: 400, title: "A check payment needs the check number", retryable: false },
} as const satisfies ErrorCatalog;

export const counterError = catalogError(counterErrors);

export function validateCounterInput(input: { method: CounterMethod; checkNumber?: string | undefined }): void {
  if (input.method === "check" && !input.checkNumber)
    throw counterError("check_number_required", "Give check_number for a check payment", "check_number");
  if (input.method === "cash" && input.checkNumber)
    throw counterError("check_number_required", "A cash payment has no check number", "check_number");
}
