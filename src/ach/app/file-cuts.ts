import { access } from "node:fs/promises";
import { join } from "node:path";
import { Temporal } from "temporal-polyfill";
import { getSystem } from "../../accounts/index.ts";
import { openAccount, recordTransfer } from "../../ledger/index.ts";
import { enqueue, type HandlerOutcome, type OutboxHandler } from "../../outbox/index.ts";
import { type Database, newId, type Sql } from "../../platform/index.ts";
import { requestPosting } from "../../posting/index.ts";
import { type BankAccountForOriginator, readBankAccountForOriginator, type VaultKeys } from "../../vault/index.ts";
import type { EntryRecord } from "../adapters/entry-store.ts";
import * as store from "../adapters/file-store.ts";
import { findOriginator } from "../adapters/originator-store.ts";
import { isFedachBusinessDay } from "../calendar/fedach.ts";
import { type AchOriginator, type SubmissionWindow, sameDayEntryLimitCents } from "../domain/ach-entry.ts";
import {
  addDays,
  bankingDateOf,
  businessDayAfter,
  fedTimeZone,
  fileCutLeadMs,
  sameDayWindowOf,
  startOfBankingDay,
} from "../domain/schedule.ts";
import { checkNachaFile, type NachaFile, type StandardBatchHeader, type StandardEntry, writeNacha } from "../nacha/index.ts";

/**
 * File cuts: the entries waiting for the bank go into NACHA files, one file per originator,
 * submission window and banking day, cut in the last `cutLeadMs` before the window's cutoff (so
 * entries stay cancelable until then, and a busy day still makes a handful of files, not one per
 * worker round). Entries that become due after their window's file was cut wait for the next
 * window. The cut is one transaction; the file itself is written afterwards by an outbox handler
 * that rebuilds it from the database and the vault, so a crash between the two loses nothing.
 */

export const achTopics = {
  writeFile: "ach.write_file",
  returnedPaymentFee: "ach.returned_payment_fee",
  notifyReturned: "notifications.ach_returned",
} as const;

/** The Fed's settlement time of each window, New York time: next-day entries settle at 08:30 on their date. */
export const windowSettlementTimes: Readonly<Record<SubmissionWindow, string>> = {
  next_day: "08:30",
  same_day_1: "13:00",
  same_day_2: "17:00",
  same_day_3: "18:00",
};

/** A file's modifier tells apart the files of one day: A–Z, then 0–9. */
export const fileIdModifiers = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** How long before a window's cutoff its file is cut (the promise `earliestEffectiveDate` keeps). */
export const defaultCutLeadMs = fileCutLeadMs;

/** Entries per file at most; more in one window make another file of the same window. */
export const entriesPerFileMax = 20_000;

export interface CutWindow {
  readonly window: SubmissionWindow;
  /** The banking day the file is sent on. */
  readonly day: string;
  /** The date its entries settle. */
  readonly settlementDate: string;
  /** For a next-day file: a same-day window still open later today, whose entries it leaves to that window. */
  readonly laterSameDay: boolean;
}

/** The instant of New York wall time `time` (HH:MM) on `date`. */
export function bankingInstant(date: string, time: string): Date {
  const zoned = Temporal.PlainDate.from(date).toZonedDateTime({ timeZone: fedTimeZone, plainTime: Temporal.PlainTime.from(time) });
  return new Date(zoned.epochMilliseconds);
}

/** When an entry of `window` effective on `date` settles. */
export function settlementInstant(date: string, window: SubmissionWindow): Date {
  return bankingInstant(date, windowSettlementTimes[window]);
}

/**
 * The windows whose file is due at `now`: those whose cutoff is at most `cutLeadMs` away and not
 * yet passed, on a FedACH business day. Same-day windows first, so a next-day file cut at the same
 * moment finds their entries already taken.
 */
