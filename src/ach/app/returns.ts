import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import { openAccount, recordTransfer } from "../../ledger/index.ts";
import { enqueue, type OutboxHandler, type OutboxMessage } from "../../outbox/index.ts";
import { catalogError, type Database, type ErrorCatalog, type Logger, platformError, RemitError, type Sql } from "../../platform/index.ts";
import { requestReversal } from "../../posting/index.ts";
import { type BankAccountCorrection, correctBankAccount, type VaultKeys } from "../../vault/index.ts";
import { type EntryRecord, moveEntry } from "../adapters/entry-store.ts";
import * as store from "../adapters/file-store.ts";
import { findOriginator } from "../adapters/originator-store.ts";
import { type AchOriginator, nextAchStatus } from "../domain/ach-entry.ts";
import { changeCodes, type NachaFile, parseNacha, returnCodes, validateNacha } from "../nacha/index.ts";
import { achTopics, ledgerAccounts } from "./file-cuts.ts";

/**
 * Returns and notifications of change (NOCs) from the bank. A return takes its entry back: the
 * entry becomes `returned` with the code, its journal is voided (not settled yet) or reversed
 * (settled), its posting in the system of record is reversed, the agency's returned-payment fee
 * is charged to the account it paid, and the payer is notified. A NOC corrects the bank account
 * in the vault (a new version; the old one is kept). A file is imported whole, in one
 * transaction, once: the same bytes again change nothing.
 */

export const achImportErrors = {
  ach_inbound_file_invalid: { status: 422, title: "The return or NOC file is not a valid NACHA file", retryable: false },
} as const satisfies ErrorCatalog;

const achImportError = catalogError(achImportErrors);

export interface UnmatchedItem {
  readonly traceNumber: string;
  /** The return or change code, or "" for an entry that is neither. */
  readonly code: string;
  readonly reason: string;
}

export interface ReturnFileImport {
  /** Entries that became `returned`. */
  readonly returns: number;
  /** Notifications of change recorded. */
  readonly notices: number;
  readonly unmatched: readonly UnmatchedItem[];
  /** True when this file was imported before: nothing changed. */
  readonly alreadyImported: boolean;
}

export interface ReturnImportDeps {
  readonly db: Database;
  readonly vaultKeys: VaultKeys;
}

type InboundItem =
  | { readonly kind: "return"; readonly code: string; readonly originalTrace: string }
  | { readonly kind: "notice"; readonly code: string; readonly originalTrace: string; readonly correctedData: string }
  | { readonly kind: "other"; readonly traceNumber: string };

/** The returns and NOCs a file carries, in file order. */
function inboundItems(file: NachaFile): InboundItem[] {
  const items: InboundItem[] = [];
  for (const batch of file.batches) {
    for (const entry of batch.entries) {
      const addenda = entry.addenda.find((a) => a.type_code === "99" || a.type_code === "98");
      if (addenda?.type_code === "99") {
        items.push({ kind: "return", code: addenda.return_reason_code, originalTrace: addenda.original_trace_number });
      } else if (addenda?.type_code === "98") {
        items.push({
          kind: "notice",
          code: addenda.change_code,
          originalTrace: addenda.original_trace_number,
          correctedData: addenda.corrected_data,
        });
      } else {
        items.push({ kind: "other", traceNumber: "trace_number" in entry ? entry.trace_number : "" });
      }
    }
  }
  return items;
}

async function readValidFile(fileName: string, bytes: Uint8Array): Promise<NachaFile> {
  const file = await parseNacha(bytes);
  const problems = validateNacha(file);
  if (problems.length > 0) {
    // Codes and lines only: a problem's message may quote a record, and records hold account numbers.
    const listed = problems
      .slice(0, 5)
      .map((p) => `line ${p.line}: ${p.code}`)
      .join("; ");
    throw achImportError(
      "ach_inbound_file_invalid",
      `${fileName} has ${problems.length} problem(s) (${listed}); nothing was imported. Check it with remit ach validate`,
      "file",
    );
  }
  return file;
}

/**
 * Imports a return/NOC file for an agency, in one transaction. Unmatched traces (no such entry,
 * or one already returned) are reported, not fatal. An invalid file is refused whole.
 */
