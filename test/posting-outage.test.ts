import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type ReferenceSor, startReferenceSor } from "../reference-sor/app.ts";
import { openFixtureDatabase, testNow } from "../reference-sor/testing.ts";
import { configureSystem, createConnectorRegistry } from "../src/accounts/index.ts";
import { createAgency } from "../src/agencies/index.ts";
import { createCardProcessorSimulator } from "../src/cards/index.ts";
import { recordCounterPayment } from "../src/counter/index.ts";
import { workerJobs } from "../src/hub/index.ts";
import { verifyLedger } from "../src/ledger/index.ts";
import { listDeadLetters } from "../src/outbox/index.ts";
import { createLogger, type Database, openTestDatabase } from "../src/platform/index.ts";
import { newMasterKeyText, parseMasterKeys } from "../src/vault/index.ts";
import { startWorker, type Worker } from "../src/worker/index.ts";

/**
 * The system of record goes down for OUTAGE_SECONDS (30 by default) while 1,000 payments are
 * recorded. When it returns, every payment is posted exactly once and none is lost.
 */
const outageMs = Number(process.env.OUTAGE_SECONDS ?? 30) * 1000;
const paymentCount = 1_000;
const refs = ["R100001", "R100002", "R100003"];

let db: Database;
let sorDb: Database;
let sor: ReferenceSor;
let worker: Worker;
let unlisten: () => Promise<void>;
const logger = createLogger({ destination: () => {} });

before(async () => {
  db = await openTestDatabase();
  sorDb = await openFixtureDatabase();
  sor = await startReferenceSor({ db: sorDb, port: 0, logger, seed: false, now: testNow });
});
after(async () => {
  await unlisten?.();
  await worker?.stop();
  await sor.close();
  await sorDb.close();
  await db.close();
});

test(`1,000 payments recorded while the system of record is down for ${outageMs / 1000} s are each posted exactly once when it returns`, {
  timeout: outageMs + 180_000,
}, async () => {
  const agency = await createAgency(db, { name: "Outage County" });
  await configureSystem(db, {
    agencyId: agency.id,
    system: "property_tax",
    name: "Tax office",
    connector: "live",
    accountKind: "parcel",
    baseUrl: sor.url,
    fund: "property_tax",
    callLimit: 16,
    timeoutMs: 2_000,
  });
  const registry = createConnectorRegistry(db);
  const cards = {
    db,
    vaultKeys: parseMasterKeys(newMasterKeyText("test")),
    clock: () => new Date(),
    processor: createCardProcessorSimulator({ db }),
  };
  worker = startWorker({ logger, jobs: workerJobs(db, registry, cards, logger, "/tmp/remit-outage-outbound"), pollMs: 200 });
  const running = worker;
  unlisten = await db.listen("remit_outbox", () => running.wake());

  Object.assign(sor.faults, { down: true });
  const downAt = Date.now();
  const ids: string[] = [];
  for (let i = 0; i < paymentCount; i++) {
    const payment = await recordCounterPayment(
      db,
      agency.id,
      { method: "cash", amountCents: 100 + i, account: { system: "property_tax", ref: refs[i % refs.length] ?? "" } },
      new Date(),
    );
    ids.push(payment.id);
  }
  const [{ posted: postedWhileDown } = { posted: -1 }] = await db.query<{ posted: number }>(
    "SELECT count(*)::int AS posted FROM postings WHERE agency_id = $1 AND status = 'posted'",
    [agency.id],
  );
  assert.equal(postedWhileDown, 0, "nothing can post while the system is down");

  await new Promise((r) => setTimeout(r, Math.max(0, outageMs - (Date.now() - downAt))));
  Object.assign(sor.faults, { down: false });
  const upAt = Date.now();

  let pending = paymentCount;
  while (pending > 0) {
    if (Date.now() - upAt > 150_000) assert.fail(`${pending} payments still unposted 150 s after the system returned`);
    await new Promise((r) => setTimeout(r, 250));
    const [row] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM postings WHERE agency_id = $1 AND status <> 'posted'", [
      agency.id,
    ]);
    pending = row?.n ?? -1;
  }
  const recoveryMs = Date.now() - upAt;

  const sorRows = await sorDb.query<{ payment_id: string; amount_cents: number }>(
    "SELECT payment_id, amount_cents FROM reference_sor.payments WHERE payment_id = ANY($1::text[])",
    [ids],
  );
  assert.equal(sorRows.length, paymentCount, "every payment is in the system of record, once (payment_id is its primary key)");
  const sorTotal = sorRows.reduce((s, r) => s + r.amount_cents, 0);
  const expectedTotal = ids.reduce((s, _id, i) => s + 100 + i, 0);
  assert.equal(sorTotal, expectedTotal, "and for the amount recorded");
  assert.deepEqual(await listDeadLetters(db, agency.id), []);
  assert.equal((await verifyLedger(db)).ok, true);
  process.stdout.write(`# all ${paymentCount} posted ${recoveryMs} ms after the system of record returned\n`);
});
