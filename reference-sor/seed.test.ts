import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Database, HttpServer } from "../src/platform/index.ts";
import { listDemoRefs } from "./app.ts";
import { decodeFixedWidth, fixedWidthLayout } from "./files.ts";
import { generateSeedData, seedReferenceSor } from "./seed.ts";
import { tableDigests } from "./store.ts";
import { buildTestServer, openSorTestDatabase, testToday } from "./testing.ts";

let first: Database;
let second: Database;
let app: HttpServer;

before(async () => {
  [first, second] = await Promise.all([openSorTestDatabase(), openSorTestDatabase()]);
  const report = await seedReferenceSor(first, { today: testToday });
  assert.equal(report.seeded, true);
  await seedReferenceSor(second, { today: testToday });
  app = await buildTestServer(first);
});
after(async () => {
  await app?.close();
  await Promise.all([first?.close(), second?.close()]);
});

const count = async (db: Database, sql: string) => (await db.query<{ n: number }>(sql))[0]?.n ?? -1;

describe("the Demo County seed", () => {
  test("two seeds for the same day write identical rows, table by table", async () => {
    const [a, b] = await Promise.all([tableDigests(first), tableDigests(second)]);
    assert.deepEqual(a, b);
    assert.ok(a.payments.rows > 10_000);
  });

  test("it holds the stated counts", async () => {
    const kinds = await first.query<{ kind: string; n: number }>(
      "SELECT kind, count(*)::int AS n FROM reference_sor.accounts GROUP BY kind ORDER BY kind",
    );
    assert.deepEqual(Object.fromEntries(kinds.map((k) => [k.kind, k.n])), { court_case: 500, parcel: 10_000, permit: 300, utility: 2_000 });
    const delinquent = await count(
      first,
      `WITH paid AS (SELECT charge_id, sum(amount_cents) AS cents FROM reference_sor.payment_lines
                      WHERE component = 'tax' GROUP BY charge_id)
       SELECT count(DISTINCT b.ref)::int AS n FROM reference_sor.parcel_bills b LEFT JOIN paid ON paid.charge_id = b.bill_id
        WHERE b.tax_year < (SELECT max(tax_year) FROM reference_sor.parcel_bills) AND b.tax_cents > coalesce(paid.cents, 0)`,
    );
    assert.ok(delinquent > 650 && delinquent < 950, `${delinquent} parcels owe prior years`);
    const years = await first.query<{ tax_year: number }>("SELECT DISTINCT tax_year FROM reference_sor.parcel_bills ORDER BY 1");
    assert.deepEqual(
      years.map((y) => y.tax_year),
      [2024, 2025, 2026],
    );
    assert.ok(
      (await count(first, "SELECT count(*)::int AS n FROM reference_sor.utility_accounts WHERE service_status = 'disconnected'")) > 20,
    );
    assert.ok((await count(first, "SELECT count(*)::int AS n FROM reference_sor.permits WHERE status = 'issued'")) > 100);
  });

  test("refs are easy to type", async () => {
    const refs = await first.query<{ kind: string; ref: string }>(
      "SELECT DISTINCT ON (kind) kind, ref FROM reference_sor.accounts ORDER BY kind, ref",
    );
    const pattern: Record<string, RegExp> = {
      parcel: /^R\d{6}$/,
      court_case: /^CR-\d{4}-\d{6}$/,
      utility: /^U\d{7}$/,
      permit: /^P\d{4}-\d{5}$/,
    };
    for (const { kind, ref } of refs) assert.match(ref, pattern[kind] as RegExp);
    const bad = await count(
      first,
      "SELECT count(*)::int AS n FROM reference_sor.accounts WHERE NOT (ref ~ '^(R\\d{6}|CR-\\d{4}-\\d{6}|U\\d{7}|P\\d{4}-\\d{5})$')",
    );
    assert.equal(bad, 0);
  });

  test("a second seed writes nothing", async () => {
    const before = await tableDigests(first);
    const report = await seedReferenceSor(first, { today: testToday });
    assert.equal(report.seeded, false);
    assert.deepEqual(await tableDigests(first), before);
  });

  test("the generator is a pure function of the seed and the day", () => {
    const a = generateSeedData({ today: testToday, counts: { parcels: 50, courtCases: 20, utilityAccounts: 20, permits: 10 } });
    const b = generateSeedData({ today: testToday, counts: { parcels: 50, courtCases: 20, utilityAccounts: 20, permits: 10 } });
    const c = generateSeedData({ today: testToday, seed: 7, counts: { parcels: 50, courtCases: 20, utilityAccounts: 20, permits: 10 } });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.accounts, c.accounts);
  });

  test("every seeded payment's lines add up to its amount", async () => {
    const off = await count(
      first,
      `SELECT count(*)::int AS n FROM reference_sor.payments p
        WHERE p.amount_cents <> (SELECT sum(amount_cents) FROM reference_sor.payment_lines l WHERE l.payment_id = p.payment_id)`,
    );
    assert.equal(off, 0);
  });

  test("the demo refs cover each kind, current and delinquent, and each reads as listed", async () => {
    const refs = await listDemoRefs(first, { asOf: testToday });
    const groups = new Set(refs.map((r) => `${r.kind}/${r.status}`));
    for (const group of [
      "parcel/current",
      "parcel/delinquent",
      "court_case/open",
      "utility/current",
      "utility/past_due",
      "utility/disconnected",
      "permit/pending_payment",
    ]) {
      assert.ok(groups.has(group), `${group} in ${[...groups].join(", ")}`);
    }
    for (const ref of refs) {
      const body = (await app.inject({ url: `/v1/accounts/${ref.kind}/${ref.ref}?as_of=${testToday}` })).json();
      assert.deepEqual([body.status, body.amount_due_cents], [ref.status, ref.amountDueCents], ref.ref);
    }
  });

  test("the utility bill file of the whole county balances: trailer count and total equal the details", async () => {
    const text = (await app.inject({ url: `/v1/exports/bills.txt?kind=utility&as_of=${testToday}` })).body;
    const records = text.trimEnd().split("\n");
    const details = records.slice(1, -1).map((r) => decodeFixedWidth(fixedWidthLayout.detail, r));
    const trailer = decodeFixedWidth(fixedWidthLayout.trailer, records.at(-1) ?? "");
    assert.ok(details.length > 300);
    assert.equal(trailer.record_count, details.length);
    assert.equal(
      trailer.total_amount_due_cents,
      details.reduce((a, d) => a + Number(d.amount_due_cents), 0),
    );
    const csvRows = (await app.inject({ url: `/v1/exports/bills.csv?kind=utility&as_of=${testToday}` })).body.trimEnd().split("\r\n");
    assert.equal(csvRows.length - 1, details.length);
  });
});