export async function importReturnFile(
  deps: ReturnImportDeps,
  agencyId: string,
  fileName: string,
  bytes: Uint8Array,
  now: Date,
): Promise<ReturnFileImport> {
  const digest = createHash("sha256").update(bytes).digest("hex");
  const items = inboundItems(await readValidFile(fileName, bytes));
  return deps.db.transaction(async (tx) => {
    if (!(await store.claimInboundFile(tx, agencyId, digest, fileName, now))) {
      return { returns: 0, notices: 0, unmatched: [], alreadyImported: true };
    }
    const originators = new Map<string, AchOriginator | undefined>();
    const originatorOf = async (entry: EntryRecord) => {
      if (!originators.has(entry.originatorId)) {
        originators.set(entry.originatorId, await findOriginator(tx, agencyId, entry.originatorId));
      }
      return originators.get(entry.originatorId);
    };
    const ledger = ledgerAccounts(tx, agencyId);
    const unmatched: UnmatchedItem[] = [];
    let returns = 0;
    let notices = 0;
    for (const item of items) {
      if (item.kind === "other") {
        unmatched.push({ traceNumber: item.traceNumber, code: "", reason: "neither a return nor a notification of change" });
        continue;
      }
      const entry = await store.findEntryByTrace(tx, agencyId, item.originalTrace);
      if (!entry) {
        unmatched.push({ traceNumber: item.originalTrace, code: item.code, reason: "no entry of this agency has this trace number" });
        continue;
      }
      if (item.kind === "return") {
        const refused = await recordReturn(tx, entry, item.code, (await originatorOf(entry)) ?? null, ledger, now);
        if (refused) unmatched.push({ traceNumber: item.originalTrace, code: item.code, reason: refused });
        else returns++;
      } else if (await recordNotice(tx, deps.vaultKeys, entry, item.code, item.correctedData, now)) {
        notices++;
      } else {
        unmatched.push({ traceNumber: item.originalTrace, code: item.code, reason: `entry ${entry.id} already has this notice` });
      }
    }
    await store.recordInboundCounts(tx, agencyId, digest, { returns, notices, unmatched: unmatched.length });
    return { returns, notices, unmatched, alreadyImported: false };
  });
}

/** Records one return; answers why not when the entry cannot be returned. */
async function recordReturn(
  tx: Sql,
  entry: EntryRecord,
  code: string,
  originator: AchOriginator | null,
  ledger: ReturnType<typeof ledgerAccounts>,
  now: Date,
): Promise<string | undefined> {
  const to = nextAchStatus(entry.status, "return");
  if (!to) return `entry ${entry.id} is ${entry.status}: it cannot be returned`;
  const { agencyId } = entry;
  const reason = returnCodes[code] ?? "Returned by the receiving bank";
  if (entry.kind === "debit") {
    if (entry.status === "submitted") {
      await recordTransfer(tx, agencyId, { id: `${entry.id}:return`, kind: "void_pending", pendingId: entry.id }, now);
    } else {
      const accounts = await ledger(entry.account?.system);
      await recordTransfer(
        tx,
        agencyId,
        {
          id: `${entry.id}:return`,
          kind: "posted",
          debitAccountId: accounts.collections,
          creditAccountId: accounts.clearing,
          amountCents: entry.amountCents,
          description: `ACH return ${code}`,
        },
        now,
      );
    }
  }
  if (entry.postingPaymentId) await requestReversal(tx, agencyId, entry.postingPaymentId, `ACH return ${code}: ${reason}`, now);
  await moveEntry(tx, agencyId, entry.id, entry.status, to, now, { returnCode: code, returnReason: reason, returnedAt: now });

  const feeCents = originator?.returnedPaymentFeeCents ?? 0;
  if (entry.kind === "debit" && entry.account && feeCents > 0) {
    const { fund } = await ledger(entry.account.system);
    const receivable = await openAccount(tx, agencyId, {
      fund,
      code: "returned_payment_fees_receivable",
      name: "Returned-payment fees receivable",
      normalSide: "debit",
    });
    const revenue = await openAccount(tx, agencyId, {
      fund,
      code: "returned_payment_fee_revenue",
      name: "Returned-payment fees",
      normalSide: "credit",
    });
    await recordTransfer(
      tx,
      agencyId,
      {
        id: `${entry.id}:fee`,
        kind: "posted",
        debitAccountId: receivable.id,
        creditAccountId: revenue.id,
        amountCents: feeCents,
        description: `returned-payment fee, ACH return ${code}`,
      },
      now,
    );
    await enqueue(
      tx,
      {
        agencyId,
        topic: achTopics.returnedPaymentFee,
        dedupeKey: `${achTopics.returnedPaymentFee}:${entry.id}`,
        payload: { entryId: entry.id, account: entry.account, feeCents, returnCode: code },
      },
      now,
    );
  }
  const notice: ReturnedNotice = {
    entryId: entry.id,
    kind: entry.kind,
    amountCents: entry.amountCents,
    returnCode: code,
    returnReason: reason,
    account: entry.account,
    bankAccountLast4: entry.accountLast4,
    feeCents: entry.kind === "debit" && entry.account ? feeCents : 0,
    returnedAt: now.toISOString(),
  };
  await enqueue(
    tx,
    { agencyId, topic: achTopics.notifyReturned, dedupeKey: `${achTopics.notifyReturned}:${entry.id}`, payload: notice },
    now,
  );
  return undefined;
}

