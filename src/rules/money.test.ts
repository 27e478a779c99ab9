import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { allocateInTiers, amountCentsMax, applyRatio, percentOf, prorate, type Rounding } from "./index.ts";

describe("money", () => {
  test("each rounding is named and does what its name says", () => {
    const half = { numerator: 1, denominator: 2 };
    const cases: [number, Rounding, number][] = [
      [5, "half_up", 3],
      [5, "half_even", 2],
      [7, "half_even", 4],
      [5, "down", 2],
      [5, "up", 3],
    ];
    for (const [amountCents, rounding, expected] of cases) assert.equal(applyRatio(amountCents, half, rounding), expected, rounding);
    assert.equal(percentOf(12_345, 400, "half_up"), 494);
    assert.equal(percentOf(12_345, 400, "down"), 493);
  });

  test("a rate on the largest amount stays exact: no float anywhere", () => {
    // 9,999,999,999,999 cents × 1.5% = 149,999,999,999.985 cents; the product (~1.5e17) is past 2^53.
    assert.equal(percentOf(amountCentsMax, 150, "half_up"), 150_000_000_000);
    assert.equal(percentOf(amountCentsMax, 150, "down"), 149_999_999_999);
  });

  test("pro-rata parts sum to the whole and each is within a cent of its exact share", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: amountCentsMax }),
        fc.array(fc.integer({ min: 0, max: amountCentsMax }), { minLength: 1, maxLength: 12 }).filter((w) => w.some((x) => x > 0)),
        (totalCents, weights) => {
          const parts = prorate(totalCents, weights);
          assert.equal(
            parts.reduce((sum, part) => sum + part, 0),
            totalCents,
          );
          const weightSum = weights.reduce((sum, weight) => sum + BigInt(weight), 0n);
          parts.forEach((part, index) => {
            assert.ok(Number.isSafeInteger(part) && part >= 0);
            // |part − total × w / W| < 1, kept in integers: |part × W − total × w| < W.
            const difference = BigInt(part) * weightSum - BigInt(totalCents) * BigInt(weights[index] as number);
            assert.ok((difference < 0n ? -difference : difference) < weightSum);
          });
        },
      ),
      { numRuns: 1000 },
    );
  });

  test("largest remainder gives the leftover cent to the larger remainder, then the earlier part", () => {
    assert.deepEqual(prorate(100, [1, 1, 1]), [34, 33, 33]);
    assert.deepEqual(prorate(10, [3, 7]), [3, 7]);
    assert.deepEqual(prorate(1, [1, 2]), [0, 1]);
    assert.deepEqual(prorate(0, [0, 0]), [0, 0]);
  });

  test("tiers are paid in order and a tier the payment cannot cover is shared pro rata", () => {
    const { applied, leftCents } = allocateInTiers(250, [[100], [100, 300], [50]]);
    assert.deepEqual(applied, [[100], [38, 112], [0]]);
    assert.equal(leftCents, 0);
    assert.equal(allocateInTiers(1_000, [[100], [50]]).leftCents, 850);
  });
});
