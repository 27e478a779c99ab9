import { nextBusinessDayOnOrAfter } from "../calendar.ts";
import { texasCalendar } from "../calendars.ts";
import { calendarMonthsStarted, isAfter, isOnOrAfter, type MonthDay, onMonthDay } from "../dates.ts";
import { percentOf, type Rounding } from "../money.ts";
import { type Bill, makeQuote, type Quote, type RuleSet } from "../rule-set.ts";

/**
 * Texas, Tax Code chapters 31 and 33. Rates are basis points (600 = 6%).
 *
 * The bill: `amountCents` is the year's tax, or with `installment` one half under the split-payment
 * option of §31.03 (1: the half due before Dec 1; 2: the half due before July 1).
 */
export interface TexasRules {
  /** §31.02(a): taxes are delinquent if not paid before Feb 1 of the year after the tax year. */
  readonly delinquencyDate: MonthDay;
  /** §33.01(a): 6% for the first calendar month, 1% for each further month or portion before July 1… */
  readonly firstMonthPenaltyBp: number;
  readonly additionalMonthPenaltyBp: number;
  /** …and a flat 12% for a tax still delinquent on July 1. */
  readonly flatPenaltyFrom: MonthDay;
  readonly flatPenaltyBp: number;
  /** §33.01(c): 1% for each month or portion, with no cap. */
  readonly interestPerMonthBp: number;
  /**
   * §33.07: the collection penalty on tax + penalty + interest still delinquent on July 1, at the
   * rate of the taxing unit's attorney contract (usually 15% or 20%; 0 where there is none).
   */
  readonly collectionPenaltyBp: number;
  /** §31.03 and §33.01(b): the second half is delinquent on July 1 and then incurs a flat 12%. */
  readonly secondHalfDelinquencyDate: MonthDay;
  readonly secondHalfPenaltyBp: number;
  readonly rounding: Rounding;
}

export const texasRules: TexasRules = {
  delinquencyDate: { month: 2, day: 1 },
  firstMonthPenaltyBp: 600,
  additionalMonthPenaltyBp: 100,
  flatPenaltyFrom: { month: 7, day: 1 },
  flatPenaltyBp: 1200,
  interestPerMonthBp: 100,
  collectionPenaltyBp: 2000,
  secondHalfDelinquencyDate: { month: 7, day: 1 },
  secondHalfPenaltyBp: 1200,
  rounding: "half_up",
};

/**
 * The Texas rule set; a collector passes its own §33.07 contract rate or rounding.
 *
 * Not modelled: the later delinquency date for bills mailed after Jan 10 (§31.04 — the quote has no
 * mailing date) and the §33.08 collection penalty on taxes delinquent on or after June 1, which
 * starts on a date set by the notice the collector sends; so the second half of a split payment
 * (delinquent July 1) carries no collection penalty here.
 */
export function texasRuleSet(overrides: Partial<Pick<TexasRules, "collectionPenaltyBp" | "rounding">> = {}): RuleSet {
  const rules: TexasRules = { ...texasRules, ...overrides };
  return {
    id: "TX",
    name: "Texas (Tax Code ch. 31, 33)",
    calendar: texasCalendar,
    rounding: rules.rounding,
    installments: [1, 2],
    installmentRequired: false,
    quoteBill: (bill) => quoteTexas(rules, bill),
  };
}

function quoteTexas(rules: TexasRules, bill: Bill): Quote {
  const { amountCents: taxCents, asOf } = bill;
  const { rounding } = rules;
  const delinquentYear = bill.taxYear + 1;
  // A first half paid late loses the split option and falls under the ordinary Feb 1 schedule, so
  // only the second half has a schedule of its own.
  const isSecondHalf = bill.installment === 2;
  const delinquencyDate = onMonthDay(delinquentYear, isSecondHalf ? rules.secondHalfDelinquencyDate : rules.delinquencyDate);
  // §1.06: the last day to pay is the day before delinquency, moved to the next regular business day.
  const dueDate = nextBusinessDayOnOrAfter(texasCalendar, delinquencyDate.subtract({ days: 1 }));
  if (!isAfter(asOf, dueDate)) return makeQuote({ taxCents, pastDue: false, dueDate });

  // Months count by the calendar from the month of delinquency, even when §1.06 moved the last day
  // into it: paid on Feb 3 after a Monday Feb 2 due date is still the first calendar month.
  const months = calendarMonthsStarted(delinquencyDate, asOf);
  const flatPenaltyFrom = onMonthDay(delinquentYear, rules.flatPenaltyFrom);
  const delinquentOnJuly1 = isOnOrAfter(asOf, flatPenaltyFrom);
  const penaltyBp = isSecondHalf
    ? rules.secondHalfPenaltyBp
    : delinquentOnJuly1
      ? rules.flatPenaltyBp
      : rules.firstMonthPenaltyBp + (months - 1) * rules.additionalMonthPenaltyBp;
  const penaltyCents = percentOf(taxCents, penaltyBp, rounding);
  const interestCents = percentOf(taxCents, months * rules.interestPerMonthBp, rounding);
  const feesCents =
    !isSecondHalf && delinquentOnJuly1 ? percentOf(taxCents + penaltyCents + interestCents, rules.collectionPenaltyBp, rounding) : 0;
  return makeQuote({ taxCents, penaltyCents, interestCents, feesCents, pastDue: true, dueDate });
}
