/**
 * Card payments over HTTP, end to end: the vault's tokenize endpoint, the API's card routes, and
 * the security checklist of card-security.md §5 that HTTP can prove — tenant isolation on every
 * route, single-use and expiring tokens, tokenize rate limits, and no card number in the
 * database or the logs afterwards.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { configureTestSystem, createConnectorRegistry } from "../src/accounts/index.ts";
import { createAgency, createApiKey } from "../src/agencies/index.ts";
import { buildApiServer } from "../src/api/index.ts";
import { createCardProcessorSimulator } from "../src/cards/index.ts";
import {
  createLogger,
  createMetrics,
  type Database,
  findCardNumbers,
  findCardNumbersInDatabase,
  type HttpServer,
  openTestDatabase,
} from "../src/platform/index.ts";
import { buildVaultServer, newMasterKeyText, parseMasterKeys } from "../src/vault/index.ts";

let db: Database;
let api: HttpServer;
let vault: HttpServer;
let apiUrl: string;
let vaultUrl: string;
const logLines: string[] = [];
const logger = createLogger({ level: "debug", destination: (line) => logLines.push(line) });
const timeoutMs = 300;

interface Agency {
  id: string;
  secret: string;
  publishable: string;
}
let a: Agency;
let b: Agency;

async function newAgency(name: string): Promise<Agency> {
  const agency = await createAgency(db, { name, allowedOrigins: ["https://pay.example.gov"] });
  await configureTestSystem(db, agency.id);
  const secret = await createApiKey(db, { agencyId: agency.id });
  const publishable = await createApiKey(db, { agencyId: agency.id, kind: "publishable" });
  return { id: agency.id, secret: secret.secret, publishable: publishable.secret };
}

async function tokenize(agency: Agency, number = "4242424242424242", from = vaultUrl) {
  const response = await fetch(`${vaultUrl}/v1/tokens/cards`, {
    method: "POST",
    headers: { authorization: `Bearer ${agency.publishable}`, "content-type": "application/json", origin: from },
    body: JSON.stringify({ number, exp_month: 12, exp_year: 2031, cvc: "123", postal_code: "78701" }),
  });
  return { status: response.status, body: (await response.json()) as { id: string; code?: string } };
}

async function call(agency: Agency, method: string, path: string, body?: unknown, key: string = randomUUID()) {
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${agency.secret}`,
      ...(method === "POST" ? { "idempotency-key": key, "content-type": "application/json" } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

const sale = async (agency: Agency, extra: Record<string, unknown> = {}, number?: string) => {
  const token = await tokenize(agency, number);
  return call(agency, "POST", "/v1/card-transactions", {
    type: "sale",
    card_token: token.body.id,
    amount: 12_345,
    account: { system: "property_tax", ref: "R000001" },
    allow_duplicate: true,
    ...extra,
  });
};

before(async () => {
  db = await openTestDatabase();
  const processor = createCardProcessorSimulator({ db, timeoutMs });
  const keys = parseMasterKeys(newMasterKeyText("v1"));
  api = await buildApiServer({
    db,
    logger,
    metrics: createMetrics(),
    version: "test",
    registry: createConnectorRegistry(db),
    cards: { processor, vaultKeys: keys, inDoubtAfterMs: timeoutMs * 3 },
  });
  apiUrl = await api.listen({ port: 0, host: "127.0.0.1" });
  vault = await buildVaultServer({
    db,
    keys,
    logger,
    metrics: createMetrics("remit_vault_"),
    rateLimits: { perAddress: 1000, perAgency: 40, windowMs: 60_000 },
  });
  vaultUrl = await vault.listen({ port: 0, host: "127.0.0.1" });
  a = await newAgency("Agency A");
  b = await newAgency("Agency B");
});

after(async () => {
  await api.close();
  await vault.close();
  await db.close();
});

describe("card transactions over HTTP", () => {
  test("a sale answers 201 with the card's brand and last 4, and a replay answers the same", async () => {
    const token = await tokenize(a);
    assert.equal(token.status, 201);
    assert.match(token.body.id, /^tok_/);
    const body = { type: "sale", card_token: token.body.id, amount: 5_000, agency_tracking_id: "INV-77", allow_duplicate: true };
    const first = await call(a, "POST", "/v1/card-transactions", body, "sale-key-1");
    assert.equal(first.status, 201);
    assert.equal(first.body.status, "captured");
    assert.deepEqual(first.body.card, { brand: "visa", last4: "4242", exp_month: 12, exp_year: 2031 });
    const replay = await call(a, "POST", "/v1/card-transactions", body, "sale-key-1");
    assert.equal(replay.status, 201);
    assert.equal(replay.headers.get("idempotent-replayed"), "true");
    assert.equal(replay.body.id, first.body.id);
    const reused = await call(a, "POST", "/v1/card-transactions", { ...body, amount: 5_001 }, "sale-key-1");
    assert.equal(reused.status, 422);
    assert.equal(reused.body.code, "idempotency_key_reused");
  });

  test("a POST without an Idempotency-Key is refused", async () => {
    const response = await fetch(`${apiUrl}/v1/card-transactions`, {
      method: "POST",
      headers: { authorization: `Bearer ${a.secret}`, "content-type": "application/json" },
      body: JSON.stringify({ type: "sale", card_token: "tok_x", amount: 100 }),
    });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { code: string }).code, "idempotency_key_missing");
  });

  test("a decline is a 402 problem naming the declined transaction", async () => {
    const declined = await sale(a, {}, "4000000000009995");
    assert.equal(declined.status, 402);
    assert.equal(declined.body.code, "insufficient_funds");
    const read = await call(a, "GET", `/v1/card-transactions/${declined.body.transaction_id}`);
    assert.equal(read.body.status, "declined");
    assert.equal(read.body.decline_code, "insufficient_funds");
  });

  test("no answer in time is a 202 with status unknown, and a later read finds the outcome", async () => {
    const pending = await sale(a, {}, "4000000000000408");
    assert.equal(pending.status, 202);
    assert.equal(pending.body.status, "unknown");
    await new Promise((r) => setTimeout(r, timeoutMs * 4));
    const read = await call(a, "GET", `/v1/card-transactions/${pending.body.id}`);
    assert.equal(read.body.status, "captured");
  });

  test("authorize, capture part, refund part, and a duplicate names the first", async () => {
    const token = await tokenize(a);
    const auth = await call(a, "POST", "/v1/card-transactions", {
      type: "authorization",
      card_token: token.body.id,
      amount: 9_000,
      account: { system: "property_tax", ref: "R000002" },
    });
    assert.equal(auth.status, 201);
    assert.equal(auth.body.amount_capturable, 9_000);
    const captured = await call(a, "POST", `/v1/card-transactions/${auth.body.id}/capture`, { amount: 8_000 });
    assert.equal(captured.body.status, "captured");
    assert.equal(captured.body.amount_captured, 8_000);
    assert.equal((captured.body.posting as { status: string }).status, "pending");
    const refund = await call(a, "POST", `/v1/card-transactions/${auth.body.id}/refunds`, { amount: 2_000 });
    assert.equal(refund.status, 201);
    assert.equal(refund.body.status, "succeeded");
    const tooMuch = await call(a, "POST", `/v1/card-transactions/${auth.body.id}/refunds`, { amount: 6_001 });
    assert.equal(tooMuch.body.code, "insufficient_refundable_amount");

    const again = await tokenize(a);
    const twin = await call(a, "POST", "/v1/card-transactions", {
      type: "authorization",
      card_token: again.body.id,
      amount: 9_000,
      account: { system: "property_tax", ref: "R000002" },
    });
    assert.equal(twin.status, 409);
    assert.equal(twin.body.code, "duplicate_transaction");
    assert.equal(twin.body.transaction_id, auth.body.id);
  });

  test("GET /v1/transactions pages by cursor and filters by tracking id and status", async () => {
    for (let i = 0; i < 3; i++) await sale(a, { agency_tracking_id: "BATCH-9", amount: 100 + i });
    const first = await call(a, "GET", "/v1/transactions?agency_tracking_id=BATCH-9&limit=2");
    assert.equal((first.body.data as unknown[]).length, 2);
    assert.equal(first.body.has_more, true);
    const second = await call(a, "GET", `/v1/transactions?agency_tracking_id=BATCH-9&limit=2&starting_after=${first.body.next_cursor}`);
    assert.equal((second.body.data as unknown[]).length, 1);
    assert.equal(second.body.has_more, false);
    const declined = await call(a, "GET", "/v1/transactions?status=declined&limit=100");
    assert.ok((declined.body.data as Array<{ status: string }>).every((t) => t.status === "declined"));
    const tooMany = await call(a, "GET", "/v1/transactions?limit=101");
    assert.equal(tooMany.status, 400);
  });
});

describe("security checklist", () => {
  test("every card route answers 404 to another agency's ids, and changes nothing", async () => {
    const mine = await sale(a);
    const id = String(mine.body.id);
    const before = await call(a, "GET", `/v1/card-transactions/${id}`);
    const routes: Array<[string, string, unknown?]> = [
      ["GET", `/v1/card-transactions/${id}`],
      ["GET", `/v1/card-transactions/${id}/refunds`],
      ["POST", `/v1/card-transactions/${id}/capture`, {}],
      ["POST", `/v1/card-transactions/${id}/void`],
      ["POST", `/v1/card-transactions/${id}/refunds`, { amount: 1 }],
    ];
    for (const [method, path, body] of routes) {
      const response = await call(b, method, path, body ?? (method === "POST" ? {} : undefined));
      assert.equal(response.status, 404, `${method} ${path}`);
    }
    const list = await call(b, "GET", "/v1/transactions?limit=100");
    assert.ok(!(list.body.data as Array<{ id: string }>).some((t) => t.id === id));
    const cursor = await call(b, "GET", `/v1/transactions?starting_after=${id}`);
    assert.equal(cursor.status, 400, "another agency's id is no cursor");
    assert.deepEqual((await call(a, "GET", `/v1/card-transactions/${id}`)).body, before.body);
  });

  test("a token works once, not after it expires, and not for another agency", async () => {
    const token = await tokenize(a);
    const pay = (agency: Agency) =>
      call(agency, "POST", "/v1/card-transactions", { type: "sale", card_token: token.body.id, amount: 700, allow_duplicate: true });
    assert.equal((await pay(b)).status, 404, "B cannot use A's token");
    assert.equal((await pay(a)).status, 201);
    const second = await pay(a);
    assert.equal(second.status, 409);
    assert.equal(second.body.code, "token_already_used");

    const stale = await tokenize(a);
    await db.query(
      "UPDATE vault_tokens SET created_at = now() - interval '16 minutes', expires_at = now() - interval '1 minute' WHERE id = $1",
      [stale.body.id],
    );
    const expired = await call(a, "POST", "/v1/card-transactions", { type: "sale", card_token: stale.body.id, amount: 700 });
    assert.equal(expired.status, 410);
    assert.equal(expired.body.code, "token_expired");
  });

  test("tokenize answers only the vault's own origin, and is rate limited per agency", async () => {
    assert.equal((await tokenize(b, "4242424242424242", "https://pay.example.gov")).status, 403);
    const statuses: number[] = [];
    // Past twice the limit: the window is fixed, so a run may straddle two of them.
    for (let i = 0; i < 85; i++) statuses.push((await tokenize(b)).status);
    assert.ok(statuses.includes(429), "the agency's limit is reached");
    const limited = await tokenize(b);
    assert.equal(limited.body.code, "rate_limited");
  });

  test("afterwards, neither the database nor the logs hold a card number", async () => {
    assert.ok(logLines.length > 20, "the requests were logged");
    assert.deepEqual(findCardNumbers(logLines.join("\n")), []);
    assert.deepEqual(await findCardNumbersInDatabase(db), []);
  });
});
