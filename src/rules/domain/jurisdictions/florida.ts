import { nextBusinessDayOnOrAfter } from "../calendar.ts";
import { floridaCalendar } from "../calendars.ts";
import { calendarMonthsStarted, isAfter, lastDayOfMonth, type MonthDay, onMonthDay, plainDate } from "../dates.ts";
import { percentOf, type Rounding } from "../money.ts";
import { type Bill, makeQuote, type Quote, type RuleSet } from "../rule-set.ts";

/**
 * Florida real property, chapter 197. Bills for `taxYear` go out in November; `amountCents` is the
 * year's gross tax. The quarterly installment plan of §197.222 is not modelled (half of its discounts
 * are unverified), so a Florida quote names no installment.
 */
export interface FloridaRules {
  /**
   * §197.162: the discount for paying in each month, through the month's last day (or the next
   * working day when that day is a Saturday, Sunday or holiday). Earlier payments get the first.
   */
  readonly discounts: readonly { readonly month: number; readonly yearOffset: 0 | 1; readonly discountBp: number }[];
  /** §197.333: taxes are delinquent on April 1 of the year after the tax year. */
  readonly delinquencyDate: MonthDay;
  /** §197.172: 18% a year, "calculated from the first day of each month" — 1.5% for each month started… */
  readonly interestPerMonthBp: number;
  /** …with a 3% minimum charge before the tax certificate is sold. */
  readonly minimumInterestBp: number;
  readonly rounding: Rounding;
}

export const floridaRules: FloridaRules = {
  discounts: [
    { month: 11, yearOffset: 0, discountBp: 400 },
    { month: 12, yearOffset: 0, discountBp: 300 },
    { month: 1, yearOffset: 1, discountBp: 200 },
    { month: 2, yearOffset: 1, discountBp: 100 },
    { month: 3, yearOffset: 1, discountBp: 0 },
  ],
  delinquencyDate: { month: 4, day: 1 },
  interestPerMonthBp: 150,
  minimumInterestBp: 300,
  rounding: "half_up",
};

/**
 * The Florida rule set. Not modelled: the 4% for 30 days after a late mailing (the quote has no mailing
 * date) and what happens once a tax certificate is sold (around June 1): the certificate then bears its
 * own bid rate, which this quote does not know; interest here keeps running at 18% a year.
 */
export function floridaRuleSet(overrides: Partial<Pick<FloridaRules, "rounding">> = {}): RuleSet {
  const rules: FloridaRules = { ...floridaRules, ...overrides };
  return {
    id: "FL",
    name: "Florida (Fla. Stat. §§197.162, 197.172)",
    calendar: floridaCalendar,
    rounding: rules.rounding,
    installments: [],
    installmentRequired: false,
    quoteBill: (bill) => quoteFlorida(rules, bill),
  };
}

function quoteFlorida(rules: FloridaRules, bill: Bill): Quote {
  const { amountCents: taxCents, asOf } = bill;
  const periodEnd = (period: FloridaRules["discounts"][number]) =>
    nextBusinessDayOnOrAfter(floridaCalendar, lastDayOfMonth(plainDate(bill.taxYear + period.yearOffset, period.month, 1)));
  const discount = rules.discounts.find((period) => !isAfter(asOf, periodEnd(period)));
  const delinquencyDate = onMonthDay(bill.taxYear + 1, rules.delinquencyDate);
  // The last discount period (March, 0%) ends the day before delinquency; its working-day extension
  // moves the due date too.
  const dueDate = nextBusinessDayOnOrAfter(floridaCalendar, delinquencyDate.subtract({ days: 1 }));
  if (!isAfter(asOf, dueDate)) {
    const discountCents = percentOf(taxCents, discount?.discountBp ?? 0, rules.rounding);
    return makeQuote({ taxCents, discountCents, pastDue: false, dueDate });
  }
  const months = calendarMonthsStarted(delinquencyDate, asOf);
  const interestBp = Math.max(rules.minimumInterestBp, months * rules.interestPerMonthBp);
  const interestCents = percentOf(taxCents, interestBp, rules.rounding);
  return makeQuote({ taxCents, interestCents, pastDue: true, dueDate });
}
