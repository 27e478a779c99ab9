import assert from "node:assert/strict";
import { isAfter, type PlainDate, plainDate } from "./dates.ts";

/**
 * A jurisdiction's calendar of business days: the days its tax office is open, which decide when a due
 * date that lands on a weekend or holiday moves. It is a separate calendar from the Federal Reserve's
 * (FedACH) one, which is not this capability's: a state holiday can close the county office on a day
 * the Fed settles, and the two observe weekend holidays by different rules (government-rules.md §6).
 */

/** ISO weekday numbers, as Temporal numbers them: Monday is 1, Sunday is 7. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;
export const monday: Weekday = 1;
export const tuesday: Weekday = 2;
export const thursday: Weekday = 4;
export const friday: Weekday = 5;
export const saturday: Weekday = 6;
export const sunday: Weekday = 7;

/**
 * Which weekday stands in for a holiday that falls on a weekend:
 * - `none`: none; the holiday is the day itself (Texas; Illinois's Juneteenth by statute).
 * - `sunday_to_monday`: a Sunday holiday is also kept on the Monday (California §6701).
 * - `nearest_weekday`: Saturday's on the Friday before, Sunday's on the Monday after (Florida §110.117).
 */
export type Observance = "none" | "sunday_to_monday" | "nearest_weekday";

interface HolidayBase {
  readonly name: string;
  /** The first year the holiday is kept, when a statute added it. */
  readonly fromYear?: number;
  /** Kept only in even years (Illinois's general election day). */
  readonly evenYearsOnly?: boolean;
}

export type HolidayRule =
  | (HolidayBase & {
      readonly kind: "fixed";
      readonly month: number;
      readonly day: number;
      /** Overrides the calendar's observance for this holiday. */
      readonly observance?: Observance;
    })
  | (HolidayBase & {
      readonly kind: "nth_weekday";
      readonly month: number;
      readonly weekday: Weekday;
      /** 1 to 5, or -1 for the last such weekday of the month. */
      readonly nth: 1 | 2 | 3 | 4 | 5 | -1;
      /** Days after that weekday: 1 for the day after Thanksgiving, or the Tuesday after the first Monday. */
      readonly offsetDays?: number;
    })
  | {
      /** A one-off closure (an office closed by ordinance, a holiday no rule can express). */
      readonly kind: "date";
      readonly name: string;
      readonly date: string;
    };

export interface JurisdictionCalendar {
  readonly id: string;
  readonly name: string;
  /** Where the list and the weekend rule come from, and what is left out and why. */
  readonly source: string;
  readonly weekendDays: readonly Weekday[];
  /** The default for fixed-date holidays; nth-weekday holidays always fall on a weekday. */
  readonly observance: Observance;
  readonly holidays: readonly HolidayRule[];
}

/** The holidays a calendar keeps in a year, by the day they are kept (YYYY-MM-DD → name). */
export function holidaysIn(calendar: JurisdictionCalendar, year: number): ReadonlyMap<string, string> {
  const byYear = holidayCache.get(calendar) ?? new Map<number, ReadonlyMap<string, string>>();
  holidayCache.set(calendar, byYear);
  const cached = byYear.get(year);
  if (cached !== undefined) return cached;
  const days = new Map<string, string>();
  // A Saturday, January 1 is kept on Friday, December 31 of the year before, so look one year each side.
  for (const ruleYear of [year - 1, year, year + 1]) {
    for (const rule of calendar.holidays) {
      const kept = keptDay(calendar, rule, ruleYear);
      if (kept !== undefined && kept.year === year && !days.has(kept.toString())) days.set(kept.toString(), rule.name);
    }
  }
  byYear.set(year, days);
  return days;
}

// Holidays are a pure function of (calendar, year); the cache keeps repeated quotes cheap.
const holidayCache = new WeakMap<JurisdictionCalendar, Map<number, ReadonlyMap<string, string>>>();

export function holidayOn(calendar: JurisdictionCalendar, date: PlainDate): string | undefined {
  return holidaysIn(calendar, date.year).get(date.toString());
}

export function isBusinessDay(calendar: JurisdictionCalendar, date: PlainDate): boolean {
  return !calendar.weekendDays.includes(date.dayOfWeek as Weekday) && holidayOn(calendar, date) === undefined;
}

/** The date itself when the office is open, otherwise the next day it is. */
export function nextBusinessDayOnOrAfter(calendar: JurisdictionCalendar, date: PlainDate): PlainDate {
  let day = date;
  // No calendar closes for a month; a longer run means the calendar data is broken.
  for (let step = 0; step < 31; step += 1) {
    if (isBusinessDay(calendar, day)) return day;
    day = day.add({ days: 1 });
  }
  assert.fail(`calendar ${calendar.id} has no business day in the 31 days from ${date.toString()}`);
}

function keptDay(calendar: JurisdictionCalendar, rule: HolidayRule, year: number): PlainDate | undefined {
  if (rule.kind === "date") {
    return rule.date.startsWith(`${year}-`) ? plainDateFromIso(rule.date) : undefined;
  }
  if (rule.fromYear !== undefined && year < rule.fromYear) return undefined;
  if (rule.evenYearsOnly === true && year % 2 !== 0) return undefined;
  if (rule.kind === "nth_weekday") {
    return nthWeekday(year, rule.month, rule.weekday, rule.nth).add({ days: rule.offsetDays ?? 0 });
  }
  const actual = plainDate(year, rule.month, rule.day);
  const observance = rule.observance ?? calendar.observance;
  if (actual.dayOfWeek === sunday && observance !== "none") return actual.add({ days: 1 });
  if (actual.dayOfWeek === saturday && observance === "nearest_weekday") return actual.subtract({ days: 1 });
  return actual;
}

function nthWeekday(year: number, month: number, weekday: Weekday, nth: number): PlainDate {
  if (nth === -1) {
    const last = plainDate(year, month, 1).add({ months: 1 }).subtract({ days: 1 });
    return last.subtract({ days: (last.dayOfWeek - weekday + 7) % 7 });
  }
  const first = plainDate(year, month, 1);
  const day = first.add({ days: ((weekday - first.dayOfWeek + 7) % 7) + (nth - 1) * 7 });
  assert.ok(
    !isAfter(day, first.add({ months: 1 }).subtract({ days: 1 })),
    `there is no weekday ${weekday} number ${nth} in ${year}-${month}`,
  );
  return day;
}

function plainDateFromIso(text: string): PlainDate {
  const [year, month, day] = text.split("-").map(Number);
  return plainDate(year as number, month as number, day as number);
}
