import { rulesError } from "./errors.ts";
import { allocateInTiers, divideRounded, isCents, isRatio, prorate, type Ratio, type Rounding, roundings } from "./money.ts";

/**
 * Applying a payment to what a parcel owes, as data: which year first, which charge first within a
 * year, how a year's payment splits across taxing units. Amounts are whole cents; every split is
 * exact (largest remainder), so parts always sum to the whole.
 */
export type Charge = "fees" | "interest" | "penalty" | "tax";
export const charges: readonly Charge[] = ["fees", "interest", "penalty", "tax"];

/** What is owed on one tax year. A quote's components fit here (its discount is not a balance). */
export interface ChargeBalances {
  readonly feesCents: number;
  readonly interestCents: number;
  readonly penaltyCents: number;
  readonly taxCents: number;
}

const centsOf = { fees: "feesCents", interest: "interestCents", penalty: "penaltyCents", tax: "taxCents" } as const satisfies Record<
  Charge,
  keyof ChargeBalances
>;

/** A taxing unit's tax on the bill (county, school district, city…): the weight of its pro-rata share. */
export interface TaxingUnitShare {
  readonly unitId: string;
  readonly taxCents: number;
}

export interface YearBalance {
  readonly taxYear: number;
  readonly components: ChargeBalances;
  /** Texas §31.07(c): a partial payment is split pro rata across the taxing units on the bill. */
  readonly taxingUnits?: readonly TaxingUnitShare[];
}

/** `oldest_first` (the default) pays the earliest tax year first; `as_listed` follows a taxpayer's choice. */
export type YearOrder = "oldest_first" | "as_listed";

export type ApplicationOrder =
  | {
      /** Each tier is paid in full before the next; the charges in one tier share pro rata by balance. */
      readonly method: "in_order";
      readonly tiers: readonly (readonly Charge[])[];
      readonly years?: YearOrder;
    }
  | {
      /**
       * The gross-up method: a partial payment X on a year pays principal X ÷ (1 + rate) and the rest
       * to the charges that accrue on the tax, pro rata by balance. `rate` is the year's P&I rate
       * (Wisconsin §74.49: months × monthly rate); without it, the year's own (fees + interest +
       * penalty) ÷ tax, which is the same split when the charges were figured on that tax.
       */
      readonly method: "gross_up";
      readonly rate?: Ratio;
      /** How the principal is rounded; default `half_up`. */
      readonly rounding?: Rounding;
      readonly years?: YearOrder;
    };

/** Orders we found in county codes. */
export const applicationOrders = {
  /** Kenai Peninsula Borough §5.12.295; San Francisco and Modesto within a year (costs, interest, penalties, tax). */
  feesInterestPenaltyTax: { method: "in_order", tiers: [["fees"], ["interest"], ["penalty"], ["tax"]] },
  /** Shelby County, Tennessee trustee: costs, then interest and penalty together, then tax. */
  feesThenInterestAndPenaltyThenTax: { method: "in_order", tiers: [["fees"], ["interest", "penalty"], ["tax"]] },
  /** California §4143: penalties, interest and costs before tax (among themselves pro rata). */
  chargesThenTax: { method: "in_order", tiers: [["fees", "interest", "penalty"], ["tax"]] },
  /** Houston §44-16: each payment is the tax paid plus the P&I due on that part. */
  grossUp: { method: "gross_up", rounding: "half_up" },
} as const satisfies Record<string, ApplicationOrder>;

export interface PaymentInput {
  readonly paymentCents: number;
  readonly years: readonly YearBalance[];
  readonly order: ApplicationOrder;
}

export interface UnitApplication {
  readonly unitId: string;
  readonly applied: ChargeBalances;
}

export interface YearApplication {
  readonly taxYear: number;
  readonly applied: ChargeBalances;
  readonly remaining: ChargeBalances;
  readonly paidInFull: boolean;
  /** Each charge's applied cents split across the taxing units; empty when the year names none. */
  readonly units: readonly UnitApplication[];
}

