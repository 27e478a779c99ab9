import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { after, before, test } from "node:test";
import { createAgency, createApiKey, revokeApiKey } from "../../agencies/index.ts";
import { createHttpServer, createLogger, createMetrics, type Database, type HttpServer, openTestDatabase } from "../../platform/index.ts";
import { hostedFieldRoutes } from "./index.ts";

const agencyOrigins = ["https://pay.example.gov", "http://localhost:3000"];
const vaultOrigin = "https://vault.example.gov";

let db: Database;
let app: HttpServer;
let publishableKey: string;
before(async () => {
  db = await openTestDatabase();
  app = createHttpServer({ name: "vault", logger: createLogger({ level: "silent" }), metrics: createMetrics("test_vault_") });
  hostedFieldRoutes(app, { db, vaultOrigin: () => vaultOrigin });
  await app.ready();
  const agency = await createAgency(db, { name: "Framing County", allowedOrigins: agencyOrigins });
  publishableKey = (await createApiKey(db, { agencyId: agency.id, kind: "publishable" })).secret;
});
after(async () => {
  await app.close();
  await db.close();
});

const sha = (algorithm: string, body: Buffer | string) => `${algorithm}-${createHash(algorithm).update(body).digest("base64")}`;
const publicFile = (name: string) => readFile(new URL(`./public/${name}`, import.meta.url));

function fieldUrl(query: Record<string, string>): string {
  return `/v1/hosted/field?${new URLSearchParams(query)}`;
}

function directives(policy: string | undefined): Map<string, string> {
  return new Map(
    String(policy)
      .split(";")
      .map((part) => part.trim().split(/\s+/))
      .map(([name, ...values]) => [String(name), values.join(" ")]),
  );
}

test("remit.js is served to any page, and /v1/remit.json gives its address and integrity value", async () => {
  const script = await app.inject({ method: "GET", url: "/v1/remit.js" });
  assert.equal(script.statusCode, 200);
  assert.match(String(script.headers["content-type"]), /^text\/javascript/);
  assert.equal(script.headers["access-control-allow-origin"], "*");
  assert.equal(script.headers["x-content-type-options"], "nosniff");
  assert.equal(script.body, (await publicFile("remit.js")).toString());

  const pin = await app.inject({ method: "GET", url: "/v1/remit.json" });
  assert.deepEqual(pin.json(), { src: `${vaultOrigin}/v1/remit.js`, integrity: sha("sha384", script.rawPayload) });
});

test("a field page runs only its hashed script and may be framed only by the agency's registered origins", async () => {
  const page = await app.inject({
    method: "GET",
    url: fieldUrl({ key: publishableKey, origin: "https://pay.example.gov", form: "card", field: "number" }),
  });
  assert.equal(page.statusCode, 200);
  assert.match(String(page.headers["content-type"]), /^text\/html/);
  const csp = directives(page.headers["content-security-policy"] as string);
  const fieldScriptHash = sha("sha256", await publicFile("field.js"));
  assert.equal(csp.get("default-src"), "'none'");
  assert.equal(csp.get("script-src"), `'${fieldScriptHash}'`);
  assert.equal(csp.get("style-src"), "'self'");
  assert.equal(csp.get("connect-src"), undefined, "a field frame has no network access");
  assert.equal(csp.get("frame-ancestors"), agencyOrigins.join(" "));
  assert.equal(page.headers["x-frame-options"], undefined, "X-Frame-Options would stop every parent, registered or not");
  assert.ok(page.body.includes(`integrity="${fieldScriptHash}"`), "the page pins its script by the same hash");

  const script = await app.inject({ method: "GET", url: /src="([^"]+field\.js[^"]*)"/.exec(page.body)?.[1] ?? "" });
  assert.equal(sha("sha256", script.rawPayload), fieldScriptHash);
});

test("the coordinator page alone may connect, and only to the vault itself", async () => {
  const page = await app.inject({
    method: "GET",
    url: `/v1/hosted/coordinator?${new URLSearchParams({ key: publishableKey, origin: "http://localhost:3000", form: "bank_account" })}`,
  });
  assert.equal(page.statusCode, 200);
  const csp = directives(page.headers["content-security-policy"] as string);
  assert.equal(csp.get("connect-src"), "'self'");
  assert.equal(csp.get("script-src"), `'${sha("sha256", await publicFile("coordinator.js"))}'`);
  assert.equal(csp.get("frame-ancestors"), agencyOrigins.join(" "));
});

test("a refused page can be framed by nobody", async () => {
  const unregistered = await createAgency(db, { name: "Unregistered County" });
  const unregisteredKey = (await createApiKey(db, { agencyId: unregistered.id, kind: "publishable" })).secret;
  const framing = await createAgency(db, { name: "Secret County", allowedOrigins: ["https://pay.example.gov"] });
  const secretKey = (await createApiKey(db, { agencyId: framing.id, kind: "secret" })).secret;
  const revoked = await createApiKey(db, { agencyId: framing.id, kind: "publishable" });
  await revokeApiKey(db, framing.id, revoked.id);
  const neverIssued = await createApiKey(db, { agencyId: framing.id, kind: "publishable" });
  await db.query("DELETE FROM api_keys WHERE id = $1", [neverIssued.id]);

  const card = { form: "card", field: "number" };
  const cases = [
    {
      why: "a malformed key",
      query: { key: "pk_test_nope", origin: "https://pay.example.gov", ...card },
      status: 401,
      code: "invalid_api_key",
    },
    {
      why: "a key never issued",
      query: { key: neverIssued.secret, origin: "https://pay.example.gov", ...card },
      status: 401,
      code: "invalid_api_key",
    },
    {
      why: "a revoked key",
      query: { key: revoked.secret, origin: "https://pay.example.gov", ...card },
      status: 401,
      code: "api_key_revoked",
    },
    { why: "a secret key", query: { key: secretKey, origin: "https://pay.example.gov", ...card }, status: 403, code: "wrong_key_kind" },
    {
      why: "an agency with no registered origin",
      query: { key: unregisteredKey, origin: "https://pay.example.gov", ...card },
      status: 403,
      code: "origin_not_registered",
    },
    {
      why: "a parent origin the agency did not register",
      query: { key: publishableKey, origin: "https://evil.example.com", ...card },
      status: 403,
      code: "origin_not_registered",
    },
    {
      why: "a field of another form",
      query: { key: publishableKey, origin: "https://pay.example.gov", form: "card", field: "routing_number" },
      status: 400,
      code: "invalid_request",
    },
    { why: "no key at all", query: { origin: "https://pay.example.gov", ...card }, status: 400, code: "invalid_request" },
  ];
  for (const { why, query, status, code } of cases) {
    const response = await app.inject({ method: "GET", url: fieldUrl(query) });
    assert.equal(response.statusCode, status, why);
    assert.equal(response.json().code, code, why);
    const csp = directives(response.headers["content-security-policy"] as string);
    assert.equal(csp.get("frame-ancestors"), "'none'", why);
    assert.equal(csp.get("default-src"), "'none'", why);
  }
});