export function windowsDueAt(originator: AchOriginator, now: Date, cutLeadMs: number): CutWindow[] {
  const day = bankingDateOf(now);
  if (!isFedachBusinessDay(day)) return [];
  const isDue = (cutoff: string) => {
    const at = bankingInstant(day, cutoff).getTime();
    return now.getTime() >= at - cutLeadMs && now.getTime() < at;
  };
  const due: CutWindow[] = [];
  for (const cutoff of originator.sameDayCutoffs) {
    const index = sameDayWindowOf(cutoff);
    if (index >= 0 && isDue(cutoff)) {
      due.push({ window: `same_day_${index + 1}` as SubmissionWindow, day, settlementDate: day, laterSameDay: false });
    }
  }
  if (isDue(originator.nextDayCutoff)) {
    const laterSameDay = originator.sameDayCutoffs.some(
      (cutoff) => sameDayWindowOf(cutoff) >= 0 && bankingInstant(day, cutoff).getTime() > now.getTime(),
    );
    due.push({ window: "next_day", day, settlementDate: businessDayAfter(day), laterSameDay });
  }
  return due;
}

/** `<company_id>-<YYYYMMDD>-<window>-<modifier>.ach`, the company id reduced to letters and digits. */
export function outboundFileName(companyId: string, day: string, window: SubmissionWindow, modifier: string): string {
  return `${companyId.trim().replace(/[^0-9A-Za-z]/g, "_")}-${day.replaceAll("-", "")}-${window}-${modifier}.ach`;
}

export interface FileCutDeps {
  readonly db: Database;
  readonly cutLeadMs?: number;
}

/**
 * The worker job: cuts the files due at `now` for every originator with entries waiting.
 * Returns how many entries went into files.
 */
export async function cutFiles(deps: FileCutDeps, now: Date): Promise<number> {
  const leadMs = deps.cutLeadMs ?? defaultCutLeadMs;
  if (!isFedachBusinessDay(bankingDateOf(now))) return 0;
  let submitted = 0;
  for (const { agencyId, id } of await store.listOriginatorsWithPending(deps.db, 1_000)) {
    const originator = await findOriginator(deps.db, agencyId, id);
    if (!originator) continue;
    for (const window of windowsDueAt(originator, now, leadMs)) {
      // Later files of the same window only when the first was full.
      for (let continuing = false; ; continuing = true) {
        const count = await deps.db.transaction((tx) => cutOneFile(tx, originator, window, now, continuing));
        submitted += count;
        if (count < entriesPerFileMax) break;
      }
    }
  }
  return submitted;
}

/**
 * One file, in one transaction: the originator locked (its cuts take turns), the entries locked,
 * trace numbers taken, the file recorded, the entries submitted with their ledger journal and
 * posting requests, and the message that writes the file. Returns how many entries it took.
 */
async function cutOneFile(tx: Sql, planned: AchOriginator, window: CutWindow, now: Date, continuing: boolean): Promise<number> {
  const originator = await findOriginator(tx, planned.agencyId, planned.id, true);
  if (!originator) return 0;
  const { agencyId } = originator;
  const files = await store.listFilesCreatedBetween(
    tx,
    agencyId,
    originator.id,
    startOfBankingDay(window.day),
    startOfBankingDay(addDays(window.day, 1)),
  );
  if (!continuing && files.some((f) => f.window === window.window)) return 0;
  const sameDayScope = { date: window.day, amountCentsMax: sameDayEntryLimitCents };
  const entries = await store.lockEntriesForCut(tx, {
    agencyId,
    originatorId: originator.id,
    effectiveThrough: window.settlementDate,
    sameDay: window.window === "next_day" ? undefined : sameDayScope,
    leaveSameDayOf: window.laterSameDay ? sameDayScope : undefined,
    limit: entriesPerFileMax,
  });
  if (entries.length === 0) return 0;
  const modifier = fileIdModifiers[files.length];
  if (modifier === undefined) {
    throw new Error(
      `Originator ${originator.id} of agency ${agencyId} has cut ${files.length} files on ${window.day}: no file id modifier is left`,
    );
  }

  const firstSequence = await store.reserveTraceSequences(tx, agencyId, originator.id, entries.length);
  const odfi = originator.odfiRouting.slice(0, 8);
  const postsNow = originator.postingPolicy === "on_submission";
  const submissions = entries.map((entry, i) => ({
    id: entry.id,
    traceNumber: odfi + String(firstSequence + i).padStart(7, "0"),
    postingPaymentId: postsNow && entry.account ? entry.id : null,
  }));
  const file = await store.insertFile(tx, {
    agencyId,
    id: newId("achf"),
    originatorId: originator.id,
    submissionWindow: window.window,
    effectiveDate: window.settlementDate,
    fileName: outboundFileName(originator.companyId, window.day, window.window, modifier),
    fileIdModifier: modifier,
    entryCount: entries.length,
    debitTotalCents: entries.reduce((sum, e) => sum + e.amountCents, 0),
    createdAt: now,
  });
  const moved = await store.submitEntries(tx, agencyId, file, submissions, now);
  if (moved !== entries.length) throw new Error(`file ${file.id}: ${entries.length} entries locked, ${moved} submitted`);

  const ledger = ledgerAccounts(tx, agencyId);
  for (const entry of entries) {
    if (entry.kind !== "debit") continue;
    const accounts = await ledger(entry.account?.system);
    // Pending until it settles: a return before then voids it, as if it had never been.
    await recordTransfer(
      tx,
      agencyId,
      {
        id: entry.id,
        kind: "pending",
        debitAccountId: accounts.clearing,
        creditAccountId: accounts.collections,
        amountCents: entry.amountCents,
        description: "ACH debit submitted",
      },
      now,
    );
    if (postsNow && entry.account) {
      await requestPosting(
        tx,
        { agencyId, paymentId: entry.id, account: entry.account, amountCents: entry.amountCents, method: "ach", paidAt: now },
        now,
      );
    }
  }
  await enqueue(tx, { agencyId, topic: achTopics.writeFile, dedupeKey: file.id, payload: { fileId: file.id } }, now);
  return entries.length;
}

