import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { quote, quoteWith, texasRuleSet } from "./index.ts";

/**
 * government-rules.md §1, Texas: tax $2,500.00, delinquent Feb 1. Tax year 2025 is delinquent on
 * Feb 1, 2026. Jan 31, 2026 — the last day to pay — is a Saturday, so Tax Code §1.06 makes a payment
 * on Monday Feb 2 timely; Feb 15, May 20 and Aug 10 are all well past it, so the example's figures hold.
 */
const taxYear = 2025;
const amountCents = 250_000;
const texas = (asOf: string, installment?: number) => quote({ rules: "TX", amountCents, taxYear, asOf, installment });

describe("Texas penalty and interest (Tax Code §33.01, §33.07)", () => {
  test("paid Feb 15: 6% penalty, 1% interest, total 2,675.00", () => {
    const result = texas("2026-02-15");
    assert.deepEqual(result.components, { taxCents: 250_000, penaltyCents: 15_000, interestCents: 2_500, feesCents: 0, discountCents: 0 });
    assert.equal(result.totalCents, 267_500);
    assert.equal(result.delinquent, true);
  });

  test("paid May 20: 9% penalty, 4% interest, total 2,825.00", () => {
    const result = texas("2026-05-20");
    assert.equal(result.components.penaltyCents, 22_500);
    assert.equal(result.components.interestCents, 10_000);
    assert.equal(result.components.feesCents, 0);
    assert.equal(result.totalCents, 282_500);
  });

  test("paid Aug 10: 12% penalty, 7% interest and a 20% collection penalty of 595.00 on 2,975.00, total 3,570.00", () => {
    const result = texas("2026-08-10");
    assert.equal(result.components.penaltyCents, 30_000);
    assert.equal(result.components.interestCents, 17_500);
    assert.equal(result.components.feesCents, 59_500);
    assert.equal(result.totalCents, 357_000);
  });

  test("paid Aug 10 where the attorney contract is 15%: total 3,421.25", () => {
    const result = quoteWith(texasRuleSet({ collectionPenaltyBp: 1500 }), { amountCents, taxYear, asOf: "2026-08-10" });
    assert.equal(result.components.feesCents, 44_625);
    assert.equal(result.totalCents, 342_125);
  });

  test("the last day to pay moves from Saturday Jan 31 to Monday Feb 2, 2026 (§1.06)", () => {
    assert.equal(texas("2026-01-31").dueDate, "2026-02-02");
    assert.equal(texas("2026-02-02").delinquent, false);
    assert.equal(texas("2026-02-02").totalCents, amountCents);
    assert.equal(texas("2026-02-03").totalCents, 267_500);
  });

  test("penalty and interest together follow Tarrant County's schedule: Feb 7%, Mar 9%, Apr 11%, May 13%, Jun 15%, Jul 18%, then +1% a month", () => {
    const schedule: [string, number][] = [
      ["2026-02-27", 7],
      ["2026-03-01", 9],
      ["2026-04-30", 11],
      ["2026-05-01", 13],
      ["2026-06-30", 15],
      ["2026-07-01", 18],
      ["2026-08-01", 19],
      ["2026-12-31", 23],
      ["2027-01-01", 24],
    ];
    for (const [asOf, percent] of schedule) {
      const { penaltyCents, interestCents } = texas(asOf).components;
      assert.equal(penaltyCents + interestCents, (amountCents * percent) / 100, asOf);
    }
  });

  test("the collection penalty starts on July 1 and not before", () => {
    assert.equal(texas("2026-06-30").components.feesCents, 0);
    // 2,500 + 12% + 6% = 2,950.00; 20% of it is 590.00.
    assert.equal(texas("2026-07-01").components.feesCents, 59_000);
  });

  test("interest has no cap: five years on, it is 1% for each month or portion", () => {
    // Feb 2026 through Feb 2031 is 61 calendar months.
    assert.equal(texas("2031-02-10").components.interestCents, 152_500);
    assert.equal(texas("2031-02-10").components.penaltyCents, 30_000);
  });

  test("the second half of a split payment is delinquent after June 30 and takes a flat 12% plus interest, with no §33.07 fee", () => {
    const onTime = texas("2026-06-30", 2);
    assert.equal(onTime.dueDate, "2026-06-30");
    assert.equal(onTime.delinquent, false);
    const late = texas("2026-07-15", 2);
    assert.equal(late.components.penaltyCents, 30_000);
    assert.equal(late.components.interestCents, 2_500);
    assert.equal(late.components.feesCents, 0);
    assert.equal(texas("2026-09-01", 2).components.interestCents, 7_500);
  });

  test("a first half paid late loses the split and is charged on the ordinary Feb 1 schedule", () => {
    assert.deepEqual(texas("2026-05-20", 1), texas("2026-05-20"));
    assert.equal(texas("2025-12-15", 1).delinquent, false);
  });

  test("a bill paid before it is due is just the tax", () => {
    const result = texas("2025-11-01");
    assert.equal(result.totalCents, amountCents);
    assert.equal(result.delinquent, false);
  });
});
