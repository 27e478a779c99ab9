import type { IsoDate } from "./dates.ts";

/**
 * Court payment waterfalls as data. A partial payment on a case is applied tier by tier; inside
 * a tier either pro rata (by balance) or in order (oldest assessment first). Which waterfall an
 * assessment follows is chosen by its assessment date, because the order of payment is the one
 * in force when the court imposed the amount (Georgia's §15-21A-7 lists differ by assessment
 * date the same way; see /work/shared/domain/government-rules.md §2).
 */
export const assessmentCategories = ["restitution", "state_surcharge", "fine", "penalty_assessment", "cost"] as const;
export type AssessmentCategory = (typeof assessmentCategories)[number];

export type TierSplit = "pro_rata" | "in_order";

export interface WaterfallTier {
  readonly categories: readonly AssessmentCategory[];
  readonly split: TierSplit;
}

export interface Waterfall {
  readonly version: string;
  /** Assessments dated on or after this date (and before the next version's) follow this waterfall. */
  readonly effectiveFrom: IsoDate;
  readonly source: string;
  readonly tiers: readonly WaterfallTier[];
}

/** Oldest first. A test keeps every category in exactly one tier of every version. */
export const courtWaterfalls: readonly Waterfall[] = [
  {
    version: "demo-county-2009",
    effectiveFrom: "0001-01-01",
    source:
      "Demo County's older local rule (fictional, kept to exercise versioning): costs share the pro-rata tier with fines and penalty assessments.",
    tiers: [
      { categories: ["restitution"], split: "in_order" },
      { categories: ["state_surcharge"], split: "in_order" },
      { categories: ["fine", "penalty_assessment", "cost"], split: "pro_rata" },
    ],
  },
  {
    version: "ca-pc-1203.1d-2018",
    effectiveFrom: "2018-01-01",
    source:
      "California Penal Code §1203.1d(b): (1) victim restitution, (2) state surcharge, (3) fines, penalty assessments and restitution fines pro rata, (4) other costs.",
    tiers: [
      { categories: ["restitution"], split: "in_order" },
      { categories: ["state_surcharge"], split: "in_order" },
      { categories: ["fine", "penalty_assessment"], split: "pro_rata" },
      { categories: ["cost"], split: "in_order" },
    ],
  },
];

/** The waterfall in force on `assessedOn`. */
export function waterfallFor(assessedOn: IsoDate): Waterfall {
  let chosen = courtWaterfalls[0];
  for (const waterfall of courtWaterfalls) if (waterfall.effectiveFrom <= assessedOn) chosen = waterfall;
  if (!chosen) throw new Error("No court waterfall is defined");
  return chosen;
}

/** Where an assessment stands in its waterfall: tiers of equal rank are paid together. */
export function placeInWaterfall(category: AssessmentCategory, assessedOn: IsoDate): { version: string; rank: number; split: TierSplit } {
  const waterfall = waterfallFor(assessedOn);
  const index = waterfall.tiers.findIndex((tier) => tier.categories.includes(category));
  const tier = waterfall.tiers[index];
  if (!tier) throw new Error(`Waterfall ${waterfall.version} has no tier for ${category}`);
  return { version: waterfall.version, rank: index + 1, split: tier.split };
}
