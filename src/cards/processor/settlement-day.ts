import { Temporal } from "temporal-polyfill";

/**
 * The simulator closes its batch every day at 21:00 New York time, as U.S. processors commonly
 * do (their cutoffs are in Eastern time, not the agency's zone): a capture or refund made before
 * the cutoff settles on that date, one made after it on the next. Every day has a batch; funding
 * on bank business days is the bank's concern, not the processor's report.
 */
export const settlementCutoff = { timeZone: "America/New_York", time: "21:00" } as const;

const isoDatePattern = /^\d{4}-\d{2}-\d{2}$/;

/** The settlement date (YYYY-MM-DD) of the batch that an operation made at `at` belongs to. */
export function settlementDateOf(at: Date): string {
  const local = Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(settlementCutoff.timeZone);
  const cutoff = Temporal.PlainTime.from(settlementCutoff.time);
  const day = local.toPlainDate();
  return (Temporal.PlainTime.compare(local.toPlainTime(), cutoff) >= 0 ? day.add({ days: 1 }) : day).toString();
}

/** The instant the batch of `date` closes. */
export function cutoffInstantOf(date: string): Date {
  const day = parseSettlementDate(date);
  const zoned = day.toZonedDateTime({ timeZone: settlementCutoff.timeZone, plainTime: Temporal.PlainTime.from(settlementCutoff.time) });
  return new Date(zoned.epochMilliseconds);
}

export function parseSettlementDate(date: string): Temporal.PlainDate {
  if (!isoDatePattern.test(date)) throw new RangeError(`A settlement date is YYYY-MM-DD, not ${JSON.stringify(date)}`);
  return Temporal.PlainDate.from(date, { overflow: "reject" });
}
