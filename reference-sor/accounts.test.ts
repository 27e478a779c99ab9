import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Database, HttpServer } from "../src/platform/index.ts";
import { sorErrorCodes } from "./errors.ts";
import { buildTestServer, openFixtureDatabase, testToday } from "./testing.ts";

let db: Database;
let app: HttpServer;

before(async () => {
  db = await openFixtureDatabase();
  app = await buildTestServer(db);
});
after(async () => {
  await app.close();
  await db.close();
});

const read = async (path: string) => {
  const res = await app.inject({ url: path });
  return { status: res.statusCode, body: res.json() };
};

describe("balance reads", () => {
  test("a parcel owes each open tax year, with penalty and interest from the Texas rules as of the date", async () => {
    const { status, body } = await read("/v1/accounts/parcel/R100001?as_of=2026-02-15");
    assert.equal(status, 200);
    assert.equal(body.status, "delinquent");
    assert.equal(body.as_of, "2026-02-15");
    assert.deepEqual(body.breakdown, [
      { label: "2025 tax", tax_year: 2025, component: "tax", amount_cents: 250_000 },
      { label: "2025 penalty", tax_year: 2025, component: "penalty", amount_cents: 15_000 },
      { label: "2025 interest", tax_year: 2025, component: "interest", amount_cents: 2_500 },
    ]);
    assert.equal(body.amount_due_cents, 267_500);
    assert.equal(body.rule_set, "TX");
    assert.deepEqual(
      body.tax_years.map((y: { tax_year: number; base_tax_cents: number }) => [y.tax_year, y.base_tax_cents]),
      [
        [2025, 250_000],
        [2026, 300_000],
      ],
    );
    assert.deepEqual(
      body.tax_years[0].taxing_units.map((u: { code: string; tax_cents: number }) => [u.code, u.tax_cents]),
      [
        ["DC", 100_000],
        ["ISD", 150_000],
      ],
    );
  });

  test("as_of moves penalty and interest: the Texas examples for a $2,500.00 tax", async () => {
    const due = async (asOf: string) => (await read(`/v1/accounts/parcel/R100002?as_of=${asOf}`)).body;
    assert.deepEqual([(await due("2026-01-15")).amount_due_cents, (await due("2026-01-15")).status], [250_000, "current"]);
    assert.equal((await due("2026-02-15")).amount_due_cents, 267_500);
    assert.equal((await due("2026-05-20")).amount_due_cents, 282_500);
    const august = await due("2026-08-10");
    assert.equal(august.amount_due_cents, 357_000);
    assert.deepEqual(
      august.breakdown.map((l: { component: string; amount_cents: number }) => [l.component, l.amount_cents]),
      [
        ["tax", 250_000],
        ["penalty", 30_000],
        ["interest", 17_500],
        ["fees", 59_500],
      ],
    );
  });

  test("as_of defaults to today in the county, and the current year's bill counts once issued", async () => {
    const { body } = await read("/v1/accounts/parcel/R100001");
    assert.equal(body.as_of, testToday);
    assert.deepEqual(
      body.breakdown.filter((l: { tax_year: number }) => l.tax_year === 2026),
      [{ label: "2026 tax", tax_year: 2026, component: "tax", amount_cents: 300_000 }],
    );
    const beforeIssue = (await read("/v1/accounts/parcel/R100003?as_of=2026-09-30")).body;
    assert.deepEqual([beforeIssue.amount_due_cents, beforeIssue.status], [0, "paid"]);
  });

  test("a court case owes each assessment's balance, each placed in the waterfall of its assessment date", async () => {
    const { status, body } = await read("/v1/accounts/court_case/CR-2016-000001");
    assert.equal(status, 200);
    assert.deepEqual([body.status, body.defendant, body.amount_due_cents], ["open", "Dee Defendant", 68_000]);
    assert.equal(body.breakdown.length, 7);
    const versions = Object.fromEntries(
      body.assessments.map((a: { assessment_id: string; waterfall_version: string; waterfall_rank: number }) => [
        a.assessment_id,
        `${a.waterfall_version}#${a.waterfall_rank}`,
      ]),
    );
    assert.equal(versions["CR-2016-000001-5"], "demo-county-2009#3");
    assert.equal(versions["CR-2016-000001-6"], "ca-pc-1203.1d-2018#4");
  });

  test("a utility account owes its open bills and late fees, and shows its service status", async () => {
    const { body } = await read("/v1/accounts/utility/U0100001?as_of=2026-11-22");
    assert.deepEqual([body.status, body.service_status, body.reconnect_eligible], ["past_due", "active", false]);
    assert.deepEqual(
      body.breakdown.map((l: { component: string; amount_cents: number }) => [l.component, l.amount_cents]),
      [
        ["principal", 10_000],
        ["fees", 321],
        ["principal", 5_000],
      ],
    );
    assert.equal(body.amount_due_cents, 15_321);
    const disconnected = (await read("/v1/accounts/utility/U0100002")).body;
    assert.deepEqual(
      [disconnected.status, disconnected.disconnected_on, disconnected.disconnect_amount_cents],
      ["disconnected", "2026-11-05", 19_500],
    );
  });

  test("a permit owes its fee until paid", async () => {
    const { body } = await read("/v1/accounts/permit/P2026-90001");
    assert.deepEqual([body.status, body.amount_due_cents, body.fee_cents, body.issued_at], ["pending_payment", 25_000, 25_000, null]);
    assert.deepEqual(body.breakdown, [{ label: "Building permit fee", component: "fees", amount_cents: 25_000 }]);
  });

  test("an unknown account, or a known ref under another kind, is 404 account_not_found", async () => {
    for (const path of ["/v1/accounts/parcel/R999999", "/v1/accounts/utility/R100001"]) {
      const res = await app.inject({ url: path });
      assert.equal(res.statusCode, 404, path);
      assert.match(String(res.headers["content-type"]), /^application\/problem\+json/);
      assert.equal(res.json().code, "account_not_found");
      assert.ok(res.json().detail.length > 0);
    }
  });

  test("a bad kind or as_of is 400 invalid_request naming the parameter", async () => {
    const badKind = await read("/v1/accounts/boat/R100001");
    assert.deepEqual([badKind.status, badKind.body.code], [400, "invalid_request"]);
    const badDate = await read("/v1/accounts/parcel/R100001?as_of=2026-02-30");
    assert.deepEqual([badDate.status, badDate.body.code, badDate.body.param], [400, "invalid_request", "as_of"]);
  });
});

describe("the protocol document", () => {
  test("the OpenAPI 3.1 document describes every route and every error code", async () => {
    const doc = (await app.inject({ url: "/openapi.json" })).json();
    assert.equal(doc.openapi, "3.1.0");
    for (const path of [
      "/healthz",
      "/v1/accounts/{kind}/{ref}",
      "/v1/payments",
      "/v1/payments/{payment_id}",
      "/v1/payments/{payment_id}/reversal",
      "/v1/exports/bills.csv",
      "/v1/exports/bills.txt",
      "/v1/imports/postings",
      "/admin/faults",
    ]) {
      assert.ok(doc.paths[path], `${path} is documented`);
    }
    const problem = doc.paths["/v1/payments"].post.responses["409"].content["application/json"].schema;
    assert.deepEqual(problem.properties.code.enum, sorErrorCodes);
  });

  test("healthz answers ok", async () => {
    assert.deepEqual(await read("/healthz"), { status: 200, body: { status: "ok" } });
  });
});
