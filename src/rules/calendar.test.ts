import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Temporal } from "temporal-polyfill";
import {
  californiaCalendar,
  floridaCalendar,
  holidayOn,
  holidaysIn,
  illinoisCalendar,
  isBusinessDay,
  type JurisdictionCalendar,
  jurisdictionCalendars,
  nextBusinessDayOnOrAfter,
  texasCalendar,
  washingtonCalendar,
} from "./index.ts";

const day = (text: string) => Temporal.PlainDate.from(text);
const closed = (calendar: JurisdictionCalendar, text: string) => !isBusinessDay(calendar, day(text));

describe("jurisdiction calendars", () => {
  test("weekends are closed and ordinary weekdays open", () => {
    for (const calendar of Object.values(jurisdictionCalendars)) {
      assert.equal(closed(calendar, "2026-02-07"), true, calendar.id);
      assert.equal(closed(calendar, "2026-02-08"), true, calendar.id);
      assert.equal(closed(calendar, "2026-02-10"), false, calendar.id);
    }
  });

  test("nth-weekday holidays land on the right day: MLK Day, Memorial Day, Thanksgiving and the day after", () => {
    assert.equal(holidayOn(washingtonCalendar, day("2026-01-19")), "Martin Luther King Jr. Day");
    assert.equal(holidayOn(washingtonCalendar, day("2026-05-25")), "Memorial Day");
    assert.equal(holidayOn(washingtonCalendar, day("2026-11-26")), "Thanksgiving Day");
    assert.equal(holidayOn(washingtonCalendar, day("2026-11-27")), "Native American Heritage Day");
    assert.equal(holidayOn(floridaCalendar, day("2026-11-27")), "Day after Thanksgiving");
    assert.equal(holidayOn(californiaCalendar, day("2026-11-27")), undefined);
  });

  test("Texas keeps its state holidays, and no weekday stands in for a weekend one", () => {
    assert.equal(holidayOn(texasCalendar, day("2026-03-02")), "Texas Independence Day");
    assert.equal(holidayOn(texasCalendar, day("2025-12-26")), "Day after Christmas");
    // July 4, 2026 is a Saturday: Friday July 3 stays open in Texas.
    assert.equal(closed(texasCalendar, "2026-07-03"), false);
  });

  test("California keeps a Sunday holiday on the Monday and a Saturday Veterans Day on the Friday (§6701)", () => {
    assert.equal(closed(californiaCalendar, "2023-01-02"), true); // Jan 1, 2023 was a Sunday
    assert.equal(closed(californiaCalendar, "2023-11-10"), true); // Nov 11, 2023 was a Saturday
    assert.equal(closed(californiaCalendar, "2026-07-03"), false); // a Saturday July 4 is not moved
    assert.equal(holidayOn(californiaCalendar, day("2025-03-31")), "Cesar Chavez Day");
  });

  test("holidays added by statute start in their year: Juneteenth in Washington from 2022, in California from 2023", () => {
    assert.equal(closed(washingtonCalendar, "2021-06-18"), false);
    assert.equal(closed(washingtonCalendar, "2022-06-20"), true); // June 19, 2022 was a Sunday
    assert.equal(closed(californiaCalendar, "2022-06-20"), false);
    assert.equal(closed(californiaCalendar, "2024-06-19"), true);
  });

  test("Illinois keeps Casimir Pulaski Day and even-year election days, but no Friday for a Saturday Juneteenth", () => {
    assert.equal(holidayOn(illinoisCalendar, day("2025-03-03")), "Casimir Pulaski's Birthday");
    assert.equal(holidayOn(illinoisCalendar, day("2024-11-05")), "General Election Day");
    assert.equal(holidayOn(illinoisCalendar, day("2025-11-04")), undefined);
    assert.equal(closed(illinoisCalendar, "2027-06-18"), false);
  });

  test("a Saturday New Year's Day is kept on Friday December 31 of the year before, in Florida and Washington", () => {
    assert.equal(holidayOn(floridaCalendar, day("2021-12-31")), "New Year's Day");
    assert.equal(holidayOn(washingtonCalendar, day("2021-12-31")), "New Year's Day");
    assert.equal(holidaysIn(floridaCalendar, 2022).has("2021-12-31"), false);
  });

  test("the jurisdiction calendar is not the Federal Reserve's: it closes on days the Fed settles", () => {
    // The Fed does not observe a Saturday holiday on the Friday (government-rules.md §6) and keeps no
    // state holidays; these county offices are closed on those days all the same.
    assert.equal(closed(floridaCalendar, "2021-12-31"), true);
    assert.equal(closed(texasCalendar, "2026-03-02"), true);
    assert.equal(closed(illinoisCalendar, "2025-03-03"), true);
  });

  test("the next business day skips a weekend and a holiday together", () => {
    // Aug 31, 2024 was a Saturday and Sep 2 Labor Day.
    assert.equal(nextBusinessDayOnOrAfter(californiaCalendar, day("2024-08-31")).toString(), "2024-09-03");
    assert.equal(nextBusinessDayOnOrAfter(californiaCalendar, day("2024-09-03")).toString(), "2024-09-03");
  });

  test("a one-off closure is a business-day exception like any holiday", () => {
    const closedByOrdinance: JurisdictionCalendar = {
      ...californiaCalendar,
      id: "US-CA-TEST",
      holidays: [...californiaCalendar.holidays, { kind: "date", name: "Office closed by ordinance", date: "2025-12-10" }],
    };
    assert.equal(nextBusinessDayOnOrAfter(closedByOrdinance, day("2025-12-10")).toString(), "2025-12-11");
    assert.equal(isBusinessDay(californiaCalendar, day("2025-12-10")), true);
  });
});
