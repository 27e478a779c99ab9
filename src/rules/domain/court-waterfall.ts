import { isOnOrAfter, parseIsoDate } from "./dates.ts";
import { rulesError } from "./errors.ts";
import { allocateInTiers, isCents } from "./money.ts";

/**
 * Court waterfalls: the order in which an installment on court debt pays the debt's parts. The order
 * is law and it changes (Georgia's fund list differs by assessment date, O.C.G.A. §15-21A-7), so a
 * waterfall holds versions and a payment uses the one in force on the date the debt was assessed.
 */
export interface WaterfallTier {
  readonly name: string;
  /** The categories this tier pays. */
  readonly categories: readonly string[];
  /** `pro_rata` (the default): the tier's debts share by balance; `in_order`: each is paid in full before the next, as listed. */
  readonly split?: "pro_rata" | "in_order";
}

export interface WaterfallVersion {
  /** A name for people (`ca-pc-1203.1d-2018`); the rules do not use it. */
  readonly id?: string;
  /**
   * YYYY-MM-DD: debts assessed on or after this day use this version, until the next one. `null`
   * marks the base version, in force before every dated one — used where the sources do not say when
   * the order took effect.
   */
  readonly effectiveFrom: string | null;
  readonly source: string;
  readonly tiers: readonly WaterfallTier[];
}

export interface CourtWaterfall {
  readonly id: string;
  readonly name: string;
  readonly versions: readonly WaterfallVersion[];
}

/**
 * Checks a waterfall's data and returns it with its versions oldest first: at most one base version,
 * distinct real dates, and no category in two tiers of one version. Throws `invalid_waterfall`.
 */
export function courtWaterfall(definition: CourtWaterfall): CourtWaterfall {
  const invalid = (detail: string, param: string) => rulesError("invalid_waterfall", detail, param);
  if (definition.versions.length === 0) throw invalid("A waterfall has at least one version", "versions");
  const bases = definition.versions.filter((version) => version.effectiveFrom === null);
  if (bases.length > 1) throw invalid("A waterfall has at most one base version", "versions");
  const dates = new Set<string>();
  definition.versions.forEach((version, index) => {
    const at = `versions[${index}]`;
    if (version.effectiveFrom !== null) {
      if (parseIsoDate(version.effectiveFrom) === undefined || dates.has(version.effectiveFrom)) {
        throw invalid("Each version starts on a distinct date written YYYY-MM-DD", `${at}.effective_from`);
      }
      dates.add(version.effectiveFrom);
    }
    const categories = version.tiers.flatMap((tier) => tier.categories);
    if (version.tiers.length === 0 || categories.length === 0 || new Set(categories).size !== categories.length) {
      throw invalid("A version has tiers that name each category once", `${at}.tiers`);
    }
    if (version.tiers.some((tier) => tier.split !== undefined && tier.split !== "pro_rata" && tier.split !== "in_order")) {
      throw invalid("A tier's split is pro_rata or in_order", `${at}.tiers`);
    }
  });
  const versions = [...definition.versions].sort((a, b) =>
    a.effectiveFrom === null ? -1 : b.effectiveFrom === null ? 1 : a.effectiveFrom.localeCompare(b.effectiveFrom),
  );
  return { ...definition, versions };
}

/**
 * California Penal Code §1203.1d(b): an installment pays, in order, (1) victim restitution, (2) the
 * state surcharge, (3) fines, penalty assessments and restitution fines, pro rata, (4) other
 * reimbursable costs — across all of a defendant's court orders. The sources do not give the date
 * this order took effect, so it is the base version; confirm with the court before applying it to
 * old assessments.
 */
export const californiaPenalCode1203_1d: CourtWaterfall = courtWaterfall({
  id: "US-CA-PC-1203.1d",
  name: "California Penal Code §1203.1d(b)",
  versions: [
    {
      effectiveFrom: null,
      source: "Cal. Penal Code §1203.1d(b) (getpocketlaw.com)",
      tiers: [
        { name: "victim restitution", categories: ["victim_restitution"] },
        { name: "state surcharge", categories: ["state_surcharge"] },
        { name: "fines, penalty assessments and restitution fines", categories: ["fine", "penalty_assessment", "restitution_fine"] },
        { name: "other reimbursable costs", categories: ["other_cost"] },
      ],
    },
  ],
});

export const courtWaterfalls: Readonly<Record<string, CourtWaterfall>> = {
  [californiaPenalCode1203_1d.id]: californiaPenalCode1203_1d,
};

