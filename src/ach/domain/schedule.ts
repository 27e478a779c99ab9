import { Temporal } from "temporal-polyfill";
import { isFedachBusinessDay, nextFedachBusinessDay } from "../calendar/fedach.ts";
import { achError, type SecCode } from "./ach-entry.ts";

/**
 * The dates of ACH entries: the banking day (FedACH runs on New York time), when a debit may go
 * to the operator, when a prenote's waiting period is over, and the dates of recurring schedules.
 * Pure: the instant is always a parameter.
 */

/** FedACH deadlines and banks' ACH cutoffs are New York wall-clock times. */
export const fedTimeZone = "America/New_York";

/** The Fed's Same Day ACH deadlines, window 1 to 3 (government-rules.md §6). */
export const fedSameDayDeadlines = ["10:30", "14:45", "16:45"] as const;

const isoDatePattern = /^\d{4}-\d{2}-\d{2}$/;
const wallTimePattern = /^([01]\d|2[0-3]):[0-5]\d$/;

export function isIsoDate(text: string): boolean {
  if (!isoDatePattern.test(text)) return false;
  try {
    Temporal.PlainDate.from(text, { overflow: "reject" });
    return true;
  } catch {
    return false;
  }
}

export function isWallTime(text: string): boolean {
  return wallTimePattern.test(text);
}

const zoned = (at: Date, timeZone: string) => Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(timeZone);

/** The calendar date at `at` in `timeZone` (YYYY-MM-DD). */
export function localDateOf(at: Date, timeZone: string): string {
  return zoned(at, timeZone).toPlainDate().toString();
}

/** The banking date: the date in New York at `at`. */
export function bankingDateOf(at: Date): string {
  return localDateOf(at, fedTimeZone);
}

/** New York wall time at `at`, `HH:MM`. */
export function bankingTimeOf(at: Date): string {
  return zoned(at, fedTimeZone).toPlainTime().toString({ smallestUnit: "minute" });
}

/** The instant the banking day `date` begins (midnight in New York). */
export function startOfBankingDay(date: string): Date {
  return new Date(Temporal.PlainDate.from(date).toZonedDateTime({ timeZone: fedTimeZone }).epochMilliseconds);
}

export function addDays(date: string, days: number): string {
  return Temporal.PlainDate.from(date).add({ days }).toString();
}

/** The first FedACH business day strictly after `date`. */
export function businessDayAfter(date: string): string {
  return nextFedachBusinessDay(addDays(date, 1));
}

/** The `n`-th FedACH business day after `date` (`date` itself when n is 0). */
export function businessDaysAfter(date: string, n: number): string {
  let day = date;
  for (let i = 0; i < n; i++) day = businessDayAfter(day);
  return day;
}

/** The `n`-th FedACH business day counting back from `date`, `date` itself counting as the first when it is one (n ≥ 1). */
function businessDayBack(date: string, n: number): string {
  let day = date;
  let found = 0;
  for (;;) {
    if (isFedachBusinessDay(day) && ++found === n) return day;
    day = addDays(day, -1);
  }
}

/**
 * Whether a debit effective on `effectiveDate` may go to the operator on banking day `today`:
 * debits may reach it at most one banking day before they settle, so a debit is due once its
 * date is no later than the next business day. Earlier dates (today, a stale date) are due too:
 * the operator settles them on the next business day.
 */
export function isDue(effectiveDate: string, today: string): boolean {
  return effectiveDate <= businessDayAfter(today);
}

/** The status a debit that is not held starts in: deferred until due, else waiting for the next file. */
export function statusByDate(effectiveDate: string, today: string): "scheduled" | "pending_submission" {
  return isDue(effectiveDate, today) ? "pending_submission" : "scheduled";
}

/**
 * A window's file is cut this long before the bank's cutoff (one file per window and day), so an
 * entry made later than that waits for the next window's file.
 */
export const fileCutLeadMs = 15 * 60_000;

/** Whether an entry made at `now` can still be in the file for a window whose bank cutoff is `cutoff`. */
export function beforeFileCut(now: Date, cutoff: string): boolean {
  return bankingTimeOf(new Date(now.getTime() + fileCutLeadMs)) < cutoff;
}

/**
 * The first effective date a next-day debit made at `now` can have: the business day after the
 * day of the file it can still make — today's, if today is a business day and its file is not
 * cut yet, else the next business day's.
 */
