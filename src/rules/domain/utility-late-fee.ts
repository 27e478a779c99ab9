import { parseIsoDate } from "./dates.ts";
import { rulesError } from "./errors.ts";
import { isCents, percentOf, type Rounding } from "./money.ts";

/**
 * A utility's late fee as data: after `graceDays` past the due date, a tiered percentage of the
 * amount past due. The default is the common ordinance shape "10% of the first $3 plus 3% of
 * the excess, 10 days after the due date" (government-rules.md §2, Greendale, IN).
 */
export interface UtilityLateFeeRule {
  readonly graceDays: number;
  /** In order; the last tier has no ceiling. */
  readonly tiers: ReadonlyArray<{ readonly upToCents?: number; readonly rateBp: number }>;
  readonly rounding: Rounding;
}

export const defaultUtilityLateFee: UtilityLateFeeRule = {
  graceDays: 10,
  tiers: [{ upToCents: 300, rateBp: 1000 }, { rateBp: 300 }],
  rounding: "half_up",
};

/** The late fee owed on `pastDueCents` as of `asOf` (YYYY-MM-DD) for a bill due `dueDate`. */
export function utilityLateFeeCents(
  pastDueCents: number,
  dueDate: string,
  asOf: string,
  rule: UtilityLateFeeRule = defaultUtilityLateFee,
): number {
  if (!isCents(pastDueCents))
    throw rulesError("invalid_quote_input", "The amount past due is a whole, non-negative number of cents", "amount_cents");
  const due = parseIsoDate(dueDate);
  const on = parseIsoDate(asOf);
  if (!due) throw rulesError("invalid_quote_input", `"${dueDate}" is not a date (YYYY-MM-DD)`, "due_date");
  if (!on) throw rulesError("invalid_quote_input", `"${asOf}" is not a date (YYYY-MM-DD)`, "as_of");
  if (on.since(due).days <= rule.graceDays) return 0;
  let fee = 0;
  let rest = pastDueCents;
  let floor = 0;
  for (const tier of rule.tiers) {
    const slice = tier.upToCents === undefined ? rest : Math.min(rest, tier.upToCents - floor);
    fee += percentOf(slice, tier.rateBp, rule.rounding);
    rest -= slice;
    floor = tier.upToCents ?? floor;
    if (rest === 0) break;
  }
  return fee;
}
