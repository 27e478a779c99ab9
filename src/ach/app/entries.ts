import { getSystem } from "../../accounts/index.ts";
import { getAgency } from "../../agencies/index.ts";
import { type Database, newId, type PaymentTwin, platformError, refuseDuplicatePayment, type Sql } from "../../platform/index.ts";
import { redeemBankAccountToken } from "../../vault/index.ts";
import type { EntryRecord } from "../adapters/entry-store.ts";
import * as store from "../adapters/entry-store.ts";
import { isFedachBusinessDay } from "../calendar/fedach.ts";
import {
  type AchEvent,
  type AchOriginator,
  type AchStatus,
  achError,
  nextAchStatus,
  type SecCode,
  sameDayEntryLimitCents,
  secCodes,
} from "../domain/ach-entry.ts";
import {
  addDays,
  bankingDateOf,
  beforeFileCut,
  businessDayAfter,
  earliestEffectiveDate,
  isIsoDate,
  localDateOf,
  prenoteClearedBefore,
  statusByDate,
} from "../domain/schedule.ts";
import { getDefaultOriginator } from "./originators.ts";

export interface AchDeps {
  readonly db: Database;
  readonly clock: () => Date;
}

export interface NewPrenote {
  readonly bankAccountToken: string;
  readonly secCode: SecCode;
  /** The name on the account, when the token does not carry the holder's name. */
  readonly individualName?: string | undefined;
}

export interface NewDebit {
  readonly bankAccountToken: string;
  readonly amountCents: number;
  readonly secCode: SecCode;
  readonly authorizationText?: string | undefined;
  /** YYYY-MM-DD; absent: the first date a file can still make. */
  readonly effectiveDate?: string | undefined;
  readonly sameDay?: boolean | undefined;
  readonly account?: { readonly system: string; readonly ref: string } | undefined;
  readonly agencyTrackingId?: string | undefined;
  readonly description?: string | undefined;
  readonly allowDuplicate?: boolean | undefined;
}

/** The NACHA amount field holds 10 digits of cents. */
export const achAmountCentsMax = 9_999_999_999;

/** An effective date may be at most this far ahead. */
const effectiveDaysAheadMax = 365;

/** What each SEC code's authorization is, for the error that asks for it. */
const authorizationNeeded: Record<SecCode, string> = {
  WEB: "the payer's online consent: what they agreed to on the web page, and when",
  TEL: "the confirmation of the payer's oral authorization: the recorded call or the written notice sent to the payer",
  PPD: "the payer's signed (or similarly authenticated) agreement: its reference",
  CCD: "the signed agreement with the paying company: its reference",
};

export function validateSecCode(secCode: string): SecCode {
  if (!secCodes.includes(secCode as SecCode)) {
    throw platformError("invalid_request", `sec_code is one of ${secCodes.join(", ")}`, "sec_code");
  }
  return secCode as SecCode;
}

/** The payer's authorization as the SEC code requires it, trimmed; refused when missing, naming what it must be. */
export function validateAuthorization(secCode: SecCode, text: string | undefined): string {
  const authorization = text?.trim() ?? "";
  if (authorization.length === 0) {
    throw achError(
      "authorization_text_required",
      `A ${secCode} debit needs authorization_text: ${authorizationNeeded[secCode]}`,
      "authorization_text",
    );
  }
  if (authorization.length > 2000)
    throw platformError("invalid_request", "authorization_text has at most 2,000 characters", "authorization_text");
  return authorization;
}

export function validateAmount(amountCents: number): number {
  if (!Number.isSafeInteger(amountCents) || amountCents < 1 || amountCents > achAmountCentsMax) {
    throw platformError("invalid_request", `amount is 1 to ${achAmountCentsMax} cents (the NACHA amount field)`, "amount");
  }
  return amountCents;
}

/**
 * The receiver's name as the entry detail record carries it: uppercase ASCII, at most 22
 * characters, accents dropped ("José Muñoz" → "JOSE MUNOZ"); "PAYER" when nothing is left.
 */
