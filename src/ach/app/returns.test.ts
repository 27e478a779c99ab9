import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { getBalances, listAccounts, verifyLedger } from "../../ledger/index.ts";
import { dispatchDue, findMessage } from "../../outbox/index.ts";
import { createLogger, type Database, openTestDatabase, type RemitError } from "../../platform/index.ts";
import { getPosting } from "../../posting/index.ts";
import { listBankAccountVersions, readBankAccountForOriginator } from "../../vault/index.ts";
import { findEntry } from "../adapters/entry-store.ts";
import { listChangeNotices } from "../adapters/file-store.ts";
import { type NachaFile, type StandardEntry, writeNacha } from "../nacha/index.ts";
import { achTopics, cutFiles } from "./file-cuts.ts";
import {
  databaseText,
  insertTestEntry,
  odfiRouting,
  rdfiRouting,
  setUpAgency,
  type TestAgency,
  testAccounts,
  testKeys,
} from "./file-test-fixtures.ts";
import { achReturnHandlers, correctionOf, findAgencyOfReturnFile, importInbound, importReturnFile, listEvents } from "./returns.ts";
import { settleEntries } from "./settlement.ts";

let db: Database;
let inboundDir: string;
before(async () => {
  db = await openTestDatabase();
  inboundDir = await mkdtemp(join(tmpdir(), "remit-ach-inbound-"));
});
after(async () => {
  await db.close();
  await rm(inboundDir, { recursive: true, force: true });
});

const thursdayCut = new Date("2026-05-14T20:50:00Z");
const fridayMorning = new Date("2026-05-15T11:00:00Z");
const deps = () => ({ db, vaultKeys: testKeys });
const quiet = createLogger({ level: "fatal", destination: () => {} });

type Answer = { trace: string; returnCode: string; amountCents?: number } | { trace: string; changeCode: string; corrected: string };

/** A return/NOC file as a bank sends one: a WEB return batch and a COR batch, traced by the RDFI. */
function answerText(companyId: string, answers: readonly Answer[], reference = ""): string {
  const rdfi = rdfiRouting.slice(0, 8);
  let sequence = 0;
  const entry = (a: Answer): StandardEntry => {
    const trace = rdfi + String(++sequence).padStart(7, "0");
    return {
      transaction_code: "26",
      rdfi_identification: rdfi,
      check_digit: rdfiRouting.slice(8),
      dfi_account_number: "1111",
      amount_cents: "returnCode" in a ? (a.amountCents ?? 0) : 0,
      identification_number: "",
      individual_name: "JANE TAXPAYER",
      discretionary_data: "",
      addenda_record_indicator: "1",
      trace_number: trace,
      addenda: [
        "returnCode" in a
          ? {
              type_code: "99",
              return_reason_code: a.returnCode,
              original_trace_number: a.trace,
              date_of_death: "",
              original_rdfi_identification: rdfi,
              addenda_information: "",
              trace_number: trace,
            }
          : {
              type_code: "98",
              change_code: a.changeCode,
              original_trace_number: a.trace,
              original_rdfi_identification: rdfi,
              corrected_data: a.corrected,
              trace_number: trace,
            },
      ],
    };
  };
  const header = (sec: string, batchNumber: number) => ({
    service_class_code: "225",
    company_name: "ACH COUNTY",
    company_discretionary_data: "",
    company_identification: companyId,
    standard_entry_class_code: sec,
    company_entry_description: "PAYMENT",
    company_descriptive_date: "",
    effective_entry_date: "260515",
    settlement_date: "",
    originator_status_code: "1",
    odfi_identification: rdfi,
    batch_number: batchNumber,
  });
  const returns = answers.filter((a) => "returnCode" in a);
  const changes = answers.filter((a) => "changeCode" in a);
  const batches: NachaFile["batches"] = [];
  if (returns.length) batches.push({ header: header("WEB", batches.length + 1), entries: returns.map(entry), control: null });
  if (changes.length) batches.push({ header: header("COR", batches.length + 1), entries: changes.map(entry), control: null });
  return writeNacha({
    header: {
      immediate_destination: odfiRouting,
      immediate_origin: rdfiRouting,
      file_creation_date: "260515",
      file_creation_time: "0500",
      file_id_modifier: "A",
      immediate_destination_name: "ACH COUNTY",
      immediate_origin_name: "PAYER BANK",
      reference_code: reference,
    },
    batches,
    control: null,
  });
}

const bytes = (text: string) => new TextEncoder().encode(text);

async function companyIdOf(a: TestAgency): Promise<string> {
  const [row] = await db.query<{ company_id: string }>("SELECT company_id FROM ach_originators WHERE agency_id = $1", [a.agencyId]);
  return row?.company_id ?? "";
}

