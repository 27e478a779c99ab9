/**
 * ACH end to end: debits made through the ACH use cases, cut into a NACHA file on disk, read by
 * the embedded bank, whose returns and NOC come back through the inbound folder; then settlement,
 * a second import of the same file, the events over HTTP, `remit ach import`, and no bank account
 * number anywhere in the database.
 */
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { configureTestSystem, createConnectorRegistry } from "../src/accounts/index.ts";
import {
  achFileHandlers,
  achReturnHandlers,
  checkNachaFile,
  configureOriginator,
  createDebit,
  cutFiles,
  getAchDebit,
  importInbound,
  importReturnFile,
  type NachaFile,
  parseNacha,
  runBankSimulator,
  settleEntries,
  writeNacha,
} from "../src/ach/index.ts";
import { createAgency, createApiKey } from "../src/agencies/index.ts";
import { buildApiServer } from "../src/api/index.ts";
import { createCardProcessorSimulator } from "../src/cards/index.ts";
import { openHubDatabase } from "../src/hub/index.ts";
import { getBalances, listAccounts, verifyLedger } from "../src/ledger/index.ts";
import { dispatchDue } from "../src/outbox/index.ts";
import { createLogger, createMetrics, type Database, loadConfig, openTestDatabase, type Sql } from "../src/platform/index.ts";
import { getPosting } from "../src/posting/index.ts";
import { listBankAccountVersions, newMasterKeyText, parseMasterKeys, tokenizeBankAccount, type VaultKeys } from "../src/vault/index.ts";
import { isolatedEnv, runCli } from "./helpers.ts";

const masterKeyText = newMasterKeyText("v1");
const keys = parseMasterKeys(masterKeyText);
const quiet = createLogger({ level: "fatal", destination: () => {} });
const odfiRouting = "121042882";
const rdfiRouting = "231380104";
const companyId = "1234567890";
const accounts = { r01: "123450001", r03: "123450003", c01: "123450101", good: "987654320" } as const;
const corrected = "123450102";

/** Thursday, May 14, 2026 in New York (EDT). Debits at 15:00; the cut at 16:50 before the 17:00 cutoff. */
const thursday = (time: string) => new Date(`2026-05-14T${time}:00-04:00`);
/** Friday the 15th: the settlement date. */
const friday = (time: string) => new Date(`2026-05-15T${time}:00-04:00`);

let db: Database;
let root: string;
before(async () => {
  db = await openTestDatabase();
  root = await mkdtemp(join(tmpdir(), "remit-ach-flow-"));
});
after(async () => {
  await db.close();
  await rm(root, { recursive: true, force: true });
});

async function newAgency(sql: Database, vaultKeys: VaultKeys, name: string) {
  const agency = await createAgency(sql, { name });
  await configureTestSystem(sql, agency.id);
  await configureOriginator(sql, agency.id, {
    bankName: "First Test Bank",
    odfiRouting,
    companyName: "Flow County",
    companyId,
    nextDayCutoff: "17:00",
    postingPolicy: "on_submission",
    returnedPaymentFeeCents: 2_500,
  });
  const debit = async (accountNumber: string, amountCents: number, ref: string) => {
    const token = await tokenizeBankAccount(
      sql,
      vaultKeys,
      agency.id,
      { routingNumber: rdfiRouting, accountNumber, accountType: "checking", accountHolderName: "Jane Taxpayer" },
      thursday("15:00"),
    );
    return createDebit({ db: sql, clock: () => thursday("15:00") }, agency.id, {
      bankAccountToken: token.id,
      amountCents,
      secCode: "WEB",
      authorizationText: "Authorized online by the payer on 2026-05-14",
      account: { system: "property_tax", ref },
    });
  };
  return { agencyId: agency.id, debit };
}

/** Every row of every table, as text. */
async function databaseText(sql: Sql): Promise<string> {
  const tables = await sql.query<{ table_schema: string; table_name: string }>(
    `SELECT table_schema, table_name FROM information_schema.tables
      WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'`,
  );
  const texts: string[] = [];
  for (const t of tables) {
    for (const { row } of await sql.query<{ row: string }>(`SELECT r::text AS row FROM "${t.table_schema}"."${t.table_name}" r`)) {
      texts.push(row);
    }
  }
  return texts.join("\n");
}

async function balance(agencyId: string, code: string) {
  let posted = 0;
  let pending = 0;
  for (const account of (await listAccounts(db, agencyId, { limit: 100 })).accounts.filter((a) => a.code === code)) {
    const b = await getBalances(db, agencyId, account.id);
    posted += b.postedCents;
    pending += b.debitsPendingCents - b.creditsPendingCents;
  }
  return { posted, pending };
}