/** What the payer is told of a return: never more of the bank account than its last 4. */
interface ReturnedNotice {
  readonly entryId: string;
  readonly kind: EntryRecord["kind"];
  readonly amountCents: number;
  readonly returnCode: string;
  readonly returnReason: string;
  readonly account: { readonly system: string; readonly ref: string } | null;
  readonly bankAccountLast4: string;
  readonly feeCents: number;
  readonly returnedAt: string;
}

/**
 * Records a NOC and applies it to the vault when it corrects the account (C01–C03, C05–C07);
 * false when this entry already had this notice. A correction the vault refuses (a routing
 * number that does not check) is recorded as not applied, with the reason.
 */
async function recordNotice(
  tx: Sql,
  keys: VaultKeys,
  entry: EntryRecord,
  code: string,
  correctedData: string,
  now: Date,
): Promise<boolean> {
  const correction = correctionOf(code, correctedData);
  let applied = false;
  let summary: string;
  if ("refused" in correction) {
    summary = `not applied: ${correction.refused}`;
  } else {
    summary = summaryOf(correction);
    try {
      await correctBankAccount(
        tx,
        keys,
        entry.agencyId,
        entry.bankAccountId,
        { ...correction, reason: `NOC ${code} for trace ${entry.traceNumber}` },
        now,
      );
      applied = true;
    } catch (error) {
      if (!(error instanceof RemitError)) throw error;
      summary = `not applied (${error.code}): ${summary}`;
    }
  }
  return store.insertChangeNotice(tx, {
    agencyId: entry.agencyId,
    entryId: entry.id,
    changeCode: code,
    correctedSummary: summary,
    applied,
    receivedAt: now,
  });
}

const accountTypeOf = (transactionCode: string): "checking" | "savings" | undefined =>
  /^2[1-9]$/.test(transactionCode) ? "checking" : /^3[1-9]$/.test(transactionCode) ? "savings" : undefined;

/**
 * The corrected data of an addenda 98 (29 characters), by change code: C01 account (1–17); C02
 * routing (1–9); C03 routing (1–9) and account (13–29); C05 transaction code (1–2); C06 account
 * (1–17) and transaction code (21–22); C07 routing (1–9), account (10–26), transaction code
 * (27–28). Other codes correct no bank account; a transaction code that names neither checking
 * nor savings makes no correction either. Both answer why not.
 */
export function correctionOf(code: string, correctedData: string): BankAccountCorrection | { readonly refused: string } {
  const data = correctedData.padEnd(29, " ");
  const field = (from: number, to: number) => data.slice(from - 1, to).trim();
  const typeAt = (from: number) => accountTypeOf(field(from, from + 1));
  const noType = { refused: "its corrected transaction code is neither a checking nor a savings one" };
  switch (code) {
    case "C01":
      return { accountNumber: field(1, 17) };
    case "C02":
      return { routingNumber: field(1, 9) };
    case "C03":
      return { routingNumber: field(1, 9), accountNumber: field(13, 29) };
    case "C05": {
      const accountType = typeAt(1);
      return accountType ? { accountType } : noType;
    }
    case "C06": {
      const accountType = typeAt(21);
      return accountType ? { accountNumber: field(1, 17), accountType } : noType;
    }
    case "C07": {
      const accountType = typeAt(27);
      return accountType ? { routingNumber: field(1, 9), accountNumber: field(10, 26), accountType } : noType;
    }
    default:
      return { refused: `${changeCodes[code] ?? code} is not a bank account correction` };
  }
}

/** The correction as it may be stored: the routing number and type whole, the account number by its last 4 only. */
function summaryOf(c: BankAccountCorrection): string {
  const parts: string[] = [];
  if (c.routingNumber !== undefined) parts.push(`routing ${c.routingNumber}`);
  if (c.accountNumber !== undefined) parts.push(`account ending ${c.accountNumber.slice(-4)}`);
  if (c.accountType !== undefined) parts.push(`account type ${c.accountType}`);
  return parts.join(", ");
}

// ── Handlers of what a return leaves in the outbox ─────────────────────────────────────────

export function achReturnHandlers(db: Database): Record<string, OutboxHandler> {
  return {
    // No system-of-record connector takes fees yet: the fee is in the ledger, and this message
    // is where a connector that can add it to the account will pick it up.
    [achTopics.returnedPaymentFee]: async () => ({ status: "done" }),
    [achTopics.notifyReturned]: async (message) => {
      await recordReturnedEvent(db, message);
      return { status: "done" };
    },
  };
}

