import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { quote, splitAnnualTax } from "./index.ts";

/**
 * government-rules.md §1, California: annual tax $6,000.00, installments $3,000.00. Tax year 2025 is
 * fiscal 2025–26: Dec 10, 2025 is a Wednesday and Apr 10, 2026 a Friday, so neither moves and
 * "paid Dec 11" / "paid Apr 11" are the first days of delinquency.
 */
const california = (amountCents: number, asOf: string, installment?: number, taxYear = 2025) =>
  quote({ rules: "CA", amountCents, taxYear, asOf, installment });

describe("California penalties, costs and redemption (Rev. & Tax. Code)", () => {
  test("first installment paid Dec 11: 10% penalty, total 3,300.00", () => {
    const result = california(300_000, "2025-12-11", 1);
    assert.equal(result.components.penaltyCents, 30_000);
    assert.equal(result.totalCents, 330_000);
    assert.equal(result.dueDate, "2025-12-10");
    assert.equal(result.delinquent, true);
  });

  test("second installment paid Apr 11: 10% penalty plus the $10 cost, total 3,310.00", () => {
    const result = california(300_000, "2026-04-11", 2);
    assert.equal(result.components.penaltyCents, 30_000);
    assert.equal(result.components.feesCents, 1_000);
    assert.equal(result.totalCents, 331_000);
    assert.equal(result.dueDate, "2026-04-10");
  });

  test("both installments unpaid and redeemed Oct 15: 6,000 + 600 + 10 + 360 + 15 = 6,985.00", () => {
    // July 1, and after the month-ends of Jul 31 (Fri), Aug 31 (Mon) and Sep 30 (Wed): 4 × 1.5% = 6%.
    const result = california(600_000, "2026-10-15");
    assert.deepEqual(result.components, {
      taxCents: 600_000,
      penaltyCents: 60_000 + 36_000,
      interestCents: 0,
      feesCents: 1_000 + 1_500,
      discountCents: 0,
    });
    assert.equal(result.totalCents, 698_500);
  });

  test("paid on the delinquency day itself, an installment is not delinquent", () => {
    assert.equal(california(300_000, "2025-12-10", 1).totalCents, 300_000);
    assert.equal(california(300_000, "2026-04-10", 2).totalCents, 300_000);
  });

  test("a Dec 10 on a Saturday moves to Monday Dec 12 (§2619)", () => {
    // Dec 10, 2022 was a Saturday.
    const onMonday = california(300_000, "2022-12-12", 1, 2022);
    assert.equal(onMonday.dueDate, "2022-12-12");
    assert.equal(onMonday.delinquent, false);
    assert.equal(onMonday.totalCents, 300_000);
    assert.equal(california(300_000, "2022-12-13", 1, 2022).totalCents, 330_000);
  });

  test("an Apr 10 on a Sunday moves to Monday Apr 11", () => {
    // Apr 10, 2022 was a Sunday (tax year 2021).
    assert.equal(california(300_000, "2022-04-11", 2, 2021).dueDate, "2022-04-11");
    assert.equal(california(300_000, "2022-04-11", 2, 2021).totalCents, 300_000);
    assert.equal(california(300_000, "2022-04-12", 2, 2021).totalCents, 331_000);
  });

  test("the odd cent of the year's tax goes in the first installment (§2701)", () => {
    assert.deepEqual(splitAnnualTax(600_001), [300_001, 300_000]);
    assert.deepEqual(splitAnnualTax(1), [1, 0]);
  });

  test("the year's tax quoted after Dec 10 carries the first installment's penalty only", () => {
    // 10% of 3,000.01 is 300.001, rounded half-up to 300.00.
    const result = california(600_001, "2025-12-11");
    assert.equal(result.components.penaltyCents, 30_000);
    assert.equal(result.components.feesCents, 0);
    assert.equal(result.dueDate, "2025-12-10");
  });

  test("a month-end on a weekend attaches its 1.5% only after the next business day (§4103)", () => {
    // Tax year 2023 defaults after June 30, 2024. Aug 31, 2024 was a Saturday and Sep 2 Labor Day, so
    // the third 1.5% attaches after Tuesday Sep 3.
    const tax = 600_000;
    const base = tax + 60_000 + 1_000 + 1_500;
    assert.equal(california(tax, "2024-09-03", undefined, 2023).totalCents, base + 18_000);
    assert.equal(california(tax, "2024-09-04", undefined, 2023).totalCents, base + 27_000);
  });

  test("a month-end on a state holiday attaches after the next business day: Cesar Chavez Day, Mar 31, 2025", () => {
    // July 2024 through Feb 2025 have attached 9 penalties by Apr 1; Mar 31, 2025 is a holiday, so the
    // 10th attaches after Apr 1.
    const tax = 600_000;
    const base = tax + 60_000 + 1_000 + 1_500;
    assert.equal(california(tax, "2025-04-01", undefined, 2023).totalCents, base + 81_000);
    assert.equal(california(tax, "2025-04-02", undefined, 2023).totalCents, base + 90_000);
  });

  test("June 30 is the last day before redemption penalties and the $15 fee", () => {
    assert.equal(california(600_000, "2026-06-30").totalCents, 600_000 + 60_000 + 1_000);
    assert.equal(california(600_000, "2026-07-01").totalCents, 600_000 + 60_000 + 1_000 + 9_000 + 1_500);
  });

  test("an installment quoted after default is its own redemption amount, with the $15 fee", () => {
    const result = california(300_000, "2026-10-15", 2);
    assert.equal(result.totalCents, 300_000 + 30_000 + 1_000 + 18_000 + 1_500);
  });

  test("a zero tax carries no costs or fees", () => {
    assert.equal(california(0, "2026-10-15").totalCents, 0);
    assert.equal(california(0, "2026-10-15").delinquent, false);
  });
});
