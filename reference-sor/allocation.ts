import { type Quote, quote, type RuleSetId } from "../src/rules/index.ts";
import { addDays, type IsoDate } from "./dates.ts";
import { type AssessmentCategory, placeInWaterfall, type TierSplit } from "./waterfalls.ts";

/**
 * The county's money rules, pure: balances as of a date and how a payment is applied. No SQL and
 * no clock: the store loads an account's charges and the lines of its applied payments, calls
 * these functions, and writes what they return.
 *
 * An account's state is its charges (tax bills, court assessments, utility bills, a permit fee)
 * plus the lines of every payment not reversed. Balances are derived from those lines, never
 * stored, so reversing a payment is just leaving its lines out.
 */
export const accountKinds = ["parcel", "court_case", "utility", "permit"] as const;
export type AccountKind = (typeof accountKinds)[number];

export const breakdownComponents = ["tax", "penalty", "interest", "fees", "discount", "principal"] as const;
export type BreakdownComponent = (typeof breakdownComponents)[number];
/** A payment line is one of the breakdown components, or money left over and held as a credit. */
export type LineComponent = BreakdownComponent | "credit";
export type AccrualComponent = "penalty" | "interest" | "fees";

/** One line of a payment's application: how much of it went to which charge and component. */
export interface ChargeLine {
  /** The bill, assessment or permit paid; null for a credit line. */
  readonly chargeId: string | null;
  readonly label: string;
  readonly taxYear: number | null;
  readonly installment: number | null;
  readonly component: LineComponent;
  /** Money applied, in cents; a discount line is negative (tax forgiven, not money received). */
  readonly amountCents: number;
}

/** A line of a payment that stands (not reversed), with the county date it was paid on. */
export interface PostedLine extends ChargeLine {
  readonly paidOn: IsoDate;
}

/**
 * Penalty, interest or fees that became fixed when a payment retired part of a tax bill: P&I
 * accrues only on tax still unpaid, so what had accrued on the retired part stops moving.
 */
export interface Accrual {
  readonly chargeId: string;
  readonly component: AccrualComponent;
  readonly amountCents: number;
}

export interface Allocation {
  readonly lines: readonly ChargeLine[];
  readonly accruals: readonly Accrual[];
}

export interface BreakdownLine {
  readonly label: string;
  readonly taxYear: number | null;
  readonly installment: number | null;
  readonly component: BreakdownComponent;
  readonly amountCents: number;
}

export interface Balance<Status extends string = string> {
  readonly status: Status;
  /** The sum of the breakdown. A credit on the account is reported apart and never netted. */
  readonly amountDueCents: number;
  readonly creditCents: number;
  readonly breakdown: readonly BreakdownLine[];
}

// ─── shared helpers ──────────────────────────────────────────────────────────────────────────

/** `numerator / denominator` rounded half-up, on integers (the rounding every county fee here names). */
export function roundHalfUp(numerator: number, denominator: number): number {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator <= 0 || numerator < 0) {
    throw new RangeError(`roundHalfUp(${numerator}, ${denominator}) needs non-negative safe integers`);
  }
  return Math.floor((2 * numerator + denominator) / (2 * denominator));
}

/** Sums of applied lines by charge and component. */
class LineSums {
  readonly #sums = new Map<string, number>();
  constructor(lines: readonly ChargeLine[]) {
    for (const line of lines) this.add(line.chargeId, line.component, line.amountCents);
  }
  add(chargeId: string | null, component: string, cents: number): void {
    const key = `${chargeId ?? ""}|${component}`;
    this.#sums.set(key, (this.#sums.get(key) ?? 0) + cents);
  }
  get(chargeId: string | null, component: string): number {
    return this.#sums.get(`${chargeId ?? ""}|${component}`) ?? 0;
  }
}

export function creditCents(lines: readonly ChargeLine[]): number {
  return lines.reduce((sum, line) => sum + (line.component === "credit" ? line.amountCents : 0), 0);
}

function creditLine(cents: number): ChargeLine {
  return { chargeId: null, label: "Credit on account", taxYear: null, installment: null, component: "credit", amountCents: cents };
}