/** Debits (and prenotes) to these accounts, cut into Thursday's file; returns their entries. */
async function submitted(a: TestAgency, entries: ReadonlyArray<{ accountNumber: string; kind?: "prenote"; amountCents?: number }>) {
  const ids = [];
  for (const e of entries) ids.push((await insertTestEntry(db, a, { ...e, effectiveDate: "2026-05-15" }, thursdayCut)).id);
  await cutFiles({ db }, thursdayCut);
  return Promise.all(
    ids.map(async (id) => {
      const entry = await findEntry(db, a.agencyId, id);
      assert.equal(entry?.status, "submitted");
      return entry as NonNullable<typeof entry>;
    }),
  );
}

async function balanceOf(a: TestAgency, code: string) {
  const accounts = (await listAccounts(db, a.agencyId, { limit: 100 })).accounts.filter((x) => x.code === code);
  let posted = 0;
  let pending = 0;
  for (const account of accounts) {
    const b = await getBalances(db, a.agencyId, account.id);
    posted += b.postedCents;
    pending += b.debitsPendingCents - b.creditsPendingCents;
  }
  return { posted, pending };
}

describe("a return", () => {
  test("of a submitted debit voids its journal, reverses its posting, charges the fee and tells the payer", async () => {
    const a = await setUpAgency(db, { feeCents: 2_500 });
    const [debit] = await submitted(a, [{ accountNumber: testAccounts.r01, amountCents: 12_500 }]);
    assert.equal((await balanceOf(a, "ach_clearing")).pending, 12_500);

    const report = await importReturnFile(
      deps(),
      a.agencyId,
      "returns.ach",
      bytes(answerText(await companyIdOf(a), [{ trace: debit?.traceNumber ?? "", returnCode: "R01", amountCents: 12_500 }])),
      fridayMorning,
    );
    assert.deepEqual(report, { returns: 1, notices: 0, unmatched: [], alreadyImported: false });
    const returned = await findEntry(db, a.agencyId, debit?.id ?? "");
    assert.equal(returned?.status, "returned");
    assert.equal(returned?.returnCode, "R01");
    assert.equal(returned?.returnReason, "Insufficient funds");
    assert.equal(returned?.returnedAt?.getTime(), fridayMorning.getTime());
    assert.deepEqual(await balanceOf(a, "ach_clearing"), { posted: 0, pending: 0 }, "the pending journal is voided");
    assert.equal((await getPosting(db, a.agencyId, debit?.id ?? ""))?.status, "reversal_pending");
    assert.deepEqual(await balanceOf(a, "returned_payment_fees_receivable"), { posted: 2_500, pending: 0 });
    assert.deepEqual(await balanceOf(a, "returned_payment_fee_revenue"), { posted: 2_500, pending: 0 });
    const fee = await findMessage(db, a.agencyId, `${achTopics.returnedPaymentFee}:${debit?.id}`);
    assert.deepEqual(fee?.payload, {
      entryId: debit?.id,
      account: { system: "property_tax", ref: "R000123" },
      feeCents: 2_500,
      returnCode: "R01",
    });
    assert.equal((await verifyLedger(db)).ok, true);

    // The payer is told through an event, recorded once however often the handler runs.
    await dispatchDue(db, achReturnHandlers(db), fridayMorning, quiet);
    const { data: events } = await listEvents(db, a.agencyId, { limit: 10 });
    assert.equal(events.length, 1);
    assert.equal(events[0]?.type, "ach_debit.returned");
    assert.deepEqual(events[0]?.data, {
      id: debit?.id,
      amount: 12_500,
      return_code: "R01",
      return_reason: "Insufficient funds",
      account: { system: "property_tax", ref: "R000123" },
      bank_account: { last4: "0001" },
      returned_payment_fee: 2_500,
      returned_at: fridayMorning.toISOString(),
    });
    assert.ok(!(await databaseText(db)).includes(testAccounts.r01), "no account number outside the vault");
  });

  test("after settlement reverses the posted journal", async () => {
    const a = await setUpAgency(db);
    const [debit] = await submitted(a, [{ accountNumber: testAccounts.r03, amountCents: 7_000 }]);
    await settleEntries({ db }, new Date("2026-05-15T12:30:00Z"));
    assert.equal((await balanceOf(a, "ach_clearing")).posted, 7_000);
    const report = await importReturnFile(
      deps(),
      a.agencyId,
      "late-return.ach",
      bytes(answerText(await companyIdOf(a), [{ trace: debit?.traceNumber ?? "", returnCode: "R03", amountCents: 7_000 }])),
      new Date("2026-05-18T14:00:00Z"),
    );
    assert.equal(report.returns, 1);
    assert.equal((await findEntry(db, a.agencyId, debit?.id ?? ""))?.status, "returned");
    assert.deepEqual(await balanceOf(a, "ach_clearing"), { posted: 0, pending: 0 });
    assert.deepEqual(await balanceOf(a, "collections"), { posted: 0, pending: 0 });
    assert.deepEqual(await balanceOf(a, "returned_payment_fees_receivable"), { posted: 0, pending: 0 }, "this agency charges no fee");
    assert.equal((await verifyLedger(db)).ok, true);
  });

  test("of a prenote returns it with no journal, no fee, and an ach_prenote.returned event", async () => {
    const a = await setUpAgency(db, { feeCents: 2_500 });
    const [prenote] = await submitted(a, [{ accountNumber: testAccounts.r03, kind: "prenote" }]);
    await importReturnFile(
      deps(),
      a.agencyId,
      "prenote-return.ach",
      bytes(answerText(await companyIdOf(a), [{ trace: prenote?.traceNumber ?? "", returnCode: "R03" }])),
      fridayMorning,
    );
    assert.equal((await findEntry(db, a.agencyId, prenote?.id ?? ""))?.returnCode, "R03");
    assert.equal(await findMessage(db, a.agencyId, `${achTopics.returnedPaymentFee}:${prenote?.id}`), undefined);
    await dispatchDue(db, achReturnHandlers(db), fridayMorning, quiet);
    assert.deepEqual(
      (await listEvents(db, a.agencyId, { limit: 10 })).data.map((e) => e.type),
      ["ach_prenote.returned"],
    );
  });
});