describe("ACH from debit to return", () => {
  test("debits are cut into a valid file, the bank answers, returns reverse, the NOC corrects the vault, the rest settles", async () => {
    const { agencyId, debit } = await newAgency(db, keys, "Flow County");
    const secret = (await createApiKey(db, { agencyId })).secret;
    const r01 = await debit(accounts.r01, 10_000, "R0001");
    const r03 = await debit(accounts.r03, 20_000, "R0003");
    const c01 = await debit(accounts.c01, 30_000, "R0101");
    const good = await debit(accounts.good, 40_000, "R0200");
    for (const d of [r01, r03, c01, good]) assert.equal(d.status, "pending_submission");

    const outboundDir = join(root, "ach", "outbound");
    const inboundDir = join(root, "ach", "inbound");
    const handlers = { ...achFileHandlers({ db, vaultKeys: keys, outboundDir }), ...achReturnHandlers(db) };

    // The cut, and the file written by its outbox message.
    assert.equal(await cutFiles({ db }, thursday("16:50")), 4);
    await dispatchDue(db, handlers, thursday("16:50"), quiet);
    const [fileName, ...moreFiles] = await readdir(join(outboundDir, agencyId));
    assert.deepEqual(moreFiles, []);
    assert.equal(fileName, `${companyId}-20260514-next_day-A.ach`);
    const outbound = await readFile(join(outboundDir, agencyId, fileName ?? ""));
    const check = await checkNachaFile(outbound);
    assert.deepEqual(check.errors, []);
    assert.equal(check.batches, 1);
    assert.equal(check.entries, 4);
    assert.equal(check.total_debit_cents, 100_000);
    const submitted = await Promise.all([r01, r03, c01, good].map((d) => getAchDebit(db, agencyId, d.id)));
    const traces = (await parseNacha(outbound)).batches.flatMap((b) => b.entries.map((e) => ("trace_number" in e ? e.trace_number : "")));
    assert.deepEqual(traces, submitted.map((d) => d.traceNumber).sort());
    for (const d of submitted) {
      assert.equal(d.status, "submitted");
      assert.match(d.traceNumber ?? "", /^121042880{6}[1-4]$/);
      assert.equal(d.effectiveDate, "2026-05-15");
      assert.equal((await getPosting(db, agencyId, d.id))?.status, "pending", "posted on submission");
    }
    assert.deepEqual(await balance(agencyId, "ach_clearing"), { posted: 0, pending: 100_000 });

    // The bank reads the file, and answers on the settlement date; the worker imports the answer.
    assert.equal(await runBankSimulator({ db, outboundDir, inboundDir }, thursday("16:55")), 1);
    assert.equal(await importInbound({ db, vaultKeys: keys, inboundDir, logger: quiet }, thursday("17:00")), 0, "nothing yet");
    assert.equal(await runBankSimulator({ db, outboundDir, inboundDir }, friday("06:00")), 1);
    assert.equal(await importInbound({ db, vaultKeys: keys, inboundDir, logger: quiet }, friday("06:05")), 1);
    const [answerName] = await readdir(join(inboundDir, agencyId, "processed"));
    assert.ok(answerName);

    const returned = await Promise.all([r01, r03].map((d) => getAchDebit(db, agencyId, d.id)));
    assert.deepEqual(
      returned.map((d) => [d.status, d.returnCode]),
      [
        ["returned", "R01"],
        ["returned", "R03"],
      ],
    );
    for (const d of returned) assert.equal((await getPosting(db, agencyId, d.id))?.status, "reversal_pending");
    assert.deepEqual(await balance(agencyId, "ach_clearing"), { posted: 0, pending: 70_000 }, "the returned debits' journals are voided");
    assert.deepEqual(await balance(agencyId, "returned_payment_fees_receivable"), { posted: 5_000, pending: 0 });
    assert.equal((await verifyLedger(db)).ok, true);

    // The NOC: a new version of the account in the vault, the old one kept.
    const versions = await listBankAccountVersions(db, agencyId, (await getAchDebit(db, agencyId, c01.id)).bankAccountId);
    assert.deepEqual(
      versions.map((v) => [v.version, v.last4]),
      [
        [1, "0101"],
        [2, "0102"],
      ],
    );
    assert.equal((await getAchDebit(db, agencyId, c01.id)).status, "submitted", "a NOC returns nothing");

    // The same file again changes nothing.
    const transfersBefore = (await db.query("SELECT id FROM ledger_transfers WHERE agency_id = $1", [agencyId])).length;
    const answer = await readFile(join(inboundDir, agencyId, "processed", answerName));
    assert.equal((await importReturnFile({ db, vaultKeys: keys }, agencyId, answerName, answer, friday("07:00"))).alreadyImported, true);
    assert.equal((await db.query("SELECT id FROM ledger_transfers WHERE agency_id = $1", [agencyId])).length, transfersBefore);
    assert.equal((await listBankAccountVersions(db, agencyId, versions[0]?.bankAccountId ?? "")).length, 2);

    // Settlement at 08:30: what was not returned settles.
    assert.equal(await settleEntries({ db }, friday("08:29")), 0);
    assert.equal(await settleEntries({ db }, friday("08:30")), 2);
    assert.equal((await getAchDebit(db, agencyId, good.id)).status, "settled");
    assert.equal((await getAchDebit(db, agencyId, c01.id)).status, "settled");
    assert.deepEqual(await balance(agencyId, "ach_clearing"), { posted: 70_000, pending: 0 });
    assert.equal((await verifyLedger(db)).ok, true);

    // The payers were told: the events, over the API.
    await dispatchDue(db, handlers, friday("08:31"), quiet);
    const api = await buildApiServer({
      db,
      logger: quiet,
      metrics: createMetrics(),
      version: "test",
      registry: createConnectorRegistry(db),
      cards: { processor: createCardProcessorSimulator({ db, timeoutMs: 1_000 }), vaultKeys: keys, inDoubtAfterMs: 2_000 },
    });
    try {
      const res = await api.inject({ url: "/v1/events", headers: { authorization: `Bearer ${secret}` } });
      assert.equal(res.statusCode, 200, res.body);
      const events = res.json() as { data: Array<{ type: string; data: { id: string; return_code: string; bank_account: object } }> };
      assert.deepEqual(
        events.data.map((e) => [e.type, e.data.id, e.data.return_code]).sort(),
        [
          ["ach_debit.returned", r01.id, "R01"],
          ["ach_debit.returned", r03.id, "R03"],
        ].sort(),
      );
    } finally {
      await api.close();
    }

    const text = await databaseText(db);
    for (const number of [...Object.values(accounts), corrected])
      assert.ok(!text.includes(number), `account ${number.slice(-4)} stored outside the vault`);
  });
});

