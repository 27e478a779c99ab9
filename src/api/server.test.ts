import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createConnectorRegistry } from "../accounts/index.ts";
import { createAgency, createApiKey, revokeApiKey } from "../agencies/index.ts";
import { openAccount } from "../ledger/index.ts";
import { createLogger, createMetrics, type Database, type HttpServer, openTestDatabase } from "../platform/index.ts";
import { errorCodes } from "./index.ts";
import { buildApiServer } from "./server.ts";
import { testCardDeps } from "./testing.ts";

let db: Database;
let app: HttpServer;
let draining = false;
const logLines: string[] = [];

before(async () => {
  db = await openTestDatabase();
  app = await buildApiServer({
    db,
    logger: createLogger({ destination: (line) => logLines.push(line) }),
    metrics: createMetrics(),
    version: "0.0.0-test",
    registry: createConnectorRegistry(db),
    cards: testCardDeps(db),
    isDraining: () => draining,
  });
});
after(async () => {
  await app.close();
  await db.close();
});

async function agencyWithKey(name: string) {
  const agency = await createAgency(db, { name });
  const key = await createApiKey(db, { agencyId: agency.id });
  return { agency, key, auth: { authorization: `Bearer ${key.secret}` } };
}

describe("operations endpoints", () => {
  test("healthz answers ok and carries a request id", async () => {
    const res = await app.inject({ url: "/healthz" });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: "ok" });
    assert.match(String(res.headers["request-id"]), /^req_/);
  });

  test("readyz is ready while the database answers and not ready once draining", async () => {
    assert.equal((await app.inject({ url: "/readyz" })).statusCode, 200);
    draining = true;
    try {
      const res = await app.inject({ url: "/readyz" });
      assert.equal(res.statusCode, 503);
      assert.equal(res.json().code, "service_unavailable");
    } finally {
      draining = false;
    }
  });

  test("metrics are in Prometheus text format and count requests", async () => {
    await app.inject({ url: "/healthz" });
    const res = await app.inject({ url: "/metrics" });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers["content-type"]), /^text\/plain/);
    assert.match(res.body, /remit_http_requests_total\{server="api",method="GET",route="\/healthz",status="200"\} \d+/);
    assert.match(res.body, /remit_process_cpu_user_seconds_total/);
  });

  test("the OpenAPI 3.1 document describes the routes, the key scheme and every error code", async () => {
    const doc = (await app.inject({ url: "/openapi.json" })).json();
    assert.equal(doc.openapi, "3.1.0");
    const paths = ["/healthz", "/readyz", "/v1/agency", "/v1/ledger/accounts", "/v1/ledger/accounts/{id}", "/v1/card-transactions"];
    for (const path of [...paths, "/v1/card-transactions/{id}/refunds", "/v1/transactions"]) {
      assert.ok(doc.paths[path], `${path} is documented`);
    }
    assert.equal(doc.components.securitySchemes.apiKey.scheme, "bearer");
    assert.deepEqual(doc.paths["/v1/agency"].get.responses["401"].content["application/json"].schema, {
      $ref: "#/components/schemas/Problem",
    });
    assert.deepEqual(doc.components.schemas.Problem.properties.code.enum, errorCodes);
    assert.equal(doc.paths["/v1/card-transactions/{id}/capture"].post.operationId, "postCardTransactionsIdCapture");
  });

  test("the reference page at /docs lists the operations and every error code, and runs no script", async () => {
    const res = await app.inject({ url: "/docs" });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers["content-type"]), /^text\/html/);
    assert.match(String(res.headers["content-security-policy"]), /default-src 'none'/);
    assert.match(res.body, /POST \/v1\/card-transactions\/\{id\}\/refunds/);
    for (const code of errorCodes) assert.ok(res.body.includes(`<code>${code}</code>`), `${code} on /docs`);
    assert.doesNotMatch(res.body, /<script/i);
  });
});

