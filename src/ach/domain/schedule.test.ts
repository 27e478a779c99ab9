import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import type { RemitError } from "../../platform/index.ts";
import { isFedachBusinessDay } from "../calendar/fedach.ts";
import {
  bankingDateOf,
  businessDayAfter,
  businessDaysAfter,
  earliestEffectiveDate,
  isDue,
  prenoteClearedBefore,
  type SchedulePlan,
  sameDayWindowOf,
  scheduleDates,
  scheduleDebitsMax,
  statusByDate,
  validateSchedulePlan,
} from "./schedule.ts";

const plan = (p: Partial<SchedulePlan>): SchedulePlan => ({
  frequency: "monthly",
  startDate: "2026-01-31",
  endDate: null,
  count: null,
  dates: [],
  nonBusinessDay: "next_business_day",
  ...p,
});

const rejectsWith = (code: string, param?: string) => (error: RemitError) => {
  assert.equal(error.code, code, error.message);
  if (param !== undefined) assert.equal(error.param, param);
  return true;
};

describe("the banking day", () => {
  test("is the date in New York, whatever the instant's UTC date", () => {
    // 03:30 UTC on the 25th is 22:30 on the 24th in New York (EST).
    assert.equal(bankingDateOf(new Date("2026-11-25T03:30:00Z")), "2026-11-24");
    assert.equal(bankingDateOf(new Date("2026-11-25T05:30:00Z")), "2026-11-25");
  });

  test("the business day after a Friday is the Monday, and after the day before Thanksgiving the Friday", () => {
    assert.equal(businessDayAfter("2026-11-20"), "2026-11-23");
    assert.equal(businessDayAfter("2026-11-25"), "2026-11-27");
    assert.equal(businessDaysAfter("2026-11-24", 3), "2026-11-30");
    assert.equal(businessDaysAfter("2026-11-24", 0), "2026-11-24");
  });

  test("a debit is due once its date is no later than the next business day, and a stale date is due at once", () => {
    assert.equal(isDue("2026-11-25", "2026-11-24"), true);
    assert.equal(isDue("2026-11-26", "2026-11-24"), false);
    assert.equal(isDue("2026-11-23", "2026-11-24"), true, "a stale date settles on the next business day");
    // Friday: the next business day is Monday, so a Saturday or Monday date is due, a Tuesday one deferred.
    assert.equal(statusByDate("2026-11-21", "2026-11-20"), "pending_submission");
    assert.equal(statusByDate("2026-11-23", "2026-11-20"), "pending_submission");
    assert.equal(statusByDate("2026-11-24", "2026-11-20"), "scheduled");
  });

  test("the earliest effective date is the day after today's file, or after the next business day's once the cutoff passed", () => {
    // Tuesday 2026-11-24: 10:00 and 18:00 in New York (EST is UTC-5), the bank's cutoff at 17:00.
    assert.equal(earliestEffectiveDate(new Date("2026-11-24T15:00:00Z"), "17:00"), "2026-11-25");
    assert.equal(earliestEffectiveDate(new Date("2026-11-24T23:00:00Z"), "17:00"), "2026-11-27", "Thanksgiving is skipped");
    // Saturday: the next file is Monday's, effective Tuesday.
    assert.equal(earliestEffectiveDate(new Date("2026-11-21T15:00:00Z"), "17:00"), "2026-11-24");
  });

  test("a prenote's period is over once that many business days have begun since the day it was sent", () => {
    const monday = new Date("2026-11-16T20:00:00Z");
    const clearedOn = (now: string, days: number) => monday < prenoteClearedBefore(new Date(now), days);
    assert.equal(clearedOn("2026-11-18T15:00:00Z", 3), false, "Wednesday: two business days");
    assert.equal(clearedOn("2026-11-19T05:00:00Z", 3), true, "Thursday from midnight in New York");
    assert.equal(clearedOn("2026-11-19T04:59:00Z", 3), false, "still Wednesday in New York");
    assert.equal(clearedOn("2026-11-16T20:00:01Z", 0), true, "no period: cleared once sent");
    // Sent on the Wednesday before Thanksgiving: Friday and Monday count, Thanksgiving does not.
    const wednesday = new Date("2026-11-25T20:00:00Z");
    assert.equal(wednesday < prenoteClearedBefore(new Date("2026-11-30T15:00:00Z"), 3), false);
    assert.equal(wednesday < prenoteClearedBefore(new Date("2026-12-01T15:00:00Z"), 3), true);
  });

  test("each bank cutoff feeds the first Fed same-day window whose deadline is after it", () => {
    assert.deepEqual(["09:00", "10:29", "10:30", "14:44", "16:44", "16:45"].map(sameDayWindowOf), [0, 0, 1, 1, 2, -1]);
  });
});