export function individualNameOf(name: string | null | undefined): string {
  const ascii = (name ?? "")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toUpperCase()
    .replace(/[^A-Z0-9 .,&'/-]/g, " ")
    .replace(/ +/g, " ")
    .trim()
    .slice(0, 22)
    .trim();
  return ascii.length > 0 ? ascii : "PAYER";
}

/** The vault's bank account as entries carry it: its id, fingerprint and what may be shown. */
export interface BankRef {
  readonly bankAccountId: string;
  readonly fingerprint: string;
  readonly routingNumber: string;
  readonly last4: string;
  readonly accountType: "checking" | "savings";
}

/** A prenote: $0 to the account, proving it before live debits; sent in the next file. */
export async function createPrenote(deps: AchDeps, agencyId: string, input: NewPrenote): Promise<EntryRecord> {
  const secCode = validateSecCode(input.secCode);
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    const originator = await getDefaultOriginator(tx, agencyId);
    const bank = await redeemBankAccountToken(tx, agencyId, input.bankAccountToken, now);
    return insertPrenote(tx, originator, bank, {
      secCode,
      individualName: individualNameOf(input.individualName ?? bank.accountHolderName),
      now,
    });
  });
}

/** Records a prenote to the account, due in the next file. */
export async function insertPrenote(
  tx: Sql,
  originator: AchOriginator,
  bank: BankRef,
  p: { secCode: SecCode; individualName: string; now: Date },
): Promise<EntryRecord> {
  return store.insertEntry(tx, {
    ...entryBase(originator, bank),
    id: newId("pre"),
    kind: "prenote",
    scheduleId: null,
    amountCents: 0,
    secCode: p.secCode,
    authorizationText: null,
    individualName: p.individualName,
    status: "pending_submission",
    effectiveDate: earliestEffectiveDate(p.now, originator.nextDayCutoff),
    sameDay: false,
    account: null,
    agencyTrackingId: null,
    description: null,
    createdAt: p.now,
  });
}

const entryBase = (originator: AchOriginator, bank: BankRef) => ({
  agencyId: originator.agencyId,
  originatorId: originator.id,
  bankAccountId: bank.bankAccountId,
  bankFingerprint: bank.fingerprint,
  routingNumber: bank.routingNumber,
  accountLast4: bank.last4,
  accountType: bank.accountType,
  postingPaymentId: null,
  fileId: null,
  traceNumber: null,
  returnCode: null,
  returnReason: null,
  submittedAt: null,
  settledAt: null,
  returnedAt: null,
  canceledAt: null,
  cancelReason: null,
});

/**
 * A debit: now (same day), with the next file, or on a later date (deferred). When the bank
 * wants accounts prenoted, a debit to an account whose prenote period has not passed is held
 * (`created`) — and a prenote is sent if the account has none — until `releaseDueEntries`
 * releases it.
 */
export async function createDebit(deps: AchDeps, agencyId: string, input: NewDebit): Promise<EntryRecord> {
  const secCode = validateSecCode(input.secCode);
  const amountCents = validateAmount(input.amountCents);
  const authorizationText = validateAuthorization(secCode, input.authorizationText);
  if (input.effectiveDate !== undefined && !isIsoDate(input.effectiveDate)) {
    throw achError("invalid_effective_date", "effective_date is a date, YYYY-MM-DD", "effective_date");
  }
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    const originator = await getDefaultOriginator(tx, agencyId);
    const agency = await getAgency(tx, agencyId);
    const bank = await redeemBankAccountToken(tx, agencyId, input.bankAccountToken, now);
    if (input.account) await getSystem(tx, agencyId, input.account.system);
    const sameDay = input.sameDay === true;
    const effectiveDate = sameDay
      ? sameDayEffectiveDate(originator, amountCents, input.effectiveDate, now)
      : nextDayEffectiveDate(originator, input.effectiveDate, localDateOf(now, agency.timeZone), now);
    if (!input.allowDuplicate && agency.duplicateWindowSeconds > 0) {
      await refuseDuplicate(
        tx,
        agencyId,
        { fingerprint: bank.fingerprint, amountCents, account: input.account },
        agency.duplicateWindowSeconds,
        now,
      );
    }
    await refuseReturnedAccount(tx, originator, bank);
    return recordDebit(tx, originator, {
      id: newId("ach"),
      scheduleId: null,
      bank,
      amountCents,
      secCode,
      authorizationText,
      individualName: individualNameOf(bank.accountHolderName),
      effectiveDate,
      sameDay,
      account: input.account ?? null,
      agencyTrackingId: input.agencyTrackingId ?? null,
      description: input.description ?? null,
      now,
    });
  });
}

