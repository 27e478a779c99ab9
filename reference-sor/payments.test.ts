import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Database, HttpServer } from "../src/platform/index.ts";
import { quote } from "../src/rules/index.ts";
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

const post = (body: object) => app.inject({ method: "POST", url: "/v1/payments", payload: body });
const reverse = (id: string, reason = "returned R01") =>
  app.inject({ method: "POST", url: `/v1/payments/${id}/reversal`, payload: { reason } });
const account = async (kind: string, ref: string, asOf = "2026-11-20") =>
  (await app.inject({ url: `/v1/accounts/${kind}/${ref}?as_of=${asOf}` })).json();
const events = async (kind: string, ref: string) =>
  (await app.inject({ url: `/v1/accounts/${kind}/${ref}/events` })).json().data as { type: string; payment_id: string }[];
const paymentCount = async () => (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM reference_sor.payments"))[0]?.n;

type Line = { component: string; tax_year?: number; amount_cents: number; charge_id: string | null };
const lines = (body: { applied: Line[] }) => body.applied.map((l) => [l.component, l.tax_year ?? l.charge_id, l.amount_cents]);

describe("posting a payment", () => {
  test("a parcel payment goes to the oldest year first: fees, interest, penalty, then tax, with P&I as of the paid date", async () => {
    const before = await account("parcel", "R100001");
    const q = quote({ rules: "TX", amountCents: 250_000, taxYear: 2025, asOf: "2026-11-20" }).components;
    const res = await post(paymentBody({ payment_id: "pay_order_1", kind: "parcel", ref: "R100001", amount_cents: 300_000 }));
    assert.equal(res.statusCode, 201);
    const body = res.json();
    assert.match(body.receipt_number, /^DC-\d{8}$/);
    assert.deepEqual(lines(body), [
      ["fees", 2025, q.feesCents],
      ["interest", 2025, q.interestCents],
      ["penalty", 2025, q.penaltyCents],
      ["tax", 2025, 300_000 - q.feesCents - q.interestCents - q.penaltyCents],
    ]);
    assert.equal(body.amount_due_after_cents, before.amount_due_cents - 300_000);
    assert.equal((await account("parcel", "R100001")).amount_due_cents, before.amount_due_cents - 300_000);
  });

  test("replaying a payment_id with the same fields answers 200 with the same receipt and changes nothing", async () => {
    const body = paymentBody({ payment_id: "pay_replay_1", kind: "parcel", ref: "R100003", amount_cents: 10_000 });
    const first = await post(body);
    assert.equal(first.statusCode, 201);
    const balance = (await account("parcel", "R100003")).amount_due_cents;
    const count = await paymentCount();
    // The same instant written in the county's offset is the same payment.
    const replay = await post({ ...body, paid_at: "2026-11-20T12:00:00-06:00" });
    assert.equal(replay.statusCode, 200);
    assert.deepEqual(replay.json(), first.json());
    assert.equal((await account("parcel", "R100003")).amount_due_cents, balance);
    assert.equal(await paymentCount(), count);
  });

  test("a payment_id reused with other fields is refused 409 payment_id_reused", async () => {
    await post(paymentBody({ payment_id: "pay_reuse_1", kind: "parcel", ref: "R100003", amount_cents: 1_000 }));
    for (const change of [{ amount_cents: 1_001 }, { ref: "R100001" }, { method: "ach" }, { paid_at: "2026-11-21T18:00:00Z" }]) {
      const res = await post({
        ...paymentBody({ payment_id: "pay_reuse_1", kind: "parcel", ref: "R100003", amount_cents: 1_000 }),
        ...change,
      });
      assert.equal(res.statusCode, 409, JSON.stringify(change));
      assert.equal(res.json().code, "payment_id_reused");
    }
  });

  test("a payment to an unknown account is 404 account_not_found and records nothing", async () => {
    const count = await paymentCount();
    const res = await post(paymentBody({ payment_id: "pay_nobody", kind: "parcel", ref: "R999999", amount_cents: 100 }));
    assert.deepEqual([res.statusCode, res.json().code], [404, "account_not_found"]);
    assert.equal(await paymentCount(), count);
    assert.equal((await app.inject({ url: "/v1/payments/pay_nobody" })).statusCode, 404);
  });

  test("a malformed payment is 400 invalid_request naming the field", async () => {
    for (const [body, param] of [
      [{ ...paymentBody({ payment_id: "p", kind: "parcel", ref: "R100001", amount_cents: 0 }) }, "amount_cents"],
      [{ ...paymentBody({ payment_id: "p", kind: "parcel", ref: "R100001", amount_cents: 5 }), paid_at: "yesterday" }, "paid_at"],
      [{ kind: "parcel", ref: "R100001", amount_cents: 5, paid_at: "2026-11-20T18:00:00Z", method: "card" }, "payment_id"],
    ] as const) {
      const res = await post(body);
      assert.deepEqual([res.statusCode, res.json().code, res.json().param], [400, "invalid_request", param]);
    }
  });

  test("an overpayment is accepted and held as a credit on the account", async () => {
    const owed = (await account("parcel", "R100002")).amount_due_cents;
    const res = await post(paymentBody({ payment_id: "pay_over_1", kind: "parcel", ref: "R100002", amount_cents: owed + 5_000 }));
    assert.equal(res.statusCode, 201);
    const body = res.json();
    assert.equal(body.credit_cents, 5_000);
    assert.deepEqual(body.applied.at(-1), { label: "Credit on account", charge_id: null, component: "credit", amount_cents: 5_000 });
    assert.equal(body.amount_due_after_cents, 0);
    const after = await account("parcel", "R100002");
    assert.deepEqual([after.amount_due_cents, after.credit_cents, after.status], [0, 5_000, "paid"]);
  });

  test("a payment can be looked up by its payment_id, to learn whether a post that timed out landed", async () => {
    const created = (await post(paymentBody({ payment_id: "pay_lookup_1", kind: "permit", ref: "P2026-90001", amount_cents: 100 }))).json();
    const res = await app.inject({ url: "/v1/payments/pay_lookup_1" });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), created);
    assert.deepEqual([created.status, created.reversed, created.source], ["applied", false, "api"]);
    const missing = await app.inject({ url: "/v1/payments/pay_never" });
    assert.deepEqual([missing.statusCode, missing.json().code], [404, "payment_not_found"]);
  });

  test("payments to one account at the same time each apply once, one after another", async () => {
    const before = (await account("parcel", "R100003")).amount_due_cents;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        post(paymentBody({ payment_id: `pay_race_${i}`, kind: "parcel", ref: "R100003", amount_cents: 1_000 })),
      ),
    );
    assert.deepEqual(
      results.map((r) => r.statusCode),
      Array(10).fill(201),
    );
    assert.equal(new Set(results.map((r) => r.json().receipt_number)).size, 10);
    assert.equal((await account("parcel", "R100003")).amount_due_cents, before - 10_000);
    const afters = results.map((r) => r.json().amount_due_after_cents).sort((a, b) => b - a);
    assert.deepEqual(
      afters,
      Array.from({ length: 10 }, (_, i) => before - 1_000 * (i + 1)),
    );
  });

  test("the same payment_id sent twice at once lands once", async () => {
    const body = paymentBody({ payment_id: "pay_twin_1", kind: "parcel", ref: "R100001", amount_cents: 2_000 });
    const [a, b] = await Promise.all([post(body), post(body)]);
    assert.deepEqual([a?.statusCode, b?.statusCode].sort(), [200, 201]);
    assert.equal(a?.json().receipt_number, b?.json().receipt_number);
    const rows = await db.query("SELECT 1 FROM reference_sor.payments WHERE payment_id = 'pay_twin_1'");
    assert.equal(rows.length, 1);
  });
});

