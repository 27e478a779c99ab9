import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { quote, ruleSets, utilityLateFeeCents } from "../src/rules/index.ts";
import {
  allocateCourtPayment,
  allocateParcelPayment,
  allocateUtilityPayment,
  type CourtState,
  installmentsByRuleSet,
  type ParcelState,
  parcelAmountDueCents,
  parcelBalance,
  reconnectCovered,
  stateAfter,
  type UtilityState,
  utilityBalance,
} from "./allocation.ts";
import { assessmentCategories, demoCountyWaterfall, placeInWaterfall } from "./waterfalls.ts";

const parcel = (taxCents: number[], taxYears = [2024, 2025]): ParcelState => ({
  kind: "parcel",
  ruleSet: "TX",
  propertyClass: "residential",
  bills: taxCents.map((cents, i) => ({
    billId: `B${i}`,
    taxYear: taxYears[i] ?? 2025,
    installment: 0,
    taxCents: cents,
    billedOn: `${taxYears[i] ?? 2025}-10-01`,
  })),
  lines: [],
  accruals: [],
});

describe("the rules the county borrows", () => {
  test("the utility late fee (the rules' default) is 10% of the first $3 plus 3% of the excess", () => {
    const lateFeeCents = (unpaidCents: number) => utilityLateFeeCents(unpaidCents, "2026-10-21", "2026-11-01");
    assert.equal(lateFeeCents(0), 0);
    assert.equal(lateFeeCents(200), 20);
    assert.equal(lateFeeCents(300), 30);
    assert.equal(lateFeeCents(10_000), 30 + 291);
    assert.equal(lateFeeCents(8_540), 30 + 247);
  });
});

describe("court waterfalls", () => {
  test("every version places every category in exactly one tier, and versions are in date order", () => {
    for (const version of demoCountyWaterfall.versions) {
      for (const category of assessmentCategories) {
        assert.equal(version.tiers.filter((t) => t.categories.includes(category)).length, 1, `${version.id} ${category}`);
      }
    }
    assert.deepEqual(
      demoCountyWaterfall.versions.map((v) => v.effectiveFrom),
      [null, "2018-01-01"],
    );
  });

  test("the assessment date chooses the version: costs share the fines' tier before 2018 and follow them after", () => {
    assert.deepEqual(placeInWaterfall("cost", "2017-12-31"), { version: "demo-county-2009", rank: 3, split: "pro_rata" });
    assert.deepEqual(placeInWaterfall("cost", "2018-01-01"), { version: "ca-pc-1203.1d-2018", rank: 4, split: "in_order" });
    assert.equal(placeInWaterfall("restitution", "2024-05-01").rank, 1);
  });

  test("a partial payment pays restitution, then the surcharge, then fines and penalty assessments pro rata, then costs", () => {
    const state: CourtState = {
      kind: "court_case",
      assessments: [
        { assessmentId: "a1", category: "cost", description: "Costs", assessedOn: "2020-01-01", amountCents: 4_000 },
        { assessmentId: "a2", category: "fine", description: "Fine", assessedOn: "2020-01-01", amountCents: 10_000 },
        { assessmentId: "a3", category: "penalty_assessment", description: "PA", assessedOn: "2020-01-01", amountCents: 30_000 },
        { assessmentId: "a4", category: "state_surcharge", description: "Surcharge", assessedOn: "2020-01-01", amountCents: 2_000 },
        { assessmentId: "a5", category: "restitution", description: "Restitution", assessedOn: "2020-01-01", amountCents: 5_000 },
      ],
      lines: [],
    };
    const applied = allocateCourtPayment(state, 27_000).lines.map((l) => [l.chargeId, l.amountCents]);
    assert.deepEqual(applied, [
      ["a5", 5_000],
      ["a4", 2_000],
      ["a2", 5_000],
      ["a3", 15_000],
    ]);
  });
});

