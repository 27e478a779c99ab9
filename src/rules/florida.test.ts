import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { quote } from "./index.ts";
import { remitError } from "./test-helpers.ts";

const florida = (asOf: string, taxYear = 2025, amountCents = 100_000) => quote({ rules: "FL", amountCents, taxYear, asOf });

/** government-rules.md §1 gives Florida's rates but no worked figures; these apply the rates to $1,000.00. */
describe("Florida discounts and interest (Fla. Stat. §§197.162, 197.172)", () => {
  test("the discount is 4% in November, 3% December, 2% January, 1% February and 0% March", () => {
    const expected: [string, number][] = [
      ["2025-11-03", 4_000],
      ["2025-12-15", 3_000],
      ["2026-01-15", 2_000],
      ["2026-02-16", 1_000],
      ["2026-03-16", 0],
    ];
    for (const [asOf, discountCents] of expected) {
      const result = florida(asOf);
      assert.equal(result.components.discountCents, discountCents, asOf);
      assert.equal(result.totalCents, 100_000 - discountCents, asOf);
      assert.equal(result.delinquent, false);
    }
  });

  test("a discount period ending on a Sunday runs to Monday: November 30, 2025 → December 1", () => {
    assert.equal(florida("2025-12-01").components.discountCents, 4_000);
    assert.equal(florida("2025-12-02").components.discountCents, 3_000);
  });

  test("a Saturday New Year's Day closes the office on Friday Dec 31, 2021, so 3% runs to Monday Jan 3, 2022", () => {
    assert.equal(florida("2022-01-03", 2021).components.discountCents, 3_000);
    assert.equal(florida("2022-01-04", 2021).components.discountCents, 2_000);
  });

  test("a February period ending on Saturday Feb 28, 2026 keeps 1% through Monday March 2", () => {
    assert.equal(florida("2026-03-02").components.discountCents, 1_000);
    assert.equal(florida("2026-03-03").components.discountCents, 0);
  });

  test("taxes are delinquent on April 1 with a 3% minimum, then 1.5% for each month begun", () => {
    const expected: [string, number][] = [
      ["2026-03-31", 0],
      ["2026-04-01", 3_000],
      ["2026-05-31", 3_000],
      ["2026-06-01", 4_500],
      ["2026-07-15", 6_000],
    ];
    for (const [asOf, interestCents] of expected) {
      assert.equal(florida(asOf).components.interestCents, interestCents, asOf);
    }
    assert.equal(florida("2026-03-31").dueDate, "2026-03-31");
    assert.equal(florida("2026-04-01").delinquent, true);
    assert.equal(florida("2026-04-01").components.discountCents, 0);
  });

  test("a March 31 on a Saturday leaves the tax payable without interest through Monday April 2", () => {
    // March 31, 2029 is a Saturday (tax year 2028).
    assert.equal(florida("2029-04-02", 2028).dueDate, "2029-04-02");
    assert.equal(florida("2029-04-02", 2028).totalCents, 100_000);
    assert.equal(florida("2029-04-03", 2028).components.interestCents, 3_000);
  });

  test("each discount is rounded half-up to the cent", () => {
    // 4% of 123.45 is 4.938 → 4.94; 3% is 3.7035 → 3.70.
    assert.equal(florida("2025-11-03", 2025, 12_345).components.discountCents, 494);
    assert.equal(florida("2025-12-03", 2025, 12_345).components.discountCents, 370);
  });

  test("Florida has no installments to name", () => {
    assert.throws(
      () => quote({ rules: "FL", amountCents: 100_000, taxYear: 2025, installment: 1, asOf: "2025-11-03" }),
      remitError("invalid_quote_input", "installment"),
    );
  });
});