describe("reversing a payment", () => {
  test("a reversal restores the balance, and a second reversal answers the same", async () => {
    const before = (await account("court_case", "CR-2020-000002")).amount_due_cents;
    const paid = (
      await post(paymentBody({ payment_id: "pay_rev_1", kind: "court_case", ref: "CR-2020-000002", amount_cents: 5_000 }))
    ).json();
    assert.equal((await account("court_case", "CR-2020-000002")).amount_due_cents, before - 5_000);
    const first = await reverse("pay_rev_1");
    assert.equal(first.statusCode, 200);
    const { reversed_at, ...rest } = first.json<{ reversed_at: string }>();
    assert.deepEqual(rest, { payment_id: "pay_rev_1", reversed: true, receipt_number: paid.receipt_number, reason: "returned R01" });
    assert.ok(!Number.isNaN(Date.parse(reversed_at)));
    assert.equal((await account("court_case", "CR-2020-000002")).amount_due_cents, before);
    const second = await reverse("pay_rev_1", "another reason");
    assert.deepEqual(second.json(), first.json());
    assert.equal((await account("court_case", "CR-2020-000002")).amount_due_cents, before);
    const looked = (await app.inject({ url: "/v1/payments/pay_rev_1" })).json();
    assert.deepEqual([looked.status, looked.reversed, looked.reversal_reason], ["reversed", true, "returned R01"]);
  });

  test("reversing an unknown payment is 404 payment_not_found", async () => {
    const res = await reverse("pay_unknown");
    assert.deepEqual([res.statusCode, res.json().code], [404, "payment_not_found"]);
  });

  test("replaying a reversed payment answers its first receipt and does not apply it again", async () => {
    const body = paymentBody({ payment_id: "pay_rev_replay", kind: "court_case", ref: "CR-2020-000002", amount_cents: 700 });
    const first = (await post(body)).json();
    await reverse("pay_rev_replay");
    const before = (await account("court_case", "CR-2020-000002")).amount_due_cents;
    const replay = await post(body);
    assert.deepEqual([replay.statusCode, replay.json().receipt_number, replay.json().status], [200, first.receipt_number, "reversed"]);
    assert.equal((await account("court_case", "CR-2020-000002")).amount_due_cents, before);
  });
});