describe("importing a file", () => {
  test("the same file twice changes nothing and says so", async () => {
    const a = await setUpAgency(db);
    const [debit] = await submitted(a, [{ accountNumber: testAccounts.r01 }]);
    const text = answerText(await companyIdOf(a), [{ trace: debit?.traceNumber ?? "", returnCode: "R01", amountCents: 12_500 }]);
    assert.equal((await importReturnFile(deps(), a.agencyId, "r.ach", bytes(text), fridayMorning)).returns, 1);
    const transfers = await db.query("SELECT id FROM ledger_transfers WHERE agency_id = $1", [a.agencyId]);
    const again = await importReturnFile(deps(), a.agencyId, "r-copy.ach", bytes(text), fridayMorning);
    assert.deepEqual(again, { returns: 0, notices: 0, unmatched: [], alreadyImported: true });
    assert.equal((await db.query("SELECT id FROM ledger_transfers WHERE agency_id = $1", [a.agencyId])).length, transfers.length);
    const files = await db.query<{ file_name: string; returns: number }>(
      "SELECT file_name, returns FROM ach_inbound_files WHERE agency_id = $1",
      [a.agencyId],
    );
    assert.deepEqual(files, [{ file_name: "r.ach", returns: 1 }]);
  });

  test("unknown traces and entries already returned are reported, and the rest is imported", async () => {
    const a = await setUpAgency(db);
    const [first, second] = await submitted(a, [{ accountNumber: testAccounts.r01 }, { accountNumber: testAccounts.r03 }]);
    const companyId = await companyIdOf(a);
    await importReturnFile(
      deps(),
      a.agencyId,
      "1.ach",
      bytes(answerText(companyId, [{ trace: first?.traceNumber ?? "", returnCode: "R01" }])),
      fridayMorning,
    );
    const report = await importReturnFile(
      deps(),
      a.agencyId,
      "2.ach",
      bytes(
        answerText(companyId, [
          { trace: first?.traceNumber ?? "", returnCode: "R01" },
          { trace: "999999990000001", returnCode: "R02" },
          { trace: second?.traceNumber ?? "", returnCode: "R03" },
        ]),
      ),
      fridayMorning,
    );
    assert.equal(report.returns, 1);
    assert.deepEqual(report.unmatched, [
      { traceNumber: first?.traceNumber, code: "R01", reason: `entry ${first?.id} is returned: it cannot be returned` },
      { traceNumber: "999999990000001", code: "R02", reason: "no entry of this agency has this trace number" },
    ]);
    assert.equal((await findEntry(db, a.agencyId, second?.id ?? ""))?.status, "returned");
  });

  test("another agency's trace numbers do not match", async () => {
    const a = await setUpAgency(db);
    const b = await setUpAgency(db);
    const [debit] = await submitted(a, [{ accountNumber: testAccounts.r01 }]);
    const report = await importReturnFile(
      deps(),
      b.agencyId,
      "wrong-agency.ach",
      bytes(answerText(await companyIdOf(b), [{ trace: debit?.traceNumber ?? "", returnCode: "R01" }])),
      fridayMorning,
    );
    assert.equal(report.returns, 0);
    assert.equal(report.unmatched.length, 1);
    assert.equal((await findEntry(db, a.agencyId, debit?.id ?? ""))?.status, "submitted");
  });

  test("an invalid file is refused whole, naming its problems by code and line", async () => {
    const a = await setUpAgency(db);
    const [debit] = await submitted(a, [{ accountNumber: testAccounts.r01 }]);
    const text = answerText(await companyIdOf(a), [{ trace: debit?.traceNumber ?? "", returnCode: "R01" }]);
    const broken = text.replace(/^8225.*$/m, (line) => `${line.slice(0, 20)}9${line.slice(21)}`);
    await assert.rejects(importReturnFile(deps(), a.agencyId, "broken.ach", bytes(broken), fridayMorning), (error: RemitError) => {
      assert.equal(error.code, "ach_inbound_file_invalid");
      assert.match(error.message, /line \d+: nacha_batch_debit_total_mismatch/);
      return true;
    });
    assert.equal((await findEntry(db, a.agencyId, debit?.id ?? ""))?.status, "submitted");
    assert.deepEqual(await db.query("SELECT 1 FROM ach_inbound_files WHERE agency_id = $1", [a.agencyId]), []);
  });

  test("the agency of a file is found by its company id", async () => {
    const a = await setUpAgency(db);
    assert.equal(
      await findAgencyOfReturnFile(db, bytes(answerText(await companyIdOf(a), [{ trace: "1", returnCode: "R01" }]))),
      a.agencyId,
    );
    await assert.rejects(findAgencyOfReturnFile(db, bytes(answerText("9999999999", [{ trace: "1", returnCode: "R01" }]))), {
      code: "invalid_request",
    });
  });

  test("the inbound job imports each agency's files and moves them to processed, an invalid one to failed", async () => {
    const a = await setUpAgency(db);
    const [debit] = await submitted(a, [{ accountNumber: testAccounts.r01 }]);
    const folder = join(inboundDir, a.agencyId);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, "answer.ach"), answerText(await companyIdOf(a), [{ trace: debit?.traceNumber ?? "", returnCode: "R01" }]));
    await writeFile(join(folder, "garbage.ach"), "not a NACHA file\n");
    await writeFile(join(folder, "half.ach.tmp"), "still being written");
    assert.equal(await importInbound({ ...deps(), inboundDir, logger: quiet }, fridayMorning), 2);
    assert.deepEqual((await readdir(folder)).sort(), ["failed", "half.ach.tmp", "processed"]);
    assert.deepEqual(await readdir(join(folder, "processed")), ["answer.ach"]);
    assert.deepEqual(await readdir(join(folder, "failed")), ["garbage.ach"]);
    assert.equal((await findEntry(db, a.agencyId, debit?.id ?? ""))?.status, "returned");
    assert.equal(await importInbound({ ...deps(), inboundDir, logger: quiet }, fridayMorning), 0);
  });
});