describe("remit ach import", () => {
  test("imports a return file into the agency its company id names, and says so when the file comes again", async () => {
    const { env, dataDir, cleanup } = await isolatedEnv();
    const cliEnv = { ...env, REMIT_MASTER_KEY: masterKeyText };
    try {
      const { db: cliDb, release } = await openHubDatabase(loadConfig(cliEnv), "command");
      let trace: string;
      let debitId: string;
      try {
        const { agencyId, debit } = await newAgency(cliDb, keys, "CLI County");
        debitId = (await debit(accounts.r01, 5_000, "R1")).id;
        await cutFiles({ db: cliDb }, thursday("16:50"));
        trace = (await getAchDebit(cliDb, agencyId, debitId)).traceNumber ?? "";
      } finally {
        await cliDb.close();
        await release();
      }
      const path = join(dataDir, "returns.ach");
      await writeFile(path, writeNacha(returnFile(trace, "R01", 5_000)));

      const first = await runCli(["ach", "import", path, "--json"], cliEnv);
      assert.equal(first.code, 0, first.stderr);
      const report = JSON.parse(first.stdout);
      assert.deepEqual(
        { returns: report.returns, notices: report.notices, unmatched: report.unmatched, already_imported: report.already_imported },
        { returns: 1, notices: 0, unmatched: [], already_imported: false },
      );
      const again = await runCli(["ach", "import", path], cliEnv);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /already imported: nothing changed/);
      const missing = await runCli(["ach", "import"], cliEnv);
      assert.equal(missing.code, 2);
    } finally {
      await cleanup();
    }
  });
});

/** A return file as the payer's bank sends it: one WEB batch traced by the RDFI, naming the original trace. */
function returnFile(originalTrace: string, code: string, amountCents: number): NachaFile {
  const rdfi = rdfiRouting.slice(0, 8);
  const trace = `${rdfi}0000001`;
  return {
    header: {
      immediate_destination: odfiRouting,
      immediate_origin: rdfiRouting,
      file_creation_date: "260515",
      file_creation_time: "0600",
      file_id_modifier: "A",
      immediate_destination_name: "FLOW COUNTY",
      immediate_origin_name: "PAYER BANK",
      reference_code: "",
    },
    batches: [
      {
        header: {
          service_class_code: "225",
          company_name: "FLOW COUNTY",
          company_discretionary_data: "",
          company_identification: companyId,
          standard_entry_class_code: "WEB",
          company_entry_description: "PAYMENT",
          company_descriptive_date: "",
          effective_entry_date: "260515",
          settlement_date: "",
          originator_status_code: "1",
          odfi_identification: rdfi,
          batch_number: 1,
        },
        entries: [
          {
            transaction_code: "26",
            rdfi_identification: rdfi,
            check_digit: rdfiRouting.slice(8),
            dfi_account_number: "XXXXX0001",
            amount_cents: amountCents,
            identification_number: "",
            individual_name: "JANE TAXPAYER",
            discretionary_data: "S",
            addenda_record_indicator: "1",
            trace_number: trace,
            addenda: [
              {
                type_code: "99",
                return_reason_code: code,
                original_trace_number: originalTrace,
                date_of_death: "",
                original_rdfi_identification: rdfi,
                addenda_information: "",
                trace_number: trace,
              },
            ],
          },
        ],
        control: null,
      },
    ],
    control: null,
  };
}