/**
 * When the bank wants prenotes, an account whose prenote came back returned takes no new debit:
 * the payer must give another account (its debits held meanwhile are canceled by `releaseDueEntries`).
 */
export async function refuseReturnedAccount(tx: Sql, originator: AchOriginator, bank: BankRef): Promise<void> {
  if (!originator.requiresPrenote) return;
  const prenote = await store.findLatestPrenote(tx, originator.agencyId, bank.fingerprint);
  if (prenote?.status !== "returned") return;
  throw platformError(
    "invalid_request",
    `The prenote ${prenote.id} to this bank account (ending ${bank.last4}) was returned ${prenote.returnCode}${
      prenote.returnReason ? ` (${prenote.returnReason})` : ""
    }: ask the payer for another account`,
    "bank_account_token",
  );
}

/** Same Day ACH: today (New York), at most $1,000,000, and only while one of the bank's same-day cutoffs is still ahead. */
function sameDayEffectiveDate(originator: AchOriginator, amountCents: number, asked: string | undefined, now: Date): string {
  const invalid = (detail: string) => achError("invalid_effective_date", detail, "same_day");
  if (originator.sameDayCutoffs.length === 0) {
    throw invalid(`The agency's bank (${originator.bankName}) takes no Same Day ACH: send the debit without same_day`);
  }
  if (amountCents > sameDayEntryLimitCents) {
    throw achError(
      "same_day_limit_exceeded",
      `Same Day ACH takes at most ${sameDayEntryLimitCents} cents per entry; send it next-day`,
      "amount",
    );
  }
  const today = bankingDateOf(now);
  if (asked !== undefined && asked !== today) {
    throw achError("invalid_effective_date", `A same-day debit is effective today, ${today} in New York; not ${asked}`, "effective_date");
  }
  const lastCutoff = originator.sameDayCutoffs.at(-1) as string;
  if (!isFedachBusinessDay(today)) throw invalid(`FedACH is closed today (${today}): no same-day debit`);
  if (!beforeFileCut(now, lastCutoff)) {
    throw invalid(`Today's last same-day file is cut ahead of the bank's ${lastCutoff} New York cutoff: send the debit without same_day`);
  }
  return today;
}

/** A next-day debit's date: as asked (not in the agency's past, at most a year ahead), else the first a file can still make. */
function nextDayEffectiveDate(originator: AchOriginator, asked: string | undefined, agencyToday: string, now: Date): string {
  if (asked === undefined) return earliestEffectiveDate(now, originator.nextDayCutoff);
  if (asked < agencyToday) {
    throw achError("invalid_effective_date", `effective_date ${asked} is in the past (today is ${agencyToday})`, "effective_date");
  }
  if (asked > addDays(agencyToday, effectiveDaysAheadMax)) {
    throw achError("invalid_effective_date", `effective_date is at most ${effectiveDaysAheadMax} days ahead`, "effective_date");
  }
  return asked;
}

/** The same bank account, account and amount within the agency's window is refused as a duplicate, as for cards. */
function refuseDuplicate(tx: Sql, agencyId: string, twin: PaymentTwin, windowSeconds: number, now: Date): Promise<void> {
  return refuseDuplicatePayment(tx, {
    kind: "ach",
    agencyId,
    twin,
    windowSeconds,
    now,
    findTwin: (since) => store.findRecentTwin(tx, agencyId, twin, since),
    describe: (earlier) => `ACH debit ${earlier.id} took ${earlier.amountCents} cents from this bank account`,
  });
}