export function earliestEffectiveDate(now: Date, nextDayCutoff: string): string {
  const today = bankingDateOf(now);
  const fileDay = isFedachBusinessDay(today) && beforeFileCut(now, nextDayCutoff) ? today : businessDayAfter(today);
  return businessDayAfter(fileDay);
}

/**
 * A prenote sent before this instant has waited out a period of `prenoteDays` business days by
 * `now`: at least that many business days have begun since the day it was sent.
 */
export function prenoteClearedBefore(now: Date, prenoteDays: number): Date {
  if (prenoteDays === 0) return new Date(now.getTime() + 1);
  return startOfBankingDay(businessDayBack(bankingDateOf(now), prenoteDays));
}

/** Which of the Fed's same-day windows (0, 1, 2) a bank cutoff feeds: the first whose deadline is after it; -1 for none. */
export function sameDayWindowOf(cutoff: string): number {
  return fedSameDayDeadlines.findIndex((deadline) => cutoff < deadline);
}

export type ScheduleFrequency = "weekly" | "monthly" | "quarterly" | "dates";
export const scheduleFrequencies: readonly ScheduleFrequency[] = ["weekly", "monthly", "quarterly", "dates"];

/** A date that is not a FedACH business day: debit on the next business day, or not at all. */
export type NonBusinessDayRule = "next_business_day" | "skip";
export const nonBusinessDayRules: readonly NonBusinessDayRule[] = ["next_business_day", "skip"];

/** No schedule has more debits than this (ten years of weekly debits). */
export const scheduleDebitsMax = 520;

/** A recurring schedule's dates: every week, month or quarter from `startDate`, or an installment plan's `dates`. */
export interface SchedulePlan {
  readonly frequency: ScheduleFrequency;
  readonly startDate: string;
  readonly endDate: string | null;
  /** How many debits in all; null for a plan bounded by `endDate` or by nothing (until canceled). */
  readonly count: number | null;
  /** For `dates` only: the installment plan's due dates, ascending. */
  readonly dates: readonly string[];
  readonly nonBusinessDay: NonBusinessDayRule;
}

/** The nominal (unadjusted) date of occurrence `i` (0-based) of a recurring frequency. */
function nominalDate(plan: SchedulePlan, i: number): string | undefined {
  const start = Temporal.PlainDate.from(plan.startDate);
  switch (plan.frequency) {
    case "weekly":
      return start.add({ weeks: i }).toString();
    // Always counted from the start date, so the 31st falls on each month's last day and comes back.
    case "monthly":
      return start.add({ months: i }, { overflow: "constrain" }).toString();
    case "quarterly":
      return start.add({ months: 3 * i }, { overflow: "constrain" }).toString();
    case "dates":
      return plan.dates[i];
  }
}

/**
 * The debit dates of a plan, ascending, at most `scheduleDebitsMax` (or `countMax`), and none
 * after `through` when given. A date that is not a FedACH business day moves to the next one or
 * is skipped, as the plan says; a skipped date does not count towards `count`. No date is after
 * `endDate`, a moved one included.
 */
export function scheduleDates(plan: SchedulePlan, options: { through?: string; countMax?: number } = {}): string[] {
  const { through } = options;
  const countMax = Math.min(plan.count ?? scheduleDebitsMax, options.countMax ?? scheduleDebitsMax, scheduleDebitsMax);
  const dates: string[] = [];
  // Skipping drops only weekends and holidays (none of a weekly plan on a weekend day): this bounds the search.
  const nominalMax = 3 * scheduleDebitsMax;
  for (let i = 0; i < nominalMax && dates.length < countMax; i++) {
    const nominal = nominalDate(plan, i);
    if (nominal === undefined) break;
    if (plan.endDate !== null && nominal > plan.endDate) break;
    if (through !== undefined && nominal > through) break;
    const date = isFedachBusinessDay(nominal) ? nominal : plan.nonBusinessDay === "skip" ? undefined : nextFedachBusinessDay(nominal);
    if (date === undefined) continue;
    if ((plan.endDate !== null && date > plan.endDate) || (through !== undefined && date > through)) break;
    dates.push(date);
  }
  return dates;
}

/** Input for a new plan, as the API takes it. */
export interface SchedulePlanInput {
  readonly frequency: ScheduleFrequency;
  readonly startDate?: string | undefined;
  readonly endDate?: string | undefined;
  readonly count?: number | undefined;
  readonly dates?: readonly string[] | undefined;
  readonly nonBusinessDay?: NonBusinessDayRule | undefined;
}

/** The latest a schedule may end or start: ten years ahead. */
const planYearsMax = 10;

