import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import { fedachClosedDays, isFedachBusinessDay, nextFedachBusinessDay } from "./fedach.ts";

test("a Saturday holiday is not observed: the Fed is open the Friday before", () => {
  // government-rules.md §6: 2022-01-01, 2026-07-04, 2027-06-19 and 2027-12-25 fall on Saturdays.
  for (const friday of ["2021-12-31", "2026-07-03", "2027-06-18", "2027-12-24"]) {
    assert.equal(isFedachBusinessDay(friday), true, friday);
  }
});

test("a Sunday holiday closes the Monday after", () => {
  for (const monday of ["2022-12-26", "2027-07-05"]) assert.equal(isFedachBusinessDay(monday), false, monday);
});

test("Juneteenth closes the Fed from 2022, not in 2021", () => {
  assert.equal(isFedachBusinessDay("2021-06-18"), true);
  assert.equal(isFedachBusinessDay("2024-06-19"), false);
});

test("the closed weekdays of 2026 are the eleven holidays less Independence Day, which falls on a Saturday", () => {
  assert.deepEqual(fedachClosedDays(2026), [
    "2026-01-01",
    "2026-01-19",
    "2026-02-16",
    "2026-05-25",
    "2026-06-19",
    "2026-09-07",
    "2026-10-12",
    "2026-11-11",
    "2026-11-26",
    "2026-12-25",
  ]);
});

test("an entry due on a weekend or holiday settles on the next business day", () => {
  assert.equal(nextFedachBusinessDay("2026-11-26"), "2026-11-27");
  assert.equal(nextFedachBusinessDay("2026-07-04"), "2026-07-06");
  assert.equal(nextFedachBusinessDay("2026-12-24"), "2026-12-24");
});

test("closed days are always weekdays of their year, and never more than eleven", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1990, max: 2100 }), (year) => {
      const closed = fedachClosedDays(year);
      assert.ok(closed.length <= 11);
      for (const day of closed) {
        const date = Temporal.PlainDate.from(day);
        assert.equal(date.year, year);
        assert.ok(date.dayOfWeek <= 5);
        assert.equal(isFedachBusinessDay(day), false);
      }
    }),
  );
});
