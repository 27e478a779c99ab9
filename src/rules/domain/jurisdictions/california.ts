import { type JurisdictionCalendar, nextBusinessDayOnOrAfter } from "../calendar.ts";
import { californiaCalendar } from "../calendars.ts";
import { isAfter, isOnOrAfter, lastDayOfMonth, type MonthDay, onMonthDay, type PlainDate } from "../dates.ts";
import { percentOf, type Rounding } from "../money.ts";
import { type Bill, makeQuote, type Quote, type RuleSet } from "../rule-set.ts";

/**
 * California secured roll, Revenue and Taxation Code. The tax year is the fiscal year that starts on
 * July 1 of `taxYear` (2025 is 2025–26). Rates are basis points.
 *
 * The bill: with `installment` (1 or 2), `amountCents` is that installment's tax; without it, the
 * year's tax, split by §2701 with the odd cent in the first installment and each half charged as its
 * own installment.
 */
export interface CaliforniaInstallment {
  readonly number: 1 | 2;
  /** Delinquent after 5 p.m. on this day (§§2617, 2618), moved to the next business day by §2619. */
  readonly delinquentAfter: MonthDay;
  /** 0 for the calendar year the fiscal year starts in, 1 for the next. */
  readonly yearOffset: 0 | 1;
  /** §2621: the $10 cost on a delinquent second installment. */
  readonly delinquentCostCents: number;
}

export interface CaliforniaRules {
  readonly installments: readonly CaliforniaInstallment[];
  /** §§2617, 2618: 10% on each delinquent installment. */
  readonly delinquentPenaltyBp: number;
  /** Unpaid taxes are tax-defaulted after June 30; redemption penalties start on July 1 (§4103(a)(1)). */
  readonly redemptionStarts: MonthDay;
  /** §4103(a)(1): 1.5% a month on the defaulted tax. */
  readonly redemptionPenaltyPerMonthBp: number;
  /** §4102(d): the redemption fee for parcels defaulted on or after Jan 1, 1984. */
  readonly redemptionFeeCents: number;
  readonly rounding: Rounding;
}

export const californiaRules: CaliforniaRules = {
  installments: [
    { number: 1, delinquentAfter: { month: 12, day: 10 }, yearOffset: 0, delinquentCostCents: 0 },
    { number: 2, delinquentAfter: { month: 4, day: 10 }, yearOffset: 1, delinquentCostCents: 1000 },
  ],
  delinquentPenaltyBp: 1000,
  redemptionStarts: { month: 7, day: 1 },
  redemptionPenaltyPerMonthBp: 150,
  redemptionFeeCents: 1500,
  rounding: "half_up",
};

/**
 * The California rule set. After June 30 an installment quote is the redemption amount as if that
 * installment alone were defaulted, so it includes the $15 redemption fee; quote the whole year when
 * both are unpaid, or the fee counts twice. The rule that the second installment cannot be paid before
 * the first (a county practice) is the caller's to enforce.
 */
export function californiaRuleSet(overrides: Partial<Pick<CaliforniaRules, "rounding">> = {}): RuleSet {
  const rules: CaliforniaRules = { ...californiaRules, ...overrides };
  return {
    id: "CA",
    name: "California (Rev. & Tax. Code §§2617–2621, 2701, 4102–4103)",
    calendar: californiaCalendar,
    rounding: rules.rounding,
    installments: rules.installments.map((installment) => installment.number),
    installmentRequired: false,
    quoteBill: (bill) => quoteCalifornia(rules, bill),
  };
}

/** §2701: equal halves, the odd cent in the first. */
export function splitAnnualTax(annualTaxCents: number): readonly [number, number] {
  const second = Math.floor(annualTaxCents / 2);
  return [annualTaxCents - second, second];
}

function quoteCalifornia(rules: CaliforniaRules, bill: Bill): Quote {
  const { asOf } = bill;
  const { rounding } = rules;
  const halves = splitAnnualTax(bill.amountCents);
  const owed = rules.installments
    .filter((installment) => bill.installment === undefined || bill.installment === installment.number)
    .map((installment) => ({
      installment,
      taxCents: bill.installment === undefined ? (halves[installment.number - 1] as number) : bill.amountCents,
      dueDate: nextBusinessDayOnOrAfter(californiaCalendar, onMonthDay(bill.taxYear + installment.yearOffset, installment.delinquentAfter)),
    }));

  let penaltyCents = 0;
  let feesCents = 0;
  for (const { installment, taxCents, dueDate } of owed) {
    if (taxCents === 0 || !isAfter(asOf, dueDate)) continue;
    penaltyCents += percentOf(taxCents, rules.delinquentPenaltyBp, rounding);
    feesCents += installment.delinquentCostCents;
  }

  const taxCents = owed.reduce((sum, part) => sum + part.taxCents, 0);
  const redemptionStarts = onMonthDay(bill.taxYear + 1, rules.redemptionStarts);
  if (taxCents > 0 && isOnOrAfter(asOf, redemptionStarts)) {
    // §4103(a)(1): on the declared amount of defaulted taxes — the tax, not its penalties (county practice).
    const months = redemptionMonths(californiaCalendar, redemptionStarts, asOf);
    penaltyCents += percentOf(taxCents, months * rules.redemptionPenaltyPerMonthBp, rounding);
    feesCents += rules.redemptionFeeCents;
  }

  // The year is delinquent as soon as its first installment is.
  const dueDate = (owed[0] as (typeof owed)[number]).dueDate;
  return makeQuote({ taxCents, penaltyCents, feesCents, pastDue: isAfter(asOf, dueDate), dueDate });
}

/**
 * The number of 1.5% redemption penalties attached by `asOf`: the first on July 1, then one after
 * each month-end. A month-end on a Saturday, Sunday or holiday attaches only after the close of
 * business on the next business day (§4103(a)(1)).
 */
export function redemptionMonths(calendar: JurisdictionCalendar, starts: PlainDate, asOf: PlainDate): number {
  if (!isOnOrAfter(asOf, starts)) return 0;
  let months = 1;
  for (let monthStart = starts; ; monthStart = monthStart.add({ months: 1 })) {
    const lastDayToAvoid = nextBusinessDayOnOrAfter(calendar, lastDayOfMonth(monthStart));
    if (!isAfter(asOf, lastDayToAvoid)) return months;
    months += 1;
  }
}
