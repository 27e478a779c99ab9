import { createHash } from "node:crypto";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { csvRecord, type Database, type Logger, newId } from "../../platform/index.ts";
import { defaultUtilityLateFee, type UtilityLateFeeRule, utilityLateFeeCents } from "../../rules/index.ts";
import * as files from "../adapters/presentment-store.ts";
import { listPresentmentSystems } from "../adapters/systems-store.ts";
import type { SorBalance, SorResult, SystemConfig, SystemOfRecordConnector } from "../domain/accounts.ts";
import { parseBillFile, type RowProblem } from "../domain/bill-file.ts";

/**
 * The connector for systems that only trade files. Balances come from the last bill file, with
 * the late fee accrued to the day asked and payments already delivered in posting files taken
 * off; a payment is queued for the next posting file.
 */
export function presentmentConnector(
  db: Database,
  config: SystemConfig,
  lateFee: UtilityLateFeeRule = defaultUtilityLateFee,
): SystemOfRecordConnector {
  return {
    async readBalance(ref, asOf): Promise<SorResult<SorBalance>> {
      const snapshot = await files.findSnapshot(db, config.agencyId, config.system, ref);
      if (!snapshot) return { ok: false, retryable: false, code: "account_not_found", detail: `No account ${ref} in the last bill file` };
      const fee = snapshot.pastDueCents > 0 ? utilityLateFeeCents(snapshot.pastDueCents, snapshot.dueDate, asOf, lateFee) : 0;
      const delivered = await files.sumDeliveredSince(db, config.agencyId, config.system, ref, snapshot.importedAt);
      const breakdown: SorBalance["breakdown"] = [
        { label: `Billed, due ${snapshot.dueDate}`, component: "principal", amountCents: snapshot.amountDueCents },
        ...(fee > 0 ? [{ label: "Late fee", component: "fees" as const, amountCents: fee }] : []),
        ...(delivered > 0 ? [{ label: "Paid since the bill file", component: "principal" as const, amountCents: -delivered }] : []),
      ];
      return {
        ok: true,
        value: {
          ref: snapshot.ref,
          name: snapshot.name,
          status: snapshot.status,
          asOf,
          amountDueCents: Math.max(0, snapshot.amountDueCents + fee - delivered),
          breakdown,
          readAt: snapshot.importedAt,
          source: "snapshot",
        },
      };
    },

    async post(request) {
      await files.queueLine(db, { agencyId: config.agencyId, system: config.system, ...request, queuedAt: new Date() });
      return { ok: true, value: { receiptNumber: null } };
    },

    async reverse(paymentId) {
      const removed = await db.query(
        "DELETE FROM posting_file_lines WHERE agency_id = $1 AND payment_id = $2 AND file_id IS NULL RETURNING payment_id",
        [config.agencyId, paymentId],
      );
      const queued = await db.query("SELECT 1 FROM posting_file_lines WHERE agency_id = $1 AND payment_id = $2", [
        config.agencyId,
        paymentId,
      ]);
      if (removed.length === 1 || queued.length === 0) return { ok: true, value: { receiptNumber: null } };
      return {
        ok: false,
        retryable: false,
        code: "reversal_needs_staff",
        detail: `${config.name} takes payments by file only and its posting files carry no reversals; reverse ${paymentId} in the system by hand`,
      };
    },
  };
}

export interface BillImportReport {
  readonly id: string;
  readonly status: "accepted" | "refused";
  /** True when this very file was imported before; nothing changed. */
  readonly duplicate: boolean;
  readonly rowsTotal: number;
  readonly rowsAccepted: number;
  readonly rowsRejected: number;
  readonly reason: string | null;
  readonly problems: readonly RowProblem[];
}

/**
 * Imports a bill file for a file-only system. Good rows replace their accounts' snapshots even
 * when other rows are bad; a file that cannot be read as a whole is refused, recorded, and changes
 * nothing. When every row is good, accounts absent from the file are dropped (paid off or closed).
 */
export async function importBillFile(
  db: Database,
  config: SystemConfig,
  text: string,
  source: string,
  now: Date,
): Promise<BillImportReport> {
  const digest = createHash("sha256").update(text).digest();
  return db.transaction(async (tx) => {
    const earlier = await files.findImportByDigest(tx, config.agencyId, config.system, digest);
    if (earlier) return { ...(earlier.report as Omit<BillImportReport, "duplicate">), duplicate: true };
    const parsed = parseBillFile(text);
    const id = newId("bim");
    const report: Omit<BillImportReport, "duplicate"> = parsed.ok
      ? {
          id,
          status: "accepted",
          rowsTotal: parsed.rows.length + parsed.problems.length,
          rowsAccepted: parsed.rows.length,
          rowsRejected: parsed.problems.length,
          reason: null,
          problems: parsed.problems,
        }
      : { id, status: "refused", rowsTotal: 0, rowsAccepted: 0, rowsRejected: 0, reason: parsed.reason, problems: [] };
    await files.insertImport(tx, config.agencyId, config.system, source, digest, { ...report, report, importedAt: now });
    if (parsed.ok) await files.upsertSnapshots(tx, config.agencyId, config.system, id, parsed.rows, now, parsed.problems.length === 0);
    return { ...report, duplicate: false };
  });
}

