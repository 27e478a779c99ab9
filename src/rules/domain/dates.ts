import { Temporal } from "temporal-polyfill";

/**
 * Dates for the rules are calendar days (Temporal.PlainDate): a due date has no time zone, and the
 * as-of date is always a parameter — nothing here reads a clock.
 */
export type PlainDate = Temporal.PlainDate;

/** A month and day, for dates the law fixes every year ("Feb 1", "Dec 10"). */
export interface MonthDay {
  readonly month: number;
  readonly day: number;
}

const isoDatePattern = /^\d{4}-\d{2}-\d{2}$/;

/** Parses YYYY-MM-DD strictly: no other form, no day past the month's end. */
export function parseIsoDate(text: unknown): PlainDate | undefined {
  if (typeof text !== "string" || !isoDatePattern.test(text)) return undefined;
  try {
    return Temporal.PlainDate.from(text, { overflow: "reject" });
  } catch {
    return undefined;
  }
}

export function plainDate(year: number, month: number, day: number): PlainDate {
  return Temporal.PlainDate.from({ year, month, day }, { overflow: "reject" });
}

export function onMonthDay(year: number, monthDay: MonthDay): PlainDate {
  return plainDate(year, monthDay.month, monthDay.day);
}

export function isAfter(a: PlainDate, b: PlainDate): boolean {
  return Temporal.PlainDate.compare(a, b) > 0;
}

export function isOnOrAfter(a: PlainDate, b: PlainDate): boolean {
  return Temporal.PlainDate.compare(a, b) >= 0;
}

export function lastDayOfMonth(date: PlainDate): PlainDate {
  return date.with({ day: date.daysInMonth });
}

/**
 * Calendar months from the month of `first` through the month of `asOf`, both counted: a charge of
 * "X% for each calendar month or portion of a month" (Texas §33.01, Florida §197.172(4), Washington
 * RCW 84.56.020) where the months are the calendar's own. 0 when `asOf` is before `first`.
 */
export function calendarMonthsStarted(first: PlainDate, asOf: PlainDate): number {
  if (isAfter(first, asOf)) return 0;
  return asOf.year * 12 + asOf.month - (first.year * 12 + first.month) + 1;
}

/**
 * Months "or portion" counted from a due date rather than from the calendar: month k covers the days
 * after `due` + (k−1) months up to and including `due` + k months. Paying on the due date is 0;
 * the day after is 1. Used where interest runs "per month or portion" from the date of delinquency
 * (Cook County, 35 ILCS 200/21-25).
 */
export function monthsOrPortionAfter(due: PlainDate, asOf: PlainDate): number {
  if (!isAfter(asOf, due)) return 0;
  let months = Math.max(1, asOf.year * 12 + asOf.month - (due.year * 12 + due.month));
  while (isAfter(asOf, due.add({ months }))) months += 1;
  while (months > 1 && !isAfter(asOf, due.add({ months: months - 1 }))) months -= 1;
  return months;
}
