import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, type TestContext, test } from "node:test";
import { type Browser, type BrowserContext, chromium, type Frame, type Page } from "playwright-core";
import { createAgency, createApiKey } from "../../agencies/index.ts";
import {
  createLogger,
  createMetrics,
  type Database,
  findCardNumbers,
  findCardNumbersInDatabase,
  type HttpServer,
  openTestDatabase,
} from "../../platform/index.ts";
import { buildVaultServer, newMasterKeyText, parseMasterKeys } from "../index.ts";
import { hostedFieldRoutes } from "./index.ts";

/**
 * The hosted fields in a real browser: an agency's page on its own origin loads remit.js from the
 * vault, a payer types into the vault's iframes, and the page gets a token — while the page, its
 * requests and the messages it receives never hold the card or account number.
 */

const chromiumPath = "/usr/bin/chromium";
const haveChromium = existsSync(chromiumPath);
const skipReason = `${chromiumPath} is not installed: the hosted-field browser tests need Debian's chromium (apt-get install chromium)`;

const testCard = "4242424242424242";
const testRoutingNumber = "110000000";
const testAccountNumber = "000123456789";
const expiryYear = String((new Date().getUTCFullYear() + 3) % 100).padStart(2, "0");

let db: Database;
let vault: HttpServer;
let vaultOrigin: string;
let agencyServer: Server;
/** The agency's registered origin. */
let agencyOrigin: string;
/** The same agency server under a name the agency never registered. */
let unregisteredOrigin: string;
let foreignServer: Server;
let foreignOrigin: string;
let publishableKey: string;
let loaderIntegrity: string;
let browser: Browser | undefined;
const vaultLogLines: string[] = [];

before(async () => {
  if (!haveChromium) return;
  db = await openTestDatabase();
  vault = await buildVaultServer({
    logger: createLogger({ level: "info", destination: (line) => vaultLogLines.push(line) }),
    metrics: createMetrics("test_vault_"),
    db,
    keys: parseMasterKeys(newMasterKeyText("v1")),
  });
  // Until buildVaultServer registers the hosted fields itself.
  if (!vault.hasRoute({ method: "GET", url: "/v1/remit.js" })) hostedFieldRoutes(vault, { db, vaultOrigin: () => vaultOrigin });
  vaultOrigin = await vault.listen({ port: 0, host: "127.0.0.1" });

  agencyServer = await listen(createServer((request, response) => serveAgencyPage(request.url ?? "/", response)));
  const agencyPort = (agencyServer.address() as AddressInfo).port;
  agencyOrigin = `http://127.0.0.1:${agencyPort}`;
  unregisteredOrigin = `http://localhost:${agencyPort}`;
  foreignServer = await listen(createServer((request, response) => serveForger(request.url ?? "/", response)));
  foreignOrigin = `http://127.0.0.1:${(foreignServer.address() as AddressInfo).port}`;

  const agency = await createAgency(db, { name: "Hosted Fields County", allowedOrigins: [agencyOrigin] });
  publishableKey = (await createApiKey(db, { agencyId: agency.id, kind: "publishable" })).secret;
  const pin = (await (await fetch(`${vaultOrigin}/v1/remit.json`)).json()) as { integrity: string };
  loaderIntegrity = pin.integrity;

  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
});

after(async () => {
  if (!haveChromium) return;
  await browser?.close();
  await Promise.all([close(agencyServer), close(foreignServer)]);
  await vault.close();
  await db.close();
});

