import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type Database, openTestDatabase } from "../../platform/index.ts";
import { findEntry } from "../adapters/entry-store.ts";
import { cutFiles, writeOutboundFile } from "../app/file-cuts.ts";
import { insertTestEntry, odfiRouting, setUpAgency, type TestAgency, testAccounts, testKeys } from "../app/file-test-fixtures.ts";
import { type Addenda98, type Addenda99, checkNachaFile, parseNacha, type StandardEntry } from "../nacha/index.ts";
import { outcomeOf } from "./answers.ts";
import { runBankSimulator } from "./simulator.ts";

let db: Database;
let root: string;
let outboundDir: string;
let inboundDir: string;
before(async () => {
  db = await openTestDatabase();
  root = await mkdtemp(join(tmpdir(), "remit-bank-sim-"));
  outboundDir = join(root, "outbound");
  inboundDir = join(root, "inbound");
});
after(async () => {
  await db.close();
  await rm(root, { recursive: true, force: true });
});

/** Thursday, May 14, 2026, 16:50 New York: the next-day file is cut; its entries settle Friday the 15th. */
const thursdayCut = new Date("2026-05-14T20:50:00Z");
const deps = () => ({ db, outboundDir, inboundDir });

/** Cuts and writes a file of debits to these accounts; returns the entries' ids by account number. */
async function sendFile(a: TestAgency, accounts: readonly string[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const [i, accountNumber] of accounts.entries()) {
    const { id } = await insertTestEntry(db, a, { accountNumber, amountCents: 1_000 * (i + 1), effectiveDate: "2026-05-15" }, thursdayCut);
    ids.set(accountNumber, id);
  }
  await cutFiles({ db }, thursdayCut);
  const [file] = await db.query<{ id: string }>("SELECT id FROM ach_files WHERE agency_id = $1", [a.agencyId]);
  assert.deepEqual(await writeOutboundFile({ db, vaultKeys: testKeys, outboundDir }, a.agencyId, file?.id ?? ""), { status: "done" });
  return ids;
}

const inboundFiles = (agencyId: string) => readdir(join(inboundDir, agencyId)).catch(() => [] as string[]);

describe("the test accounts", () => {
  test("0001 is returned R01, 0003 R03, 0101 draws a C01 to 0102, and every other account settles", () => {
    assert.deepEqual(outcomeOf("123450001"), { kind: "return", code: "R01" });
    assert.deepEqual(outcomeOf("123450003"), { kind: "return", code: "R03" });
    assert.deepEqual(outcomeOf("99990101"), { kind: "notice", code: "C01", correctedAccountNumber: "99990102" });
    assert.deepEqual(outcomeOf("0101010101"), { kind: "notice", code: "C01", correctedAccountNumber: "0101010102" });
    assert.deepEqual(outcomeOf("987654320"), { kind: "settle" });
  });
});

describe("the bank simulator", () => {
  test("answers on the settlement date with the returns and the NOC, in a file Remit's reader validates, once", async () => {
    const a = await setUpAgency(db);
    const ids = await sendFile(a, [testAccounts.good, testAccounts.r01, testAccounts.r03, testAccounts.c01]);

    assert.equal(await runBankSimulator(deps(), new Date(thursdayCut.getTime() + 60_000)), 1, "the file is read");
    assert.equal(await runBankSimulator(deps(), new Date("2026-05-15T03:00:00Z")), 0, "Thursday night: nothing to answer yet");
    assert.deepEqual(await inboundFiles(a.agencyId), []);

    assert.equal(await runBankSimulator(deps(), new Date("2026-05-15T10:00:00Z")), 1, "Friday morning: the answer");
    const [name, ...others] = await inboundFiles(a.agencyId);
    assert.deepEqual(others, []);
    assert.match(name ?? "", /-next_day-A-answer\.ach$/);
    const text = await readFile(join(inboundDir, a.agencyId, name ?? ""), "latin1");
    const check = await checkNachaFile(text);
    assert.deepEqual(check.errors, []);
    assert.equal(check.entries, 3);
    assert.equal(check.addenda, 3);
    assert.equal(check.total_debit_cents, 2_000 + 3_000, "the two returns carry their amounts; the NOC is $0");

    const parsed = await parseNacha(text);
    assert.equal(parsed.header?.immediate_destination, odfiRouting, "the answer goes to the ODFI");
    const traceOf = async (account: string) => (await findEntry(db, a.agencyId, ids.get(account) ?? ""))?.traceNumber;
    const answers = parsed.batches.flatMap((b) =>
      (b.entries as StandardEntry[]).map((e) => {
        const addenda = e.addenda[0] as Addenda99 | Addenda98;
        return addenda.type_code === "99"
          ? {
              sec: b.header?.standard_entry_class_code,
              tc: e.transaction_code,
              code: addenda.return_reason_code,
              trace: addenda.original_trace_number,
            }
          : {
              sec: b.header?.standard_entry_class_code,
              tc: e.transaction_code,
              code: addenda.change_code,
              trace: addenda.original_trace_number,
              corrected: addenda.corrected_data,
            };
      }),
    );
    assert.deepEqual(
      answers.sort((x, y) => x.code.localeCompare(y.code)),
      [
        { sec: "COR", tc: "26", code: "C01", trace: await traceOf(testAccounts.c01), corrected: "123450102" },
        { sec: "WEB", tc: "26", code: "R01", trace: await traceOf(testAccounts.r01) },
        { sec: "WEB", tc: "26", code: "R03", trace: await traceOf(testAccounts.r03) },
      ],
    );

    assert.equal(await runBankSimulator(deps(), new Date("2026-05-15T11:00:00Z")), 0, "answered once");
    assert.deepEqual(await inboundFiles(a.agencyId), [name]);
  });

  test("a file whose entries all settle draws no answer", async () => {
    const a = await setUpAgency(db);
    await sendFile(a, [testAccounts.good, "24682468"]);
    assert.equal(await runBankSimulator(deps(), new Date("2026-05-15T10:00:00Z")), 1, "read, with nothing to answer");
    assert.equal(await runBankSimulator(deps(), new Date("2026-05-18T10:00:00Z")), 0);
    assert.deepEqual(await inboundFiles(a.agencyId), []);
  });

  test("a file the bank cannot read is noted as rejected and answered with nothing", async () => {
    await mkdir(join(outboundDir, "agy_garbled"), { recursive: true });
    await writeFile(join(outboundDir, "agy_garbled", "garbled.ach"), "101 not a nacha file\n");
    await runBankSimulator(deps(), new Date("2026-05-15T10:00:00Z"));
    const [row] = await db.query<{ rejected_reason: string | null; answer_on: string | null }>(
      "SELECT rejected_reason, answer_on FROM bank_sim_files WHERE folder = 'agy_garbled'",
    );
    assert.match(row?.rejected_reason ?? "", /^invalid file: line 1: nacha_/);
    assert.equal(row?.answer_on, null);
    assert.deepEqual(await inboundFiles("agy_garbled"), []);
  });
});
