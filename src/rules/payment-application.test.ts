import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { type ApplicationOrder, applicationOrders, applyPayment, type ChargeBalances, charges, type YearBalance } from "./index.ts";
import { remitError } from "./test-helpers.ts";

const numRuns = Number(process.env.RULES_PROPERTY_RUNS ?? 500);
const balances = (taxCents: number, penaltyCents = 0, interestCents = 0, feesCents = 0): ChargeBalances => ({
  taxCents,
  penaltyCents,
  interestCents,
  feesCents,
});
const centsKey = { fees: "feesCents", interest: "interestCents", penalty: "penaltyCents", tax: "taxCents" } as const;

describe("gross-up method", () => {
  test("Texas: a $565 payment in May, when P&I is 13%, is tax 500.00, penalty 45.00 and interest 20.00", () => {
    // The May 20 quote on $2,500 (government-rules.md §1): penalty 225.00, interest 100.00.
    const years = [{ taxYear: 2025, components: balances(250_000, 22_500, 10_000) }];
    for (const order of [applicationOrders.grossUp, { method: "gross_up", rate: { numerator: 1300, denominator: 10_000 } } as const]) {
      const [year] = applyPayment({ paymentCents: 56_500, years, order }).years;
      assert.deepEqual(year?.applied, balances(50_000, 4_500, 2_000));
    }
  });

  test("Wisconsin §74.49: $1,050 after 5 months at 1% is principal 1,000.00", () => {
    // A $3,000 tax with 5 months of 1% interest: the $1,050 is partial, so the gross-up applies.
    const result = applyPayment({
      paymentCents: 105_000,
      years: [{ taxYear: 2024, components: balances(300_000, 0, 15_000) }],
      order: { method: "gross_up", rate: { numerator: 5 * 100, denominator: 10_000 } },
    });
    assert.deepEqual(result.years[0]?.applied, balances(100_000, 0, 5_000));
  });

  test("Wisconsin §74.49: with the 0.5% county penalty, $1,050 is principal 976.74 and P&I 73.26", () => {
    // 1,050 ÷ (1 + 5 × 1.5%) = 976.744… → 976.74, rounded half-up; the 73.26 splits 2:1 interest to penalty.
    const years = [{ taxYear: 2024, components: balances(300_000, 7_500, 15_000) }];
    const stated = applyPayment({
      paymentCents: 105_000,
      years,
      order: { method: "gross_up", rate: { numerator: 750, denominator: 10_000 } },
    });
    assert.deepEqual(stated.years[0]?.applied, balances(97_674, 2_442, 4_884));
    const derived = applyPayment({ paymentCents: 105_000, years, order: applicationOrders.grossUp });
    assert.deepEqual(derived.years[0]?.applied, stated.years[0]?.applied);
  });

  test("the principal's rounding is a named setting", () => {
    const years = [{ taxYear: 2024, components: balances(300_000, 7_500, 15_000) }];
    const rate = { numerator: 750, denominator: 10_000 };
    const up = applyPayment({ paymentCents: 105_000, years, order: { method: "gross_up", rate, rounding: "up" } });
    assert.equal(up.years[0]?.applied.taxCents, 97_675);
  });
});

describe("payment application", () => {
  const twoYears: YearBalance[] = [
    { taxYear: 2024, components: balances(100_000, 10_000, 5_000, 1_000) },
    { taxYear: 2023, components: balances(50_000, 6_000, 4_000, 500) },
  ];

  test("the oldest tax year is paid first, whatever order the years are listed in", () => {
    const result = applyPayment({ paymentCents: 70_000, years: twoYears, order: applicationOrders.feesInterestPenaltyTax });
    assert.deepEqual(
      result.years.map((year) => year.taxYear),
      [2023, 2024],
    );
    assert.equal(result.years[0]?.paidInFull, true);
    // 60,500 pays 2023; 9,500 reaches 2024: fees 1,000, interest 5,000, penalty 3,500.
    assert.deepEqual(result.years[1]?.applied, balances(0, 3_500, 5_000, 1_000));
    assert.deepEqual(result.years[1]?.remaining, balances(100_000, 6_500, 0, 0));
  });

  test("a taxpayer's chosen year order is kept when asked", () => {
    const result = applyPayment({
      paymentCents: 1_000,
      years: twoYears,
      order: { ...applicationOrders.feesInterestPenaltyTax, years: "as_listed" },
    });
    assert.equal(result.years[0]?.taxYear, 2024);
    assert.deepEqual(result.years[0]?.applied, balances(0, 0, 0, 1_000));
  });

  test("costs → interest/penalty → tax shares the middle tier pro rata", () => {
    const result = applyPayment({
      paymentCents: 1_000 + 7_500,
      years: [{ taxYear: 2024, components: balances(100_000, 10_000, 5_000, 1_000) }],
      order: applicationOrders.feesThenInterestAndPenaltyThenTax,
    });
    assert.deepEqual(result.years[0]?.applied, balances(0, 5_000, 2_500, 1_000));
  });

  test("an overpayment is returned as unapplied after every year is paid", () => {
    const result = applyPayment({ paymentCents: 200_000, years: twoYears, order: applicationOrders.chargesThenTax });
    assert.equal(result.appliedCents, 176_500);
    assert.equal(result.unappliedCents, 200_000 - 176_500);
    assert.ok(result.years.every((year) => year.paidInFull));
  });

  test("a year's payment splits across its taxing units pro rata, in exact cents", () => {
    const result = applyPayment({
      paymentCents: 100,
      years: [
        {
          taxYear: 2025,
          components: balances(300_000),
          taxingUnits: [
            { unitId: "county", taxCents: 100_000 },
            { unitId: "school", taxCents: 100_000 },
            { unitId: "city", taxCents: 100_000 },
          ],
        },
      ],
      order: applicationOrders.feesInterestPenaltyTax,
    });
    assert.deepEqual(
      result.years[0]?.units.map((unit) => [unit.unitId, unit.applied.taxCents]),
      [
        ["county", 34],
        ["school", 33],
        ["city", 33],
      ],
    );
  });

  test("malformed input is refused naming the field", () => {
    const year = { taxYear: 2024, components: balances(1_000) };
    const order = applicationOrders.feesInterestPenaltyTax;
    assert.throws(() => applyPayment({ paymentCents: -1, years: [year], order }), remitError("invalid_payment_input", "payment_cents"));
    assert.throws(
      () => applyPayment({ paymentCents: 1, years: [year, year], order }),
      remitError("invalid_payment_input", "years[1].tax_year"),
    );
    assert.throws(
      () => applyPayment({ paymentCents: 1, years: [{ taxYear: 2024, components: balances(-5) }], order }),
      remitError("invalid_payment_input", "years[0].components.tax_cents"),
    );
    assert.throws(
      () => applyPayment({ paymentCents: 1, years: [year], order: { method: "in_order", tiers: [["fees"], ["tax"]] } }),
      remitError("invalid_payment_input", "order.tiers"),
    );
    assert.throws(
      () => applyPayment({ paymentCents: 1, years: [{ ...year, taxingUnits: [{ unitId: "a", taxCents: 0 }] }], order }),
      remitError("invalid_payment_input", "years[0].taxing_units"),
    );
  });
});

