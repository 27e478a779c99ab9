import {
  allocateInTiers,
  applicationOrders,
  applyPayment,
  type Charge,
  type ChargeBalances,
  defaultUtilityLateFee,
  type Quote,
  quote,
  type RuleSetId,
  utilityLateFeeCents,
  type YearApplication,
} from "../src/rules/index.ts";
import { addDays, type IsoDate } from "./dates.ts";
import { type AssessmentCategory, placeInWaterfall, type TierSplit } from "./waterfalls.ts";

/**
 * The county's accounts, pure: balances as of a date and how a payment is applied. No SQL and
 * no clock: the store loads an account's charges and the lines of its applied payments, calls
 * these functions, and writes what they return. The money rules themselves (P&I, the order of
 * application, tiered and pro-rata splits, the utility late fee) are the rules engine's, from
 * src/rules; what is here is the county's: its charges, bill dates, credits and lines.
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

/** The lines, and what is left of the payment as a credit. */
function withCredit(lines: ChargeLine[], leftCents: number): ChargeLine[] {
  return leftCents > 0 ? [...lines, creditLine(leftCents)] : lines;
}

/** A charge a payment can go to: its balance, and the line that pays `cents` of it. */
interface Payable {
  readonly balanceCents: number;
  readonly line: (cents: number) => ChargeLine;
}

/**
 * Pays `amountCents` down tiers of charges with the rules' `allocateInTiers`: each tier in full
 * before the next, one it cannot cover shared pro rata by balance (largest remainder, earlier
 * charges first on a tie). A one-charge tier is paid as far as the money goes. The rest is a credit.
 */
