import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { configureSystem, createConnectorRegistry } from "../accounts/index.ts";
import { createAgency, createApiKey } from "../agencies/index.ts";
import { createLogger, createMetrics, type Database, type HttpServer, openTestDatabase } from "../platform/index.ts";
import { buildApiServer } from "./server.ts";
import { testCardDeps } from "./testing.ts";

let db: Database;
let app: HttpServer;
let auth: { authorization: string };
let otherAuth: { authorization: string };

before(async () => {
  db = await openTestDatabase();
  app = await buildApiServer({
    db,
    logger: createLogger({ destination: () => {} }),
    metrics: createMetrics(),
    version: "test",
    registry: createConnectorRegistry(db),
    cards: testCardDeps(db),
  });
  for (const name of ["Idempotent County", "Other County"]) {
    const agency = await createAgency(db, { name });
    await configureSystem(db, {
      agencyId: agency.id,
      system: "property_tax",
      name: "Tax office",
      connector: "live",
      accountKind: "parcel",
      baseUrl: "http://127.0.0.1:1",
      fund: "property_tax",
      callLimit: 4,
      timeoutMs: 500,
    });
    const key = { authorization: `Bearer ${(await createApiKey(db, { agencyId: agency.id })).secret}` };
    if (name === "Idempotent County") auth = key;
    else otherAuth = key;
  }
});
after(async () => {
  await app.close();
  await db.close();
});

const body = { method: "cash", amount: 2_500, account: { system: "property_tax", ref: "R000001" } };
const post = (key: string | undefined, payload: unknown = body, headers = auth) =>
  app.inject({
    method: "POST",
    url: "/v1/counter-payments",
    headers: { ...headers, ...(key ? { "idempotency-key": key } : {}) },
    payload: payload as object,
  });

describe("Idempotency-Key", () => {
  test("a POST without a key is refused before anything is recorded", async () => {
    const res = await post(undefined);
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, "idempotency_key_missing");
    assert.deepEqual(await db.query("SELECT id FROM counter_payments"), []);
  });

  test("a retry with the same key and body replays the first response and records one payment", async () => {
    const first = await post("key-1");
    assert.equal(first.statusCode, 201);
    const again = await post("key-1", { account: body.account, amount: body.amount, method: body.method });
    assert.equal(again.statusCode, 201);
    assert.equal(again.headers["idempotent-replayed"], "true");
    assert.deepEqual(again.json(), first.json());
    assert.equal(first.headers["idempotent-replayed"], undefined);
    assert.equal((await db.query("SELECT id FROM counter_payments WHERE amount_cents = 2500")).length, 1);
  });

  test("the same key with a different body is refused with 422", async () => {
    await post("key-2");
    const res = await post("key-2", { ...body, amount: 2_501 });
    assert.equal(res.statusCode, 422);
    assert.equal(res.json().code, "idempotency_key_reused");
  });

  test("the same key while the first request still runs answers 409", async () => {
    const [a, b] = await Promise.all([post("key-3"), post("key-3")]);
    const codes = [a.statusCode, b.statusCode].sort();
    assert.ok(
      (codes[0] === 201 && codes[1] === 409) || (codes[0] === 201 && codes[1] === 201),
      `one runs; the other waits (409) or, if it came after, replays: got ${codes}`,
    );
    if (codes[1] === 409) assert.equal([a, b].find((r) => r.statusCode === 409)?.json().code, "idempotency_key_in_flight");
    assert.equal((await db.query("SELECT count(*)::int AS n FROM idempotency_keys WHERE key = 'key-3'"))[0]?.n, 1);
  });

  test("keys are scoped per agency", async () => {
    const ours = await post("shared-key");
    const theirs = await post("shared-key", body, otherAuth);
    assert.equal(theirs.statusCode, 201);
    assert.notEqual(theirs.json().id, ours.json().id);
    assert.equal(theirs.headers["idempotent-replayed"], undefined);
  });

  test("an error response is replayed too, so a refused request is not run twice", async () => {
    const first = await post("key-4", { ...body, method: "check" });
    assert.equal(first.statusCode, 400);
    assert.equal(first.json().code, "check_number_required");
    const again = await post("key-4", { ...body, method: "check" });
    assert.equal(again.headers["idempotent-replayed"], "true");
    assert.deepEqual(again.json(), first.json());
    assert.match(String(again.headers["content-type"]), /problem\+json/);
  });
});