describe("authentication", () => {
  test("a request without a key is answered 401 with problem+json", async () => {
    const res = await app.inject({ url: "/v1/agency" });
    assert.equal(res.statusCode, 401);
    assert.match(String(res.headers["content-type"]), /^application\/problem\+json/);
    const body = res.json();
    assert.equal(body.code, "authentication_required");
    assert.equal(body.request_id, res.headers["request-id"]);
  });

  test("a malformed key, an unknown key and a revoked key are each refused with their own code", async () => {
    const { agency, key, auth } = await agencyWithKey("Auth County");
    const malformed = await app.inject({ url: "/v1/agency", headers: { authorization: "Bearer rk_test_nope" } });
    assert.deepEqual([malformed.statusCode, malformed.json().code], [401, "invalid_api_key"]);

    const last = key.secret.at(-1) === "A" ? "B" : "A";
    const tampered = await app.inject({ url: "/v1/agency", headers: { authorization: `Bearer ${key.secret.slice(0, -1)}${last}` } });
    assert.deepEqual([tampered.statusCode, tampered.json().code], [401, "invalid_api_key"]);

    assert.equal((await app.inject({ url: "/v1/agency", headers: auth })).statusCode, 200);
    await revokeApiKey(db, agency.id, key.id);
    const revoked = await app.inject({ url: "/v1/agency", headers: auth });
    assert.deepEqual([revoked.statusCode, revoked.json().code], [401, "api_key_revoked"]);
  });

  test("a publishable key cannot call the secret API", async () => {
    const agency = await createAgency(db, { name: "Publishable County" });
    const pk = await createApiKey(db, { agencyId: agency.id, kind: "publishable" });
    const res = await app.inject({ url: "/v1/agency", headers: { authorization: `Bearer ${pk.secret}` } });
    assert.deepEqual([res.statusCode, res.json().code], [403, "wrong_key_kind"]);
  });

  test("keys never appear in the logs", async () => {
    const { auth, key } = await agencyWithKey("Log County");
    await app.inject({ url: "/v1/agency", headers: auth });
    assert.ok(!logLines.join("").includes(key.secret));
  });
});

describe("agency-scoped routes", () => {
  test("the key's agency is returned", async () => {
    const { agency, auth } = await agencyWithKey("Scoped County");
    const body = (await app.inject({ url: "/v1/agency", headers: auth })).json();
    assert.deepEqual([body.id, body.name, body.livemode], [agency.id, "Scoped County", false]);
  });

  test("ledger accounts page by cursor with has_more", async () => {
    const { agency, auth } = await agencyWithKey("Paging County");
    for (const code of ["a", "b", "c"]) await openAccount(db, agency.id, { fund: "general", code, name: code, normalSide: "debit" });
    const first = (await app.inject({ url: "/v1/ledger/accounts?limit=2", headers: auth })).json();
    assert.equal(first.data.length, 2);
    assert.equal(first.has_more, true);
    const second = (await app.inject({ url: `/v1/ledger/accounts?limit=2&starting_after=${first.next_cursor}`, headers: auth })).json();
    assert.equal(second.data.length, 1);
    assert.equal(second.has_more, false);
    assert.equal(second.next_cursor, null);
    const ids = [...first.data, ...second.data].map((a: { id: string }) => a.id);
    assert.equal(new Set(ids).size, 3);
  });

  test("another agency's ledger account answers 404", async () => {
    const ours = await agencyWithKey("Ours County");
    const theirs = await agencyWithKey("Theirs County");
    const account = await openAccount(db, theirs.agency.id, { fund: "general", code: "cash", name: "Cash", normalSide: "debit" });
    const res = await app.inject({ url: `/v1/ledger/accounts/${account.id}`, headers: ours.auth });
    assert.deepEqual([res.statusCode, res.json().code], [404, "ledger_account_not_found"]);
    const own = await app.inject({ url: `/v1/ledger/accounts/${account.id}`, headers: theirs.auth });
    assert.equal(own.statusCode, 200);
    assert.deepEqual(own.json().balances, {
      posted: 0,
      available: 0,
      debits_pending: 0,
      credits_pending: 0,
      debits_posted: 0,
      credits_posted: 0,
      currency: "usd",
    });
  });

  test("an invalid query parameter is answered 400 naming the parameter", async () => {
    const { auth } = await agencyWithKey("Invalid County");
    const res = await app.inject({ url: "/v1/ledger/accounts?limit=1000", headers: auth });
    assert.equal(res.statusCode, 400);
    assert.deepEqual([res.json().code, res.json().param], ["invalid_request", "limit"]);
  });

  test("an unknown route answers 404 problem+json", async () => {
    const res = await app.inject({ url: "/v1/nothing-here" });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().code, "not_found");
  });
});