/** Fetches each file-only system's bill file when its interval has passed. Returns the files imported. */
export async function fetchBillFiles(db: Database, now: Date, logger: Logger, fetchFn: typeof fetch = fetch): Promise<number> {
  let imported = 0;
  for (const config of await listPresentmentSystems(db)) {
    if (!config.billFileUrl) continue;
    const { lastFetchAt } = await files.lastFileActivity(db, config.agencyId, config.system);
    if (lastFetchAt && now.getTime() - lastFetchAt.getTime() < config.fileIntervalMs) continue;
    // Counted as fetched whatever comes of it: an unchanged, refused or unreachable file waits its interval too.
    await files.recordBillFetch(db, config.agencyId, config.system, now);
    try {
      const response = await fetchFn(config.billFileUrl, { signal: AbortSignal.timeout(30_000) });
      if (!response.ok) throw new Error(`${config.billFileUrl} answered ${response.status}`);
      const report = await importBillFile(db, config, await response.text(), config.billFileUrl, now);
      if (!report.duplicate) imported++;
      if (report.status === "refused") logger.warn({ system: config.system, reason: report.reason }, "bill file refused");
    } catch (error) {
      logger.warn({ system: config.system, err: error }, "bill file not fetched; trying again next interval");
    }
  }
  return imported;
}

export interface DeliveredFile {
  readonly agencyId: string;
  readonly fileName: string;
  readonly accepted: readonly string[];
  readonly rejected: ReadonlyArray<{ paymentId: string; detail: string }>;
}

/**
 * Gathers queued payments into posting files, one per system and interval, writes each to the
 * outbound folder whole (written aside, then renamed), and delivers it to the system when it has
 * a URL for them. A file is delivered again until the system takes it; the system is idempotent
 * on payment ids, so that never doubles a payment.
 */
export async function sendPostingFiles(
  db: Database,
  now: Date,
  outboundDir: string,
  logger: Logger,
  fetchFn: typeof fetch = fetch,
): Promise<DeliveredFile[]> {
  const delivered: DeliveredFile[] = [];
  for (const config of await listPresentmentSystems(db)) {
    const { lastFileAt } = await files.lastFileActivity(db, config.agencyId, config.system);
    if (!lastFileAt || now.getTime() - lastFileAt.getTime() >= config.fileIntervalMs) {
      const fileId = newId("pfl");
      const fileName = `postings-${config.system}-${now.toISOString().replace(/[:.]/g, "")}-${fileId.slice(-6)}.csv`;
      await db.transaction((tx) => files.claimQueuedLines(tx, config.agencyId, config.system, fileId, fileName, now, 50_000));
    }
    for (const file of await files.undeliveredFiles(db, config.agencyId, config.system)) {
      const text =
        csvRecord(["payment_id", "ref", "amount_cents", "paid_at", "method"]) +
        file.lines.map((l) => csvRecord([l.paymentId, l.ref, l.amountCents, l.paidAt.toISOString(), l.method])).join("");
      const folder = join(outboundDir, config.agencyId, config.system);
      await mkdir(folder, { recursive: true });
      await writeFile(join(folder, `${file.fileName}.part`), text);
      await rename(join(folder, `${file.fileName}.part`), join(folder, file.fileName));
      try {
        const result = config.postingFileUrl
          ? await upload(config.postingFileUrl, text, fetchFn)
          : { rejectedLines: new Map<number, string>() };
        await files.markDelivered(db, config.agencyId, file.id, now);
        // Line 1 is the header, so a payment's line is its index + 2.
        const rejected = file.lines.flatMap((l, i) => {
          const detail = result.rejectedLines.get(i + 2);
          return detail ? [{ paymentId: l.paymentId, detail }] : [];
        });
        const rejectedIds = new Set(rejected.map((r) => r.paymentId));
        delivered.push({
          agencyId: config.agencyId,
          fileName: file.fileName,
          accepted: file.lines.map((l) => l.paymentId).filter((id) => !rejectedIds.has(id)),
          rejected,
        });
      } catch (error) {
        logger.warn({ system: config.system, file: file.fileName, err: error }, "posting file not delivered; trying again");
      }
    }
  }
  return delivered;
}

async function upload(url: string, text: string, fetchFn: typeof fetch): Promise<{ rejectedLines: Map<number, string> }> {
  const response = await fetchFn(url, {
    method: "POST",
    headers: { "content-type": "text/csv" },
    body: text,
    signal: AbortSignal.timeout(60_000),
  });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const report = (await response.json()) as { rejected?: Array<{ line: number; code: string; detail: string }> };
  return { rejectedLines: new Map((report.rejected ?? []).map((r) => [r.line, `${r.code}: ${r.detail}`])) };
}
