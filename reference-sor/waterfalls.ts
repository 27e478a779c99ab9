import { courtWaterfall, type WaterfallTier, waterfallVersionOn } from "../src/rules/index.ts";
import type { IsoDate } from "./dates.ts";

/**
 * Demo County's court payment waterfall, as data for the rules engine. A partial payment on a case
 * is applied tier by tier; inside a tier either pro rata (by balance) or in order (oldest
 * assessment first). Which version an assessment follows is chosen by its assessment date, because
 * the order of payment is the one in force when the court imposed the amount (Georgia's §15-21A-7
 * lists differ by assessment date the same way; see /work/shared/domain/government-rules.md §2).
 *
 * The 2018 version follows California Penal Code §1203.1d(b) like the rules' own
 * `californiaPenalCode1203_1d`, but with the county's categories and its in-order tiers (several
 * costs on one case are paid oldest first, not pro rata), so it is a version of its own.
 */
export const assessmentCategories = ["restitution", "state_surcharge", "fine", "penalty_assessment", "cost"] as const;
export type AssessmentCategory = (typeof assessmentCategories)[number];

export type TierSplit = NonNullable<WaterfallTier["split"]>;

export const demoCountyWaterfall = courtWaterfall({
  id: "demo-county",
  name: "Demo County court payment waterfall",
  versions: [
    {
      id: "demo-county-2009",
      effectiveFrom: null,
      source:
        "Demo County's older local rule (fictional, kept to exercise versioning): costs share the pro-rata tier with fines and penalty assessments.",
      tiers: [
        { name: "restitution", categories: ["restitution"], split: "in_order" },
        { name: "state surcharge", categories: ["state_surcharge"], split: "in_order" },
        { name: "fines, penalty assessments and costs", categories: ["fine", "penalty_assessment", "cost"], split: "pro_rata" },
      ],
    },
    {
      id: "ca-pc-1203.1d-2018",
      effectiveFrom: "2018-01-01",
      source:
        "California Penal Code §1203.1d(b): (1) victim restitution, (2) state surcharge, (3) fines, penalty assessments and restitution fines pro rata, (4) other costs.",
      tiers: [
        { name: "restitution", categories: ["restitution"], split: "in_order" },
        { name: "state surcharge", categories: ["state_surcharge"], split: "in_order" },
        { name: "fines and penalty assessments", categories: ["fine", "penalty_assessment"], split: "pro_rata" },
        { name: "costs", categories: ["cost"], split: "in_order" },
      ],
    },
  ],
});

/**
 * Where an assessment stands in the version of its assessment date. Tiers of equal rank are paid
 * together across versions, so one case can mix assessments of both.
 */
export function placeInWaterfall(category: AssessmentCategory, assessedOn: IsoDate): { version: string; rank: number; split: TierSplit } {
  const version = waterfallVersionOn(demoCountyWaterfall, assessedOn);
  const index = version?.tiers.findIndex((tier) => tier.categories.includes(category)) ?? -1;
  const tier = version?.tiers[index];
  if (!version || !tier) throw new Error(`The court waterfall has no tier for ${category} assessed on ${assessedOn}`);
  return { version: version.id ?? String(version.effectiveFrom), rank: index + 1, split: tier.split ?? "pro_rata" };
}