/**
 * The ledger accounts of ACH debits: the money is in `ach_clearing` until the bank settles it;
 * the collections account of the entry's system's fund (or the general fund) earns it. Opened
 * on first use and remembered for the transaction.
 */
export function ledgerAccounts(tx: Sql, agencyId: string) {
  const opened = new Map<string, Promise<{ clearing: string; collections: string; fund: string }>>();
  const open = async (system: string | undefined) => {
    const clearing = await openAccount(tx, agencyId, {
      fund: "general",
      code: "ach_clearing",
      name: "ACH settlements in transit",
      normalSide: "debit",
    });
    const fund = system === undefined ? "general" : (await getSystem(tx, agencyId, system)).fund;
    const collections = await openAccount(tx, agencyId, {
      fund,
      code: "collections",
      name: system === undefined ? "General collections" : `${system} collected`,
      normalSide: "credit",
    });
    return { clearing: clearing.id, collections: collections.id, fund };
  };
  return (system: string | undefined) => {
    const key = system ?? "";
    let accounts = opened.get(key);
    if (!accounts) {
      accounts = open(system);
      opened.set(key, accounts);
    }
    return accounts;
  };
}

// ── Writing the file ────────────────────────────────────────────────────────────────────────

export interface FileWriterDeps {
  readonly db: Database;
  readonly vaultKeys: VaultKeys;
  /** `REMIT_DATA_DIR/ach/outbound`: each agency's files go in its own folder below it. */
  readonly outboundDir: string;
}

export function achFileHandlers(deps: FileWriterDeps): Record<string, OutboxHandler> {
  return {
    [achTopics.writeFile]: (message) => writeOutboundFile(deps, message.agencyId, (message.payload as { fileId: string }).fileId),
  };
}

/**
 * Writes a cut file to `<outbound>/<agency>/<file name>`, rebuilt from the database and the vault.
 * Idempotent: a file already there is left as it is. A file that would not validate is never
 * written: the message is dead-lettered with the problems' codes for an operator to look at.
 */
export async function writeOutboundFile(deps: FileWriterDeps, agencyId: string, fileId: string): Promise<HandlerOutcome> {
  const file = await store.findFile(deps.db, agencyId, fileId);
  if (!file) return { status: "dead", error: `no ACH file ${fileId}` };
  const path = join(deps.outboundDir, agencyId, file.fileName);
  if (await exists(path)) return { status: "done" };
  const originator = await findOriginator(deps.db, agencyId, file.originatorId);
  if (!originator) return { status: "dead", error: `file ${fileId} names no originator` };
  const entries = await store.listFileEntries(deps.db, agencyId, fileId);
  const withAccounts = [];
  for (const entry of entries) {
    withAccounts.push({ entry, account: await readBankAccountForOriginator(deps.db, deps.vaultKeys, agencyId, entry.bankAccountId) });
  }
  const text = writeNacha(outboundNacha(file, originator, withAccounts));
  const check = await checkNachaFile(text);
  // Only codes and lines: a problem's message may quote a record, and a record holds an account number.
  const problems = check.errors.map((e) => `line ${e.line}: ${e.code}`);
  if (check.entries !== file.entryCount) problems.push(`${check.entries} entries written; the cut took ${file.entryCount}`);
  if (check.total_debit_cents !== file.debitTotalCents) {
    problems.push(`${check.total_debit_cents} cents of debits written; the cut took ${file.debitTotalCents}`);
  }
  if (problems.length > 0) return { status: "dead", error: `${file.fileName} would not be valid: ${problems.slice(0, 10).join("; ")}` };
  await store.writeFileAtomically(path, text);
  return { status: "done" };
}