function payInTiers(amountCents: number, tiers: readonly (readonly Payable[])[]): Allocation {
  assertPositiveCents(amountCents);
  const { applied, leftCents } = allocateInTiers(
    amountCents,
    tiers.map((tier) => tier.map((charge) => charge.balanceCents)),
  );
  const lines = tiers.flatMap((tier, t) =>
    tier.flatMap((charge, i) => {
      const cents = applied[t]?.[i] ?? 0;
      return cents > 0 ? [charge.line(cents)] : [];
    }),
  );
  return { lines: withCredit(lines, leftCents), accruals: [] };
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
  return q ? q.components[`${component}Cents` as const] : 0;
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

/** A bill's lines: one per charge with cents, in `order`, then its discount (negative) if any. */
function parcelLines(bill: ParcelBill, cents: ChargeBalances & { readonly discountCents: number }, order: readonly Charge[]) {
  const lines = order.flatMap((charge) => {
    const amountCents = cents[`${charge}Cents` as const];
    return amountCents > 0 ? [parcelLine(bill, charge, amountCents)] : [];
  });
  return cents.discountCents > 0 ? [...lines, parcelLine(bill, "discount", -cents.discountCents)] : lines;
}

export type ParcelStatus = "current" | "delinquent" | "paid";
export type CourtStatus = "open" | "paid";
export type UtilityStatus = "current" | "past_due" | "paid" | "disconnected" | "reconnect_eligible";

export function parcelBalance(state: ParcelState, asOf: IsoDate): Balance<ParcelStatus> & { bills: ParcelBillDue[] } {
  const bills = parcelBillsDue(state, asOf);
  const breakdown = bills.flatMap((due) => parcelLines(due.bill, due, ["tax", "penalty", "interest", "fees"]));
  const amountDueCents = breakdown.reduce((a, l) => a + l.amountCents, 0);
  const status: ParcelStatus = bills.some((b) => b.delinquent) ? "delinquent" : amountDueCents > 0 ? "current" : "paid";
  return { status, amountDueCents, creditCents: creditCents(state.lines), breakdown, bills };
}

/** Within a bill (rules: Kenai Peninsula Borough §5.12.295, San Francisco): fees, interest, penalty, tax. */
const parcelOrder = applicationOrders.feesInterestPenaltyTax;

/** What a payment smaller than what a bill owes pays of each of its charges. */
function partOf(bill: ParcelBill, owed: ChargeBalances, paymentCents: number): ChargeBalances {
  const { years } = applyPayment({ paymentCents, years: [{ taxYear: bill.taxYear, components: owed }], order: parcelOrder });
  return (years[0] as YearApplication).applied;
}

/**
 * Oldest bill first (tax year, then installment); within a bill the rules' order, with P&I as of
 * the day paid. A bill paid in full gets its discount, if any; a partial payment gets none. When
 * part of the tax is retired, the P&I that had accrued on that part is fixed (see Accrual). Money
 * left when every bill issued by that day is paid is held as a credit.
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
    // Paid in full: every charge, less the discount. Partly paid: the rules' order, and no discount.
    const full = left >= owed.totalCents;
    const paid = full ? owed : { ...partOf(bill, owed, left), discountCents: 0 };
    lines.push(...parcelLines(bill, paid, parcelOrder.tiers.flat()));
    left = full ? left - owed.totalCents : 0;
    if (paid.taxCents > 0) {
      const after = paid.taxCents < owed.taxCents ? quoteTax(state, bill, owed.taxCents - paid.taxCents, paidOn) : undefined;
      for (const component of accrualComponents) {
        const cents = Math.max(0, accrued(owed.quoteOfRemaining, component) - accrued(after, component));
        if (cents > 0) accruals.push({ chargeId: bill.billId, component, amountCents: cents });
      }
    }
  }
  return { lines: withCredit(lines, left), accruals };
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
 * force on its assessment date (tiers of equal rank are paid together, whatever their version). A
 * tier the payment cannot cover is split pro rata by balance when all its assessments say pro
 * rata, else paid oldest assessment first.
 */
export function allocateCourtPayment(state: CourtState, amountCents: number): Allocation {
  const open = courtAssessmentBalances(state).filter((a) => a.balanceCents > 0);
  const ranks = [...new Set(open.map((a) => a.rank))].sort((a, b) => a - b);
  const tiers = ranks.flatMap((rank) => {
    const tier = open.filter((a) => a.rank === rank);
    const payables = tier.map((a) => ({ balanceCents: a.balanceCents, line: (cents: number) => assessmentLine(a.assessment, cents) }));
    return tier.every((a) => a.split === "pro_rata") ? [payables] : payables.map((payable) => [payable]);
  });
  return payInTiers(amountCents, tiers);
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

/**
 * Every bill issued by `asOf` (its bill date), oldest first, with what it owes that day. The late
 * fee is the rules' default utility late fee, on what was still unpaid when the grace period ended.
 */
export function utilityBillsDue(state: UtilityState, asOf: IsoDate): UtilityBillDue[] {
  const sums = new LineSums(state.lines);
  const issued = state.bills.filter((b) => b.billDate <= asOf).sort(byUtilityBillOrder);
  return issued.map((bill) => {
    const principalPaidCents = sums.get(bill.billId, "principal");
    const graceEnds = addDays(bill.dueDate, defaultUtilityLateFee.graceDays);
    const paidInTime = new LineSums(state.lines.filter((l) => l.paidOn <= graceEnds)).get(bill.billId, "principal");
    const fee = bill.lateFeeApplies ? utilityLateFeeCents(bill.amountCents - paidInTime, bill.dueDate, asOf) : 0;
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
  const tiers = utilityBillsDue(state, paidOn).flatMap((due) => [
    [{ balanceCents: due.feesDueCents, line: (cents: number) => utilityLine(due.bill, "fees", cents) }],
    [{ balanceCents: due.principalDueCents, line: (cents: number) => utilityLine(due.bill, "principal", cents) }],
  ]);
  return payInTiers(amountCents, tiers);
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

function permitFeeLine(state: PermitState, amountCents: number) {
  const label = `${state.permitType[0]?.toUpperCase() ?? ""}${state.permitType.slice(1)} permit fee`;
  return { chargeId: state.ref, label, taxYear: null, installment: null, component: "fees" as const, amountCents };
}

export function permitBalance(state: PermitState): Balance<PermitState["status"]> & { paidCents: number } {
  const paidCents = new LineSums(state.lines).get(state.ref, "fees");
  const dueCents = state.feeCents - paidCents;
  const breakdown = dueCents > 0 ? [permitFeeLine(state, dueCents)] : [];
  return { status: state.status, amountDueCents: Math.max(0, dueCents), creditCents: creditCents(state.lines), breakdown, paidCents };
}

/** The fee first; a permit is issued once its fee is paid in full. */
export function allocatePermitPayment(state: PermitState, amountCents: number): Allocation {
  const owed = { balanceCents: permitBalance(state).amountDueCents, line: (cents: number) => permitFeeLine(state, cents) };
  return payInTiers(amountCents, [[owed]]);
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
