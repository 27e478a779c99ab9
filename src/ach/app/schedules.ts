import { createHash } from "node:crypto";
import { getSystem } from "../../accounts/index.ts";
import { getAgency } from "../../agencies/index.ts";
import { base62, newId, type Sql } from "../../platform/index.ts";
import { redeemBankAccountToken } from "../../vault/index.ts";
import type { EntryRecord } from "../adapters/entry-store.ts";
import * as entryStore from "../adapters/entry-store.ts";
import { findOriginator } from "../adapters/originator-store.ts";
import * as store from "../adapters/schedule-store.ts";
import { type AchOriginator, achError, type SecCode } from "../domain/ach-entry.ts";
import {
  type AchSchedule,
  bankingDateOf,
  businessDaysAfter,
  localDateOf,
  type SchedulePlanInput,
  scheduleDates,
  validateSchedulePlan,
} from "../domain/schedule.ts";
import {
  type AchDeps,
  cancelLocked,
  individualNameOf,
  insertPrenote,
  recordDebit,
  refuseReturnedAccount,
  validateAmount,
  validateAuthorization,
  validateSecCode,
} from "./entries.ts";
import { getDefaultOriginator } from "./originators.ts";

export interface NewSchedule extends SchedulePlanInput {
  readonly bankAccountToken: string;
  readonly amountCents: number;
  readonly secCode: SecCode;
  readonly authorizationText?: string | undefined;
  readonly account?: { readonly system: string; readonly ref: string } | undefined;
  readonly agencyTrackingId?: string | undefined;
}

/**
 * A schedule's debits are made this many business days ahead of their dates: enough for a
 * deferred debit to be seen (and canceled) before it is due, and for a worker that was down a
 * day to catch up.
 */
export const materializeBusinessDaysAhead = 3;

/**
 * A recurring debit (weekly, monthly, quarterly) or an installment plan's dates. The token is
 * spent on the schedule, which keeps the vault's account for each debit; the debits of dates
 * within `materializeBusinessDaysAhead` business days are made at once, the rest by
 * `materializeSchedules`. When the bank wants accounts prenoted, the account's prenote is sent
 * now, so its period runs before the first date.
 */
export async function createSchedule(deps: AchDeps, agencyId: string, input: NewSchedule): Promise<AchSchedule> {
  const secCode = validateSecCode(input.secCode);
  const amountCents = validateAmount(input.amountCents);
  const authorizationText = validateAuthorization(secCode, input.authorizationText);
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    const originator = await getDefaultOriginator(tx, agencyId);
    const agency = await getAgency(tx, agencyId);
    const plan = validateSchedulePlan(input, localDateOf(now, agency.timeZone));
    const bank = await redeemBankAccountToken(tx, agencyId, input.bankAccountToken, now);
    if (input.account) await getSystem(tx, agencyId, input.account.system);
    await refuseReturnedAccount(tx, originator, bank);
    const schedule = await store.insertSchedule(tx, {
      agencyId,
      id: newId("sch"),
      originatorId: originator.id,
      bankAccountId: bank.bankAccountId,
      bankFingerprint: bank.fingerprint,
      routingNumber: bank.routingNumber,
      accountLast4: bank.last4,
      accountType: bank.accountType,
      individualName: individualNameOf(bank.accountHolderName),
      amountCents,
      secCode,
      authorizationText,
      plan,
      account: input.account ?? null,
      agencyTrackingId: input.agencyTrackingId ?? null,
      status: "active",
      debitsCreated: 0,
      nextDate: scheduleDates(plan, { countMax: 1 })[0] ?? null,
      createdAt: now,
      canceledAt: null,
    });
    // The account's prenote period starts now, however far off the first date is.
    if (originator.requiresPrenote && !(await entryStore.findLatestPrenote(tx, agencyId, bank.fingerprint))) {
      await insertPrenote(tx, originator, bank, { secCode, individualName: schedule.individualName, now });
    }
    return materializeLocked(tx, originator, schedule, now);
  });
}

/**
 * The id of a schedule's `occurrence`-th debit (1-based): derived, not random, so a debit can
 * only ever be made once for each date of the schedule.
 */
export function scheduledDebitId(scheduleId: string, occurrence: number): string {
  const digest = createHash("sha256").update(`${scheduleId}#${occurrence}`).digest();
  return `ach_${base62(digest.subarray(0, 16)).padStart(22, "0")}`;
}

