import assert from "node:assert/strict";
import type { JurisdictionCalendar } from "./calendar.ts";
import type { PlainDate } from "./dates.ts";
import type { Rounding } from "./money.ts";

export type RuleSetId = "TX" | "CA" | "IL-COOK" | "FL" | "WA";
export type PropertyClass = "residential" | "nonresidential";

export interface QuoteInput {
  readonly rules: RuleSetId;
  /** Base tax of the bill being quoted: with `installment`, that installment's tax; without it, the whole year's tax. */
  readonly amountCents: number;
  readonly taxYear: number;
  /** 1-based, where the rule set has installments. */
  readonly installment?: number;
  /** Washington only; default residential. Other rule sets ignore it. */
  readonly propertyClass?: PropertyClass;
  /** YYYY-MM-DD, the day the payer would pay. */
  readonly asOf: string;
}

export interface QuoteComponents {
  readonly taxCents: number;
  readonly penaltyCents: number;
  readonly interestCents: number;
  /** Costs and collection penalties: Texas §33.07, California's $10 cost and $15 redemption fee. */
  readonly feesCents: number;
  /** A positive number, subtracted from the total (Florida's early-payment discount). */
  readonly discountCents: number;
}

export interface Quote {
  /** tax + penalty + interest + fees − discount. */
  readonly totalCents: number;
  readonly components: QuoteComponents;
  /** The as-of date is after the due date and there is tax to pay: penalty or interest may run. */
  readonly delinquent: boolean;
  /** YYYY-MM-DD: the last day to pay without penalty or interest, after the weekend and holiday shift. */
  readonly dueDate: string;
}

/** A quote request after validation: dates parsed, defaults filled in. */
export interface Bill {
  readonly amountCents: number;
  readonly taxYear: number;
  readonly installment: number | undefined;
  readonly propertyClass: PropertyClass;
  readonly asOf: PlainDate;
}

/** One jurisdiction's rules: its law as data, and the small function that reads a bill against it. */
export interface RuleSet {
  readonly id: RuleSetId;
  readonly name: string;
  readonly calendar: JurisdictionCalendar;
  /** How each component (penalty, interest, fee, discount) is rounded to the cent. */
  readonly rounding: Rounding;
  /** The installment numbers a quote may name; empty where the tax is paid once. */
  readonly installments: readonly number[];
  /** A quote must name an installment (Cook County bills each one separately). */
  readonly installmentRequired: boolean;
  readonly quoteBill: (bill: Bill) => Quote;
}

export interface QuoteParts {
  readonly taxCents: number;
  readonly penaltyCents?: number;
  readonly interestCents?: number;
  readonly feesCents?: number;
  readonly discountCents?: number;
  /** The as-of date is after the due date. */
  readonly pastDue: boolean;
  readonly dueDate: PlainDate;
}

/** Assembles a quote and checks what must hold of every quote. */
export function makeQuote(parts: QuoteParts): Quote {
  const components: QuoteComponents = {
    taxCents: parts.taxCents,
    penaltyCents: parts.penaltyCents ?? 0,
    interestCents: parts.interestCents ?? 0,
    feesCents: parts.feesCents ?? 0,
    discountCents: parts.discountCents ?? 0,
  };
  for (const [name, cents] of Object.entries(components)) {
    assert.ok(Number.isSafeInteger(cents) && cents >= 0, `quote component ${name} is not whole, non-negative cents: ${cents}`);
  }
  assert.ok(components.discountCents <= components.taxCents, "a discount never exceeds the tax");
  const totalCents =
    components.taxCents + components.penaltyCents + components.interestCents + components.feesCents - components.discountCents;
  assert.ok(Number.isSafeInteger(totalCents), "a quote total outgrew a safe integer");
  return { totalCents, components, delinquent: parts.pastDue && parts.taxCents > 0, dueDate: parts.dueDate.toString() };
}
