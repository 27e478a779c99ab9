import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import pino from "pino";
import { createAgency, createApiKey } from "../agencies/index.ts";
import { createLogger, createMetrics, type Database, type HttpServer, openTestDatabase } from "../platform/index.ts";
import { parseMasterKeys, readBankAccountForOriginator, readCardForProcessor, redeemBankAccountToken, redeemCardToken } from "./index.ts";
import { buildVaultServer } from "./server.ts";

const origin = "https://vault.remit.test";
const keys = parseMasterKeys(`v1:${randomBytes(32).toString("base64")}`);
const now = new Date("2026-11-22T12:00:00Z");
const pan = "4242424242424242";
const card = { number: pan, exp_month: 12, exp_year: 2030, cvc: "123" };
const bankAccount = { routing_number: "011000015", account_number: "000123456789", account_type: "checking" };

let db: Database;
const servers: HttpServer[] = [];

before(async () => {
  db = await openTestDatabase();
});
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await db.close();
});

async function vault(rateLimits: { perAddress?: number; perAgency?: number } = {}): Promise<HttpServer> {
  const app = await buildVaultServer({
    db,
    keys,
    origin,
    clock: () => now,
    logger: createLogger({ level: "warn" }),
    metrics: createMetrics("remit_vault_"),
    rateLimits,
  });
  servers.push(app);
  return app;
}

async function agencyWithKeys(name: string) {
  const agency = await createAgency(db, { name });
  const pk = await createApiKey(db, { agencyId: agency.id, kind: "publishable" });
  const sk = await createApiKey(db, { agencyId: agency.id, kind: "secret" });
  return { agencyId: agency.id, pk: pk.secret, sk: sk.secret };
}