describe("schedule dates", () => {
  test("monthly on the 31st is each month's last day, moved to the next business day when the Fed is closed", () => {
    assert.deepEqual(scheduleDates(plan({ count: 5 })), ["2026-02-02", "2026-03-02", "2026-03-31", "2026-04-30", "2026-06-01"]);
  });

  test("skipping drops the dates the Fed is closed, and the count still counts debits", () => {
    assert.deepEqual(scheduleDates(plan({ count: 3, nonBusinessDay: "skip" })), ["2026-03-31", "2026-04-30", "2026-06-30"]);
  });

  test("weekly from a Thursday moves Thanksgiving to the Friday; quarterly counts from the start date, past Memorial Day", () => {
    assert.deepEqual(scheduleDates(plan({ frequency: "weekly", startDate: "2026-11-19", endDate: "2026-12-03" })), [
      "2026-11-19",
      "2026-11-27",
      "2026-12-03",
    ]);
    assert.deepEqual(scheduleDates(plan({ frequency: "quarterly", startDate: "2026-11-30", count: 4 })), [
      "2026-11-30",
      "2027-03-01",
      "2027-06-01",
      "2027-08-30",
    ]);
  });

  test("an installment plan is its dates, moved or skipped like the others", () => {
    const dates = ["2026-12-24", "2026-12-25", "2027-01-15"];
    assert.deepEqual(scheduleDates(plan({ frequency: "dates", startDate: "2026-12-24", dates })), [
      "2026-12-24",
      "2026-12-28",
      "2027-01-15",
    ]);
    assert.deepEqual(scheduleDates(plan({ frequency: "dates", startDate: "2026-12-24", dates, nonBusinessDay: "skip" })), [
      "2026-12-24",
      "2027-01-15",
    ]);
  });

  test("a date moved past the end date is dropped", () => {
    // 2026-10-31 is a Saturday: moved to Monday, November 2, after the end.
    assert.deepEqual(scheduleDates(plan({ startDate: "2026-08-31", endDate: "2026-10-31" })), ["2026-08-31", "2026-09-30"]);
  });

  test("a schedule without end has at most the maximum of debits", () => {
    assert.equal(scheduleDates(plan({ frequency: "weekly", startDate: "2026-01-05" })).length, scheduleDebitsMax);
  });

  const isoDay = fc.integer({ min: 0, max: 3 * 365 }).map((n) => Temporal.PlainDate.from("2026-01-01").add({ days: n }).toString());
  const plans = fc
    .record({
      frequency: fc.constantFrom("weekly" as const, "monthly" as const, "quarterly" as const, "dates" as const),
      startDate: isoDay,
      bound: fc.oneof(
        fc.record({ count: fc.integer({ min: 1, max: 60 }) }),
        fc.record({ endDays: fc.integer({ min: 0, max: 900 }) }),
        fc.constant({}),
      ),
      dates: fc.uniqueArray(isoDay, { minLength: 1, maxLength: 40 }),
      nonBusinessDay: fc.constantFrom("next_business_day" as const, "skip" as const),
    })
    .map((r): SchedulePlan => {
      if (r.frequency === "dates") {
        const dates = [...r.dates].sort();
        return plan({ frequency: "dates", startDate: dates[0], dates, nonBusinessDay: r.nonBusinessDay });
      }
      const endDate = "endDays" in r.bound ? Temporal.PlainDate.from(r.startDate).add({ days: r.bound.endDays }).toString() : null;
      const count = "count" in r.bound ? r.bound.count : null;
      return plan({ frequency: r.frequency, startDate: r.startDate, endDate, count, nonBusinessDay: r.nonBusinessDay });
    });

  test("dates ascend, are all FedACH business days, none before the start or after the end, and the count is respected", () => {
    fc.assert(
      fc.property(plans, (p) => {
        const dates = scheduleDates(p);
        assert.ok(dates.length <= scheduleDebitsMax);
        for (const [i, date] of dates.entries()) {
          assert.ok(isFedachBusinessDay(date), `${date} is a business day`);
          assert.ok(date >= p.startDate, `${date} is not before the start ${p.startDate}`);
          if (p.endDate !== null) assert.ok(date <= p.endDate, `${date} is not after the end ${p.endDate}`);
          if (i > 0) {
            const previous = dates[i - 1] as string;
            if (p.frequency === "dates") assert.ok(date >= previous, "installment dates never go back");
            else assert.ok(date > previous, "recurring dates strictly ascend");
          }
        }
        // Only a weekly plan on a weekend day that skips has no date at all; validation refuses it.
        if (p.count !== null && dates.length > 0) assert.equal(dates.length, p.count, "exactly count debits");
        if (p.frequency === "dates" && p.nonBusinessDay === "next_business_day") assert.equal(dates.length, p.dates.length);
      }),
      { numRuns: 300 },
    );
  });

  test("the dates up to a day are a prefix of all the dates", () => {
    fc.assert(
      fc.property(plans, isoDay, (p, through) => {
        assert.deepEqual(
          scheduleDates(p, { through }),
          scheduleDates(p).filter((d) => d <= through),
        );
      }),
      { numRuns: 200 },
    );
  });
});