describe("a notification of change", () => {
  test("corrects the bank account in the vault as a new version, keeping the old, and stores only the last 4 outside it", async () => {
    const a = await setUpAgency(db);
    const [entry] = await submitted(a, [{ accountNumber: testAccounts.c01 }]);
    const report = await importReturnFile(
      deps(),
      a.agencyId,
      "noc.ach",
      bytes(answerText(await companyIdOf(a), [{ trace: entry?.traceNumber ?? "", changeCode: "C01", corrected: "123450102" }])),
      fridayMorning,
    );
    assert.deepEqual(report, { returns: 0, notices: 1, unmatched: [], alreadyImported: false });
    const versions = await listBankAccountVersions(db, a.agencyId, entry?.bankAccountId ?? "");
    assert.deepEqual(
      versions.map((v) => [v.version, v.last4]),
      [
        [1, "0101"],
        [2, "0102"],
      ],
    );
    assert.match(versions[1]?.reason ?? "", /^NOC C01 for trace \d{15}$/);
    assert.equal((await readBankAccountForOriginator(db, testKeys, a.agencyId, entry?.bankAccountId ?? "")).accountNumber, "123450102");
    assert.deepEqual(
      (await listChangeNotices(db, a.agencyId, entry?.id ?? "")).map((n) => [n.changeCode, n.correctedSummary, n.applied]),
      [["C01", "account ending 0102", true]],
    );
    assert.equal((await findEntry(db, a.agencyId, entry?.id ?? ""))?.status, "submitted", "a NOC moves no entry");
    const text = await databaseText(db);
    assert.ok(!text.includes("123450102") && !text.includes(testAccounts.c01), "no account number outside the vault");
  });

  test("of routing or account type corrects those; a name change or a bad routing number is recorded, not applied", async () => {
    const a = await setUpAgency(db);
    const entries = await submitted(a, [
      { accountNumber: "50505050" },
      { accountNumber: "60606060" },
      { accountNumber: "70707070" },
      { accountNumber: "80808080" },
    ]);
    const [routing, type, name, bad] = entries;
    await importReturnFile(
      deps(),
      a.agencyId,
      "nocs.ach",
      bytes(
        answerText(await companyIdOf(a), [
          { trace: routing?.traceNumber ?? "", changeCode: "C02", corrected: "091000019" },
          { trace: type?.traceNumber ?? "", changeCode: "C05", corrected: "37" },
          { trace: name?.traceNumber ?? "", changeCode: "C04", corrected: "JANE Q TAXPAYER" },
          { trace: bad?.traceNumber ?? "", changeCode: "C02", corrected: "091000018" },
        ]),
      ),
      fridayMorning,
    );
    const current = async (e: (typeof entries)[number] | undefined) =>
      readBankAccountForOriginator(db, testKeys, a.agencyId, e?.bankAccountId ?? "");
    assert.equal((await current(routing)).routingNumber, "091000019");
    assert.equal((await current(type)).accountType, "savings");
    assert.equal((await current(name)).version, 1);
    assert.equal((await current(bad)).version, 1);
    const notices = async (e: (typeof entries)[number] | undefined) =>
      (await listChangeNotices(db, a.agencyId, e?.id ?? "")).map((n) => [n.correctedSummary, n.applied]);
    assert.deepEqual(await notices(routing), [["routing 091000019", true]]);
    assert.deepEqual(await notices(type), [["account type savings", true]]);
    assert.deepEqual(await notices(name), [
      ["not applied: Incorrect individual name / receiving company name is not a bank account correction", false],
    ]);
    assert.deepEqual(await notices(bad), [["not applied (invalid_routing_number): routing 091000018", false]]);
  });

  test("corrected data is read by the positions of each change code", () => {
    assert.deepEqual(correctionOf("C01", "123450102"), { accountNumber: "123450102" });
    assert.deepEqual(correctionOf("C03", "091000019   123450102"), { routingNumber: "091000019", accountNumber: "123450102" });
    assert.deepEqual(correctionOf("C06", `${"123450102".padEnd(17)}   32`), { accountNumber: "123450102", accountType: "savings" });
    assert.deepEqual(correctionOf("C07", `091000019${"123450102".padEnd(17)}22`), {
      routingNumber: "091000019",
      accountNumber: "123450102",
      accountType: "checking",
    });
    assert.ok("refused" in correctionOf("C05", "99"));
    assert.ok("refused" in correctionOf("C09", "123"));
  });
});

