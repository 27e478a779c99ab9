import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { configureTestSystem, createConnectorRegistry } from "../../accounts/index.ts";
import { configureOriginator } from "../../ach/index.ts";
import { createAgency, createApiKey } from "../../agencies/index.ts";
import { createLogger, createMetrics, type Database, type HttpServer, newId, openTestDatabase } from "../../platform/index.ts";
import { tokenizeBankAccount, tokenizeCard } from "../../vault/index.ts";
import { buildApiServer } from "../server.ts";
import { testCardDeps } from "../testing.ts";

let db: Database;
let app: HttpServer;
let clock = new Date("2026-11-17T15:30:00Z"); // Tuesday, 10:30 in New York
let cards: ReturnType<typeof testCardDeps>;

interface Agency {
  id: string;
  auth: { authorization: string };
}
let a: Agency;
let b: Agency;

async function newAgency(name: string): Promise<Agency> {
  const agency = await createAgency(db, { name });
  await configureTestSystem(db, agency.id);
  await configureOriginator(db, agency.id, {
    bankName: "First Test Bank",
    odfiRouting: "011000015",
    companyName: "TEST COUNTY",
    companyId: "1234567890",
    sameDayCutoffs: ["14:00"],
  });
  const key = await createApiKey(db, { agencyId: agency.id });
  return { id: agency.id, auth: { authorization: `Bearer ${key.secret}` } };
}

async function bankToken(agency: Agency, accountNumber = "000123456789"): Promise<string> {
  const token = await tokenizeBankAccount(
    db,
    cards.vaultKeys,
    agency.id,
    { routingNumber: "011000015", accountNumber, accountType: "checking", accountHolderName: "Ann Lee" },
    clock,
  );
  return token.id;
}

async function call(agency: Agency, method: "GET" | "POST", url: string, body?: unknown, key: string = randomUUID()) {
  const response = await app.inject({
    method,
    url,
    headers: { ...agency.auth, ...(method === "POST" ? { "idempotency-key": key } : {}) },
    ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
  });
  return { status: response.statusCode, headers: response.headers, body: response.json() };
}

const webDebit = async (agency: Agency, extra: Record<string, unknown> = {}) => ({
  bank_account_token: await bankToken(agency),
  amount: 12_500,
  sec_code: "WEB",
  authorization_text: "Authorized online on the county's payment page",
  account: { system: "property_tax", ref: "R000123" },
  allow_duplicate: true,
  ...extra,
});

before(async () => {
  db = await openTestDatabase();
  cards = testCardDeps(db);
  app = await buildApiServer({
    db,
    logger: createLogger({ destination: () => {} }),
    metrics: createMetrics(),
    version: "0.0.0-test",
    registry: createConnectorRegistry(db),
    cards,
    clock: () => clock,
  });
  a = await newAgency("ACH HTTP County");
  b = await newAgency("Other ACH HTTP County");
});
after(async () => {
  await app.close();
  await db.close();
});

