import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, stat, unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { getBalances, listAccounts, verifyLedger } from "../../ledger/index.ts";
import { findMessage } from "../../outbox/index.ts";
import { type Database, openTestDatabase } from "../../platform/index.ts";
import { getPosting } from "../../posting/index.ts";
import { findEntry } from "../adapters/entry-store.ts";
import type { AchOriginator } from "../domain/ach-entry.ts";
import { checkNachaFile, parseNacha, type StandardEntry } from "../nacha/index.ts";
import { achTopics, cutFiles, outboundFileName, windowsDueAt, writeOutboundFile } from "./file-cuts.ts";
import { insertTestEntry, odfiRouting, setUpAgency, type TestAgency, testAccounts, testKeys } from "./file-test-fixtures.ts";

let db: Database;
let outboundDir: string;
before(async () => {
  db = await openTestDatabase();
  outboundDir = await mkdtemp(join(tmpdir(), "remit-ach-outbound-"));
});
after(async () => {
  await db.close();
  await rm(outboundDir, { recursive: true, force: true });
});

/** Thursday, May 14, 2026, 16:50 in New York (EDT): ten minutes before a 17:00 next-day cutoff. */
const thursdayCut = new Date("2026-05-14T20:50:00Z");
const leadMs = 15 * 60_000;
const odfi = odfiRouting.slice(0, 8);

const originator = (fields: Partial<AchOriginator> = {}): AchOriginator => ({
  agencyId: "agy_x",
  id: "odfi_x",
  bankName: "FIRST TEST BANK",
  odfiRouting,
  immediateDestination: odfiRouting,
  immediateOrigin: "1234567890",
  companyName: "ACH COUNTY",
  companyId: "1234567890",
  nextDayCutoff: "17:00",
  sameDayCutoffs: [],
  requiresPrenote: false,
  prenoteDays: 3,
  postingPolicy: "on_submission",
  returnedPaymentFeeCents: 0,
  isDefault: true,
  ...fields,
});

async function clearing(a: TestAgency) {
  const account = (await listAccounts(db, a.agencyId, { limit: 100 })).accounts.find((x) => x.code === "ach_clearing");
  assert.ok(account, "the agency has an ach_clearing account");
  return getBalances(db, a.agencyId, account.id);
}

describe("the windows a cut is due for", () => {
  test("a next-day file is due only in the lead before the bank's cutoff, and settles on the next business day", () => {
    const o = originator();
    assert.deepEqual(windowsDueAt(o, thursdayCut, leadMs), [
      { window: "next_day", day: "2026-05-14", settlementDate: "2026-05-15", laterSameDay: false },
    ]);
    assert.deepEqual(windowsDueAt(o, new Date("2026-05-14T20:00:00Z"), leadMs), [], "an hour before the cutoff");
    assert.deepEqual(windowsDueAt(o, new Date("2026-05-14T21:00:00Z"), leadMs), [], "at the cutoff it is too late");
    assert.deepEqual(windowsDueAt(o, new Date("2026-05-16T20:50:00Z"), leadMs), [], "Saturday: FedACH is closed");
    // Friday before Memorial Day: the next business day is Tuesday.
    assert.equal(windowsDueAt(o, new Date("2026-05-22T20:50:00Z"), leadMs)[0]?.settlementDate, "2026-05-26");
  });

  test("a same-day cutoff feeds the Fed window after it and settles today; a next-day file leaves a later same-day window its entries", () => {
    const o = originator({ nextDayCutoff: "12:00", sameDayCutoffs: ["10:00", "14:00"] });
    assert.deepEqual(windowsDueAt(o, new Date("2026-05-14T13:50:00Z"), leadMs), [
      { window: "same_day_1", day: "2026-05-14", settlementDate: "2026-05-14", laterSameDay: false },
    ]);
    assert.deepEqual(windowsDueAt(o, new Date("2026-05-14T15:50:00Z"), leadMs), [
      { window: "next_day", day: "2026-05-14", settlementDate: "2026-05-15", laterSameDay: true },
    ]);
    assert.equal(windowsDueAt(o, new Date("2026-05-14T17:55:00Z"), leadMs)[0]?.window, "same_day_2");
  });

  test("file names carry the company id, the day, the window and the modifier", () => {
    assert.equal(outboundFileName("1234567890", "2026-05-14", "next_day", "A"), "1234567890-20260514-next_day-A.ach");
    assert.equal(outboundFileName(" 12345678 ", "2026-05-14", "same_day_2", "B"), "12345678-20260514-same_day_2-B.ach");
  });
});