export interface PaymentApplication {
  readonly paymentCents: number;
  readonly appliedCents: number;
  /** The overpayment: what is left after every year is paid in full. */
  readonly unappliedCents: number;
  /** In the order the payment reached them. */
  readonly years: readonly YearApplication[];
}

export const yearsMax = 100;
export const taxingUnitsMax = 100;

/** Applies one payment across a parcel's open years. Throws `invalid_payment_input` naming the field. */
export function applyPayment(input: PaymentInput): PaymentApplication {
  validatePayment(input);
  const { order } = input;
  const years = order.years === "as_listed" ? [...input.years] : [...input.years].sort((a, b) => a.taxYear - b.taxYear);
  let leftCents = input.paymentCents;
  const applications = years.map((year): YearApplication => {
    const owedCents = totalOf(year.components);
    const applied =
      leftCents >= owedCents
        ? year.components
        : order.method === "in_order"
          ? inTiers(leftCents, year.components, order.tiers)
          : grossedUp(leftCents, year.components, order.rate, order.rounding ?? "half_up");
    leftCents -= totalOf(applied);
    const remaining = balancesFrom((charge) => year.components[centsOf[charge]] - applied[centsOf[charge]]);
    return {
      taxYear: year.taxYear,
      applied: pickBalances(applied),
      remaining,
      paidInFull: totalOf(remaining) === 0,
      units: splitAcrossUnits(applied, year.taxingUnits ?? []),
    };
  });
  return {
    paymentCents: input.paymentCents,
    appliedCents: input.paymentCents - leftCents,
    unappliedCents: leftCents,
    years: applications,
  };
}

function inTiers(paymentCents: number, balances: ChargeBalances, tiers: readonly (readonly Charge[])[]): ChargeBalances {
  const { applied } = allocateInTiers(
    paymentCents,
    tiers.map((tier) => tier.map((charge) => balances[centsOf[charge]])),
  );
  const byCharge = new Map<Charge, number>();
  tiers.forEach((tier, t) => {
    tier.forEach((charge, c) => {
      byCharge.set(charge, applied[t]?.[c] ?? 0);
    });
  });
  return balancesFrom((charge) => byCharge.get(charge) ?? 0);
}

/** A partial payment (less than the year owes) split by the gross-up method. */
function grossedUp(paymentCents: number, balances: ChargeBalances, rate: Ratio | undefined, rounding: Rounding): ChargeBalances {
  const taxCents = balances.taxCents;
  const othersCents = totalOf(balances) - taxCents;
  const exactPrincipal =
    rate === undefined
      ? divideRounded(BigInt(paymentCents) * BigInt(taxCents), BigInt(taxCents + othersCents), rounding)
      : divideRounded(BigInt(paymentCents) * BigInt(rate.denominator), BigInt(rate.denominator) + BigInt(rate.numerator), rounding);
  // A stated rate can disagree with the balances; the principal never exceeds the tax, and the rest
  // never exceeds the other charges.
  const principalCents = Math.min(Math.max(Number(exactPrincipal), paymentCents - othersCents, 0), taxCents, paymentCents);
  const others: readonly Charge[] = ["fees", "interest", "penalty"];
  const parts = prorate(
    paymentCents - principalCents,
    others.map((charge) => balances[centsOf[charge]]),
  );
  return balancesFrom((charge) => (charge === "tax" ? principalCents : (parts[others.indexOf(charge)] as number)));
}

function splitAcrossUnits(applied: ChargeBalances, units: readonly TaxingUnitShare[]): UnitApplication[] {
  if (units.length === 0) return [];
  const weights = units.map((unit) => unit.taxCents);
  const split = new Map<Charge, number[]>(charges.map((charge) => [charge, prorate(applied[centsOf[charge]], weights)]));
  return units.map((unit, index) => ({
    unitId: unit.unitId,
    applied: balancesFrom((charge) => split.get(charge)?.[index] ?? 0),
  }));
}

