import { parseIsoDate } from "./dates.ts";
import { rulesError } from "./errors.ts";
import { californiaRuleSet } from "./jurisdictions/california.ts";
import { cookCountyRuleSet } from "./jurisdictions/cook-county.ts";
import { floridaRuleSet } from "./jurisdictions/florida.ts";
import { texasRuleSet } from "./jurisdictions/texas.ts";
import { washingtonRuleSet } from "./jurisdictions/washington.ts";
import { amountCentsMax, isCents } from "./money.ts";
import type { Bill, PropertyClass, Quote, QuoteInput, RuleSet, RuleSetId } from "./rule-set.ts";

export const ruleSetIds: readonly RuleSetId[] = ["TX", "CA", "IL-COOK", "FL", "WA"];

/** The rule sets with their statutory defaults (Texas at a 20% §33.07 collection penalty). */
export const ruleSets: Readonly<Record<RuleSetId, RuleSet>> = {
  TX: texasRuleSet(),
  CA: californiaRuleSet(),
  "IL-COOK": cookCountyRuleSet(),
  FL: floridaRuleSet(),
  WA: washingtonRuleSet(),
};

/** Tax years and as-of dates outside these bounds are refused: no rule set holds law for them. */
export const taxYearMin = 1900;
export const taxYearMax = 2199;

const propertyClasses: readonly PropertyClass[] = ["residential", "nonresidential"];

/** What a payer would owe on `asOf` under the rule set `input.rules`. Throws `unknown_rule_set` or `invalid_quote_input`. */
export function quote(input: QuoteInput): Quote {
  const id: unknown = input?.rules;
  if (!isRuleSetId(id)) {
    throw rulesError("unknown_rule_set", `No rule set has the id ${JSON.stringify(id)}; the ids are ${ruleSetIds.join(", ")}`, "rules");
  }
  return quoteWith(ruleSets[id], input);
}

/** `quote` under a rule set of the caller's (a Texas collector's own §33.07 rate, a county's rounding). */
export function quoteWith(ruleSet: RuleSet, input: Omit<QuoteInput, "rules">): Quote {
  return ruleSet.quoteBill(billOf(ruleSet, input));
}

export function isRuleSetId(value: unknown): value is RuleSetId {
  return typeof value === "string" && (ruleSetIds as readonly string[]).includes(value);
}

function billOf(ruleSet: RuleSet, input: Omit<QuoteInput, "rules">): Bill {
  if (typeof input !== "object" || input === null) throw invalid("A quote needs an object with the bill's fields", "rules");
  if (!isCents(input.amountCents)) {
    throw invalid(`The amount is a whole number of cents from 0 to ${amountCentsMax}`, "amount_cents");
  }
  if (!Number.isSafeInteger(input.taxYear) || input.taxYear < taxYearMin || input.taxYear > taxYearMax) {
    throw invalid(`The tax year is a whole year from ${taxYearMin} to ${taxYearMax}`, "tax_year");
  }
  const { installment } = input;
  if (installment === undefined && ruleSet.installmentRequired) {
    throw invalid(`${ruleSet.name} bills each installment separately; name one of ${ruleSet.installments.join(", ")}`, "installment");
  }
  if (installment !== undefined && !(typeof installment === "number" && ruleSet.installments.includes(installment))) {
    throw invalid(
      ruleSet.installments.length === 0
        ? `${ruleSet.name} has no installments; quote the year's tax without one`
        : `${ruleSet.name} has installments ${ruleSet.installments.join(", ")}`,
      "installment",
    );
  }
  if (input.propertyClass !== undefined && !propertyClasses.includes(input.propertyClass)) {
    throw invalid(`The property class is one of ${propertyClasses.join(", ")}`, "property_class");
  }
  const asOf = parseIsoDate(input.asOf);
  if (asOf === undefined || asOf.year < taxYearMin || asOf.year > taxYearMax + 1) {
    throw invalid(`The as-of date is a real date written YYYY-MM-DD, in the years ${taxYearMin} to ${taxYearMax + 1}`, "as_of");
  }
  return {
    amountCents: input.amountCents,
    taxYear: input.taxYear,
    installment,
    propertyClass: input.propertyClass ?? "residential",
    asOf,
  };
}

function invalid(detail: string, param: string) {
  return rulesError("invalid_quote_input", detail, param);
}