describe("cutting files", () => {
  test("a next-day cut takes the due entries into one file with trace numbers, a pending journal and posting requests", async () => {
    const a = await setUpAgency(db);
    const good = await insertTestEntry(
      db,
      a,
      { accountNumber: testAccounts.good, amountCents: 12_500, effectiveDate: "2026-05-15" },
      thursdayCut,
    );
    const savings = await insertTestEntry(
      db,
      a,
      { accountNumber: "55554444", accountType: "savings", amountCents: 4_000, effectiveDate: "2026-05-14" },
      thursdayCut,
    );
    const prenote = await insertTestEntry(db, a, { accountNumber: "66667777", kind: "prenote", effectiveDate: "2026-05-15" }, thursdayCut);
    const deferred = await insertTestEntry(db, a, { accountNumber: "77778888", effectiveDate: "2026-05-20" }, thursdayCut);

    assert.equal(await cutFiles({ db }, new Date("2026-05-14T20:00:00Z")), 0, "not yet: the cut waits for the lead before the cutoff");
    assert.equal(await cutFiles({ db }, thursdayCut), 3);

    const entries = await Promise.all([good, savings, prenote].map((e) => findEntry(db, a.agencyId, e.id)));
    const fileId = entries[0]?.fileId;
    assert.ok(fileId);
    for (const entry of entries) {
      assert.equal(entry?.status, "submitted");
      assert.equal(entry?.fileId, fileId);
      assert.equal(entry?.effectiveDate, "2026-05-15", "each settles on the next business day, a stale date too");
      assert.equal(entry?.submittedAt?.getTime(), thursdayCut.getTime());
    }
    // Ordered by SEC code, kind, date and id: the debits first, the prenote last.
    const traces = entries.map((e) => e?.traceNumber).sort();
    assert.deepEqual(traces, [`${odfi}0000001`, `${odfi}0000002`, `${odfi}0000003`]);
    assert.equal(entries[2]?.traceNumber, `${odfi}0000003`);
    assert.equal((await findEntry(db, a.agencyId, deferred.id))?.status, "pending_submission", "a debit for next week waits");

    const [file] = await db.query<{ file_name: string; entry_count: number; debit_total_cents: string; submission_window: string }>(
      "SELECT * FROM ach_files WHERE agency_id = $1 AND id = $2",
      [a.agencyId, fileId],
    );
    const [{ company_id: companyId } = { company_id: "" }] = await db.query<{ company_id: string }>(
      "SELECT company_id FROM ach_originators WHERE agency_id = $1",
      [a.agencyId],
    );
    assert.equal(file?.file_name, `${companyId}-20260514-next_day-A.ach`);
    assert.equal(file?.entry_count, 3);
    assert.equal(Number(file?.debit_total_cents), 16_500);

    const balances = await clearing(a);
    assert.equal(balances.debitsPendingCents, 16_500, "a pending transfer per debit, none for the prenote");
    assert.equal(balances.debitsPostedCents, 0);
    assert.equal((await getPosting(db, a.agencyId, good.id))?.status, "pending", "the agency posts on submission");
    assert.equal((await findEntry(db, a.agencyId, good.id))?.postingPaymentId, good.id);
    assert.equal(await getPosting(db, a.agencyId, prenote.id), undefined);
    assert.equal((await findMessage(db, a.agencyId, fileId))?.topic, achTopics.writeFile);
    assert.equal((await verifyLedger(db)).ok, true);
  });

  test("a window is cut once a day: an entry due after its file was cut waits for the next window", async () => {
    const a = await setUpAgency(db);
    await insertTestEntry(db, a, { accountNumber: testAccounts.good, effectiveDate: "2026-05-15" }, thursdayCut);
    assert.equal(await cutFiles({ db }, thursdayCut), 1);
    const late = await insertTestEntry(db, a, { accountNumber: "12121212", effectiveDate: "2026-05-15" }, thursdayCut);
    assert.equal(await cutFiles({ db }, new Date(thursdayCut.getTime() + 5 * 60_000)), 0);
    assert.equal((await findEntry(db, a.agencyId, late.id))?.status, "pending_submission");
    // Friday's file takes it, with the next modifier of the day's count starting over.
    assert.equal(await cutFiles({ db }, new Date("2026-05-15T20:50:00Z")), 1);
    const moved = await findEntry(db, a.agencyId, late.id);
    assert.equal(moved?.status, "submitted");
    assert.equal(moved?.effectiveDate, "2026-05-18", "Friday's file settles on Monday");
    assert.equal(moved?.traceNumber, `${odfi}0000002`, "trace numbers go on across files");
    const names = await db.query<{ file_name: string }>("SELECT file_name FROM ach_files WHERE agency_id = $1 ORDER BY created_at", [
      a.agencyId,
    ]);
    assert.deepEqual(
      names.map((n) => n.file_name.replace(/^\d+-/, "")),
      ["20260514-next_day-A.ach", "20260515-next_day-A.ach"],
    );
  });

  test("an agency that posts on settlement has nothing posted at the cut", async () => {
    const a = await setUpAgency(db, { postingPolicy: "on_settlement" });
    const debit = await insertTestEntry(db, a, { accountNumber: testAccounts.good, effectiveDate: "2026-05-15" }, thursdayCut);
    assert.equal(await cutFiles({ db }, thursdayCut), 1);
    assert.equal(await getPosting(db, a.agencyId, debit.id), undefined);
    assert.equal((await findEntry(db, a.agencyId, debit.id))?.postingPaymentId, null);
    assert.equal((await clearing(a)).debitsPendingCents, 12_500);
  });

  test("same-day entries go in the same-day window and settle today; the next-day file before it leaves them", async () => {
    const a = await setUpAgency(db, { nextDayCutoff: "12:00", sameDayCutoffs: ["14:00"] });
    const sameDay = await insertTestEntry(db, a, { accountNumber: "31313131", effectiveDate: "2026-05-14", sameDay: true }, thursdayCut);
    const nextDay = await insertTestEntry(db, a, { accountNumber: "32323232", effectiveDate: "2026-05-15" }, thursdayCut);
    assert.equal(await cutFiles({ db }, new Date("2026-05-14T15:50:00Z")), 1, "11:50: the next-day file");
    assert.equal((await findEntry(db, a.agencyId, nextDay.id))?.status, "submitted");
    assert.equal((await findEntry(db, a.agencyId, sameDay.id))?.status, "pending_submission", "left to the 14:00 window");
    assert.equal(await cutFiles({ db }, new Date("2026-05-14T17:50:00Z")), 1, "13:50: the same-day file");
    const entry = await findEntry(db, a.agencyId, sameDay.id);
    assert.equal(entry?.status, "submitted");
    assert.equal(entry?.effectiveDate, "2026-05-14");
    const [file] = await db.query<{ file_name: string; submission_window: string }>(
      "SELECT file_name, submission_window FROM ach_files WHERE agency_id = $1 AND id = $2",
      [a.agencyId, entry?.fileId],
    );
    assert.equal(file?.submission_window, "same_day_2");
    assert.match(file?.file_name ?? "", /-20260514-same_day_2-B\.ach$/);
  });

  test("an entry locked by a cancel in progress is left out of the file", {
    skip: !process.env.DATABASE_URL && "needs two connections (PostgreSQL)",
  }, async () => {
    const a = await setUpAgency(db);
    const held = await insertTestEntry(db, a, { accountNumber: "41414141", effectiveDate: "2026-05-15" }, thursdayCut);
    const free = await insertTestEntry(db, a, { accountNumber: "42424242", effectiveDate: "2026-05-15" }, thursdayCut);
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked = () => {};
    const lockTaken = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const cancel = db.transaction(async (tx) => {
      await tx.query("SELECT 1 FROM ach_entries WHERE agency_id = $1 AND id = $2 FOR UPDATE", [a.agencyId, held.id]);
      locked();
      await released;
    });
    await lockTaken;
    assert.equal(await cutFiles({ db }, thursdayCut), 1);
    release();
    await cancel;
    assert.equal((await findEntry(db, a.agencyId, held.id))?.status, "pending_submission");
    assert.equal((await findEntry(db, a.agencyId, free.id))?.status, "submitted");
  });
});