export interface DebitDraft {
  readonly id: string;
  readonly scheduleId: string | null;
  readonly bank: BankRef;
  readonly amountCents: number;
  readonly secCode: SecCode;
  readonly authorizationText: string;
  readonly individualName: string;
  readonly effectiveDate: string;
  readonly sameDay: boolean;
  readonly account: { readonly system: string; readonly ref: string } | null;
  readonly agencyTrackingId: string | null;
  readonly description: string | null;
  readonly now: Date;
}

/**
 * Records a debit in the status it starts in: held (`created`) while its account's prenote
 * period runs — sending the account's first prenote when it has none — else deferred
 * (`scheduled`) or due (`pending_submission`) by its date.
 */
export async function recordDebit(tx: Sql, originator: AchOriginator, d: DebitDraft): Promise<EntryRecord> {
  let held = false;
  if (originator.requiresPrenote) {
    const prenote = await store.findLatestPrenote(tx, originator.agencyId, d.bank.fingerprint);
    held = !prenote || !isCleared(prenote, originator, d.now);
    if (!prenote) await insertPrenote(tx, originator, d.bank, { secCode: d.secCode, individualName: d.individualName, now: d.now });
  }
  if (held && d.sameDay) {
    throw achError(
      "invalid_effective_date",
      "This bank account's prenote period has not passed, so a debit to it is held: send it without same_day",
      "same_day",
    );
  }
  return store.insertEntry(tx, {
    ...entryBase(originator, d.bank),
    id: d.id,
    kind: "debit",
    scheduleId: d.scheduleId,
    amountCents: d.amountCents,
    secCode: d.secCode,
    authorizationText: d.authorizationText,
    individualName: d.individualName,
    status: held ? "created" : statusByDate(d.effectiveDate, bankingDateOf(d.now)),
    effectiveDate: d.effectiveDate,
    sameDay: d.sameDay,
    account: d.account,
    agencyTrackingId: d.agencyTrackingId,
    description: d.description,
    createdAt: d.now,
  });
}

/** A prenote clears its account once sent, not returned, at least `prenoteDays` business days ago. */
function isCleared(prenote: EntryRecord, originator: AchOriginator, now: Date): boolean {
  return (
    (prenote.status === "submitted" || prenote.status === "settled") &&
    prenote.submittedAt !== null &&
    prenote.submittedAt < prenoteClearedBefore(now, originator.prenoteDays)
  );
}

/** Prenote periods run 0 to 10 business days (the originator's `prenote_days`). */
const prenoteDaysMax = 10;

/**
 * The worker's job: deferred debits whose date is at most one business day away go to
 * `pending_submission` (debits may reach the operator at most one banking day before they
 * settle); held debits are released once their account's prenote period has passed, or
 * canceled, with the reason, when the prenote came back returned.
 */
export async function releaseDueEntries(deps: AchDeps, now: Date, limit = 500): Promise<number> {
  const today = bankingDateOf(now);
  const released = nextAchStatus("scheduled", "release") as AchStatus;
  let handled = await store.releaseScheduled(deps.db, businessDayAfter(today), released, now, limit);
  const clearedBefore = Array.from({ length: prenoteDaysMax + 1 }, (_, days) => prenoteClearedBefore(now, days));
  for (const held of await store.listDecidableHeld(deps.db, clearedBefore, limit)) {
    const done = await deps.db.transaction(async (tx) => {
      const entry = await store.findEntry(tx, held.agencyId, held.id, true);
      if (entry?.status !== "created") return false;
      if (held.decision === "release") {
        const to = statusByDate(entry.effectiveDate, today);
        await move(tx, entry, to === "scheduled" ? "schedule" : "release", now);
      } else {
        const why = held.prenoteId
          ? `The prenote ${held.prenoteId} to this bank account was returned ${held.prenoteReturnCode}${
              held.prenoteReturnReason ? ` (${held.prenoteReturnReason})` : ""
            }`
          : "The prenote to this bank account was canceled";
        await move(tx, entry, "cancel", now, { canceledAt: now, cancelReason: why });
      }
      return true;
    });
    if (done) handled++;
  }
  return handled;
}