describe("validating a plan", () => {
  const today = "2026-11-24";

  test("a recurring plan needs a start date today or later, and end_date or count but not both", () => {
    assert.throws(() => validateSchedulePlan({ frequency: "monthly" }, today), rejectsWith("invalid_schedule", "start_date"));
    assert.throws(
      () => validateSchedulePlan({ frequency: "monthly", startDate: "2026-11-23" }, today),
      rejectsWith("invalid_schedule", "start_date"),
    );
    assert.throws(
      () => validateSchedulePlan({ frequency: "weekly", startDate: today, endDate: "2027-01-01", count: 3 }, today),
      rejectsWith("invalid_schedule", "count"),
    );
    assert.throws(
      () => validateSchedulePlan({ frequency: "weekly", startDate: today, endDate: "2026-11-01" }, today),
      rejectsWith("invalid_schedule", "end_date"),
    );
    assert.throws(
      () => validateSchedulePlan({ frequency: "weekly", startDate: today, count: 0 }, today),
      rejectsWith("invalid_schedule", "count"),
    );
    const valid = validateSchedulePlan({ frequency: "weekly", startDate: today, count: 3 }, today);
    assert.deepEqual(valid, {
      frequency: "weekly",
      startDate: today,
      endDate: null,
      count: 3,
      dates: [],
      nonBusinessDay: "next_business_day",
    });
  });

  test("an installment plan's dates ascend, each once, none past, and it has no end_date or count", () => {
    assert.throws(
      () => validateSchedulePlan({ frequency: "dates", dates: ["2026-12-01", "2026-12-01"] }, today),
      rejectsWith("invalid_schedule", "dates[1]"),
    );
    assert.throws(
      () => validateSchedulePlan({ frequency: "dates", dates: ["2026-11-01"] }, today),
      rejectsWith("invalid_schedule", "dates[0]"),
    );
    assert.throws(() => validateSchedulePlan({ frequency: "dates", dates: [] }, today), rejectsWith("invalid_schedule", "dates"));
    assert.throws(
      () => validateSchedulePlan({ frequency: "dates", dates: ["2026-12-01"], count: 1 }, today),
      rejectsWith("invalid_schedule", "count"),
    );
    assert.throws(
      () => validateSchedulePlan({ frequency: "weekly", startDate: today, dates: [today] }, today),
      rejectsWith("invalid_schedule", "dates"),
    );
    const valid = validateSchedulePlan({ frequency: "dates", dates: ["2026-12-01", "2027-01-04"] }, today);
    assert.equal(valid.startDate, "2026-12-01");
  });

  test("a plan whose every date is skipped is refused", () => {
    assert.throws(
      () => validateSchedulePlan({ frequency: "dates", dates: ["2026-11-28", "2026-11-29"], nonBusinessDay: "skip" }, today),
      rejectsWith("invalid_schedule", "non_business_day"),
    );
  });
});
