import { newId, platformError, type Sql } from "../../platform/index.ts";
import { isRoutingNumber } from "../../vault/index.ts";
import * as store from "../adapters/originator-store.ts";
import { type AchOriginator, achError, type PostingPolicy } from "../domain/ach-entry.ts";
import { fedSameDayDeadlines, isWallTime, sameDayWindowOf } from "../domain/schedule.ts";

/** The agency's originating bank (ODFI) and what it agreed with the agency. */
export interface OriginatorInput {
  readonly bankName: string;
  readonly odfiRouting: string;
  /** The file header's destination: the bank itself unless it names its operator. */
  readonly immediateDestination?: string | undefined;
  /** The file header's origin: the company id unless the bank assigns another. */
  readonly immediateOrigin?: string | undefined;
  readonly companyName: string;
  /** 10 characters, usually "1" and the agency's EIN. */
  readonly companyId: string;
  /** The bank's cutoff for next-day files, New York time `HH:MM`. */
  readonly nextDayCutoff?: string | undefined;
  /** The bank's cutoffs for same-day files, each before the Fed window it feeds; none: no Same Day ACH. */
  readonly sameDayCutoffs?: readonly string[] | undefined;
  readonly requiresPrenote?: boolean | undefined;
  readonly prenoteDays?: number | undefined;
  readonly postingPolicy?: PostingPolicy | undefined;
  readonly returnedPaymentFeeCents?: number | undefined;
}

const invalid = (param: string, detail: string) => platformError("invalid_request", detail, param);

/** Sets the agency's default originator, creating it the first time; every field is checked here. */
export async function configureOriginator(sql: Sql, agencyId: string, input: OriginatorInput): Promise<AchOriginator> {
  const existing = await store.findDefaultOriginator(sql, agencyId);
  return store.upsertDefaultOriginator(sql, { agencyId, id: existing?.id ?? newId("odfi"), ...validateOriginator(input) });
}

export async function getDefaultOriginator(sql: Sql, agencyId: string): Promise<AchOriginator> {
  const originator = await store.findDefaultOriginator(sql, agencyId);
  if (!originator) {
    throw achError(
      "ach_originator_not_configured",
      "This agency has no originating bank for ACH yet: an operator configures it (routing number, company id, cutoffs) first",
    );
  }
  return originator;
}

export const findDefaultOriginator = store.findDefaultOriginator;

function validateOriginator(input: OriginatorInput): Omit<AchOriginator, "agencyId" | "id" | "isDefault"> {
  const bankName = input.bankName.trim();
  if (bankName.length < 1 || bankName.length > 23) throw invalid("bank_name", "bank_name has 1 to 23 characters");
  for (const [param, routing] of [
    ["odfi_routing", input.odfiRouting],
    ["immediate_destination", input.immediateDestination],
  ] as const) {
    if (routing !== undefined && !isRoutingNumber(routing)) {
      throw invalid(param, `${param} is a 9-digit routing number whose last digit checks (weights 3, 7, 1)`);
    }
  }
  const companyId = input.companyId;
  if (!/^[0-9A-Za-z ]{10}$/.test(companyId)) {
    throw invalid("company_id", "company_id has exactly 10 letters or digits, usually 1 and the agency's EIN");
  }
  const companyName = input.companyName.trim();
  if (companyName.length < 1 || companyName.length > 16) throw invalid("company_name", "company_name has 1 to 16 characters");
  const immediateOrigin = input.immediateOrigin ?? companyId;
  if (!/^[0-9A-Za-z ]{9,10}$/.test(immediateOrigin)) {
    throw invalid("immediate_origin", "immediate_origin has 9 or 10 letters or digits");
  }
  const nextDayCutoff = input.nextDayCutoff ?? "17:00";
  if (!isWallTime(nextDayCutoff)) throw invalid("next_day_cutoff", "next_day_cutoff is a New York time, HH:MM");
  const sameDayCutoffs = [...(input.sameDayCutoffs ?? [])];
  const windows = new Set<number>();
  for (const [i, cutoff] of sameDayCutoffs.entries()) {
    const param = `same_day_cutoffs[${i}]`;
    if (!isWallTime(cutoff)) throw invalid(param, `${param} is a New York time, HH:MM`);
    const window = sameDayWindowOf(cutoff);
    if (window < 0) throw invalid(param, `${param} ${cutoff} is after the Fed's last same-day deadline, ${fedSameDayDeadlines.at(-1)}`);
    if (i > 0 && cutoff <= (sameDayCutoffs[i - 1] as string)) throw invalid(param, "same_day_cutoffs are ascending");
    if (windows.has(window)) {
      throw invalid(param, `Two cutoffs feed the Fed's window ${window + 1} (deadline ${fedSameDayDeadlines[window]}): one per window`);
    }
    windows.add(window);
  }
  const prenoteDays = input.prenoteDays ?? 3;
  if (!Number.isInteger(prenoteDays) || prenoteDays < 0 || prenoteDays > 10) throw invalid("prenote_days", "prenote_days is 0 to 10");
  const postingPolicy = input.postingPolicy ?? "on_submission";
  if (postingPolicy !== "on_submission" && postingPolicy !== "on_settlement") {
    throw invalid("posting_policy", "posting_policy is on_submission or on_settlement");
  }
  const returnedPaymentFeeCents = input.returnedPaymentFeeCents ?? 0;
  if (!Number.isSafeInteger(returnedPaymentFeeCents) || returnedPaymentFeeCents < 0) {
    throw invalid("returned_payment_fee_cents", "returned_payment_fee_cents is a whole number of cents, 0 or more");
  }
  return {
    bankName,
    odfiRouting: input.odfiRouting,
    immediateDestination: input.immediateDestination ?? input.odfiRouting,
    immediateOrigin,
    companyName,
    companyId,
    nextDayCutoff,
    sameDayCutoffs,
    requiresPrenote: input.requiresPrenote ?? false,
    prenoteDays,
    postingPolicy,
    returnedPaymentFeeCents,
  };
}