describe("each kind's rules", () => {
  test("a court payment follows the waterfall of each assessment's date: a 2016 cost shares the fines' pro-rata tier, a 2020 cost waits", async () => {
    const res = await post(paymentBody({ payment_id: "pay_court_1", kind: "court_case", ref: "CR-2016-000001", amount_cents: 40_000 }));
    assert.equal(res.statusCode, 201);
    // Restitution 100.00, surcharge 20.00, then 280.00 pro rata over fine 100 + PA 300 + 2016 cost 40 + 2020 fine 60.
    assert.deepEqual(lines(res.json()), [
      ["principal", "CR-2016-000001-1", 10_000],
      ["fees", "CR-2016-000001-2", 2_000],
      ["principal", "CR-2016-000001-3", 5_600],
      ["penalty", "CR-2016-000001-4", 16_800],
      ["fees", "CR-2016-000001-5", 2_240],
      ["principal", "CR-2016-000001-7", 3_360],
    ]);
    const after = await account("court_case", "CR-2016-000001");
    const cost2020 = after.assessments.find((a: { assessment_id: string }) => a.assessment_id === "CR-2016-000001-6");
    assert.deepEqual([cost2020.paid_cents, cost2020.balance_cents], [0, 6_000]);
  });

  test("a utility payment pays the oldest bill's late fee, the bill, then the next bill", async () => {
    const res = await post(paymentBody({ payment_id: "pay_util_1", kind: "utility", ref: "U0100001", amount_cents: 12_000 }));
    assert.deepEqual(lines(res.json()), [
      ["fees", "U0100001-2026-10", 321],
      ["principal", "U0100001-2026-10", 10_000],
      ["principal", "U0100001-2026-11", 1_679],
    ]);
  });

  test("covering the disconnect amount makes a utility account reconnect-eligible with an event; reversing that payment flags it again", async () => {
    const partial = await post(paymentBody({ payment_id: "pay_recon_1", kind: "utility", ref: "U0100002", amount_cents: 10_000 }));
    assert.equal(partial.statusCode, 201);
    assert.deepEqual([(await account("utility", "U0100002")).status, (await events("utility", "U0100002")).length], ["disconnected", 0]);

    await post(paymentBody({ payment_id: "pay_recon_2", kind: "utility", ref: "U0100002", amount_cents: 9_500 }));
    const eligible = await account("utility", "U0100002");
    assert.deepEqual([eligible.status, eligible.reconnect_eligible, eligible.amount_due_cents], ["reconnect_eligible", true, 0]);
    assert.deepEqual(
      (await events("utility", "U0100002")).map((e) => [e.type, e.payment_id]),
      [["reconnect_eligible", "pay_recon_2"]],
    );

    await reverse("pay_recon_2", "NSF");
    const flagged = await account("utility", "U0100002");
    assert.deepEqual([flagged.status, flagged.reconnect_eligible, flagged.amount_due_cents], ["disconnected", false, 9_500]);
    assert.deepEqual(
      (await events("utility", "U0100002")).map((e) => [e.type, e.payment_id]),
      [
        ["reconnect_eligibility_revoked", "pay_recon_2"],
        ["reconnect_eligible", "pay_recon_2"],
      ],
    );
  });

  test("a permit is issued when its fee is paid in full, and goes back to pending if that payment is reversed", async () => {
    const owed = (await account("permit", "P2026-90001")).amount_due_cents;
    await post(paymentBody({ payment_id: "pay_permit_1", kind: "permit", ref: "P2026-90001", amount_cents: owed - 5_000 }));
    assert.equal((await account("permit", "P2026-90001")).status, "pending_payment");
    await post(paymentBody({ payment_id: "pay_permit_2", kind: "permit", ref: "P2026-90001", amount_cents: 5_000 }));
    const issued = await account("permit", "P2026-90001");
    assert.deepEqual([issued.status, issued.amount_due_cents, issued.paid_cents], ["issued", 0, 25_000]);
    assert.ok(issued.issued_at);
    assert.deepEqual(
      (await events("permit", "P2026-90001")).map((e) => e.type),
      ["permit_issued"],
    );
    await reverse("pay_permit_2");
    const pending = await account("permit", "P2026-90001");
    assert.deepEqual([pending.status, pending.amount_due_cents, pending.issued_at], ["pending_payment", 5_000, null]);
    assert.deepEqual(
      (await events("permit", "P2026-90001")).map((e) => e.type),
      ["permit_issue_revoked", "permit_issued"],
    );
  });
});