/**
 * Makes the debits of the schedule's dates up to `materializeBusinessDaysAhead` business days
 * from now that do not exist yet. The caller holds the schedule's row lock.
 */
async function materializeLocked(tx: Sql, originator: AchOriginator, schedule: AchSchedule, now: Date): Promise<AchSchedule> {
  if (schedule.status !== "active") return schedule;
  const through = businessDaysAfter(bankingDateOf(now), materializeBusinessDaysAhead);
  // The dates due by then, and the one after them if there is one.
  const due = scheduleDates(schedule.plan, { through });
  const dates = scheduleDates(schedule.plan, { countMax: due.length + 1 });
  const bank = {
    bankAccountId: schedule.bankAccountId,
    fingerprint: schedule.bankFingerprint,
    routingNumber: schedule.routingNumber,
    last4: schedule.accountLast4,
    accountType: schedule.accountType,
  };
  let created = schedule.debitsCreated;
  for (; created < dates.length && (dates[created] as string) <= through; created++) {
    await recordDebit(tx, originator, {
      id: scheduledDebitId(schedule.id, created + 1),
      scheduleId: schedule.id,
      bank,
      amountCents: schedule.amountCents,
      secCode: schedule.secCode,
      authorizationText: schedule.authorizationText ?? "",
      individualName: schedule.individualName,
      effectiveDate: dates[created] as string,
      sameDay: false,
      account: schedule.account,
      agencyTrackingId: schedule.agencyTrackingId,
      description: null,
      now,
    });
  }
  if (created === schedule.debitsCreated) return schedule;
  return store.updateProgress(tx, schedule.agencyId, schedule.id, {
    debitsCreated: created,
    nextDate: dates[created] ?? null,
    status: created === dates.length ? "completed" : "active",
  });
}

/**
 * The worker's job: for each active schedule with a date within `materializeBusinessDaysAhead`
 * business days, makes the debits of those dates, by the rules of any debit (held for a
 * prenote, deferred, or due). Each schedule in its own transaction, under its row lock.
 */
export async function materializeSchedules(deps: AchDeps, now: Date, limit = 100): Promise<number> {
  const through = businessDaysAfter(bankingDateOf(now), materializeBusinessDaysAhead);
  let made = 0;
  for (const due of await store.listDueSchedules(deps.db, through, limit)) {
    made += await deps.db.transaction(async (tx) => {
      const schedule = await store.findSchedule(tx, due.agencyId, due.id, true);
      if (!schedule) return 0;
      const originator = await findOriginator(tx, schedule.agencyId, schedule.originatorId);
      if (!originator) throw new Error(`schedule ${schedule.id} names originator ${schedule.originatorId}, which does not exist`);
      const after = await materializeLocked(tx, originator, schedule, now);
      return after.debitsCreated - schedule.debitsCreated;
    });
  }
  return made;
}

/** Cancels the schedule and its debits that no file has carried yet; those sent stay as they are. */
export async function cancelSchedule(deps: AchDeps, agencyId: string, id: string): Promise<AchSchedule> {
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    const schedule = await store.findSchedule(tx, agencyId, id, true);
    if (!schedule) throw achError("ach_schedule_not_found", `No ACH schedule ${id}`, "id");
    if (schedule.status === "canceled") return schedule;
    for (const entry of await entryStore.lockOpenScheduleEntries(tx, agencyId, id)) {
      await cancelLocked(tx, entry, `The schedule ${id} was canceled`, now);
    }
    return store.markCanceled(tx, agencyId, id, now);
  });
}

export async function getSchedule(sql: Sql, agencyId: string, id: string): Promise<AchSchedule> {
  const schedule = await store.findSchedule(sql, agencyId, id);
  if (!schedule) throw achError("ach_schedule_not_found", `No ACH schedule ${id}`, "id");
  return schedule;
}

/** The schedule's debits, newest first (at most 100 a page, as `listAchDebits` pages them). */
export async function listScheduleDebits(sql: Sql, agencyId: string, id: string, limit = 100): Promise<EntryRecord[]> {
  await getSchedule(sql, agencyId, id);
  return entryStore.listEntries(sql, agencyId, { kind: "debit", scheduleId: id, limit });
}
