import { Temporal } from "temporal-polyfill";
import { holidaysIn, isBusinessDay, type JurisdictionCalendar, nextBusinessDayOnOrAfter } from "../../rules/index.ts";

/**
 * The Federal Reserve's business days, on which FedACH settles (government-rules.md §6): its
 * holidays, with a Sunday holiday closing the Monday after and a Saturday holiday not observed at
 * all (the Fed is open the Friday before, unlike federal offices). This is not the agency's own
 * calendar: a county can be closed on a day the Fed settles, and the other way round.
 */
export const fedachCalendar: JurisdictionCalendar = {
  id: "FEDACH",
  name: "Federal Reserve (FedACH)",
  source: "Federal Reserve holiday schedule; Juneteenth observed from 2022 (the Fed was open on Friday, June 18, 2021)",
  weekendDays: [6, 7],
  observance: "sunday_to_monday",
  holidays: [
    { kind: "fixed", name: "New Year's Day", month: 1, day: 1 },
    { kind: "nth_weekday", name: "Birthday of Martin Luther King, Jr.", month: 1, weekday: 1, nth: 3 },
    { kind: "nth_weekday", name: "Washington's Birthday", month: 2, weekday: 1, nth: 3 },
    { kind: "nth_weekday", name: "Memorial Day", month: 5, weekday: 1, nth: -1 },
    { kind: "fixed", name: "Juneteenth National Independence Day", month: 6, day: 19, fromYear: 2022 },
    { kind: "fixed", name: "Independence Day", month: 7, day: 4 },
    { kind: "nth_weekday", name: "Labor Day", month: 9, weekday: 1, nth: 1 },
    { kind: "nth_weekday", name: "Columbus Day", month: 10, weekday: 1, nth: 2 },
    { kind: "fixed", name: "Veterans Day", month: 11, day: 11 },
    { kind: "nth_weekday", name: "Thanksgiving Day", month: 11, weekday: 4, nth: 4 },
    { kind: "fixed", name: "Christmas Day", month: 12, day: 25 },
  ],
};

/** The weekdays of `year` on which the Federal Reserve is closed, in order (YYYY-MM-DD). */
export function fedachClosedDays(year: number): string[] {
  return [...holidaysIn(fedachCalendar, year).keys()]
    .filter((day) => day.startsWith(`${year}-`))
    .filter((day) => Temporal.PlainDate.from(day).dayOfWeek <= 5)
    .sort();
}

export function isFedachBusinessDay(date: string): boolean {
  return isBusinessDay(fedachCalendar, Temporal.PlainDate.from(date));
}

/** The first FedACH business day on or after `date`: where an entry that cannot settle that day settles. */
export function nextFedachBusinessDay(date: string): string {
  return nextBusinessDayOnOrAfter(fedachCalendar, Temporal.PlainDate.from(date)).toString();
}
