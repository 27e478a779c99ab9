import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { quote } from "./index.ts";
import { remitError } from "./test-helpers.ts";

const cook = (taxYear: number, asOf: string, installment = 1) =>
  quote({ rules: "IL-COOK", amountCents: 300_000, taxYear, asOf, installment });

/**
 * government-rules.md §1, Cook County: installment $3,000.00. Tax year 2023's first installment is
 * delinquent after Friday March 1, 2024. Tax year 2022's was due April 1, 2023 — a Saturday, so it
 * moved to Monday April 3 — and is the example for the 1.5% rate. "The third month" is taken mid-month
 * (May 15, 2024; June 15, 2023) because where a month boundary falls is derived, not sourced.
 */
describe("Cook County interest (35 ILCS 200/21-25)", () => {
  test("paid one day late, tax year 2023: 0.75% = 22.50", () => {
    const result = cook(2023, "2024-03-02");
    assert.equal(result.dueDate, "2024-03-01");
    assert.equal(result.components.interestCents, 2_250);
    assert.equal(result.totalCents, 302_250);
  });

  test("paid in the third month of delinquency, tax year 2023: 2.25% = 67.50", () => {
    assert.equal(cook(2023, "2024-05-15").components.interestCents, 6_750);
  });

  test("paid in the third month of delinquency, tax year 2022: 4.5% = 135.00", () => {
    const result = cook(2022, "2023-06-15");
    assert.equal(result.dueDate, "2023-04-03");
    assert.equal(result.components.interestCents, 13_500);
  });

  test("each started month counts in full, from the day after the due date", () => {
    assert.equal(cook(2023, "2024-03-01").components.interestCents, 0);
    assert.equal(cook(2023, "2024-04-01").components.interestCents, 2_250);
    assert.equal(cook(2023, "2024-04-02").components.interestCents, 4_500);
  });

  test("tax years 2010 and 2022 have an April 1 first installment; other years March 1", () => {
    assert.equal(cook(2010, "2011-01-01").dueDate, "2011-04-01");
    assert.equal(cook(2021, "2022-01-01").dueDate, "2022-03-01");
    assert.equal(cook(2023, "2024-01-01").dueDate, "2024-03-01");
  });

  test("a March 1 on a Saturday moves past Casimir Pulaski Day to Tuesday March 4, 2025", () => {
    assert.equal(cook(2024, "2025-03-04").dueDate, "2025-03-04");
    assert.equal(cook(2024, "2025-03-04").delinquent, false);
    assert.equal(cook(2024, "2025-03-05").components.interestCents, 2_250);
  });

  test("the second installment is delinquent after August 1 at the same rate", () => {
    const result = cook(2023, "2024-08-02", 2);
    assert.equal(result.dueDate, "2024-08-01");
    assert.equal(result.components.interestCents, 2_250);
    assert.equal(cook(2021, "2022-08-02", 2).components.interestCents, 4_500);
  });

  test("a Cook County quote must name its installment", () => {
    assert.throws(
      () => quote({ rules: "IL-COOK", amountCents: 300_000, taxYear: 2023, asOf: "2024-03-02" }),
      remitError("invalid_quote_input", "installment"),
    );
    assert.throws(() => cook(2023, "2024-03-02", 3), remitError("invalid_quote_input", "installment"));
  });
});