/** The event id comes from the message's, so a handler that runs twice records one event. */
async function recordReturnedEvent(db: Sql, message: OutboxMessage): Promise<void> {
  const n = message.payload as ReturnedNotice;
  await store.insertEvent(db, {
    agencyId: message.agencyId,
    id: `evt_${message.id.replace(/^obx_/, "")}`,
    type: n.kind === "prenote" ? "ach_prenote.returned" : "ach_debit.returned",
    data: {
      id: n.entryId,
      amount: n.amountCents,
      return_code: n.returnCode,
      return_reason: n.returnReason,
      account: n.account,
      bank_account: { last4: n.bankAccountLast4 },
      returned_payment_fee: n.feeCents,
      returned_at: n.returnedAt,
    },
    createdAt: message.createdAt,
  });
}

export const eventsPageMax = 100;

/**
 * A page of the agency's events, newest first, paged by (created_at, id) after the event
 * `startingAfter`; a cursor that is not one of the agency's events is refused.
 */
export async function listEvents(
  sql: Sql,
  agencyId: string,
  query: { limit: number; startingAfter?: string | undefined; type?: string | undefined },
): Promise<{ data: store.AgencyEvent[]; hasMore: boolean }> {
  if (query.startingAfter !== undefined && !(await store.eventExists(sql, agencyId, query.startingAfter))) {
    throw platformError("invalid_request", `starting_after: no event ${query.startingAfter}`, "starting_after");
  }
  const limit = Math.min(Math.max(query.limit, 1), eventsPageMax);
  const rows = await store.listEvents(sql, agencyId, { ...query, limit: limit + 1 });
  return { data: rows.slice(0, limit), hasMore: rows.length > limit };
}
export const listChangeNotices = store.listChangeNotices;
export type { AgencyEvent } from "../adapters/file-store.ts";

// ── Finding the agency, and the inbound folder ──────────────────────────────────────────────

/** The agency a return file belongs to, by the company ids of its batches; refused when none or several match. */
export async function findAgencyOfReturnFile(sql: Sql, bytes: Uint8Array): Promise<string> {
  const file = await parseNacha(bytes);
  const companyIds = [
    ...new Set(file.batches.flatMap((b) => (b.header && "company_identification" in b.header ? [b.header.company_identification] : []))),
  ];
  const agencies = await store.findAgenciesByCompanyIds(sql, companyIds);
  if (agencies.length === 1) return agencies[0] as string;
  throw platformError(
    "invalid_request",
    agencies.length === 0
      ? `No agency's originator has company id ${companyIds.join(" or ") || "(none in the file)"}; pass --agency <id>`
      : `Several agencies use company id ${companyIds.join(" or ")}; pass --agency <id>`,
    "agency",
  );
}

/** Files imported per run at most; the job runs again at once while it finds work. */
const inboundFilesPerRunMax = 100;

export interface InboundDeps extends ReturnImportDeps {
  /** `REMIT_DATA_DIR/ach/inbound`: a folder per agency, named by its id. */
  readonly inboundDir: string;
  readonly logger?: Logger | undefined;
}

/**
 * The worker job: imports every file in `<inbound>/<agency_id>/` and moves it to `processed/`
 * below it, or to `failed/` when it is not a valid NACHA file. A file imported before (a crash
 * between import and move) imports as "already imported" and moves on. Returns how many files it took.
 */
export async function importInbound(deps: InboundDeps, now: Date): Promise<number> {
  let taken = 0;
  for (const agencyId of await store.subfolders(deps.inboundDir)) {
    if (taken >= inboundFilesPerRunMax) break;
    const folder = join(deps.inboundDir, agencyId);
    const names = (await readdir(folder, { withFileTypes: true }))
      .filter((f) => f.isFile() && !f.name.startsWith(".") && !f.name.endsWith(".tmp"))
      .map((f) => f.name)
      .sort()
      .slice(0, inboundFilesPerRunMax - taken);
    for (const name of names) {
      const path = join(folder, name);
      let to = "processed";
      try {
        const report = await importReturnFile(deps, agencyId, name, await readFile(path), now);
        deps.logger?.info(
          {
            agencyId,
            file: name,
            returns: report.returns,
            notices: report.notices,
            unmatched: report.unmatched.length,
            alreadyImported: report.alreadyImported,
          },
          "ACH return file imported",
        );
      } catch (error) {
        if (!(error instanceof RemitError) || error.code !== "ach_inbound_file_invalid") throw error;
        deps.logger?.warn({ agencyId, file: name, detail: error.message }, "ACH return file refused");
        to = "failed";
      }
      await mkdir(join(folder, to), { recursive: true });
      await rename(path, join(folder, to, name));
      taken++;
    }
  }
  return taken;
}
