import assert from "node:assert/strict";
import { after, afterEach, before, describe, test } from "node:test";
import type { Database, HttpServer } from "../src/platform/index.ts";
import { type Faults, faultsFromEnv, noFaults } from "./faults.ts";
import { buildTestServer, openFixtureDatabase } from "./testing.ts";

let db: Database;
let app: HttpServer;
let url: string;
const faults: Faults = { ...noFaults };

before(async () => {
  db = await openFixtureDatabase();
  app = await buildTestServer(db, faults);
  url = await app.listen({ port: 0, host: "127.0.0.1" });
});
afterEach(async () => {
  await setFaults({ latency_ms: 0, error_rate: 0, down: false, down_mode: "unavailable" });
});
after(async () => {
  await app.close();
  await db.close();
});

async function setFaults(body: object) {
  const res = await fetch(`${url}/admin/faults`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200);
  return res.json();
}

async function timed(path: string): Promise<{ status: number; ms: number; code?: string }> {
  const started = performance.now();
  const res = await fetch(`${url}${path}`);
  const body = (await res.json()) as { code?: string };
  return { status: res.status, ms: performance.now() - started, ...(body.code ? { code: body.code } : {}) };
}

const account = "/v1/accounts/permit/P2026-90001";

describe("fault injection", () => {
  test("latency delays /v1 only, and clears", async () => {
    // A latency far above any real response time, so the checks hold on a busy machine too.
    assert.deepEqual(await setFaults({ latency_ms: 2_000 }), { latency_ms: 2_000, error_rate: 0, down: false, down_mode: "unavailable" });
    const slow = await timed(account);
    assert.equal(slow.status, 200);
    assert.ok(slow.ms >= 1_990, `took ${slow.ms} ms`);
    assert.ok((await timed("/healthz")).ms < 1_990, "outside /v1 nothing waits");
    await setFaults({ latency_ms: 0 });
    assert.ok((await timed(account)).ms < 1_990, "cleared");
  });

  test("an error rate of 1 answers every /v1 request 503 service_unavailable, and 0 none", async () => {
    await setFaults({ error_rate: 1 });
    for (let i = 0; i < 5; i++)
      assert.deepEqual(await timed(account).then(({ status, code }) => [status, code]), [503, "service_unavailable"]);
    assert.equal((await timed("/healthz")).status, 200);
    await setFaults({ error_rate: 0 });
    assert.equal((await timed(account)).status, 200);
  });

  test("an error rate between 0 and 1 fails about that share of requests", async () => {
    await setFaults({ error_rate: 0.5 });
    const statuses = await Promise.all(Array.from({ length: 60 }, () => timed(account).then((r) => r.status)));
    const failed = statuses.filter((s) => s === 503).length;
    assert.ok(failed > 10 && failed < 50, `${failed} of 60 failed`);
    assert.ok(statuses.every((s) => s === 200 || s === 503));
  });

  test("down answers everything but /admin with 503 and closes the connection, and clears", async () => {
    await setFaults({ down: true });
    const res = await fetch(`${url}${account}`);
    assert.equal(res.status, 503);
    assert.equal(res.headers.get("connection"), "close");
    assert.equal(((await res.json()) as { code: string }).code, "service_unavailable");
    assert.equal((await timed("/healthz")).status, 503);
    const admin = await fetch(`${url}/admin/faults`);
    assert.equal(admin.status, 200);
    assert.equal(((await admin.json()) as { down: boolean }).down, true);
    await setFaults({ down: false });
    assert.equal((await timed(account)).status, 200);
  });

  test("down in reset mode drops connections without an answer", async () => {
    await setFaults({ down: true, down_mode: "reset" });
    await assert.rejects(fetch(`${url}${account}`));
    assert.equal((await fetch(`${url}/admin/faults`)).status, 200);
  });

  test("faults can be set from the environment at start", () => {
    assert.deepEqual(faultsFromEnv({}), noFaults);
    assert.deepEqual(faultsFromEnv({ SOR_LATENCY_MS: "150", SOR_ERROR_RATE: "0.25", SOR_DOWN: "true" }), {
      latencyMs: 150,
      errorRate: 0.25,
      down: true,
      downMode: "unavailable",
    });
    assert.throws(() => faultsFromEnv({ SOR_ERROR_RATE: "2" }), /SOR_ERROR_RATE/);
    assert.throws(() => faultsFromEnv({ SOR_LATENCY_MS: "-1" }), /SOR_LATENCY_MS/);
  });

  test("a fault setting out of range is refused", async () => {
    const res = await fetch(`${url}/admin/faults`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: '{"error_rate":1.5}',
    });
    assert.equal(res.status, 400);
  });
});