/** Cancels an entry no file has carried yet; once one has, only a reversal could take it back. */
export async function cancelEntry(deps: AchDeps, agencyId: string, id: string, reason = "Canceled by the agency"): Promise<EntryRecord> {
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    // The file cut locks the rows it takes, so an entry is either in its file or canceled, never both.
    const entry = await store.findEntry(tx, agencyId, id, true);
    if (!entry) throw notFound(id);
    return cancelLocked(tx, entry, reason, now);
  });
}

export async function cancelLocked(tx: Sql, entry: EntryRecord, reason: string, now: Date): Promise<EntryRecord> {
  if (entry.status === "canceled") return entry;
  if (!nextAchStatus(entry.status, "cancel")) {
    throw achError(
      "ach_not_cancelable",
      `${entry.kind === "prenote" ? "Prenote" : "Debit"} ${entry.id} is ${entry.status}: it went to the bank${
        entry.fileId ? ` in file ${entry.fileId}` : ""
      }, so it cannot be canceled`,
      "id",
    );
  }
  return move(tx, entry, "cancel", now, { canceledAt: now, cancelReason: reason });
}

async function move(tx: Sql, entry: EntryRecord, event: AchEvent, now: Date, changes: store.EntryChanges = {}): Promise<EntryRecord> {
  const to = nextAchStatus(entry.status, event);
  if (!to) throw new Error(`An ACH entry in ${entry.status} has no ${event} transition`);
  const moved = await store.moveEntry(tx, entry.agencyId, entry.id, entry.status, to, now, changes);
  if (!moved) throw new Error(`Entry ${entry.id} left ${entry.status} under its row lock`);
  return moved;
}

const notFound = (id: string) =>
  id.startsWith("pre_")
    ? achError("ach_prenote_not_found", `No ACH prenote ${id}`, "id")
    : achError("ach_debit_not_found", `No ACH debit ${id}`, "id");

export async function getAchDebit(sql: Sql, agencyId: string, id: string): Promise<EntryRecord> {
  const entry = await store.findEntry(sql, agencyId, id);
  if (entry?.kind !== "debit") throw achError("ach_debit_not_found", `No ACH debit ${id}`, "id");
  return entry;
}

export async function getAchPrenote(sql: Sql, agencyId: string, id: string): Promise<EntryRecord> {
  const entry = await store.findEntry(sql, agencyId, id);
  if (entry?.kind !== "prenote") throw achError("ach_prenote_not_found", `No ACH prenote ${id}`, "id");
  return entry;
}

export interface AchDebitQuery {
  readonly agencyTrackingId?: string | undefined;
  readonly status?: AchStatus | undefined;
  readonly scheduleId?: string | undefined;
  readonly createdFrom?: Date | undefined;
  readonly createdBefore?: Date | undefined;
  /** Debits created at or before this instant: for a page that continues after another kind of transaction. */
  readonly createdAtOrBefore?: Date | undefined;
  /** The id of the last debit of the previous page. */
  readonly startingAfter?: string | undefined;
  readonly limit: number;
}

/**
 * A page of the agency's ACH debits, newest first, paged by (created_at, id) like card
 * transactions. A cursor that is not one of the agency's debits is refused.
 */
export async function listAchDebits(sql: Sql, agencyId: string, query: AchDebitQuery): Promise<{ data: EntryRecord[]; hasMore: boolean }> {
  let after: { createdAt: Date; id: string } | undefined;
  if (query.startingAfter !== undefined) {
    const cursor = await store.findEntry(sql, agencyId, query.startingAfter);
    if (cursor?.kind !== "debit") {
      throw platformError("invalid_request", `starting_after: no ACH debit ${query.startingAfter}`, "starting_after");
    }
    after = { createdAt: cursor.createdAt, id: cursor.id };
  }
  const rows = await store.listEntries(sql, agencyId, {
    kind: "debit",
    agencyTrackingId: query.agencyTrackingId,
    status: query.status,
    scheduleId: query.scheduleId,
    createdFrom: query.createdFrom,
    createdBefore: query.createdBefore,
    createdAtOrBefore: query.createdAtOrBefore,
    after,
    limit: query.limit + 1,
  });
  return { data: rows.slice(0, query.limit), hasMore: rows.length > query.limit };
}