function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** NACHA text: printable ASCII, upper case, accents dropped. */
export function nachaText(value: string, width: number): string {
  return value
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toUpperCase()
    .replace(/[^\x20-\x7e]/g, " ")
    .slice(0, width)
    .trimEnd();
}

const yymmdd = (date: string) => date.replaceAll("-", "").slice(2);

/**
 * The NACHA structure of a cut file: a batch per SEC code, kind (payments and prenotes apart,
 * each with its own description) and effective date, entries in trace-number order. Pure: the
 * same file, originator, entries and accounts make the same text.
 */
export function outboundNacha(
  file: store.AchFile,
  originator: AchOriginator,
  entries: ReadonlyArray<{ entry: EntryRecord; account: BankAccountForOriginator }>,
): NachaFile {
  const created = Temporal.Instant.fromEpochMilliseconds(file.createdAt.getTime()).toZonedDateTimeISO(fedTimeZone);
  const odfi = originator.odfiRouting.slice(0, 8);
  const sameDay = file.submissionWindow !== "next_day";
  const batches = new Map<string, { header: StandardBatchHeader; entries: StandardEntry[] }>();
  for (const { entry, account } of entries) {
    const key = `${entry.secCode}|${entry.kind}|${entry.effectiveDate}`;
    let batch = batches.get(key);
    if (!batch) {
      batch = {
        header: {
          service_class_code: "225",
          company_name: nachaText(originator.companyName, 16),
          company_discretionary_data: "",
          company_identification: originator.companyId,
          standard_entry_class_code: entry.secCode,
          company_entry_description: entry.kind === "prenote" ? "PRENOTE" : "PAYMENT",
          // Same Day ACH asks for its settlement window here ("SD1300").
          company_descriptive_date: sameDay ? `SD${windowSettlementTimes[file.submissionWindow].replace(":", "")}` : "",
          effective_entry_date: yymmdd(entry.effectiveDate),
          settlement_date: "",
          originator_status_code: "1",
          odfi_identification: odfi,
          batch_number: batches.size + 1,
        },
        entries: [],
      };
      batches.set(key, batch);
    }
    const checking = account.accountType === "checking";
    const paymentType = entry.secCode === "WEB" || entry.secCode === "TEL" ? (entry.scheduleId ? "R" : "S") : "";
    batch.entries.push({
      transaction_code: entry.kind === "prenote" ? (checking ? "28" : "38") : checking ? "27" : "37",
      rdfi_identification: account.routingNumber.slice(0, 8),
      check_digit: account.routingNumber.slice(8),
      dfi_account_number: account.accountNumber,
      amount_cents: entry.amountCents,
      identification_number: nachaText(entry.account?.ref ?? "", 15),
      individual_name: nachaText(entry.individualName, 22),
      discretionary_data: paymentType,
      addenda_record_indicator: "0",
      trace_number: entry.traceNumber as string,
      addenda: [],
    });
  }
  return {
    header: {
      immediate_destination: originator.immediateDestination,
      immediate_origin: originator.immediateOrigin,
      file_creation_date: yymmdd(created.toPlainDate().toString()),
      file_creation_time: created.toPlainTime().toString({ smallestUnit: "minute" }).replace(":", ""),
      file_id_modifier: file.fileIdModifier,
      immediate_destination_name: nachaText(originator.bankName, 23),
      immediate_origin_name: nachaText(originator.companyName, 23),
      reference_code: "",
    },
    batches: [...batches.values()].map((b) => ({ header: b.header, entries: b.entries, control: null })),
    control: null,
  };
}
