import assert from "node:assert/strict";
import { nextBusinessDayOnOrAfter } from "../calendar.ts";
import { washingtonCalendar } from "../calendars.ts";
import { calendarMonthsStarted, isAfter, isOnOrAfter, type MonthDay, onMonthDay, parseIsoDate } from "../dates.ts";
import { percentOf, type Rounding } from "../money.ts";
import { type Bill, makeQuote, type PropertyClass, type Quote, type RuleSet } from "../rule-set.ts";

/**
 * Washington, RCW 84.56.020 as amended by ESHB 1410. `taxYear` is the year the tax is payable. The
 * bill: with `installment`, `amountCents` is that half (1: due April 30; 2: due October 31, assuming
 * the first half was paid on time); without it, the year's tax, all of which becomes delinquent when
 * the first half is missed.
 */
export interface WashingtonPenalty {
  /** Charged on the tax still delinquent on this day of the tax year. */
  readonly on: MonthDay;
  readonly penaltyBp: number;
}

export interface WashingtonRules {
  readonly firstHalfDue: MonthDay;
  readonly secondHalfDue: MonthDay;
  /**
   * Interest per month or portion, by the day of *payment* (the rate in force at payment applies,
   * whenever the tax became delinquent); newest first.
   */
  readonly interestByPaymentDate: readonly {
    readonly from: string;
    readonly perMonthBp: Readonly<Record<PropertyClass, number>>;
    readonly source: string;
  }[];
  /** Penalties by tax year; newest first. */
  readonly penaltiesByTaxYear: readonly {
    readonly fromTaxYear: number;
    readonly penalties: Readonly<Record<PropertyClass, readonly WashingtonPenalty[]>>;
    readonly source: string;
  }[];
  readonly rounding: Rounding;
}

const june1 = { month: 6, day: 1 };
const december1 = { month: 12, day: 1 };
const juneAndDecemberPenalties: readonly WashingtonPenalty[] = [
  { on: june1, penaltyBp: 300 },
  { on: december1, penaltyBp: 800 },
];

export const washingtonRules: WashingtonRules = {
  firstHalfDue: { month: 4, day: 30 },
  secondHalfDue: { month: 10, day: 31 },
  interestByPaymentDate: [
    {
      from: "2023-01-01",
      // 9% and 12% a year, computed monthly.
      perMonthBp: { residential: 75, nonresidential: 100 },
      source: "ESHB 1410; dor.wa.gov: residential parcels of 4 units or fewer 9%, other property 12%",
    },
    { from: "1900-01-01", perMonthBp: { residential: 100, nonresidential: 100 }, source: "RCW 84.56.020: 12% a year" },
  ],
  penaltiesByTaxYear: [
    {
      fromTaxYear: 2023,
      penalties: { residential: [], nonresidential: juneAndDecemberPenalties },
      source: "ESHB 1410: no penalties on residential parcels of 4 units or fewer",
    },
    { fromTaxYear: 2022, penalties: { residential: [], nonresidential: [] }, source: "ESHB 1410: no penalties on 2022 taxes" },
    {
      fromTaxYear: 0,
      penalties: { residential: juneAndDecemberPenalties, nonresidential: juneAndDecemberPenalties },
      source: "RCW 84.56.020 before ESHB 1410 (Snohomish County's chart): 3% on June 1, 8% on Dec 1",
    },
  ],
  rounding: "half_up",
};

export function washingtonRuleSet(overrides: Partial<WashingtonRules> = {}): RuleSet {
  const rules: WashingtonRules = { ...washingtonRules, ...overrides };
  return {
    id: "WA",
    name: "Washington (RCW 84.56.020)",
    calendar: washingtonCalendar,
    rounding: rules.rounding,
    installments: [1, 2],
    installmentRequired: false,
    quoteBill: (bill) => quoteWashington(rules, bill),
  };
}

function quoteWashington(rules: WashingtonRules, bill: Bill): Quote {
  const { amountCents: taxCents, asOf, propertyClass } = bill;
  const nominalDue = onMonthDay(bill.taxYear, bill.installment === 2 ? rules.secondHalfDue : rules.firstHalfDue);
  const dueDate = nextBusinessDayOnOrAfter(washingtonCalendar, nominalDue);
  if (!isAfter(asOf, dueDate)) return makeQuote({ taxCents, pastDue: false, dueDate });

  // Interest is charged per calendar month from the month after the due date (May, or November).
  const months = calendarMonthsStarted(nominalDue.add({ days: 1 }), asOf);
  const interest = rules.interestByPaymentDate.find((version) => {
    const from = parseIsoDate(version.from);
    return from !== undefined && isOnOrAfter(asOf, from);
  });
  assert.ok(interest !== undefined, `Washington has no interest rate in force on ${asOf.toString()}`);
  const interestCents = percentOf(taxCents, months * interest.perMonthBp[propertyClass], rules.rounding);

  const penaltyVersion = rules.penaltiesByTaxYear.find((version) => bill.taxYear >= version.fromTaxYear);
  assert.ok(penaltyVersion !== undefined, `Washington has no penalty rule for tax year ${bill.taxYear}`);
  // A penalty falls on tax delinquent on its day: June 1 reaches a missed first half, not a second
  // half that was not yet due.
  const penaltyBp = penaltyVersion.penalties[propertyClass]
    .map((penalty) => ({ ...penalty, date: onMonthDay(bill.taxYear, penalty.on) }))
    .filter((penalty) => isAfter(penalty.date, dueDate) && isOnOrAfter(asOf, penalty.date))
    .reduce((sum, penalty) => sum + penalty.penaltyBp, 0);
  const penaltyCents = percentOf(taxCents, penaltyBp, rules.rounding);
  return makeQuote({ taxCents, penaltyCents, interestCents, pastDue: true, dueDate });
}