describe("ACH over HTTP", () => {
  test("a prenote is created and read back; it is no debit", async () => {
    const created = await call(a, "POST", "/v1/ach-prenotes", { bank_account_token: await bankToken(a), sec_code: "PPD" });
    assert.equal(created.status, 201);
    assert.equal(created.body.object, "ach_prenote");
    assert.deepEqual(
      [created.body.status, created.body.effective_date, created.body.individual_name],
      ["pending_submission", "2026-11-18", "ANN LEE"],
    );
    assert.deepEqual(created.body.bank_account, { routing_number: "011000015", last4: "6789", account_type: "checking" });
    const read = await call(a, "GET", `/v1/ach-prenotes/${created.body.id}`);
    assert.deepEqual(read.body, created.body);
    assert.equal((await call(a, "GET", `/v1/ach-debits/${created.body.id}`)).status, 404);
  });

  test("a debit is created, replayed under its key, refused under its key with another body, and read back", async () => {
    const body = await webDebit(a, { agency_tracking_id: "INV-42" });
    const created = await call(a, "POST", "/v1/ach-debits", body, "debit-key-1");
    assert.equal(created.status, 201);
    assert.match(created.body.id, /^ach_/);
    assert.deepEqual(
      [created.body.object, created.body.status, created.body.amount, created.body.effective_date, created.body.posting],
      ["ach_debit", "pending_submission", 12_500, "2026-11-18", null],
    );
    assert.equal(created.body.bank_account.last4, "6789");
    const replay = await call(a, "POST", "/v1/ach-debits", body, "debit-key-1");
    assert.equal(replay.status, 201);
    assert.equal(replay.headers["idempotent-replayed"], "true");
    assert.deepEqual(replay.body, created.body);
    const reused = await call(a, "POST", "/v1/ach-debits", { ...body, amount: 12_501 }, "debit-key-1");
    assert.deepEqual([reused.status, reused.body.code], [422, "idempotency_key_reused"]);
    const read = await call(a, "GET", `/v1/ach-debits/${created.body.id}`);
    assert.deepEqual(read.body, created.body);
    assert.ok(!JSON.stringify(read.body).includes("000123456789"));
  });

  test("refusals: no authorization, a twin, a same-day debit over the limit; a later date is deferred", async () => {
    const missing = await call(a, "POST", "/v1/ach-debits", await webDebit(a, { sec_code: "TEL", authorization_text: undefined }));
    assert.deepEqual([missing.status, missing.body.code, missing.body.param], [400, "authorization_text_required", "authorization_text"]);
    assert.match(missing.body.detail, /oral authorization/);

    const first = await call(a, "POST", "/v1/ach-debits", await webDebit(a, { amount: 777, allow_duplicate: false }));
    const twin = await call(a, "POST", "/v1/ach-debits", await webDebit(a, { amount: 777, allow_duplicate: false }));
    assert.deepEqual([twin.status, twin.body.code, twin.body.transaction_id], [409, "duplicate_transaction", first.body.id]);

    const big = await call(a, "POST", "/v1/ach-debits", await webDebit(a, { amount: 100_000_001, same_day: true }));
    assert.deepEqual([big.status, big.body.code], [400, "same_day_limit_exceeded"]);

    const deferred = await call(a, "POST", "/v1/ach-debits", await webDebit(a, { effective_date: "2026-12-01" }));
    assert.deepEqual([deferred.status, deferred.body.status], [201, "scheduled"]);
    const badDate = await call(a, "POST", "/v1/ach-debits", await webDebit(a, { effective_date: "tomorrow" }));
    assert.equal(badDate.status, 400);
  });

  test("a debit is canceled before it is sent, and not after", async () => {
    const created = await call(a, "POST", "/v1/ach-debits", await webDebit(a, { amount: 5_000 }));
    const canceled = await call(a, "POST", `/v1/ach-debits/${created.body.id}/cancel`);
    assert.equal(canceled.status, 200);
    assert.deepEqual([canceled.body.status, canceled.body.cancel_reason], ["canceled", "Canceled by the agency"]);

    const sent = await call(a, "POST", "/v1/ach-debits", await webDebit(a, { amount: 5_001 }));
    const fileId = newId("achf");
    await db.query(
      `INSERT INTO ach_files (agency_id, id, originator_id, submission_window, effective_date, file_name, file_id_modifier,
         entry_count, debit_total_cents, created_at)
       SELECT agency_id, $2, originator_id, 'next_day', effective_date, $3, 'A', 1, amount_cents, $4 FROM ach_entries WHERE id = $1`,
      [sent.body.id, fileId, `${fileId}.ach`, clock],
    );
    await db.query(
      "UPDATE ach_entries SET status = 'submitted', file_id = $2, trace_number = '011000010000042', submitted_at = $3 WHERE id = $1",
      [sent.body.id, fileId, clock],
    );
    const refused = await call(a, "POST", `/v1/ach-debits/${sent.body.id}/cancel`);
    assert.deepEqual([refused.status, refused.body.code], [409, "ach_not_cancelable"]);
    const read = await call(a, "GET", `/v1/ach-debits/${sent.body.id}`);
    assert.deepEqual([read.body.status, read.body.trace_number], ["submitted", "011000010000042"]);
  });

  test("a schedule is created with its first debit, listed, read, and canceled with its unsent debits", async () => {
    const created = await call(a, "POST", "/v1/ach-schedules", {
      bank_account_token: await bankToken(a, "000765432100"),
      amount: 9_900,
      sec_code: "PPD",
      authorization_text: "Signed autopay form AP-7",
      frequency: "monthly",
      start_date: "2026-11-18",
      count: 3,
      account: { system: "property_tax", ref: "R000777" },
    });
    assert.equal(created.status, 201);
    assert.deepEqual(
      [created.body.object, created.body.status, created.body.debits_created, created.body.next_date],
      ["ach_schedule", "active", 1, "2026-12-18"],
    );
    const debits = await call(a, "GET", `/v1/ach-schedules/${created.body.id}/debits`);
    assert.equal(debits.body.data.length, 1);
    assert.deepEqual([debits.body.data[0].schedule_id, debits.body.data[0].amount], [created.body.id, 9_900]);
    assert.deepEqual((await call(a, "GET", `/v1/ach-schedules/${created.body.id}`)).body, created.body);

    const canceled = await call(a, "POST", `/v1/ach-schedules/${created.body.id}/cancel`);
    assert.deepEqual([canceled.status, canceled.body.status, canceled.body.next_date], [200, "canceled", null]);
    const after = await call(a, "GET", `/v1/ach-debits/${debits.body.data[0].id}`);
    assert.equal(after.body.status, "canceled");

    const invalid = await call(a, "POST", "/v1/ach-schedules", {
      bank_account_token: await bankToken(a),
      amount: 100,
      sec_code: "WEB",
      authorization_text: "ok",
      frequency: "weekly",
      start_date: "2026-11-01",
    });
    assert.deepEqual([invalid.status, invalid.body.code, invalid.body.param], [400, "invalid_schedule", "start_date"]);
  });

  test("every ACH route answers 404 to another agency's ids, and changes nothing", async () => {
    const debit = await call(a, "POST", "/v1/ach-debits", await webDebit(a, { amount: 31_000 }));
    const prenote = await call(a, "POST", "/v1/ach-prenotes", { bank_account_token: await bankToken(a), sec_code: "WEB" });
    const schedule = await call(a, "POST", "/v1/ach-schedules", {
      bank_account_token: await bankToken(a),
      amount: 100,
      sec_code: "WEB",
      authorization_text: "ok",
      frequency: "dates",
      dates: ["2026-12-15"],
    });
    const routes: Array<["GET" | "POST", string]> = [
      ["GET", `/v1/ach-debits/${debit.body.id}`],
      ["POST", `/v1/ach-debits/${debit.body.id}/cancel`],
      ["GET", `/v1/ach-prenotes/${prenote.body.id}`],
      ["GET", `/v1/ach-schedules/${schedule.body.id}`],
      ["GET", `/v1/ach-schedules/${schedule.body.id}/debits`],
      ["POST", `/v1/ach-schedules/${schedule.body.id}/cancel`],
    ];
    for (const [method, url] of routes) assert.equal((await call(b, method, url)).status, 404, `${method} ${url}`);
    assert.equal((await call(a, "GET", `/v1/ach-debits/${debit.body.id}`)).body.status, "pending_submission");
    assert.equal((await call(a, "GET", `/v1/ach-schedules/${schedule.body.id}`)).body.status, "active");
    const usedElsewhere = await call(b, "POST", "/v1/ach-debits", await webDebit(a));
    assert.equal(usedElsewhere.status, 404, "B cannot spend A's token");
    assert.equal((await call(b, "GET", `/v1/transactions?starting_after=${debit.body.id}`)).status, 400);
    const list = await call(b, "GET", "/v1/transactions?limit=100");
    assert.ok(!list.body.data.some((t: { id: string }) => t.id === debit.body.id));
  });
});