describe("writing the file", () => {
  test("the file written is valid NACHA with the cut's counts, totals, codes and trace numbers, written once and the same each time", async () => {
    const a = await setUpAgency(db);
    await insertTestEntry(db, a, { accountNumber: testAccounts.good, amountCents: 12_500, effectiveDate: "2026-05-15" }, thursdayCut);
    await insertTestEntry(
      db,
      a,
      { accountNumber: "55554444", accountType: "savings", amountCents: 4_000, effectiveDate: "2026-05-15", scheduleId: "sch_1" },
      thursdayCut,
    );
    await insertTestEntry(db, a, { accountNumber: "66667777", kind: "prenote", effectiveDate: "2026-05-15" }, thursdayCut);
    await insertTestEntry(
      db,
      a,
      { accountNumber: "88889999", secCode: "PPD", amountCents: 1_000, effectiveDate: "2026-05-15" },
      thursdayCut,
    );
    await cutFiles({ db }, thursdayCut);
    const [file] = await db.query<{ id: string; file_name: string }>("SELECT id, file_name FROM ach_files WHERE agency_id = $1", [
      a.agencyId,
    ]);
    assert.ok(file);
    const deps = { db, vaultKeys: testKeys, outboundDir };

    assert.deepEqual(await writeOutboundFile(deps, a.agencyId, file.id), { status: "done" });
    const path = join(outboundDir, a.agencyId, file.file_name);
    const text = await readFile(path, "latin1");
    const check = await checkNachaFile(text);
    assert.deepEqual(check.errors, []);
    assert.equal(check.entries, 4);
    assert.equal(check.total_debit_cents, 17_500);
    assert.equal(check.total_credit_cents, 0);
    assert.deepEqual(await readdir(join(outboundDir, a.agencyId)), [file.file_name], "no .tmp file is left behind");

    const parsed = await parseNacha(text);
    const batches = parsed.batches.map((b) => ({
      sec: b.header?.standard_entry_class_code,
      description: b.header && "company_entry_description" in b.header ? b.header.company_entry_description : "",
      serviceClass: b.header?.service_class_code,
      effective: b.header?.effective_entry_date,
      traces: (b.entries as StandardEntry[]).map((e) => e.trace_number),
      // Entries of one batch by account number: their order follows their (random) ids.
      entries: (b.entries as StandardEntry[])
        .map((e) => [e.transaction_code, e.dfi_account_number, e.discretionary_data])
        .sort((x, y) => String(x[1]).localeCompare(String(y[1]))),
    }));
    const batch = (sec: string, description: string, traces: number[], entries: string[][]) => ({
      sec,
      description,
      serviceClass: "225",
      effective: "260515",
      traces: traces.map((n) => `${odfi}000000${n}`),
      entries,
    });
    assert.deepEqual(batches, [
      batch("PPD", "PAYMENT", [1], [["27", "88889999", ""]]),
      batch(
        "WEB",
        "PAYMENT",
        [2, 3],
        [
          ["37", "55554444", "R"],
          ["27", testAccounts.good, "S"],
        ],
      ),
      batch("WEB", "PRENOTE", [4], [["28", "66667777", "S"]]),
    ]);
    assert.equal(parsed.header?.immediate_destination, odfiRouting);
    assert.equal(parsed.header?.file_creation_date, "260514");
    assert.equal(parsed.header?.file_creation_time, "1650");

    // Idempotent: a second run leaves the file alone; a rebuild writes the same bytes.
    const written = await stat(path);
    assert.deepEqual(await writeOutboundFile(deps, a.agencyId, file.id), { status: "done" });
    assert.equal((await stat(path)).mtimeMs, written.mtimeMs);
    await unlink(path);
    await writeOutboundFile(deps, a.agencyId, file.id);
    assert.equal(await readFile(path, "latin1"), text);
  });

  test("an unknown file is dead-lettered, not retried", async () => {
    const outcome = await writeOutboundFile({ db, vaultKeys: testKeys, outboundDir }, "agy_none", "achf_none");
    assert.equal(outcome.status, "dead");
  });
});