describe("parcel allocation", () => {
  test("a partial payment pays the oldest year's fees, interest and penalty before its tax, and nothing to a newer year", () => {
    const state = parcel([250_000, 300_000]);
    const q = quote({ rules: "TX", amountCents: 250_000, taxYear: 2024, asOf: "2025-08-10" });
    const { lines } = allocateParcelPayment(state, 300_000, "2025-08-10");
    const c = q.components;
    assert.deepEqual(
      lines.map((l) => [l.component, l.taxYear, l.amountCents]),
      [
        ["fees", 2024, c.feesCents],
        ["interest", 2024, c.interestCents],
        ["penalty", 2024, c.penaltyCents],
        ["tax", 2024, 300_000 - c.feesCents - c.interestCents - c.penaltyCents],
      ],
    );
  });

  test("after any partial payment the amount due the same day falls by exactly the payment", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 700_000 }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 1_000, max: 900_000 }),
        (amount, dayOffset, taxCents) => {
          const state = parcel([taxCents, 300_000]);
          const asOf = new Date(Date.UTC(2025, 0, 1 + dayOffset)).toISOString().slice(0, 10);
          const before = parcelAmountDueCents(state, asOf);
          const allocation = allocateParcelPayment(state, amount, asOf);
          const after = parcelAmountDueCents(stateAfter(state, allocation, asOf), asOf);
          const credit = allocation.lines.filter((l) => l.component === "credit").reduce((a, l) => a + l.amountCents, 0);
          assert.equal(after, before - (amount - credit));
          assert.equal(
            allocation.lines.reduce((a, l) => a + l.amountCents, 0),
            amount,
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  test("penalty and interest paid ahead of the tax are not charged again later", () => {
    const state = parcel([250_000], [2024]);
    // Pays P&I and a little tax in May, then reads the bill in August.
    const may = allocateParcelPayment(state, 40_000, "2025-05-20");
    const after = stateAfter(state, may, "2025-05-20");
    const remaining = 250_000 - (may.lines.find((l) => l.component === "tax")?.amountCents ?? 0);
    const august = parcelBalance(after, "2025-08-10");
    // August's P&I on the tax still unpaid, less the part of it already paid in May.
    const fresh = quote({ rules: "TX", amountCents: remaining, taxYear: 2024, asOf: "2025-08-10" });
    const prepaid = quote({ rules: "TX", amountCents: remaining, taxYear: 2024, asOf: "2025-05-20" }).components;
    assert.equal(august.amountDueCents, fresh.totalCents - prepaid.penaltyCents - prepaid.interestCents);
    assert.ok(prepaid.penaltyCents > 0 && prepaid.interestCents > 0);
  });

  test("a bill not yet issued on the paid date is neither owed nor paid: the rest is a credit", () => {
    const state = parcel([100_000, 200_000], [2024, 2025]);
    const { lines } = allocateParcelPayment(state, 150_000, "2024-12-01");
    assert.deepEqual(
      lines.map((l) => [l.component, l.amountCents]),
      [
        ["tax", 100_000],
        ["credit", 50_000],
      ],
    );
  });

  test("the installments billed per rule set are ones the rules know", () => {
    for (const [id, count] of Object.entries(installmentsByRuleSet)) {
      const known = ruleSets[id as keyof typeof ruleSets].installments;
      for (let n = 1; n <= count; n++) assert.ok(known.includes(n), `${id} installment ${n}`);
    }
  });
});

describe("utility allocation", () => {
  const utility: UtilityState = {
    kind: "utility",
    serviceStatus: "active",
    reconnectEligible: false,
    bills: [
      { billId: "b2", description: "Nov", billDate: "2026-11-08", dueDate: "2026-11-28", amountCents: 5_000, lateFeeApplies: true },
      { billId: "b1", description: "Oct", billDate: "2026-10-01", dueDate: "2026-10-21", amountCents: 10_000, lateFeeApplies: true },
    ],
    lines: [],
  };

  test("the late fee starts the day after the 10-day grace period", () => {
    assert.equal(utilityBalance(utility, "2026-10-31").amountDueCents, 10_000);
    assert.equal(utilityBalance(utility, "2026-11-01").amountDueCents, 10_321);
  });

  test("the oldest bill is paid first, its late fee before the bill", () => {
    const { lines } = allocateUtilityPayment(utility, 12_000, "2026-11-20");
    assert.deepEqual(
      lines.map((l) => [l.chargeId, l.component, l.amountCents]),
      [
        ["b1", "fees", 321],
        ["b1", "principal", 10_000],
        ["b2", "principal", 1_679],
      ],
    );
  });

  test("reconnection needs the payments since the disconnection to cover the disconnect amount", () => {
    const disconnection = { disconnectedOn: "2026-11-05", disconnectAmountCents: 19_500 };
    assert.equal(reconnectCovered(disconnection, [{ amountCents: 19_500, paidOn: "2026-11-04" }]), false);
    assert.equal(
      reconnectCovered(disconnection, [
        { amountCents: 10_000, paidOn: "2026-11-05" },
        { amountCents: 9_499, paidOn: "2026-11-06" },
      ]),
      false,
    );
    assert.equal(
      reconnectCovered(disconnection, [
        { amountCents: 10_000, paidOn: "2026-11-05" },
        { amountCents: 9_500, paidOn: "2026-11-06" },
      ]),
      true,
    );
  });
});