/** The lines a state will hold once `allocation` is recorded as paid on `paidOn`. */
export function withAllocation(lines: readonly PostedLine[], allocation: Allocation, paidOn: IsoDate): PostedLine[] {
  return [...lines, ...allocation.lines.map((line) => ({ ...line, paidOn }))];
}

/**
 * Splits `amountCents` across `weights` in proportion, in whole cents: floors first, then the
 * cents left over go to the largest remainders (earlier entries win ties), so the parts always
 * add up to the amount.
 */
export function splitProRata(amountCents: number, weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  if (amountCents < 0 || amountCents > total) throw new RangeError(`Cannot split ${amountCents} over a total of ${total}`);
  if (total === 0) return weights.map(() => 0);
  const amount = BigInt(amountCents);
  const sum = BigInt(total);
  const parts = weights.map((w) => {
    const exact = amount * BigInt(w);
    return { floor: Number(exact / sum), remainder: exact % sum };
  });
  let left = amountCents - parts.reduce((a, p) => a + p.floor, 0);
  const order = parts
    .map((_, i) => i)
    .sort((a, b) => {
      const ra = parts[a]?.remainder ?? 0n;
      const rb = parts[b]?.remainder ?? 0n;
      return ra === rb ? a - b : rb > ra ? 1 : -1;
    });
  const result = parts.map((p) => p.floor);
  for (const i of order) {
    if (left === 0) break;
    result[i] = (result[i] ?? 0) + 1;
    left--;
  }
  return result;
}

// ─── property tax parcels ────────────────────────────────────────────────────────────────────

/**
 * How many installments the county bills a tax year in under each rule set (0: one bill for the
 * year). Texas's split payment (§33.01(b)) is an option the payer elects, not how the bill is
 * issued, so a Texas year is one bill; California, Cook County and Washington bill two halves.
 */
export const installmentsByRuleSet: Readonly<Record<RuleSetId, number>> = { TX: 0, CA: 2, "IL-COOK": 2, FL: 0, WA: 2 };

export interface ParcelBill {
  readonly billId: string;
  readonly taxYear: number;
  /** 0 when the year is billed whole; else 1, 2, … */
  readonly installment: number;
  /** Base tax of this bill: the year's, or this installment's share. */
  readonly taxCents: number;
  /** The bill counts from this date: before it, it is neither owed nor payable. */
  readonly billedOn: IsoDate;
}

export interface ParcelState {
  readonly kind: "parcel";
  readonly ruleSet: RuleSetId;
  readonly propertyClass: "residential" | "nonresidential";
  readonly bills: readonly ParcelBill[];
  readonly lines: readonly PostedLine[];
  readonly accruals: readonly Accrual[];
}

/** What one bill owes on a date, component by component. */
interface BillOwed {
  readonly bill: ParcelBill;
  /** Base tax still unpaid. */
  readonly taxCents: number;
  readonly penaltyCents: number;
  readonly interestCents: number;
  readonly feesCents: number;
  /** Forgiven if the bill is paid in full that day (Florida's early-payment discount); 0 elsewhere. */
  readonly discountCents: number;
  readonly totalCents: number;
}

export interface ParcelBillDue extends BillOwed {
  readonly delinquent: boolean;
  readonly dueDate: IsoDate;
}

const accrualComponents: readonly AccrualComponent[] = ["fees", "interest", "penalty"];

function quoteTax(state: ParcelState, bill: ParcelBill, amountCents: number, asOf: IsoDate): Quote {
  return quote({
    rules: state.ruleSet,
    amountCents,
    taxYear: bill.taxYear,
    ...(bill.installment > 0 ? { installment: bill.installment } : {}),
    propertyClass: state.propertyClass,
    asOf,
  });
}

function accrued(q: Quote | undefined, component: AccrualComponent): number {
  if (!q) return 0;
  const c = q.components;
  return component === "penalty" ? c.penaltyCents : component === "interest" ? c.interestCents : c.feesCents;
}

function byBillOrder(a: ParcelBill, b: ParcelBill): number {
  return a.taxYear - b.taxYear || a.installment - b.installment || a.billId.localeCompare(b.billId);
}