describe("GET /v1/transactions", () => {
  test("card transactions and ACH debits come together, newest first, paged without repeats or gaps", async () => {
    const c = await newAgency("Mixed County");
    const ids: string[] = [];
    const sale = async () => {
      const token = await tokenizeCard(
        db,
        cards.vaultKeys,
        c.id,
        { number: "4242424242424242", expMonth: 12, expYear: 2031, cvc: "123" },
        clock,
      );
      const res = await call(c, "POST", "/v1/card-transactions", {
        type: "sale",
        card_token: token.id,
        amount: 1_000 + ids.length,
        agency_tracking_id: "MIX",
      });
      assert.equal(res.status, 201);
      ids.push(res.body.id);
    };
    const debit = async (extra: Record<string, unknown> = {}) => {
      const res = await call(c, "POST", "/v1/ach-debits", {
        ...(await webDebit(c, { amount: 2_000 + ids.length })),
        agency_tracking_id: "MIX",
        ...extra,
      });
      assert.equal(res.status, 201);
      ids.push(res.body.id);
    };
    const start = clock;
    // Two of each at one instant, so the page boundaries fall inside ties within and across the two tables.
    await sale();
    await debit();
    await sale();
    await debit();
    clock = new Date(start.getTime() + 1000);
    await debit({ effective_date: "2026-12-01" });
    await sale();
    clock = new Date(start.getTime() + 2000);
    await debit();
    clock = start;

    const seen: Array<{ id: string; object: string; created_at: string }> = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const url: string = `/v1/transactions?agency_tracking_id=MIX&limit=2${cursor ? `&starting_after=${cursor}` : ""}`;
      const res = await call(c, "GET", url);
      assert.equal(res.status, 200);
      seen.push(...res.body.data);
      cursor = res.body.next_cursor;
      if (!res.body.has_more) break;
    }
    assert.equal(seen.length, ids.length);
    assert.deepEqual(new Set(seen.map((t) => t.id)), new Set(ids));
    const times = seen.map((t) => t.created_at);
    assert.deepEqual(times, [...times].sort().reverse(), "newest first");
    assert.deepEqual(new Set(seen.map((t) => t.object)), new Set(["card_transaction", "ach_debit"]));

    const onlyAch = await call(c, "GET", "/v1/transactions?type=ach_debit&limit=100");
    assert.equal(onlyAch.body.data.length, 4);
    assert.ok(onlyAch.body.data.every((t: { object: string }) => t.object === "ach_debit"));
    const scheduled = await call(c, "GET", "/v1/transactions?status=scheduled&limit=100");
    assert.deepEqual(
      scheduled.body.data.map((t: { effective_date: string }) => t.effective_date),
      ["2026-12-01"],
    );
    const captured = await call(c, "GET", "/v1/transactions?status=captured&limit=100");
    assert.equal(captured.body.data.length, 3);
    assert.ok(captured.body.data.every((t: { object: string }) => t.object === "card_transaction"));
    const sales = await call(c, "GET", "/v1/transactions?type=sale&status=scheduled");
    assert.equal(sales.body.data.length, 0);
    assert.equal((await call(c, "GET", "/v1/transactions?starting_after=pre_nope")).status, 400);
  });

  test("the OpenAPI document describes the ACH routes", async () => {
    const doc = (await app.inject({ url: "/openapi.json" })).json();
    for (const path of ["/v1/ach-prenotes", "/v1/ach-debits/{id}/cancel", "/v1/ach-schedules/{id}/debits", "/v1/transactions"]) {
      assert.ok(doc.paths[path], `${path} is documented`);
    }
    assert.equal(doc.paths["/v1/ach-debits"].post.operationId, "postAchDebits");
  });
});