test("a card typed into the hosted fields becomes a token, and the agency's page never holds the number", async (t) => {
  const session = await openAgencyPage(t, agencyOrigin);
  if (!session) return;
  const { page, requests, consoleLines } = session;
  const style = {
    base: {
      color: "rgb(0, 0, 128)",
      fontSize: "18px",
      backgroundImage: "url(https://evil.example/track.png)",
      fontFamily: "url(https://evil.example/font)",
    },
    invalid: { color: "rgb(180, 0, 0)" },
  };
  assert.equal(await page.evaluate(`mountCard(${JSON.stringify({ key: publishableKey, vaultUrl: vaultOrigin, style })})`), "ready");

  await fieldInput(page, "card-number").pressSequentially(testCard);
  await fieldInput(page, "card-expiry").pressSequentially(`12${expiryYear}`);
  await fieldInput(page, "card-cvc").pressSequentially("123");
  await fieldInput(page, "card-postal").pressSequentially("78701");
  await page.evaluate("until(() => changes.some((c) => c.field === 'postal_code' && c.valid))");
  assert.equal(await fieldInput(page, "card-number").inputValue(), "4242 4242 4242 4242", "the field formats the number as it is typed");
  assert.equal(await fieldInput(page, "card-expiry").inputValue(), `12 / ${expiryYear}`);

  const result = (await page.evaluate("tokenize(card)")) as { token: { id: string; card: Record<string, unknown> } };
  assert.match(result.token.id, /^tok_/);
  assert.deepEqual(result.token.card, { brand: "visa", last4: "4242", exp_month: 12, exp_year: 2000 + Number(expiryYear) });

  // The parent learned field states and the token, nothing more.
  const changes = (await page.evaluate("changes")) as Record<string, unknown>[];
  assert.deepEqual(
    changes.find((c) => c.field === "number" && c.valid === true),
    {
      field: "number",
      valid: true,
      empty: false,
      brand: "visa",
      last4: "4242",
    },
  );
  const received = await receivedMessages(page);
  assert.ok(received.length > 0);
  for (const { origin, data } of received) {
    assert.equal(origin, vaultOrigin, "only the vault's frames talk to the page");
    const message = data as Record<string, unknown>;
    if (message.type === "token") assert.deepEqual(Object.keys(message).sort(), ["remit", "requestId", "token", "type"]);
    else for (const key of Object.keys(message)) assert.ok(fieldStateKeys.has(key), `the page was told ${key}`);
  }
  assert.deepEqual(cardNumbersIn(JSON.stringify(received)), [], "no card number in the messages the page received");

  // Neither the page's own requests nor its document ever held the number; the vault's frame did send it.
  const pageTraffic = requests.filter((r) => r.fromPage).map((r) => `${r.url}\n${r.headers}\n${r.body}`);
  assert.ok(
    pageTraffic.some((text) => text.includes("/v1/remit.js")),
    "the recorder saw the page's own requests",
  );
  assert.deepEqual(cardNumbersIn(pageTraffic.join("\n")), []);
  assert.deepEqual(cardNumbersIn(await page.content()), []);
  const tokenRequests = requests.filter((r) => r.url === `${vaultOrigin}/v1/tokens/cards`);
  assert.equal(tokenRequests.length, 1);
  assert.equal(tokenRequests[0]?.fromPage, false, "the token request leaves from the vault's coordinator frame");
  assert.ok(cardNumbersIn(tokenRequests[0]?.body ?? "").includes(testCard), "the scan does find a number where one is");

  // Nor did the vault keep it anywhere but its encrypted columns, or write it to its log.
  assert.deepEqual(await findCardNumbersInDatabase(db), []);
  assert.ok(
    vaultLogLines.some((line) => line.includes("/v1/tokens/cards")),
    "the vault logged the token request",
  );
  // The log's own detector: it knows timings and epoch milliseconds are not card numbers.
  assert.deepEqual(findCardNumbers(vaultLogLines.join("\n")), []);

  // The page cannot read into a field frame.
  assert.equal(
    await page.evaluate(`(() => {
      const frame = document.querySelector("#card-number iframe");
      try { return frame.contentWindow.document.body.innerHTML; } catch (error) { return error.name; }
    })()`),
    "SecurityError",
  );
  assert.equal(await page.evaluate(`document.querySelector("#card-number iframe").contentDocument`), null);

  // Allowlisted styles apply; a property off the list, or any url(), is dropped and fetches nothing.
  const look = await computedStyle(page, "card-number", ["color", "font-size", "background-image", "font-family"]);
  assert.equal(look.color, "rgb(0, 0, 128)");
  assert.equal(look["font-size"], "18px");
  assert.equal(look["background-image"], "none");
  assert.doesNotMatch(look["font-family"] ?? "", /evil/);
  assert.ok(consoleLines.some((line) => line.includes("base.backgroundImage was dropped")));
  assert.ok(consoleLines.some((line) => line.includes("base.fontFamily was dropped")));
  assert.ok(!requests.some((r) => r.url.includes("evil.example")), "a dropped style fetches nothing");
});

