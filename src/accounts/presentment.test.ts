import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { createAgency } from "../agencies/index.ts";
import { createLogger, csvRecord, type Database, openTestDatabase } from "../platform/index.ts";
import { configureSystem, fetchBillFiles, importBillFile, presentmentConnector, type SystemConfig, sendPostingFiles } from "./index.ts";

let db: Database;
let config: SystemConfig;
const logger = createLogger({ destination: () => {} });
const header = csvRecord(["ref", "name", "amount_due_cents", "past_due_cents", "due_date", "status"]);
const bill = (ref: string, amount: number, pastDue: number, due: string) =>
  csvRecord([ref, `Customer ${ref}`, amount, pastDue, due, "open"]);

before(async () => {
  db = await openTestDatabase();
  const agency = await createAgency(db, { name: "Utility Town" });
  config = await configureSystem(db, {
    agencyId: agency.id,
    system: "utilities",
    name: "Water and sewer",
    connector: "presentment",
    accountKind: "utility",
    baseUrl: null,
    fund: "utilities",
    callLimit: 4,
    timeoutMs: 1000,
    postingFileUrl: "http://sor.test/v1/imports/postings",
    fileIntervalMs: 1000,
  });
});
after(() => db.close());

const now = new Date("2026-11-20T12:00:00Z");

test("a bill file with a bad row imports the good rows, reports the bad one, and is recognised if sent again", async () => {
  const file =
    header +
    bill("U0000001", 4_500, 0, "2026-11-30") +
    csvRecord(["U0000002", "Broken", "lots", 0, "2026-11-30", "open"]) +
    bill("U0000003", 10_000, 10_000, "2026-10-31");
  const report = await importBillFile(db, config, file, "test", now);
  assert.equal(report.status, "accepted");
  assert.deepEqual([report.rowsAccepted, report.rowsRejected], [2, 1]);
  assert.deepEqual(
    report.problems.map((p) => p.line),
    [3],
  );
  const again = await importBillFile(db, config, file, "test", now);
  assert.equal(again.duplicate, true);
  assert.equal(again.id, report.id);
});

test("a refused file changes nothing and says why", async () => {
  const report = await importBillFile(db, config, "who,what\r\n", "test", now);
  assert.deepEqual([report.status, report.reason], ["refused", "The header row lacks ref, name, amount_due_cents, due_date"]);
  const balance = await presentmentConnector(db, config).readBalance("U0000001", "2026-11-20");
  assert.ok(balance.ok);
  assert.equal(balance.value.amountDueCents, 4_500);
});

test("the balance accrues the late fee day by day from the snapshot and says how fresh it is", async () => {
  const connector = presentmentConnector(db, config);
  const inGrace = await connector.readBalance("U0000003", "2026-11-10");
  const late = await connector.readBalance("U0000003", "2026-11-11");
  assert.ok(inGrace.ok && late.ok);
  assert.equal(inGrace.value.amountDueCents, 10_000);
  // 10% of the first $3 (30) + 3% of $97 (291).
  assert.equal(late.value.amountDueCents, 10_321);
  assert.equal(late.value.source, "snapshot");
  assert.deepEqual(late.value.readAt, now);
  const missing = await connector.readBalance("U9999999", "2026-11-20");
  assert.deepEqual(missing.ok ? null : missing.code, "account_not_found");
});

test("queued payments go out in one posting file, written whole, and the system's refusals are reported per payment", async () => {
  const connector = presentmentConnector(db, config);
  for (const [paymentId, ref] of [
    ["cpy_a", "U0000001"],
    ["cpy_b", "U0000003"],
  ] as const) {
    const queued = await connector.post({ paymentId, ref, amountCents: 1_000, paidAt: now, method: "cash" });
    assert.deepEqual(queued, { ok: true, value: { receiptNumber: null } });
  }
  const outbound = await mkdtemp(join(tmpdir(), "remit-outbound-"));
  const uploads: string[] = [];
  const fakeSor = (async (_url: string | URL | Request, init?: RequestInit) => {
    uploads.push(String(init?.body));
    return Response.json({ accepted: 1, duplicates: 0, rejected: [{ line: 3, code: "account_not_found", detail: "No account U0000003" }] });
  }) as typeof fetch;

  const [file, ...others] = await sendPostingFiles(db, new Date(now.getTime() + 1_000), outbound, logger, fakeSor);
  assert.equal(others.length, 0);
  assert.deepEqual(file?.accepted, ["cpy_a"]);
  assert.deepEqual(file?.rejected, [{ paymentId: "cpy_b", detail: "account_not_found: No account U0000003" }]);
  const [written] = await readdir(join(outbound, config.agencyId, config.system));
  assert.equal(written, file?.fileName);
  const text = await readFile(join(outbound, config.agencyId, config.system, written ?? ""), "utf8");
  assert.equal(text, uploads[0]);
  assert.equal(text.split("\r\n").length, 4, "header, two payments, final line end");

  const paid = await connector.readBalance("U0000001", "2026-11-20");
  assert.ok(paid.ok);
  assert.equal(paid.value.amountDueCents, 3_500, "a delivered payment is taken off until the next bill file shows it");
  assert.deepEqual(await sendPostingFiles(db, new Date(now.getTime() + 5_000), outbound, logger, fakeSor), [], "nothing is sent twice");
});

test("a payment still waiting for its file can be reversed; one already delivered needs staff", async () => {
  const connector = presentmentConnector(db, config);
  await connector.post({ paymentId: "cpy_c", ref: "U0000001", amountCents: 500, paidAt: now, method: "check" });
  assert.deepEqual(await connector.reverse("cpy_c", "voided"), { ok: true, value: { receiptNumber: null } });
  const delivered = await connector.reverse("cpy_a", "voided");
  assert.equal(delivered.ok ? "ok" : delivered.code, "reversal_needs_staff");
});

test("a bill file is fetched once per interval, even when it has not changed", async () => {
  await configureSystem(db, { ...config, billFileUrl: "http://sor.test/v1/exports/bills.csv?kind=utility", fileIntervalMs: 60_000 });
  let fetches = 0;
  const file = header + bill("U0000009", 1_000, 0, "2026-12-31");
  const fakeSor = (async () => {
    fetches++;
    return new Response(file);
  }) as typeof fetch;
  const at = (ms: number) => new Date(now.getTime() + 3_600_000 + ms);
  assert.equal(await fetchBillFiles(db, at(0), logger, fakeSor), 1);
  assert.equal(await fetchBillFiles(db, at(1_000), logger, fakeSor), 0);
  assert.equal(await fetchBillFiles(db, at(61_000), logger, fakeSor), 0, "the same file again imports nothing");
  assert.equal(await fetchBillFiles(db, at(62_000), logger, fakeSor), 0);
  assert.equal(fetches, 2, "fetched at 0 and 61 s, not on every round after the interval");
});