const post = (app: HttpServer, url: string, key: string, payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({
    method: "POST",
    url,
    headers: { authorization: `Bearer ${key}`, origin, "content-type": "application/json", ...headers },
    payload: typeof payload === "string" ? payload : JSON.stringify(payload),
  });

const problem = (res: { statusCode: number; json(): { code: string; param?: string } }) => [res.statusCode, res.json().code];

describe("tokenizing", () => {
  test("a card sent from the vault's origin with a publishable key gets a token and its summary, and nothing more", async () => {
    const app = await vault();
    const { agencyId, pk } = await agencyWithKeys("HTTP County");
    const res = await post(app, "/v1/tokens/cards", pk, { ...card, postal_code: "78701" });
    assert.equal(res.statusCode, 201);
    assert.equal(res.headers["cache-control"], "no-store");
    const body = res.json();
    assert.match(body.id, /^tok_[0-9A-Za-z]{22}$/);
    assert.deepEqual(body.card, { brand: "visa", last4: "4242", exp_month: 12, exp_year: 2030 });
    assert.deepEqual(Object.keys(body), ["id", "card"]);
    assert.ok(!res.body.includes(pan));

    const { cardId } = await redeemCardToken(db, agencyId, body.id, now);
    assert.deepEqual(await readCardForProcessor(db, keys, agencyId, cardId), {
      number: pan,
      expMonth: 12,
      expYear: 2030,
      cvc: "123",
      postalCode: "78701",
    });
  });

  test("a bank account gets a btok_ with routing number, last 4 and type", async () => {
    const app = await vault();
    const { agencyId, pk } = await agencyWithKeys("HTTP Bank County");
    const res = await post(app, "/v1/tokens/bank-accounts", pk, { ...bankAccount, account_holder_name: "Ada Lovelace" });
    assert.equal(res.statusCode, 201);
    const body = res.json();
    assert.match(body.id, /^btok_[0-9A-Za-z]{22}$/);
    assert.deepEqual(body.bank_account, { last4: "6789", routing_number: "011000015", account_type: "checking" });
    const { bankAccountId } = await redeemBankAccountToken(db, agencyId, body.id, now);
    assert.equal((await readBankAccountForOriginator(db, keys, agencyId, bankAccountId)).accountNumber, "000123456789");
  });

  test("no route returns card data: the vault answers 404 to anything else", async () => {
    const app = await vault();
    const { pk } = await agencyWithKeys("No Detokenize County");
    for (const url of ["/v1/tokens/cards", "/v1/cards", "/v1/tokens/cards/tok_0000000000000000000000"]) {
      const res = await app.inject({ url, headers: { authorization: `Bearer ${pk}`, origin } });
      assert.equal(res.statusCode, 404, url);
    }
  });
});

describe("who may ask", () => {
  test("without a configured origin, the vault accepts its own listening address", async () => {
    const app = await buildVaultServer({ db, keys, logger: createLogger({ level: "warn" }), metrics: createMetrics("remit_vault_") });
    servers.push(app);
    const url = await app.listen({ port: 0, host: "127.0.0.1" });
    const { pk } = await agencyWithKeys("Own Address County");
    const send = (from: string) =>
      fetch(`${url}/v1/tokens/cards`, {
        method: "POST",
        headers: { authorization: `Bearer ${pk}`, origin: from, "content-type": "application/json" },
        body: JSON.stringify(card),
      });
    assert.equal((await send(url)).status, 201);
    assert.equal((await send("http://localhost:8080")).status, 403);
  });

  test("a request from another origin, or with no origin, is refused before the key is looked at", async () => {
    const app = await vault();
    const { pk } = await agencyWithKeys("Origin County");
    for (const headers of [{ origin: "https://agency.example.gov" }, { origin: `${origin}:8443` }, { origin: "null" }, { origin: "" }]) {
      const res = await post(app, "/v1/tokens/cards", pk, card, headers);
      assert.deepEqual(problem(res), [403, "origin_not_allowed"], JSON.stringify(headers));
      assert.match(String(res.headers["content-type"]), /^application\/problem\+json/);
    }
    const noKey = await app.inject({ method: "POST", url: "/v1/tokens/cards", headers: { origin: "https://evil.example" }, payload: card });
    assert.deepEqual(problem(noKey), [403, "origin_not_allowed"]);
  });

  test("a secret key is wrong_key_kind; no key, a malformed key or an unknown key is 401", async () => {
    const app = await vault();
    const { sk, pk } = await agencyWithKeys("Key Kind County");
    assert.deepEqual(problem(await post(app, "/v1/tokens/cards", sk, card)), [403, "wrong_key_kind"]);
    const noKey = await app.inject({
      method: "POST",
      url: "/v1/tokens/cards",
      headers: { origin, "content-type": "application/json" },
      payload: card,
    });
    assert.deepEqual(problem(noKey), [401, "authentication_required"]);
    assert.deepEqual(problem(await post(app, "/v1/tokens/cards", "pk_test_nope", card)), [401, "invalid_api_key"]);
    const last = pk.at(-1) === "A" ? "B" : "A";
    assert.deepEqual(problem(await post(app, "/v1/tokens/cards", `${pk.slice(0, -1)}${last}`, card)), [401, "invalid_api_key"]);
  });
});

describe("validation", () => {
  test("each kind of bad card answers its own code and names the field", async () => {
    const app = await vault();
    const { pk } = await agencyWithKeys("Validation County");
    const cases = [
      [{ ...card, number: "4242424242424241" }, "invalid_card_number", "number"],
      [{ ...card, number: "424242424242" }, "invalid_card_number", "number"],
      [{ ...card, exp_month: 13 }, "invalid_expiry", "exp_month"],
      [{ ...card, exp_year: 2025 }, "invalid_expiry", "exp_year"],
      [{ ...card, number: "378282246310005", cvc: "123" }, "invalid_cvc", "cvc"],
      [{ ...card, cvc: "12" }, "invalid_cvc", "cvc"],
      [{ ...card, number: undefined }, "invalid_request", "number"],
      [{ ...card, extra: "field" }, "invalid_request", undefined],
    ] as const;
    for (const [payload, code, param] of cases) {
      const res = await post(app, "/v1/tokens/cards", pk, payload);
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.deepEqual([res.json().code, res.json().param], [code, param], JSON.stringify(payload));
      assert.ok(!res.body.includes(payload.number ?? pan), "the number is never echoed");
    }
  });

  test("each kind of bad bank account answers its own code", async () => {
    const app = await vault();
    const { pk } = await agencyWithKeys("Bank Validation County");
    const cases = [
      [{ ...bankAccount, routing_number: "011000016" }, "invalid_routing_number"],
      [{ ...bankAccount, account_number: "123" }, "invalid_account_number"],
      [{ ...bankAccount, account_number: "123456789012345678" }, "invalid_account_number"],
      [{ ...bankAccount, account_type: "brokerage" }, "invalid_request"],
    ] as const;
    for (const [payload, code] of cases) {
      const res = await post(app, "/v1/tokens/bank-accounts", pk, payload);
      assert.deepEqual(problem(res), [400, code], JSON.stringify(payload));
      assert.ok(!res.body.includes(payload.account_number));
    }
  });

  test("a malformed JSON body is refused without quoting it", async () => {
    const app = await vault();
    const { pk } = await agencyWithKeys("Malformed County");
    const res = await post(app, "/v1/tokens/cards", pk, `{"number": "${pan}", "cvc": "123"`);
    assert.deepEqual(problem(res), [400, "invalid_request"]);
    assert.ok(!res.body.includes(pan));
  });
});

describe("rate limits", () => {
  test("one address gets the configured number of tries a minute, then 429 with Retry-After", async () => {
    const app = await vault({ perAddress: 3, perAgency: 100 });
    const { pk } = await agencyWithKeys("Card Testing County");
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await post(app, "/v1/tokens/cards", pk, { ...card, number: "4000000000000002" })).statusCode);
    assert.deepEqual(statuses, [201, 201, 201, 429]);
    const limited = await post(app, "/v1/tokens/cards", pk, card);
    assert.deepEqual(problem(limited), [429, "rate_limited"]);
    // The clock stands at 12:00:00, the start of a one-minute window.
    assert.equal(limited.headers["retry-after"], "60");
    const elsewhere = await app.inject({
      method: "POST",
      url: "/v1/tokens/cards",
      remoteAddress: "192.0.2.7",
      headers: { authorization: `Bearer ${pk}`, origin, "content-type": "application/json" },
      payload: JSON.stringify(card),
    });
    assert.equal(elsewhere.statusCode, 201, "another address has its own allowance");
  });

  test("one agency gets the configured number of tries a minute across addresses", async () => {
    const app = await vault({ perAddress: 100, perAgency: 2 });
    const busy = await agencyWithKeys("Busy County");
    const quiet = await agencyWithKeys("Quiet County");
    const from = (key: string, address: string) =>
      app.inject({
        method: "POST",
        url: "/v1/tokens/cards",
        remoteAddress: address,
        headers: { authorization: `Bearer ${key}`, origin, "content-type": "application/json" },
        payload: JSON.stringify(card),
      });
    const statuses = [];
    for (const address of ["192.0.2.1", "192.0.2.2", "192.0.2.3"]) statuses.push((await from(busy.pk, address)).statusCode);
    assert.deepEqual(statuses, [201, 201, 429]);
    assert.equal((await from(quiet.pk, "192.0.2.3")).statusCode, 201);
  });
});

