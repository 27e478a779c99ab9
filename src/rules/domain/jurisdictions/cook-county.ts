import assert from "node:assert/strict";
import { nextBusinessDayOnOrAfter } from "../calendar.ts";
import { illinoisCalendar } from "../calendars.ts";
import { isAfter, type MonthDay, monthsOrPortionAfter, onMonthDay } from "../dates.ts";
import { percentOf, type Rounding } from "../money.ts";
import { type Bill, makeQuote, type Quote, type RuleSet } from "../rule-set.ts";

/**
 * Cook County, Illinois: 35 ILCS 200/21-25. Taxes for `taxYear` are paid the following year in two
 * installments, each its own bill, so a quote must name one: `amountCents` is that installment's tax
 * (the first is an estimate, so the year's tax cannot be split here).
 */
export interface CookCountyRules {
  /** Interest per month or portion, by the tax year it first applies to; newest first. */
  readonly interestByTaxYear: readonly { readonly fromTaxYear: number; readonly perMonthBp: number; readonly source: string }[];
  /** Delinquent after this day of the year after the tax year; `byTaxYear` overrides it for a year. */
  readonly installmentDueDates: Readonly<
    Record<1 | 2, { readonly usual: MonthDay; readonly byTaxYear: Readonly<Record<number, MonthDay>> }>
  >;
  readonly rounding: Rounding;
}

export const cookCountyRules: CookCountyRules = {
  interestByTaxYear: [
    { fromTaxYear: 2023, perMonthBp: 75, source: "P.A. 103-555: 0.75% a month from tax year 2023" },
    { fromTaxYear: 0, perMonthBp: 150, source: "35 ILCS 200/21-25: 1.5% a month" },
  ],
  installmentDueDates: {
    // "After March 1" — except tax years 2010 and 2022, whose first installment was due April 1.
    1: { usual: { month: 3, day: 1 }, byTaxYear: { 2010: { month: 4, day: 1 }, 2022: { month: 4, day: 1 } } },
    // "After August 1" by statute; in practice it moves with the mailing of bills, so a county sets
    // each year's date here as it is announced.
    2: { usual: { month: 8, day: 1 }, byTaxYear: {} },
  },
  rounding: "half_up",
};

export function cookCountyRuleSet(overrides: Partial<CookCountyRules> = {}): RuleSet {
  const rules: CookCountyRules = { ...cookCountyRules, ...overrides };
  return {
    id: "IL-COOK",
    name: "Cook County, Illinois (35 ILCS 200/21-25)",
    calendar: illinoisCalendar,
    rounding: rules.rounding,
    installments: [1, 2],
    installmentRequired: true,
    quoteBill: (bill) => quoteCookCounty(rules, bill),
  };
}

function quoteCookCounty(rules: CookCountyRules, bill: Bill): Quote {
  const installment = bill.installment === 2 ? 2 : 1;
  const dates = rules.installmentDueDates[installment];
  const nominal = onMonthDay(bill.taxYear + 1, dates.byTaxYear[bill.taxYear] ?? dates.usual);
  // 5 ILCS 70/1.11: a last day on a weekend or holiday moves to the next business day.
  const dueDate = nextBusinessDayOnOrAfter(illinoisCalendar, nominal);
  const rate = rules.interestByTaxYear.find((version) => bill.taxYear >= version.fromTaxYear);
  assert.ok(rate !== undefined, `Cook County has no interest rate for tax year ${bill.taxYear}`);
  // Each started month counts in full, from the day after the (moved) due date. Where the month
  // boundary falls is derived, not sourced: check it against the Treasurer's calculator.
  const months = monthsOrPortionAfter(dueDate, bill.asOf);
  const interestCents = percentOf(bill.amountCents, months * rate.perMonthBp, rules.rounding);
  return makeQuote({ taxCents: bill.amountCents, interestCents, pastDue: isAfter(bill.asOf, dueDate), dueDate });
}