/** One debt owed to the court: an id of the caller's, its category in the waterfall, and its balance. */
export interface CourtDebt {
  readonly id: string;
  readonly category: string;
  readonly balanceCents: number;
}

export interface WaterfallInput {
  readonly waterfall: CourtWaterfall;
  /** YYYY-MM-DD, the day the debts were assessed: it chooses the version. */
  readonly assessmentDate: string;
  readonly paymentCents: number;
  readonly debts: readonly CourtDebt[];
}

export interface WaterfallApplication {
  /** The version applied, by its start (null: the base version). */
  readonly effectiveFrom: string | null;
  readonly allocations: readonly {
    readonly id: string;
    readonly category: string;
    readonly tier: string;
    readonly appliedCents: number;
  }[];
  readonly appliedCents: number;
  /** What is left after every debt is paid. */
  readonly unappliedCents: number;
}

export const courtDebtsMax = 1000;

/** The version in force for debts assessed on `assessedOn` (YYYY-MM-DD); undefined before the first, or for a date that is not real. */
export function waterfallVersionOn(waterfall: CourtWaterfall, assessedOn: string): WaterfallVersion | undefined {
  const date = parseIsoDate(assessedOn);
  if (date === undefined) return undefined;
  return [...waterfall.versions].reverse().find((version) => {
    if (version.effectiveFrom === null) return true;
    const from = parseIsoDate(version.effectiveFrom);
    return from !== undefined && isOnOrAfter(date, from);
  });
}

/** Pays a court installment down the waterfall version in force on the assessment date. */
export function applyToWaterfall(input: WaterfallInput): WaterfallApplication {
  const assessmentDate = parseIsoDate(input.assessmentDate);
  if (assessmentDate === undefined) {
    throw rulesError("invalid_payment_input", "The assessment date is a real date written YYYY-MM-DD", "assessment_date");
  }
  if (!isCents(input.paymentCents)) {
    throw rulesError("invalid_payment_input", "The payment is a whole, non-negative number of cents", "payment_cents");
  }
  const version = waterfallVersionOn(input.waterfall, input.assessmentDate);
  if (version === undefined) {
    throw rulesError(
      "no_waterfall_version",
      `${input.waterfall.name} has no version in force on ${input.assessmentDate}`,
      "assessment_date",
    );
  }
  const tierOf = new Map(version.tiers.flatMap((tier, index) => tier.categories.map((category) => [category, index] as const)));
  if (!Array.isArray(input.debts) || input.debts.length > courtDebtsMax) {
    throw rulesError("invalid_payment_input", `The debts are a list of at most ${courtDebtsMax}`, "debts");
  }
  const ids = new Set<string>();
  input.debts.forEach((debt, index) => {
    if (typeof debt?.id !== "string" || debt.id === "" || ids.has(debt.id)) {
      throw rulesError("invalid_payment_input", "Each debt has a distinct, non-empty id", `debts[${index}].id`);
    }
    ids.add(debt.id);
    if (!tierOf.has(debt.category)) {
      throw rulesError(
        "invalid_payment_input",
        `The category ${JSON.stringify(debt.category)} is not in this version of ${input.waterfall.name}`,
        `debts[${index}].category`,
      );
    }
    if (!isCents(debt.balanceCents)) {
      throw rulesError("invalid_payment_input", "A balance is a whole, non-negative number of cents", `debts[${index}].balance_cents`);
    }
  });

  if (!Number.isSafeInteger(input.debts.reduce((sum, debt) => sum + debt.balanceCents, 0))) {
    throw rulesError("invalid_payment_input", "The debts' balances outgrow a safe integer", "debts");
  }

  // An in-order tier pays like a run of one-debt tiers.
  const groups = version.tiers.flatMap((tier, index) => {
    const debts = input.debts.filter((debt) => tierOf.get(debt.category) === index);
    return tier.split === "in_order" ? debts.map((debt) => ({ tier, debts: [debt] })) : [{ tier, debts }];
  });
  const { applied, leftCents } = allocateInTiers(
    input.paymentCents,
    groups.map((group) => group.debts.map((debt) => debt.balanceCents)),
  );
  const allocations = groups.flatMap((group, g) =>
    group.debts.map((debt, d) => ({
      id: debt.id,
      category: debt.category,
      tier: group.tier.name,
      appliedCents: applied[g]?.[d] ?? 0,
    })),
  );
  return {
    effectiveFrom: version.effectiveFrom,
    allocations,
    appliedCents: input.paymentCents - leftCents,
    unappliedCents: leftCents,
  };
}
