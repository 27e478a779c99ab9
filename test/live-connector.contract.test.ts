import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type ReferenceSor, startReferenceSor } from "../reference-sor/app.ts";
import { openFixtureDatabase, testNow, testToday } from "../reference-sor/testing.ts";
import { liveConnector, type SystemConfig, type SystemOfRecordConnector } from "../src/accounts/index.ts";
import { createLogger, type Database } from "../src/platform/index.ts";

/**
 * The live connector against the reference system of record over real HTTP: every operation of
 * the port, its failures as values, and the guards (timeout, circuit breaker, call limit).
 */
let sorDb: Database;
let sor: ReferenceSor;
const logger = createLogger({ destination: () => {} });

const config = (overrides: Partial<SystemConfig> = {}): SystemConfig => ({
  agencyId: "agy_contract",
  system: "property_tax",
  name: "Demo County tax office",
  connector: "live",
  accountKind: "parcel",
  baseUrl: sor.url,
  fund: "property_tax",
  callLimit: 8,
  timeoutMs: 1_000,
  billFileUrl: null,
  postingFileUrl: null,
  fileIntervalMs: 60_000,
  ...overrides,
});

before(async () => {
  sorDb = await openFixtureDatabase();
  sor = await startReferenceSor({ db: sorDb, port: 0, logger, seed: false, now: testNow });
});
after(async () => {
  await sor.close();
  await sorDb.close();
});

const setFaults = (faults: Partial<ReferenceSor["faults"]>) =>
  Object.assign(sor.faults, { latencyMs: 0, errorRate: 0, down: false, ...faults });

describe("live connector ↔ reference system of record", () => {
  let connector: SystemOfRecordConnector;
  before(() => {
    connector = liveConnector(config());
  });

  test("reads a balance with its breakdown as of a date", async () => {
    const result = await connector.readBalance("R100001", testToday);
    assert.ok(result.ok, JSON.stringify(result));
    const { amountDueCents, breakdown, source, asOf } = result.value;
    assert.equal(source, "live");
    assert.equal(asOf, testToday);
    assert.ok(amountDueCents > 0);
    assert.equal(
      breakdown.reduce((sum, line) => sum + line.amountCents, 0),
      amountDueCents,
      "the breakdown adds up to the amount due",
    );
  });

  test("an unknown account is a value, not an exception", async () => {
    const result = await connector.readBalance("R999999", testToday);
    assert.deepEqual(result.ok ? null : [result.retryable, result.code], [false, "account_not_found"]);
  });

  test("posting is idempotent on the payment id: a retry gets the same receipt and moves money once", async () => {
    const before = await connector.readBalance("R100002", testToday);
    const request = { paymentId: "cpy_contract_1", ref: "R100002", amountCents: 1_000, paidAt: testNow(), method: "cash" };
    const first = await connector.post(request);
    const again = await connector.post(request);
    assert.ok(first.ok && again.ok && before.ok);
    assert.match(String(first.value.receiptNumber), /^DC-/);
    assert.equal(again.value.receiptNumber, first.value.receiptNumber);
    const after = await connector.readBalance("R100002", testToday);
    assert.ok(after.ok);
    assert.equal(after.value.amountDueCents, before.value.amountDueCents - 1_000);
  });

  test("a payment id reused with another amount is refused, not retried", async () => {
    const result = await connector.post({
      paymentId: "cpy_contract_1",
      ref: "R100002",
      amountCents: 999,
      paidAt: testNow(),
      method: "cash",
    });
    assert.deepEqual(result.ok ? null : [result.retryable, result.code], [false, "payment_id_reused"]);
  });

  test("a reversal restores the balance, is idempotent, and a payment never received counts as reversed", async () => {
    const posted = await connector.post({
      paymentId: "cpy_contract_2",
      ref: "R100003",
      amountCents: 2_500,
      paidAt: testNow(),
      method: "check",
    });
    assert.ok(posted.ok);
    const before = await connector.readBalance("R100003", testToday);
    const reversed = await connector.reverse("cpy_contract_2", "voided");
    const again = await connector.reverse("cpy_contract_2", "voided");
    assert.ok(reversed.ok && again.ok && before.ok);
    const after = await connector.readBalance("R100003", testToday);
    assert.ok(after.ok);
    assert.equal(after.value.amountDueCents, before.value.amountDueCents + 2_500);
    assert.deepEqual(await connector.reverse("cpy_never_sent", "voided"), { ok: true, value: { receiptNumber: null } });
  });

  test("a system that answers 503 is a retryable failure; a slow one times out", async () => {
    setFaults({ errorRate: 1 });
    try {
      const refused = await liveConnector(config()).post({
        paymentId: "cpy_contract_3",
        ref: "R100001",
        amountCents: 1,
        paidAt: testNow(),
        method: "cash",
      });
      assert.deepEqual(refused.ok ? null : [refused.retryable, refused.code], [true, "sor_unavailable"]);
      setFaults({ latencyMs: 500 });
      const slow = await liveConnector(config({ timeoutMs: 100 })).readBalance("R100001", testToday);
      assert.deepEqual(slow.ok ? null : [slow.retryable, slow.code], [true, "sor_timeout"]);
    } finally {
      setFaults({});
    }
  });

  test("after repeated failures the circuit opens and calls fail fast without reaching the system", async () => {
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls++;
      return fetch(input, init);
    };
    const guarded = liveConnector(config(), { failureThreshold: 3, openMs: 60_000, readAttempts: 1, fetch: counting });
    setFaults({ down: true });
    try {
      for (let i = 0; i < 3; i++) await guarded.readBalance("R100001", testToday);
      assert.equal(calls, 3);
      setFaults({});
      const result = await guarded.readBalance("R100001", testToday);
      assert.deepEqual(result.ok ? null : result.code, "sor_unavailable");
      assert.match(result.ok ? "" : result.detail, /calls paused/);
      assert.equal(calls, 3, "no call went out");
    } finally {
      setFaults({});
    }
  });

  test("never more calls in flight than the system's limit; the rest wait or are refused as busy", async () => {
    setFaults({ latencyMs: 100 });
    try {
      const limited = liveConnector(config({ callLimit: 2 }), { queueMax: 3 });
      const results = await Promise.all(Array.from({ length: 8 }, () => limited.readBalance("R100001", testToday)));
      const busy = results.filter((r) => !r.ok && r.code === "sor_busy").length;
      assert.equal(busy, 3, "2 run, 3 wait, 3 are refused");
      assert.equal(results.filter((r) => r.ok).length, 5);
    } finally {
      setFaults({});
    }
  });
});
