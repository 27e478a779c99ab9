import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Database, HttpServer } from "../src/platform/index.ts";
import { parseCsv } from "../src/platform/index.ts";
import { decodeFixedWidth, fixedWidthLayout, fixedWidthRecordLength, parsePostingCsv } from "./files.ts";
import { buildTestServer, openFixtureDatabase, paymentBody } from "./testing.ts";

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

const importPostings = (csv: string) =>
  app.inject({ method: "POST", url: "/v1/imports/postings", headers: { "content-type": "text/csv" }, payload: csv });

describe("bill exports", () => {
  test("the CSV bill file has a header and one row per open account", async () => {
    const res = await app.inject({ url: "/v1/exports/bills.csv?kind=utility&as_of=2026-11-22" });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers["content-type"]), /^text\/csv/);
    const records = parseCsv(res.body);
    assert.deepEqual(records[0]?.fields, [
      "ref",
      "name",
      "address",
      "amount_due_cents",
      "past_due_cents",
      "due_date",
      "bill_date",
      "status",
    ]);
    assert.deepEqual(
      records.slice(1).map((r) => r.fields),
      [
        ["U0100001", "Fay Customer", "2 Water St", "15321", "10321", "2026-11-28", "2026-11-08", "past_due"],
        ["U0100002", "Gus Customer", "3 Water St", "19500", "19500", "2026-11-05", "2026-11-05", "disconnected"],
      ],
    );
  });

  test("the fixed-width bill file has 120-byte records and a trailer whose count and total match the details", async () => {
    for (const kind of ["utility", "parcel"]) {
      const res = await app.inject({ url: `/v1/exports/bills.txt?kind=${kind}&as_of=2026-11-22` });
      assert.equal(res.statusCode, 200);
      const records = res.body.split("\n");
      assert.equal(records.pop(), "", "the file ends with a line feed");
      for (const record of records) assert.equal(Buffer.byteLength(record, "ascii"), fixedWidthRecordLength);
      const header = decodeFixedWidth(fixedWidthLayout.header, records[0] ?? "");
      assert.deepEqual(header, { record_type: "H", county_name: "Demo County", account_kind: kind.toUpperCase(), as_of_date: "20261122" });
      const details = records.slice(1, -1).map((r) => decodeFixedWidth(fixedWidthLayout.detail, r));
      const trailer = decodeFixedWidth(fixedWidthLayout.trailer, records.at(-1) ?? "");
      assert.ok(details.length > 0);
      assert.equal(trailer.record_type, "T");
      assert.equal(trailer.record_count, details.length);
      assert.equal(
        trailer.total_amount_due_cents,
        details.reduce((sum, d) => sum + Number(d.amount_due_cents), 0),
      );
    }
    const utility = (await app.inject({ url: "/v1/exports/bills.txt?kind=utility&as_of=2026-11-22" })).body.split("\n");
    assert.equal(
      utility[1],
      `D${"U0100001".padEnd(20)}${"Fay Customer".padEnd(40)}000000015321000000010321${"20261128"}${"20261108"}${"PAST_DUE".padEnd(18)} `,
    );
  });

  test("the layout's fields tile each record exactly", () => {
    for (const fields of Object.values(fixedWidthLayout)) {
      let next = 1;
      for (const field of fields) {
        assert.equal(field.start, next, field.name);
        next += field.length;
      }
      assert.equal(next - 1, fixedWidthRecordLength);
    }
  });

  test("an export without a kind is 400 invalid_request", async () => {
    const res = await app.inject({ url: "/v1/exports/bills.csv" });
    assert.deepEqual([res.statusCode, res.json().code], [400, "invalid_request"]);
  });
});

describe("posting files", () => {
  test("each good row is applied like POST /v1/payments; bad rows are reported by line and never block the good ones", async () => {
    const already = await app.inject({
      method: "POST",
      url: "/v1/payments",
      payload: paymentBody({
        payment_id: "post_dup",
        kind: "parcel",
        ref: "R100003",
        amount_cents: 1_500,
        paid_at: "2026-11-19T15:00:00Z",
      }),
    });
    assert.equal(already.statusCode, 201);
    const owedBefore = (await app.inject({ url: "/v1/accounts/parcel/R100003?as_of=2026-11-20" })).json().amount_due_cents;
    const csv = [
      "payment_id,ref,amount_cents,paid_at,method",
      "post_ok_1,R100003,2500,2026-11-20T10:00:00-06:00,check",
      "post_bad_amount,R100003,12.50,2026-11-20T10:00:00-06:00,check",
      "post_no_account,R999999,100,2026-11-20T10:00:00-06:00,check",
      "post_dup,R100003,1500,2026-11-19T15:00:00Z,card",
      "post_dup,R100003,9999,2026-11-19T15:00:00Z,card",
      "post_bad_date,R100003,100,20/11/2026,check",
      "",
      '"post_ok_2",u0100001,"700",2026-11-20T10:00:00-06:00,ACH',
    ].join("\r\n");
    const res = await importPostings(csv);
    assert.equal(res.statusCode, 200);
    const report = res.json();
    assert.equal(report.accepted, 2);
    assert.equal(report.duplicates, 1);
    assert.deepEqual(
      report.rejected.map((r: { line: number; code: string }) => [r.line, r.code]),
      [
        [3, "invalid_row"],
        [4, "account_not_found"],
        [6, "payment_id_reused"],
        [7, "invalid_row"],
      ],
    );
    assert.deepEqual(
      report.receipts.map((r: { line: number; payment_id: string }) => [r.line, r.payment_id]),
      [
        [2, "post_ok_1"],
        [5, "post_dup"],
        [9, "post_ok_2"],
      ],
    );
    const owedAfter = (await app.inject({ url: "/v1/accounts/parcel/R100003?as_of=2026-11-20" })).json().amount_due_cents;
    assert.equal(owedAfter, owedBefore - 2_500);
    const landed = (await app.inject({ url: "/v1/payments/post_ok_2" })).json();
    assert.deepEqual([landed.kind, landed.ref, landed.method, landed.source], ["utility", "U0100001", "ach", "posting_file"]);

    const again = (await importPostings(csv)).json();
    assert.deepEqual([again.accepted, again.duplicates, again.rejected.length], [0, 3, 4]);
  });

  test("a posting file without the posting columns is refused whole with invalid_posting_file", async () => {
    const res = await importPostings("id,amount\n1,2\n");
    assert.deepEqual([res.statusCode, res.json().code], [400, "invalid_posting_file"]);
    assert.match(res.json().detail, /payment_id, ref, amount_cents, paid_at, method/);
  });

  test("the CSV reader keeps quoted commas, quotes and line breaks, and counts lines", () => {
    assert.deepEqual(parseCsv('a,"b,1","c ""q"""\r\n"x\ny",z\n'), [
      { line: 1, fields: ["a", "b,1", 'c "q"'] },
      { line: 2, fields: ["x\ny", "z"] },
    ]);
    const file = parsePostingCsv("method,paid_at,amount_cents,ref,payment_id,memo\ncheck,2026-11-20T10:00:00Z,100,R1000001,p1,hello\n");
    assert.ok(file.ok);
    assert.deepEqual(file.ok && file.rows.map((r) => [r.line, r.paymentId, r.ref, r.amountCents, r.method]), [
      [2, "p1", "R1000001", 100, "check"],
    ]);
  });
});