describe("events", () => {
  test("are listed newest first, page by cursor, and refuse a cursor that is not one of the agency's events", async () => {
    const a = await setUpAgency(db);
    const debits = await submitted(a, [
      { accountNumber: testAccounts.r01 },
      { accountNumber: testAccounts.r03 },
      { accountNumber: "12340001" },
    ]);
    await importReturnFile(
      deps(),
      a.agencyId,
      "three.ach",
      bytes(
        answerText(
          await companyIdOf(a),
          debits.map((d) => ({ trace: d.traceNumber ?? "", returnCode: "R01" })),
        ),
      ),
      fridayMorning,
    );
    await dispatchDue(db, achReturnHandlers(db), fridayMorning, quiet);
    const first = await listEvents(db, a.agencyId, { limit: 2 });
    assert.equal(first.data.length, 2);
    assert.equal(first.hasMore, true);
    const rest = await listEvents(db, a.agencyId, { limit: 2, startingAfter: first.data[1]?.id });
    assert.equal(rest.data.length, 1);
    assert.equal(rest.hasMore, false);
    const ids = [...first.data, ...rest.data].map((e) => e.data.id).sort();
    assert.deepEqual(ids, debits.map((d) => d.id).sort());
    await assert.rejects(listEvents(db, a.agencyId, { limit: 2, startingAfter: "evt_nope" }), { code: "invalid_request" });
    const other = await setUpAgency(db);
    await assert.rejects(listEvents(db, other.agencyId, { limit: 2, startingAfter: first.data[0]?.id }), { code: "invalid_request" });
  });
});