/** Checks a new plan against `today` (the agency's date) and gives it its canonical form; `invalid_schedule` names the field. */
export function validateSchedulePlan(input: SchedulePlanInput, today: string): SchedulePlan {
  const invalid = (param: string, detail: string) => achError("invalid_schedule", detail, param);
  const latest = Temporal.PlainDate.from(today).add({ years: planYearsMax }).toString();
  const checkDate = (param: string, date: string) => {
    if (!isIsoDate(date)) throw invalid(param, `${param} is a date, YYYY-MM-DD`);
    if (date < today) throw invalid(param, `${param} ${date} is in the past (today is ${today})`);
    if (date > latest) throw invalid(param, `${param} ${date} is more than ${planYearsMax} years ahead`);
  };
  if (!scheduleFrequencies.includes(input.frequency)) {
    throw invalid("frequency", `frequency is one of ${scheduleFrequencies.join(", ")}`);
  }
  const nonBusinessDay = input.nonBusinessDay ?? "next_business_day";
  if (!nonBusinessDayRules.includes(nonBusinessDay)) {
    throw invalid("non_business_day", `non_business_day is ${nonBusinessDayRules.join(" or ")}`);
  }
  let plan: SchedulePlan;
  if (input.frequency === "dates") {
    const dates = input.dates ?? [];
    if (input.endDate !== undefined || input.count !== undefined) {
      throw invalid(input.endDate !== undefined ? "end_date" : "count", "An installment plan is its dates: no end_date or count");
    }
    if (dates.length === 0 || dates.length > scheduleDebitsMax) {
      throw invalid("dates", `An installment plan has 1 to ${scheduleDebitsMax} dates`);
    }
    dates.forEach((date, i) => {
      checkDate(`dates[${i}]`, date);
      if (i > 0 && date <= (dates[i - 1] as string)) throw invalid(`dates[${i}]`, "The dates must be ascending, each once");
    });
    const startDate = dates[0] as string;
    if (input.startDate !== undefined && input.startDate !== startDate) {
      throw invalid("start_date", `start_date of an installment plan is its first date, ${startDate}`);
    }
    plan = { frequency: "dates", startDate, endDate: null, count: null, dates: [...dates], nonBusinessDay };
  } else {
    if (input.dates !== undefined) throw invalid("dates", "dates are for frequency dates (an installment plan)");
    if (input.startDate === undefined) throw invalid("start_date", "A recurring schedule needs start_date");
    checkDate("start_date", input.startDate);
    if (input.endDate !== undefined && input.count !== undefined) throw invalid("count", "Give end_date or count, not both");
    if (input.endDate !== undefined) {
      checkDate("end_date", input.endDate);
      if (input.endDate < input.startDate) throw invalid("end_date", "end_date is before start_date");
    }
    if (input.count !== undefined && !(Number.isInteger(input.count) && input.count >= 1 && input.count <= scheduleDebitsMax)) {
      throw invalid("count", `count is 1 to ${scheduleDebitsMax}`);
    }
    plan = {
      frequency: input.frequency,
      startDate: input.startDate,
      endDate: input.endDate ?? null,
      count: input.count ?? null,
      dates: [],
      nonBusinessDay,
    };
  }
  if (scheduleDates(plan, { countMax: 1 }).length === 0) {
    throw invalid("non_business_day", "Every date of the schedule falls on a day FedACH is closed, and the schedule skips those");
  }
  return plan;
}

export type ScheduleStatus = "active" | "completed" | "canceled";

/** A recurring ACH debit: the same amount from the same bank account on each of its plan's dates. */
export interface AchSchedule {
  readonly agencyId: string;
  readonly id: string;
  readonly originatorId: string;
  readonly bankAccountId: string;
  readonly bankFingerprint: string;
  readonly routingNumber: string;
  readonly accountLast4: string;
  readonly accountType: "checking" | "savings";
  readonly individualName: string;
  readonly amountCents: number;
  readonly secCode: SecCode;
  readonly authorizationText: string | null;
  readonly plan: SchedulePlan;
  readonly account: { readonly system: string; readonly ref: string } | null;
  readonly agencyTrackingId: string | null;
  readonly status: ScheduleStatus;
  /** How many of the plan's dates have their debit. */
  readonly debitsCreated: number;
  /** The first date that has no debit yet; null when none is left. */
  readonly nextDate: string | null;
  readonly createdAt: Date;
  readonly canceledAt: Date | null;
}