function balancesFrom(centsFor: (charge: Charge) => number): ChargeBalances {
  return {
    feesCents: centsFor("fees"),
    interestCents: centsFor("interest"),
    penaltyCents: centsFor("penalty"),
    taxCents: centsFor("tax"),
  };
}

function pickBalances(balances: ChargeBalances): ChargeBalances {
  return balancesFrom((charge) => balances[centsOf[charge]]);
}

export function totalOf(balances: ChargeBalances): number {
  return balances.feesCents + balances.interestCents + balances.penaltyCents + balances.taxCents;
}

function validatePayment(input: PaymentInput): void {
  if (typeof input !== "object" || input === null) throw invalid("Applying a payment needs an object", "payment_cents");
  if (!isCents(input.paymentCents)) throw invalid("The payment is a whole, non-negative number of cents", "payment_cents");
  if (!Array.isArray(input.years) || input.years.length > yearsMax) {
    throw invalid(`The years are a list of at most ${yearsMax}`, "years");
  }
  const seen = new Set<number>();
  input.years.forEach((year, index) => {
    const at = `years[${index}]`;
    if (!Number.isSafeInteger(year?.taxYear) || seen.has(year.taxYear)) {
      throw invalid("Each year has a whole tax year, listed once", `${at}.tax_year`);
    }
    seen.add(year.taxYear);
    for (const charge of charges) {
      if (!isCents(year.components?.[centsOf[charge]])) {
        throw invalid(`Each balance is a whole, non-negative number of cents`, `${at}.components.${charge}_cents`);
      }
    }
    if (!Number.isSafeInteger(totalOf(year.components))) throw invalid("A year's balances outgrow a safe integer", `${at}.components`);
    const units: readonly TaxingUnitShare[] | undefined = year.taxingUnits;
    if (units === undefined) return;
    const wellFormed =
      Array.isArray(units) &&
      units.length > 0 &&
      units.length <= taxingUnitsMax &&
      units.every((unit: TaxingUnitShare) => typeof unit?.unitId === "string" && unit.unitId !== "" && isCents(unit.taxCents)) &&
      new Set(units.map((unit: TaxingUnitShare) => unit.unitId)).size === units.length &&
      units.some((unit: TaxingUnitShare) => unit.taxCents > 0);
    if (!wellFormed) {
      throw invalid(
        `Taxing units are 1 to ${taxingUnitsMax} distinct ids, each with whole cents of tax, not all zero`,
        `${at}.taxing_units`,
      );
    }
  });
  validateOrder(input.order);
}

function validateOrder(order: ApplicationOrder): void {
  if (order?.years !== undefined && order.years !== "oldest_first" && order.years !== "as_listed") {
    throw invalid("The year order is oldest_first or as_listed", "order.years");
  }
  if (order?.method === "in_order") {
    const listed = Array.isArray(order.tiers) ? order.tiers.flat() : [];
    const everyChargeOnce = listed.length === charges.length && charges.every((charge) => listed.includes(charge));
    if (!everyChargeOnce) throw invalid(`The tiers name each of ${charges.join(", ")} exactly once`, "order.tiers");
    return;
  }
  if (order?.method === "gross_up") {
    if (order.rate !== undefined && !isRatio(order.rate)) {
      throw invalid("The gross-up rate is a ratio of whole numbers, not negative, over a positive denominator", "order.rate");
    }
    if (order.rounding !== undefined && !roundings.includes(order.rounding)) {
      throw invalid(`The rounding is one of ${roundings.join(", ")}`, "order.rounding");
    }
    return;
  }
  throw invalid("The order's method is in_order or gross_up", "order.method");
}

function invalid(detail: string, param: string) {
  return rulesError("invalid_payment_input", detail, param);
}
