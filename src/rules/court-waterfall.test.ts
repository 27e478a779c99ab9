import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { applyToWaterfall, type CourtDebt, californiaPenalCode1203_1d, courtWaterfall, waterfallVersionOn } from "./index.ts";
import { remitError } from "./test-helpers.ts";

const debts: CourtDebt[] = [
  { id: "order-1/restitution", category: "victim_restitution", balanceCents: 50_000 },
  { id: "order-1/surcharge", category: "state_surcharge", balanceCents: 2_000 },
  { id: "order-1/fine", category: "fine", balanceCents: 10_000 },
  { id: "order-2/assessment", category: "penalty_assessment", balanceCents: 20_000 },
  { id: "order-2/restitution-fine", category: "restitution_fine", balanceCents: 30_000 },
  { id: "order-2/costs", category: "other_cost", balanceCents: 5_000 },
];
const applied = (paymentCents: number) =>
  Object.fromEntries(
    applyToWaterfall({ waterfall: californiaPenalCode1203_1d, assessmentDate: "2025-06-01", paymentCents, debts }).allocations.map(
      (allocation) => [allocation.id, allocation.appliedCents],
    ),
  );

describe("court waterfalls", () => {
  test("California §1203.1d(b): victim restitution first, then the state surcharge, across all of a defendant's orders", () => {
    assert.deepEqual(applied(51_000), {
      "order-1/restitution": 50_000,
      "order-1/surcharge": 1_000,
      "order-1/fine": 0,
      "order-2/assessment": 0,
      "order-2/restitution-fine": 0,
      "order-2/costs": 0,
    });
  });

  test("fines, penalty assessments and restitution fines share the third tier pro rata, in exact cents", () => {
    // 52,000 pays tiers 1 and 2; 10,001 is shared 1:2:3 → 1,666.83 / 3,333.67 / 5,000.50 → 1,667 / 3,334 / 5,000.
    const result = applied(52_000 + 10_001);
    assert.equal(result["order-1/fine"], 1_667);
    assert.equal(result["order-2/assessment"], 3_334);
    assert.equal(result["order-2/restitution-fine"], 5_000);
    assert.equal(result["order-2/costs"], 0);
  });

  test("other costs come last, and what is left over is unapplied", () => {
    const result = applyToWaterfall({ waterfall: californiaPenalCode1203_1d, assessmentDate: "2025-06-01", paymentCents: 120_000, debts });
    assert.equal(result.appliedCents, 117_000);
    assert.equal(result.unappliedCents, 3_000);
    assert.equal(result.allocations.find((allocation) => allocation.id === "order-2/costs")?.appliedCents, 5_000);
  });

  // A synthetic waterfall in the shape of Georgia's (O.C.G.A. §15-21A-7: the fund list differs by
  // assessment date). The funds and dates are test data, not Georgia's real list.
  const versioned = courtWaterfall({
    id: "test-versioned",
    name: "A waterfall that changed on 2024-07-01",
    versions: [
      {
        effectiveFrom: "2024-07-01",
        source: "test data",
        tiers: [
          { name: "jail fund", categories: ["jail"] },
          { name: "county", categories: ["county"] },
        ],
      },
      {
        effectiveFrom: "2020-01-01",
        source: "test data",
        tiers: [
          { name: "county", categories: ["county"] },
          { name: "jail fund", categories: ["jail"] },
        ],
      },
    ],
  });
  const fundDebts: CourtDebt[] = [
    { id: "county", category: "county", balanceCents: 1_000 },
    { id: "jail", category: "jail", balanceCents: 1_000 },
  ];

  test("the version in force on the assessment date chooses the order", () => {
    const before = applyToWaterfall({ waterfall: versioned, assessmentDate: "2024-06-30", paymentCents: 1_000, debts: fundDebts });
    assert.equal(before.effectiveFrom, "2020-01-01");
    assert.equal(before.allocations.find((allocation) => allocation.id === "county")?.appliedCents, 1_000);
    const after = applyToWaterfall({ waterfall: versioned, assessmentDate: "2024-07-01", paymentCents: 1_000, debts: fundDebts });
    assert.equal(after.effectiveFrom, "2024-07-01");
    assert.equal(after.allocations.find((allocation) => allocation.id === "jail")?.appliedCents, 1_000);
  });

  test("an assessment before the earliest version has no waterfall", () => {
    assert.throws(
      () => applyToWaterfall({ waterfall: versioned, assessmentDate: "2019-12-31", paymentCents: 1_000, debts: fundDebts }),
      remitError("no_waterfall_version", "assessment_date"),
    );
  });

  test("a waterfall that names a category twice, or has two base versions, is refused", () => {
    const tiers = [
      { name: "a", categories: ["fine"] },
      { name: "b", categories: ["fine"] },
    ];
    assert.throws(
      () => courtWaterfall({ id: "bad", name: "bad", versions: [{ effectiveFrom: null, source: "", tiers }] }),
      remitError("invalid_waterfall", "versions[0].tiers"),
    );
    const base = { effectiveFrom: null, source: "", tiers: [{ name: "a", categories: ["fine"] }] };
    assert.throws(() => courtWaterfall({ id: "bad", name: "bad", versions: [base, base] }), remitError("invalid_waterfall", "versions"));
  });

  test("a debt in a category the version does not know is refused", () => {
    assert.throws(
      () =>
        applyToWaterfall({
          waterfall: californiaPenalCode1203_1d,
          assessmentDate: "2025-06-01",
          paymentCents: 1,
          debts: [{ id: "x", category: "parking", balanceCents: 1 }],
        }),
      remitError("invalid_payment_input", "debts[0].category"),
    );
  });

  test("an in-order tier pays its debts one after another, as listed; the default tier shares pro rata", () => {
    const inOrder = courtWaterfall({
      id: "test-in-order",
      name: "A waterfall whose first tier pays in order",
      versions: [
        {
          effectiveFrom: null,
          source: "test data",
          tiers: [
            { name: "costs", categories: ["cost"], split: "in_order" },
            { name: "fines", categories: ["fine"] },
          ],
        },
      ],
    });
    const owed: CourtDebt[] = [
      { id: "fine-1", category: "fine", balanceCents: 100 },
      { id: "cost-old", category: "cost", balanceCents: 300 },
      { id: "fine-2", category: "fine", balanceCents: 300 },
      { id: "cost-new", category: "cost", balanceCents: 100 },
    ];
    const paid = (paymentCents: number) =>
      applyToWaterfall({ waterfall: inOrder, assessmentDate: "2025-06-01", paymentCents, debts: owed }).allocations.map((a) => [
        a.id,
        a.appliedCents,
      ]);
    assert.deepEqual(paid(350), [
      ["cost-old", 300],
      ["cost-new", 50],
      ["fine-1", 0],
      ["fine-2", 0],
    ]);
    assert.deepEqual(paid(500), [
      ["cost-old", 300],
      ["cost-new", 100],
      ["fine-1", 25],
      ["fine-2", 75],
    ]);
    assert.throws(
      () =>
        courtWaterfall({
          id: "bad",
          name: "bad",
          versions: [{ effectiveFrom: null, source: "", tiers: [{ name: "a", categories: ["fine"], split: "sideways" as "in_order" }] }],
        }),
      remitError("invalid_waterfall", "versions[0].tiers"),
    );
  });

  test("the version in force on a date can be asked for on its own", () => {
    assert.equal(waterfallVersionOn(versioned, "2024-06-30")?.effectiveFrom, "2020-01-01");
    assert.equal(waterfallVersionOn(versioned, "2024-07-01")?.effectiveFrom, "2024-07-01");
    assert.equal(waterfallVersionOn(versioned, "2019-12-31"), undefined);
    assert.equal(waterfallVersionOn(versioned, "2024-02-30"), undefined);
    assert.equal(waterfallVersionOn(californiaPenalCode1203_1d, "1900-01-01")?.effectiveFrom, null);
  });

  test("a waterfall never applies more than the payment or any debt's balance, and pays tiers strictly in order", () => {
    const categories = ["victim_restitution", "state_surcharge", "fine", "penalty_assessment", "restitution_fine", "other_cost"];
    const tierOf = (category: string) => [0, 1, 2, 2, 2, 3][categories.indexOf(category)] as number;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.array(fc.record({ category: fc.constantFrom(...categories), balanceCents: fc.integer({ min: 0, max: 2_000_000 }) }), {
          maxLength: 12,
        }),
        (paymentCents, drawn) => {
          const owed = drawn.map((debt, index) => ({ ...debt, id: `d${index}` }));
          const result = applyToWaterfall({
            waterfall: californiaPenalCode1203_1d,
            assessmentDate: "2025-06-01",
            paymentCents,
            debts: owed,
          });
          const total = owed.reduce((sum, debt) => sum + debt.balanceCents, 0);
          assert.equal(result.appliedCents, Math.min(paymentCents, total));
          assert.equal(result.appliedCents + result.unappliedCents, paymentCents);
          for (const allocation of result.allocations) {
            const debt = owed.find((candidate) => candidate.id === allocation.id) as CourtDebt;
            assert.ok(allocation.appliedCents >= 0 && allocation.appliedCents <= debt.balanceCents);
            const laterTierPaid = result.allocations.some(
              (other) => tierOf(other.category) > tierOf(allocation.category) && other.appliedCents > 0,
            );
            if (laterTierPaid) assert.equal(allocation.appliedCents, debt.balanceCents);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