/** Bills issued by `asOf`, oldest first. */
function issuedParcelBills(state: ParcelState, asOf: IsoDate): ParcelBill[] {
  return state.bills.filter((b) => b.billedOn <= asOf).sort(byBillOrder);
}

class ParcelLedger {
  readonly #state: ParcelState;
  readonly #paid: LineSums;
  readonly #accruals: LineSums;
  constructor(state: ParcelState) {
    this.#state = state;
    this.#paid = new LineSums(state.lines);
    this.#accruals = new LineSums(state.accruals.map((a) => ({ ...a, label: "", taxYear: null, installment: null })));
  }

  /**
   * What a bill owes on `asOf`: the tax still unpaid, the P&I the rules put on that unpaid tax
   * that day, plus P&I fixed earlier on tax already paid, less P&I already paid. The rules are
   * asked only while tax is unpaid.
   */
  owed(bill: ParcelBill, asOf: IsoDate): BillOwed & { quoteOfRemaining: Quote | undefined } {
    const taxCents = bill.taxCents - this.#paid.get(bill.billId, "tax");
    const q = taxCents > 0 ? quoteTax(this.#state, bill, taxCents, asOf) : undefined;
    const owedOf = (component: AccrualComponent) =>
      Math.max(0, this.#accruals.get(bill.billId, component) + accrued(q, component) - this.#paid.get(bill.billId, component));
    const penaltyCents = owedOf("penalty");
    const interestCents = owedOf("interest");
    const feesCents = owedOf("fees");
    const discountCents = q ? q.components.discountCents : 0;
    const totalCents = taxCents + penaltyCents + interestCents + feesCents - discountCents;
    return { bill, taxCents, penaltyCents, interestCents, feesCents, discountCents, totalCents, quoteOfRemaining: q };
  }

  /** `owed` with the due date and whether the bill is delinquent, from the rules. */
  due(bill: ParcelBill, asOf: IsoDate): ParcelBillDue {
    const { quoteOfRemaining, ...owed } = this.owed(bill, asOf);
    const meta = quoteOfRemaining ?? quoteTax(this.#state, bill, bill.taxCents, asOf);
    const unpaid = owed.taxCents + owed.penaltyCents + owed.interestCents + owed.feesCents > 0;
    return { ...owed, delinquent: unpaid && meta.delinquent, dueDate: meta.dueDate };
  }
}

/** Every bill issued by `asOf`, oldest first, with what it owes that day. */
export function parcelBillsDue(state: ParcelState, asOf: IsoDate): ParcelBillDue[] {
  const ledger = new ParcelLedger(state);
  return issuedParcelBills(state, asOf).map((bill) => ledger.due(bill, asOf));
}

/** The amount due alone: cheaper than parcelBalance, which also asks the rules for due dates. */
export function parcelAmountDueCents(state: ParcelState, asOf: IsoDate): number {
  const ledger = new ParcelLedger(state);
  return issuedParcelBills(state, asOf).reduce((sum, bill) => sum + ledger.owed(bill, asOf).totalCents, 0);
}

function billLabel(bill: ParcelBill, what: string): string {
  return `${bill.taxYear} ${what}${bill.installment > 0 ? `, installment ${bill.installment}` : ""}`;
}

const parcelComponentLabels = {
  tax: "tax",
  penalty: "penalty",
  interest: "interest",
  fees: "fees and costs",
  discount: "early-payment discount",
} as const;

function parcelLine(bill: ParcelBill, component: keyof typeof parcelComponentLabels, amountCents: number) {
  return {
    chargeId: bill.billId,
    label: billLabel(bill, parcelComponentLabels[component]),
    taxYear: bill.taxYear,
    installment: bill.installment > 0 ? bill.installment : null,
    component,
    amountCents,
  };
}

export type ParcelStatus = "current" | "delinquent" | "paid";
export type CourtStatus = "open" | "paid";
export type UtilityStatus = "current" | "past_due" | "paid" | "disconnected" | "reconnect_eligible";

export function parcelBalance(state: ParcelState, asOf: IsoDate): Balance<ParcelStatus> & { bills: ParcelBillDue[] } {
  const bills = parcelBillsDue(state, asOf);
  const breakdown: BreakdownLine[] = [];
  for (const due of bills) {
    if (due.taxCents > 0) breakdown.push(parcelLine(due.bill, "tax", due.taxCents));
    if (due.penaltyCents > 0) breakdown.push(parcelLine(due.bill, "penalty", due.penaltyCents));
    if (due.interestCents > 0) breakdown.push(parcelLine(due.bill, "interest", due.interestCents));
    if (due.feesCents > 0) breakdown.push(parcelLine(due.bill, "fees", due.feesCents));
    if (due.discountCents > 0) breakdown.push(parcelLine(due.bill, "discount", -due.discountCents));
  }
  const amountDueCents = breakdown.reduce((a, l) => a + l.amountCents, 0);
  const status: ParcelStatus = bills.some((b) => b.delinquent) ? "delinquent" : amountDueCents > 0 ? "current" : "paid";
  return { status, amountDueCents, creditCents: creditCents(state.lines), breakdown, bills };
}

/**
 * Oldest bill first (tax year, then installment); within a bill fees → interest → penalty → tax,
 * with P&I as of the day paid. A bill paid in full gets its discount, if any; a partial payment
 * gets none. When part of the tax is retired, the P&I that had accrued on that part is fixed
 * (see Accrual). Money left when every bill issued by that day is paid is held as a credit.
 */
export function allocateParcelPayment(state: ParcelState, amountCents: number, paidOn: IsoDate): Allocation {
  assertPositiveCents(amountCents);
  const ledger = new ParcelLedger(state);
  const lines: ChargeLine[] = [];
  const accruals: Accrual[] = [];
  let left = amountCents;
  for (const bill of issuedParcelBills(state, paidOn)) {
    if (left === 0) break;
    const owed = ledger.owed(bill, paidOn);
    if (owed.taxCents + owed.penaltyCents + owed.interestCents + owed.feesCents === 0) continue;
    const take = (component: "fees" | "interest" | "penalty", cents: number) => {
      const applied = Math.min(left, cents);
      if (applied > 0) lines.push(parcelLine(bill, component, applied));
      left -= applied;
    };
    const full = left >= owed.totalCents;
    take("fees", owed.feesCents);
    take("interest", owed.interestCents);
    take("penalty", owed.penaltyCents);
    // Paid in full: the whole tax, less its discount. Partly paid: what is left, and no discount.
    const taxCents = full ? owed.taxCents : Math.min(left, owed.taxCents);
    if (taxCents > 0) lines.push(parcelLine(bill, "tax", taxCents));
    if (full && owed.discountCents > 0) lines.push(parcelLine(bill, "discount", -owed.discountCents));
    left -= full ? owed.taxCents - owed.discountCents : taxCents;
    if (taxCents > 0) {
      const after = taxCents < owed.taxCents ? quoteTax(state, bill, owed.taxCents - taxCents, paidOn) : undefined;
      for (const component of accrualComponents) {
        const cents = Math.max(0, accrued(owed.quoteOfRemaining, component) - accrued(after, component));
        if (cents > 0) accruals.push({ chargeId: bill.billId, component, amountCents: cents });
      }
    }
  }
  if (left > 0) lines.push(creditLine(left));
  return { lines, accruals };
}

// ─── court cases ─────────────────────────────────────────────────────────────────────────────

export interface CourtAssessment {
  readonly assessmentId: string;
  readonly category: AssessmentCategory;
  readonly description: string;
  readonly assessedOn: IsoDate;
  readonly amountCents: number;
}

export interface CourtState {
  readonly kind: "court_case";
  readonly assessments: readonly CourtAssessment[];
  readonly lines: readonly PostedLine[];
}

export interface AssessmentBalance {
  readonly assessment: CourtAssessment;
  readonly paidCents: number;
  readonly balanceCents: number;
  readonly waterfallVersion: string;
  readonly rank: number;
  readonly split: TierSplit;
}

const courtComponents: Readonly<Record<AssessmentCategory, BreakdownComponent>> = {
  restitution: "principal",
  fine: "principal",
  state_surcharge: "fees",
  penalty_assessment: "penalty",
  cost: "fees",
};

function byAssessmentOrder(a: CourtAssessment, b: CourtAssessment): number {
  return a.assessedOn.localeCompare(b.assessedOn) || a.assessmentId.localeCompare(b.assessmentId);
}

export function courtAssessmentBalances(state: CourtState): AssessmentBalance[] {
  const sums = new LineSums(state.lines);
  return [...state.assessments].sort(byAssessmentOrder).map((assessment) => {
    const paidCents = sums.get(assessment.assessmentId, courtComponents[assessment.category]);
    const place = placeInWaterfall(assessment.category, assessment.assessedOn);
    return {
      assessment,
      paidCents,
      balanceCents: assessment.amountCents - paidCents,
      waterfallVersion: place.version,
      rank: place.rank,
      split: place.split,
    };
  });
}

function assessmentLine(assessment: CourtAssessment, amountCents: number) {
  return {
    chargeId: assessment.assessmentId,
    label: assessment.description,
    taxYear: null,
    installment: null,
    component: courtComponents[assessment.category],
    amountCents,
  };
}

export function courtBalance(state: CourtState): Balance<CourtStatus> & { assessments: AssessmentBalance[] } {
  const assessments = courtAssessmentBalances(state);
  const breakdown = assessments.filter((a) => a.balanceCents > 0).map((a) => assessmentLine(a.assessment, a.balanceCents));
  const amountDueCents = breakdown.reduce((a, l) => a + l.amountCents, 0);
  return { status: amountDueCents > 0 ? "open" : "paid", amountDueCents, creditCents: creditCents(state.lines), breakdown, assessments };
}

/**
 * Tier by tier across every assessment of the case, each assessment placed by the waterfall in
 * force on its assessment date. A tier the payment cannot cover is split pro rata by balance when
 * all its assessments say pro rata, else paid oldest assessment first.
 */
export function allocateCourtPayment(state: CourtState, amountCents: number): Allocation {
  assertPositiveCents(amountCents);
  const open = courtAssessmentBalances(state).filter((a) => a.balanceCents > 0);
  const ranks = [...new Set(open.map((a) => a.rank))].sort((a, b) => a - b);
  const lines: ChargeLine[] = [];
  let left = amountCents;
  for (const rank of ranks) {
    if (left === 0) break;
    const tier = open.filter((a) => a.rank === rank);
    const tierCents = tier.reduce((sum, a) => sum + a.balanceCents, 0);
    let parts: number[];
    if (left >= tierCents) parts = tier.map((a) => a.balanceCents);
    else if (tier.every((a) => a.split === "pro_rata")) {
      parts = splitProRata(
        left,
        tier.map((a) => a.balanceCents),
      );
    } else {
      let rest = left;
      parts = tier.map((a) => {
        const cents = Math.min(rest, a.balanceCents);
        rest -= cents;
        return cents;
      });
    }
    tier.forEach((a, i) => {
      const cents = parts[i] ?? 0;
      if (cents > 0) lines.push(assessmentLine(a.assessment, cents));
      left -= cents;
    });
  }
  if (left > 0) lines.push(creditLine(left));
  return { lines, accruals: [] };
}

// ─── utility accounts ────────────────────────────────────────────────────────────────────────

export interface UtilityBill {
  readonly billId: string;
  readonly description: string;
  readonly billDate: IsoDate;
  readonly dueDate: IsoDate;
  readonly amountCents: number;
  readonly lateFeeApplies: boolean;
}

export interface UtilityState {
  readonly kind: "utility";
  readonly bills: readonly UtilityBill[];
  readonly lines: readonly PostedLine[];
  readonly serviceStatus: "active" | "disconnected";
  readonly reconnectEligible: boolean;
}

/** A bill paid within this many days after its due date is not charged a late fee. */
export const lateFeeGraceDays = 10;

/** The late fee on an unpaid amount: 10% of the first $3.00 plus 3% of the excess, rounded half-up. */
export function lateFeeCents(unpaidCents: number): number {
  if (unpaidCents <= 0) return 0;
  const first = Math.min(unpaidCents, 300);
  const excess = unpaidCents - first;
  return roundHalfUp(first * 10 + excess * 3, 100);
}

/** The first day a bill unpaid at the end of the grace period owes its late fee. */
export function lateFeeDate(bill: UtilityBill): IsoDate {
  return addDays(bill.dueDate, lateFeeGraceDays + 1);
}

export interface UtilityBillDue {
  readonly bill: UtilityBill;
  readonly principalPaidCents: number;
  readonly principalDueCents: number;
  readonly lateFeeCents: number;
  readonly feesDueCents: number;
}

function byUtilityBillOrder(a: UtilityBill, b: UtilityBill): number {
  return a.dueDate.localeCompare(b.dueDate) || a.billDate.localeCompare(b.billDate) || a.billId.localeCompare(b.billId);
}

/** Every bill issued by `asOf` (its bill date), oldest first, with what it owes that day. */
export function utilityBillsDue(state: UtilityState, asOf: IsoDate): UtilityBillDue[] {
  const sums = new LineSums(state.lines);
  const issued = state.bills.filter((b) => b.billDate <= asOf).sort(byUtilityBillOrder);
  return issued.map((bill) => {
    const principalPaidCents = sums.get(bill.billId, "principal");
    const feeDate = lateFeeDate(bill);
    let fee = 0;
    if (bill.lateFeeApplies && asOf >= feeDate) {
      const paidInTime = state.lines
        .filter((l) => l.chargeId === bill.billId && l.component === "principal" && l.paidOn < feeDate)
        .reduce((a, l) => a + l.amountCents, 0);
      fee = lateFeeCents(bill.amountCents - paidInTime);
    }
    return {
      bill,
      principalPaidCents,
      principalDueCents: bill.amountCents - principalPaidCents,
      lateFeeCents: fee,
      feesDueCents: Math.max(0, fee - sums.get(bill.billId, "fees")),
    };
  });
}

export function utilityBalance(state: UtilityState, asOf: IsoDate): Balance<UtilityStatus> & { bills: UtilityBillDue[] } {
  const bills = utilityBillsDue(state, asOf);
  const breakdown: BreakdownLine[] = [];
  for (const due of bills) {
    if (due.principalDueCents > 0) breakdown.push(utilityLine(due.bill, "principal", due.principalDueCents));
    if (due.feesDueCents > 0) breakdown.push(utilityLine(due.bill, "fees", due.feesDueCents));
  }
  const amountDueCents = breakdown.reduce((a, l) => a + l.amountCents, 0);
  const pastDue = bills.some((b) => b.principalDueCents + b.feesDueCents > 0 && b.bill.dueDate < asOf);
  const status: UtilityStatus =
    state.serviceStatus === "disconnected"
      ? state.reconnectEligible
        ? "reconnect_eligible"
        : "disconnected"
      : pastDue
        ? "past_due"
        : amountDueCents > 0
          ? "current"
          : "paid";
  return { status, amountDueCents, creditCents: creditCents(state.lines), breakdown, bills };
}

function utilityLine(bill: UtilityBill, component: "principal" | "fees", amountCents: number) {
  return {
    chargeId: bill.billId,
    label: component === "fees" ? `Late fee: ${bill.description}` : bill.description,
    taxYear: null,
    installment: null,
    component,
    amountCents,
  };
}

/** Oldest bill first; within a bill its late fee, then the bill itself. */
export function allocateUtilityPayment(state: UtilityState, amountCents: number, paidOn: IsoDate): Allocation {
  assertPositiveCents(amountCents);
  const lines: ChargeLine[] = [];
  let left = amountCents;
  for (const due of utilityBillsDue(state, paidOn)) {
    for (const [component, owed] of [
      ["fees", due.feesDueCents],
      ["principal", due.principalDueCents],
    ] as const) {
      const cents = Math.min(left, owed);
      if (cents > 0) lines.push(utilityLine(due.bill, component, cents));
      left -= cents;
    }
  }
  if (left > 0) lines.push(creditLine(left));
  return { lines, accruals: [] };
}

/**
 * A disconnected account may be reconnected once the payments made since the disconnection (and
 * still standing) add up to the disconnect amount: arrears, their late fees and the turn-off fee.
 */
export function reconnectCovered(
  disconnection: { disconnectedOn: IsoDate; disconnectAmountCents: number },
  payments: readonly { amountCents: number; paidOn: IsoDate }[],
): boolean {
  const since = payments.filter((p) => p.paidOn >= disconnection.disconnectedOn).reduce((a, p) => a + p.amountCents, 0);
  return since >= disconnection.disconnectAmountCents;
}

// ─── permits ─────────────────────────────────────────────────────────────────────────────────

export interface PermitState {
  readonly kind: "permit";
  readonly ref: string;
  readonly permitType: string;
  readonly feeCents: number;
  readonly status: "pending_payment" | "issued";
  readonly lines: readonly PostedLine[];
}

function permitFeeLabel(state: PermitState): string {
  return `${state.permitType[0]?.toUpperCase() ?? ""}${state.permitType.slice(1)} permit fee`;
}

export function permitBalance(state: PermitState): Balance<PermitState["status"]> & { paidCents: number } {
  const paidCents = new LineSums(state.lines).get(state.ref, "fees");
  const dueCents = state.feeCents - paidCents;
  const breakdown: BreakdownLine[] =
    dueCents > 0 ? [{ label: permitFeeLabel(state), taxYear: null, installment: null, component: "fees", amountCents: dueCents }] : [];
  return { status: state.status, amountDueCents: Math.max(0, dueCents), creditCents: creditCents(state.lines), breakdown, paidCents };
}

/** The fee first; a permit is issued once its fee is paid in full. */
export function allocatePermitPayment(state: PermitState, amountCents: number): Allocation {
  assertPositiveCents(amountCents);
  const { amountDueCents } = permitBalance(state);
  const cents = Math.min(amountCents, amountDueCents);
  const lines: ChargeLine[] = [];
  if (cents > 0) {
    lines.push({
      chargeId: state.ref,
      label: permitFeeLabel(state),
      taxYear: null,
      installment: null,
      component: "fees",
      amountCents: cents,
    });
  }
  if (amountCents > cents) lines.push(creditLine(amountCents - cents));
  return { lines, accruals: [] };
}

// ─── any kind ────────────────────────────────────────────────────────────────────────────────

export type AccountState = ParcelState | CourtState | UtilityState | PermitState;

export function balanceOf(state: AccountState, asOf: IsoDate): Balance {
  switch (state.kind) {
    case "parcel":
      return parcelBalance(state, asOf);
    case "court_case":
      return courtBalance(state);
    case "utility":
      return utilityBalance(state, asOf);
    case "permit":
      return permitBalance(state);
  }
}

/** What the account owes on `asOf`, without the rest of its balance (cheaper for parcels). */
export function amountDueOf(state: AccountState, asOf: IsoDate): number {
  return state.kind === "parcel" ? parcelAmountDueCents(state, asOf) : balanceOf(state, asOf).amountDueCents;
}

export function allocatePayment(state: AccountState, amountCents: number, paidOn: IsoDate): Allocation {
  switch (state.kind) {
    case "parcel":
      return allocateParcelPayment(state, amountCents, paidOn);
    case "court_case":
      return allocateCourtPayment(state, amountCents);
    case "utility":
      return allocateUtilityPayment(state, amountCents, paidOn);
    case "permit":
      return allocatePermitPayment(state, amountCents);
  }
}

/** The same state with `allocation` recorded as paid on `paidOn`. */
export function stateAfter<S extends AccountState>(state: S, allocation: Allocation, paidOn: IsoDate): S {
  const lines = withAllocation(state.lines, allocation, paidOn);
  if (state.kind === "parcel") return { ...state, lines, accruals: [...state.accruals, ...allocation.accruals] };
  return { ...state, lines };
}

function assertPositiveCents(amountCents: number): void {
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0)
    throw new RangeError(`A payment must be positive whole cents, got ${amountCents}`);
}