test("an incomplete card is refused in the browser and nothing is sent", async (t) => {
  const session = await openAgencyPage(t, agencyOrigin);
  if (!session) return;
  const { page, requests } = session;
  assert.equal(await page.evaluate(`mountCard(${JSON.stringify({ key: publishableKey, vaultUrl: vaultOrigin })})`), "ready");
  await fieldInput(page, "card-number").pressSequentially("4242 4242 4242 4241");
  await fieldInput(page, "card-expiry").pressSequentially(`12${expiryYear}`);
  await fieldInput(page, "card-cvc").pressSequentially("123");
  await page.evaluate("until(() => changes.some((c) => c.field === 'cvc' && c.valid))");

  const result = (await page.evaluate("tokenize(card)")) as { error: Record<string, unknown> };
  assert.equal(result.error.code, "invalid_card_number");
  assert.equal(result.error.field, "number");
  assert.ok(!requests.some((r) => r.url.includes("/v1/tokens/")), "no token request for a number that fails its check");
});

test("messages from a foreign origin or with the wrong channel id are ignored", async (t) => {
  const session = await openAgencyPage(t, agencyOrigin);
  if (!session) return;
  const { page, requests } = session;
  const style = { base: { color: "rgb(0, 0, 128)" } };
  assert.equal(await page.evaluate(`mountCard(${JSON.stringify({ key: publishableKey, vaultUrl: vaultOrigin, style })})`), "ready");
  const channel = String(await page.evaluate(`new URL(document.querySelector("#card-number iframe").src).hash.slice(1)`));

  // A frame of another origin that knows the channel id tries to speak for the vault, restyle a
  // field and ask the coordinator for a token.
  await page.evaluate(`addForger(${JSON.stringify(`${foreignOrigin}/forger.html#${channel}`)})`);
  await page.evaluate("until(() => receivedMessages.some((m) => m.data && m.data.forger === 'done'))");

  // The vault's own field frame posts with a channel id that is not this instance's.
  await (await contentFrame(page, "card-number")).evaluate(
    `window.parent.postMessage({ remit: "aaaaaaaaaaaaaaaaaaaaaa", type: "change", field: "number", valid: true, brand: "visa", last4: "1111" }, ${JSON.stringify(agencyOrigin)})`,
  );
  // The page posts to the field frame with a wrong channel id.
  await page.evaluate(`document.querySelector("#card-number iframe").contentWindow.postMessage(
    { remit: "aaaaaaaaaaaaaaaaaaaaaa", type: "configure", style: { base: { color: "rgb(0, 128, 0)" } } }, ${JSON.stringify(vaultOrigin)})`);

  // A real exchange after the forgeries: by the time it completes, they have been delivered.
  await fieldInput(page, "card-number").pressSequentially(testCard);
  await fieldInput(page, "card-expiry").pressSequentially(`12${expiryYear}`);
  await fieldInput(page, "card-cvc").pressSequentially("123");
  await page.evaluate("until(() => changes.some((c) => c.field === 'cvc' && c.valid))");
  const result = (await page.evaluate("tokenize(card)")) as { token: { id: string } };
  assert.match(result.token.id, /^tok_/);

  const changes = (await page.evaluate("changes")) as Record<string, unknown>[];
  assert.ok(!changes.some((c) => c.last4 === "0000"), "the foreign frame's change was ignored");
  assert.ok(!changes.some((c) => c.last4 === "1111"), "the wrong channel's change was ignored");
  assert.ok(
    changes.some((c) => c.last4 === "4242"),
    "the real change came through",
  );
  const look = await computedStyle(page, "card-number", ["color"]);
  assert.equal(look.color, "rgb(0, 0, 128)", "neither the foreign nor the wrong-channel style was applied");
  const replies = (await receivedMessages(page)).filter((m) => (m.data as { type?: string }).type === "token");
  assert.equal(replies.length, 1, "the coordinator answered only the page's own request");
  assert.equal(requests.filter((r) => r.url.includes("/v1/tokens/")).length, 1, "the forged request for a token sent nothing");
});

test("a page on an unregistered origin cannot frame the fields, whatever origin it claims", async (t) => {
  const session = await openAgencyPage(t, unregisteredOrigin);
  if (!session) return;
  const { page } = session;
  const blocked = (origin: string) =>
    page.waitForEvent("requestfailed", (request) => request.url().includes(`origin=${encodeURIComponent(origin)}&form=card&field=number`));

  // remit.js names the page's true origin: the vault answers 403, framable by nobody.
  const honest = blocked(unregisteredOrigin);
  await page.evaluate(`mountCard(${JSON.stringify({ key: publishableKey, vaultUrl: vaultOrigin, waitForReady: false })})`);
  const honestRequest = await honest;
  assert.equal((await honestRequest.response())?.status(), 403);
  assert.equal(honestRequest.failure()?.errorText, "net::ERR_BLOCKED_BY_RESPONSE");

  // A page that claims the registered origin gets the field page, and the browser refuses to frame it.
  const lying = blocked(agencyOrigin);
  const violation = page.waitForEvent("console", (message) =>
    message.text().includes(`violates the following Content Security Policy directive: "frame-ancestors ${agencyOrigin}"`),
  );
  const claimed = new URLSearchParams({ key: publishableKey, origin: agencyOrigin, form: "card", field: "number" });
  await page.evaluate(`addFrame(${JSON.stringify(`${vaultOrigin}/v1/hosted/field?${claimed}#aaaaaaaaaaaaaaaaaaaaaa`)})`);
  const lyingRequest = await lying;
  assert.equal((await lyingRequest.response())?.status(), 200, "the vault served the page: only frame-ancestors stands in the way");
  assert.equal(lyingRequest.failure()?.errorText, "net::ERR_BLOCKED_BY_RESPONSE");
  assert.match((await violation).text(), /The request has been blocked/);

  for (const frame of page.frames().filter((frame) => frame !== page.mainFrame())) {
    assert.ok(!frame.url().startsWith(vaultOrigin), `the browser did not render ${frame.url()}`);
  }
  const readies = (await receivedMessages(page)).filter((m) => (m.data as { type?: string }).type === "ready");
  assert.deepEqual(readies, [], "no vault frame came up under an unregistered parent");
});

test("a bank account typed into the hosted fields becomes a btok_ token, and the page never holds the number", async (t) => {
  const session = await openAgencyPage(t, agencyOrigin);
  if (!session) return;
  const { page, requests } = session;
  assert.equal(await page.evaluate(`mountBank(${JSON.stringify({ key: publishableKey, vaultUrl: vaultOrigin })})`), "ready");
  await fieldInput(page, "bank-routing").pressSequentially(testRoutingNumber);
  await fieldInput(page, "bank-account").pressSequentially(testAccountNumber);
  await fieldFrame(page, "bank-type").locator("select").selectOption("savings");
  await page.evaluate("until(() => changes.some((c) => c.field === 'account_number' && c.valid))");

  const result = (await page.evaluate(`tokenize(bank, { accountHolderName: "Pat Payer" })`)) as {
    token: { id: string; bank_account: Record<string, unknown> };
  };
  assert.match(result.token.id, /^btok_/);
  assert.deepEqual(result.token.bank_account, { last4: "6789", routing_number: testRoutingNumber, account_type: "savings" });

  const received = JSON.stringify(await receivedMessages(page));
  assert.ok(!received.includes(testAccountNumber), "the account number never reached the page");
  assert.ok(received.includes('"last4":"6789"'));
  const pageTraffic = requests.filter((r) => r.fromPage).map((r) => `${r.url}\n${r.headers}\n${r.body}`);
  assert.ok(!pageTraffic.join("\n").includes(testAccountNumber), "nor any request the page made");
  const tokenRequest = requests.find((r) => r.url === `${vaultOrigin}/v1/tokens/bank-accounts`);
  assert.ok(tokenRequest?.body.includes(testAccountNumber) && !tokenRequest.fromPage, "the coordinator frame sent it to the vault");
  assert.ok(!(await page.content()).includes(testAccountNumber));
});

// --- the agency's page, as an agency would write it --------------------------------------------

const fieldStateKeys = new Set(["remit", "type", "field", "valid", "empty", "brand", "last4"]);

function serveAgencyPage(url: string, response: import("node:http").ServerResponse): void {
  if (url === "/app.js") {
    response.writeHead(200, { "content-type": "text/javascript" }).end(agencyScript);
    return;
  }
  response
    .writeHead(200, {
      "content-type": "text/html; charset=utf-8",
      // What docs/hosted-fields.md asks of an agency page: only its own scripts and the pinned loader.
      "content-security-policy": [
        "default-src 'self'",
        `script-src 'self' ${vaultOrigin}/v1/remit.js`,
        // The foreign origin stands for a third-party widget the page embeds (chat, analytics).
        `frame-src ${vaultOrigin} ${foreignOrigin}`,
        "object-src 'none'",
        "base-uri 'none'",
      ].join("; "),
    })
    .end(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Pay your property tax</title>
<script src="/app.js"></script>
<script src="${vaultOrigin}/v1/remit.js" integrity="${loaderIntegrity}" crossorigin="anonymous"></script>
</head>
<body>
<form id="card-form">
  <div id="card-number"></div><div id="card-expiry"></div><div id="card-cvc"></div><div id="card-postal"></div>
</form>
<form id="bank-form">
  <div id="bank-routing"></div><div id="bank-account"></div><div id="bank-type"></div>
</form>
</body>
</html>`);
}

/** The agency page's own script: records every message the page receives, and drives remit.js. */
const agencyScript = `
window.receivedMessages = [];
window.changes = [];
window.addEventListener("message", (event) => {
  receivedMessages.push({ origin: event.origin, data: event.data });
  settleWaiters();
});

// The test waits on events rather than polling: this page's CSP forbids the eval that polling needs.
const waiters = [];
window.until = (check) => new Promise((resolve) => {
  waiters.push({ check, resolve });
  settleWaiters();
});
function settleWaiters() {
  for (const waiter of [...waiters]) {
    if (!waiter.check()) continue;
    waiters.splice(waiters.indexOf(waiter), 1);
    waiter.resolve(true);
  }
}

function whenReady(fields, waitForReady) {
  fields.on("change", (state) => {
    changes.push(state);
    settleWaiters();
  });
  if (waitForReady === false) return "mounted";
  return new Promise((resolve) => {
    fields.on("ready", () => resolve("ready"));
    fields.on("error", (error) => resolve(error.code));
  });
}
window.mountCard = ({ key, vaultUrl, style, waitForReady }) => {
  window.card = Remit(key, { vaultUrl }).cardFields({
    number: "#card-number", expiry: "#card-expiry", cvc: "#card-cvc", postalCode: "#card-postal", style,
  });
  return whenReady(card, waitForReady);
};
window.mountBank = ({ key, vaultUrl }) => {
  window.bank = Remit(key, { vaultUrl }).bankAccountFields({
    routingNumber: "#bank-routing", accountNumber: "#bank-account", accountType: "#bank-type",
  });
  return whenReady(bank);
};
window.tokenize = (fields, details) =>
  fields.createToken(details).then(
    (token) => ({ token }),
    (error) => ({ error: { code: error.code, message: error.message, field: error.field } }),
  );
window.addForger = (src) => addFrame(src);
window.addFrame = (src) => {
  const frame = document.createElement("iframe");
  frame.src = src;
  document.body.append(frame);
};
`;

/** A page of another origin that knows the channel id and tries to pass for the vault. */
function serveForger(url: string, response: import("node:http").ServerResponse): void {
  if (url.startsWith("/forger.js")) {
    response.writeHead(200, { "content-type": "text/javascript" }).end(`
const channel = location.hash.slice(1);
parent.postMessage({ remit: channel, type: "change", field: "number", valid: true, brand: "visa", last4: "0000" }, "*");
for (let i = 0; i < parent.frames.length; i++) {
  parent.frames[i].postMessage({ remit: channel, type: "configure", style: { base: { color: "rgb(255, 0, 0)" } } }, "*");
  parent.frames[i].postMessage({ remit: channel, type: "tokenize", requestId: "forged", fields: ["number", "expiry", "cvc"] }, "*");
}
parent.postMessage({ forger: "done" }, "*");
`);
    return;
  }
  response.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html><script src="/forger.js"></script>`);
}

// --- helpers ------------------------------------------------------------------------------------

interface RecordedRequest {
  readonly url: string;
  readonly headers: string;
  readonly body: string;
  /** Made by the agency's page itself, not by one of the frames inside it. */
  readonly fromPage: boolean;
}

async function openAgencyPage(
  t: TestContext,
  origin: string,
): Promise<{ page: Page; requests: RecordedRequest[]; consoleLines: string[] } | undefined> {
  if (!browser) {
    t.skip(skipReason);
    return undefined;
  }
  const context: BrowserContext = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  const requests: RecordedRequest[] = [];
  page.on("request", (request) => {
    requests.push({
      url: request.url(),
      headers: JSON.stringify(request.headers()),
      body: request.postData() ?? "",
      fromPage: request.frame() === page.mainFrame() && !request.isNavigationRequest(),
    });
  });
  const consoleLines: string[] = [];
  page.on("console", (message) => {
    consoleLines.push(message.text());
  });
  await page.goto(`${origin}/`);
  return { page, requests, consoleLines };
}

function fieldFrame(page: Page, hostId: string) {
  return page.frameLocator(`#${hostId} iframe`);
}

async function contentFrame(page: Page, hostId: string): Promise<Frame> {
  const frame = await (await page.locator(`#${hostId} iframe`).elementHandle())?.contentFrame();
  assert.ok(frame, `#${hostId} holds a frame`);
  return frame;
}

function fieldInput(page: Page, hostId: string) {
  return fieldFrame(page, hostId).locator("input");
}

async function computedStyle(page: Page, hostId: string, properties: readonly string[]): Promise<Record<string, string>> {
  const frame = await contentFrame(page, hostId);
  return (await frame.evaluate(`(() => {
    const style = getComputedStyle(document.querySelector(".control"));
    return Object.fromEntries(${JSON.stringify(properties)}.map((name) => [name, style.getPropertyValue(name)]));
  })()`)) as Record<string, string>;
}

async function receivedMessages(page: Page): Promise<{ origin: string; data: unknown }[]> {
  return (await page.evaluate("receivedMessages")) as { origin: string; data: unknown }[];
}

/** Every run of 13 to 19 digits (spaces, dashes or %20 between them allowed) that passes the Luhn check. */
export function cardNumbersIn(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/\d(?:(?:[ +-]|%20)?\d)+/g)) {
    const digits = match[0].replace(/\D/g, "");
    for (let length = 13; length <= 19; length++) {
      for (let start = 0; start + length <= digits.length; start++) {
        const candidate = digits.slice(start, start + length);
        if (passesLuhn(candidate) && !found.includes(candidate)) found.push(candidate);
      }
    }
  }
  return found;
}

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

function listen(server: Server): Promise<Server> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