describe("logs", () => {
  test("the vault logs no card number, CVV, account number or key, even at trace level, without the logger's masking", async () => {
    // A bare pino logger: the hub's logger masks long digit runs as a backstop, which would hide a leak here.
    const raw: string[] = [];
    const app = await buildVaultServer({
      db,
      keys,
      origin,
      clock: () => now,
      logger: pino({ level: "trace" }, { write: (line: string) => raw.push(line) }),
      metrics: createMetrics("remit_vault_"),
    });
    servers.push(app);
    const { pk } = await agencyWithKeys("Quiet Logs County");
    await post(app, "/v1/tokens/cards", pk, { ...card, number: "5555555555554444", cvc: "987" });
    await post(app, "/v1/tokens/cards", pk, { ...card, number: "5555555555554443" });
    await post(app, "/v1/tokens/cards", pk, `{"number":"5555555555554444",`);
    await post(app, "/v1/tokens/bank-accounts", pk, { ...bankAccount, account_number: "987654321012" });
    const logged = raw.join("\n");
    assert.match(logged, /incoming request/, "requests were logged");
    for (const secret of ["5555555555554444", "5555555555554443", "987654321012", pk, '"987"']) {
      assert.ok(!logged.includes(secret), `${secret} appears in the logs`);
    }
  });
});