// ---------------------------------------------------------------------------------------------

const cents = fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 9_999_999_999_999 }));
const orderArbitrary: fc.Arbitrary<ApplicationOrder> = fc.oneof(
  fc.constantFrom<ApplicationOrder>(...Object.values(applicationOrders)),
  fc.record({
    method: fc.constant("gross_up" as const),
    rate: fc.record({ numerator: fc.integer({ min: 0, max: 5_000 }), denominator: fc.integer({ min: 1, max: 10_000 }) }),
    rounding: fc.constantFrom("half_up" as const, "half_even" as const, "down" as const, "up" as const),
  }),
  fc.shuffledSubarray([...charges], { minLength: 4, maxLength: 4 }).map((order) => ({
    method: "in_order" as const,
    tiers: order.map((charge) => [charge]),
  })),
);
const paymentArbitrary = fc.record({
  paymentCents: fc.oneof(fc.integer({ min: 0, max: 500_000 }), cents),
  years: fc.uniqueArray(
    fc.record({
      taxYear: fc.integer({ min: 2000, max: 2030 }),
      components: fc.record({ taxCents: cents, penaltyCents: cents, interestCents: cents, feesCents: cents }),
      taxingUnits: fc.option(
        fc.uniqueArray(fc.record({ unitId: fc.constantFrom("county", "school", "city", "hospital", "mud"), taxCents: cents }), {
          minLength: 1,
          maxLength: 5,
          selector: (unit) => unit.unitId,
        }),
        { nil: undefined },
      ),
    }),
    { maxLength: 5, selector: (year) => year.taxYear },
  ),
  order: orderArbitrary,
});

describe("payment application properties", () => {
  test("it never applies more than the payment nor more than any balance, and applied + unapplied is the payment", () => {
    fc.assert(
      fc.property(paymentArbitrary, (input) => {
        fc.pre(input.years.every((year) => (year.taxingUnits ?? [{ taxCents: 1 }]).some((unit) => unit.taxCents > 0)));
        const result = applyPayment(input);
        assert.equal(result.appliedCents + result.unappliedCents, input.paymentCents);
        let appliedCents = 0;
        for (const year of result.years) {
          const owed = input.years.find((candidate) => candidate.taxYear === year.taxYear)?.components as ChargeBalances;
          for (const charge of charges) {
            const applied = year.applied[centsKey[charge]];
            assert.ok(Number.isSafeInteger(applied) && applied >= 0 && applied <= owed[centsKey[charge]]);
            assert.equal(year.remaining[centsKey[charge]], owed[centsKey[charge]] - applied);
            appliedCents += applied;
            if (year.units.length > 0) {
              assert.equal(
                year.units.reduce((sum, unit) => sum + unit.applied[centsKey[charge]], 0),
                applied,
              );
            }
          }
        }
        assert.equal(appliedCents, result.appliedCents);
        const owedCents = input.years.reduce(
          (sum, year) =>
            sum + year.components.taxCents + year.components.penaltyCents + year.components.interestCents + year.components.feesCents,
          0,
        );
        assert.equal(result.unappliedCents, Math.max(0, input.paymentCents - owedCents));
      }),
      { numRuns },
    );
  });

  test("an older year is always paid in full before a newer year gets anything", () => {
    fc.assert(
      fc.property(paymentArbitrary, (input) => {
        fc.pre(input.years.every((year) => (year.taxingUnits ?? [{ taxCents: 1 }]).some((unit) => unit.taxCents > 0)));
        const { years } = applyPayment({ ...input, order: { ...input.order, years: "oldest_first" } });
        for (let index = 1; index < years.length; index += 1) {
          assert.ok((years[index - 1]?.taxYear as number) < (years[index]?.taxYear as number));
          const gotSomething = charges.some((charge) => (years[index]?.applied[centsKey[charge]] ?? 0) > 0);
          if (gotSomething) assert.equal(years[index - 1]?.paidInFull, true);
        }
      }),
      { numRuns },
    );
  });
});
