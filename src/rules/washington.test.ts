import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type PropertyClass, quote } from "./index.ts";

const washington = (taxYear: number, asOf: string, propertyClass?: PropertyClass, installment?: number) =>
  quote({ rules: "WA", amountCents: 100_000, taxYear, asOf, propertyClass, installment });
const chargesPercent = (taxYear: number, asOf: string, propertyClass?: PropertyClass, installment?: number) => {
  const { penaltyCents, interestCents } = washington(taxYear, asOf, propertyClass, installment).components;
  return (penaltyCents + interestCents) / 1_000;
};

/**
 * government-rules.md §1 gives Washington's rules but no worked figures. The nonresidential figures
 * below are Snohomish County's published chart (12% a year plus 3% on June 1 and 8% on Dec 1:
 * May 1%, June 5%, July 6% … Nov 10%, Dec 19%), which the post-2023 nonresidential rule keeps.
 */
describe("Washington interest and penalties (RCW 84.56.020, ESHB 1410)", () => {
  test("nonresidential property from 2023 follows the 12% + 3% + 8% chart, month by month", () => {
    const chart: [string, number][] = [
      ["2024-05-01", 1],
      ["2024-06-01", 5],
      ["2024-07-31", 6],
      ["2024-08-01", 7],
      ["2024-09-15", 8],
      ["2024-10-15", 9],
      ["2024-11-15", 10],
      ["2024-12-01", 19],
    ];
    for (const [asOf, percent] of chart) assert.equal(chargesPercent(2024, asOf, "nonresidential"), percent, asOf);
  });

  test("residential parcels of four units or fewer pay 9% a year and no penalties", () => {
    assert.equal(washington(2024, "2024-05-01").components.interestCents, 750);
    assert.equal(washington(2024, "2024-12-01").components.interestCents, 6_000);
    assert.equal(washington(2024, "2024-12-01").components.penaltyCents, 0);
  });

  test("a missed first half makes the whole year delinquent from May 1", () => {
    const result = washington(2024, "2024-05-01");
    assert.equal(result.dueDate, "2024-04-30");
    assert.equal(result.delinquent, true);
    assert.equal(washington(2024, "2024-04-30").delinquent, false);
  });

  test("the second half is delinquent after October 31 and takes only the December penalty", () => {
    assert.equal(washington(2024, "2024-10-31", "nonresidential", 2).delinquent, false);
    assert.equal(chargesPercent(2024, "2024-11-15", "nonresidential", 2), 1);
    assert.equal(chargesPercent(2024, "2024-12-02", "nonresidential", 2), 10);
    assert.equal(chargesPercent(2024, "2024-12-02", "residential", 2), 1.5);
  });

  test("2022 taxes carry no penalties, and an April 30 on a Saturday moves to Monday May 2", () => {
    const onMonday = washington(2022, "2022-05-02", "nonresidential");
    assert.equal(onMonday.dueDate, "2022-05-02");
    assert.equal(onMonday.delinquent, false);
    const result = washington(2022, "2022-12-15", "nonresidential");
    assert.equal(result.components.penaltyCents, 0);
    assert.equal(result.components.interestCents, 8_000);
  });

  test("interest uses the rate in force at payment, so a residential 2021 tax costs less interest paid in January 2023 than in December 2022", () => {
    // May 2021 through Dec 2022 is 20 months at 1%; through Jan 2023, 21 months at 0.75%.
    assert.equal(washington(2021, "2022-12-15").components.interestCents, 20_000);
    assert.equal(washington(2021, "2023-01-15").components.interestCents, 15_750);
    // Before ESHB 1410 every class paid the June and December penalties.
    assert.equal(washington(2021, "2023-01-15").components.penaltyCents, 11_000);
  });

  test("property class defaults to residential", () => {
    assert.deepEqual(washington(2024, "2024-12-01"), washington(2024, "2024-12-01", "residential"));
  });
});
