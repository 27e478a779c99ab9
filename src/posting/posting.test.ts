import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { configureTestSystem, type SorResult, type SystemOfRecordConnector } from "../accounts/index.ts";
import { createAgency } from "../agencies/index.ts";
import { recordCounterPayment, voidCounterPayment } from "../counter/index.ts";
import { verifyLedger } from "../ledger/index.ts";
import { dispatchDue, listDeadLetters, replayDeadLetter } from "../outbox/index.ts";
import { createLogger, type Database, openTestDatabase } from "../platform/index.ts";
import { getPosting, postingHandlers, unpostedCents } from "./index.ts";

/** A system of record that keeps payments by id, as the real protocol requires, and can be told to fail. */
class FakeSor implements SystemOfRecordConnector {
  payments = new Map<string, { amountCents: number; reversed: boolean }>();
  postCalls = 0;
  next: "ok" | "down" | "reject" = "ok";
  async readBalance(): Promise<SorResult<never>> {
    return { ok: false, retryable: false, code: "not_used", detail: "" };
  }
  async post(request: { paymentId: string; amountCents: number }): Promise<SorResult<{ receiptNumber: string }>> {
    this.postCalls++;
    if (this.next === "down") return { ok: false, retryable: true, code: "sor_unavailable", detail: "down" };
    if (this.next === "reject") return { ok: false, retryable: false, code: "account_closed", detail: "closed" };
    if (!this.payments.has(request.paymentId)) this.payments.set(request.paymentId, { amountCents: request.amountCents, reversed: false });
    return { ok: true, value: { receiptNumber: `R-${request.paymentId}` } };
  }
  async reverse(paymentId: string): Promise<SorResult<{ receiptNumber: string | null }>> {
    if (this.next === "down") return { ok: false, retryable: true, code: "sor_unavailable", detail: "down" };
    const payment = this.payments.get(paymentId);
    if (payment) payment.reversed = true;
    return { ok: true, value: { receiptNumber: payment ? `V-${paymentId}` : null } };
  }
}

let db: Database;
let sor: FakeSor;
let agencyId: string;
let clock = new Date("2026-11-22T15:00:00Z");
const logger = createLogger({ destination: () => {} });
const account = { system: "property_tax", ref: "R000123" };

const dispatch = (at = clock) => dispatchDue(db, postingHandlers(db, { connectorFor: () => sor }), at, logger, { random: () => 0 });
const later = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
  return clock;
};

before(async () => {
  db = await openTestDatabase();
});
after(() => db.close());
beforeEach(async () => {
  sor = new FakeSor();
  agencyId = (await createAgency(db, { name: "Posting County" })).id;
  await configureTestSystem(db, agencyId);
});

const pay = (amountCents = 12_500) => recordCounterPayment(db, agencyId, { method: "cash", amountCents, account }, clock);

describe("posting engine", () => {
  test("a recorded payment is posted once to its system of record and the ledger balances", async () => {
    const payment = await pay();
    assert.equal((await getPosting(db, agencyId, payment.id))?.status, "pending");
    assert.equal(await unpostedCents(db, agencyId, account), 12_500);

    assert.equal(await dispatch(), 1);
    const posting = await getPosting(db, agencyId, payment.id);
    assert.equal(posting?.status, "posted");
    assert.equal(posting?.sorReference, `R-${payment.id}`);
    assert.equal(sor.postCalls, 1);
    assert.equal(await unpostedCents(db, agencyId, account), 0);
    assert.equal(await dispatch(later(60_000)), 0, "nothing is posted twice");
    assert.equal((await verifyLedger(db)).ok, true);
  });

  test("while the system is down the posting is retried with backoff, then posted", async () => {
    const payment = await pay();
    sor.next = "down";
    await dispatch();
    assert.equal((await getPosting(db, agencyId, payment.id))?.status, "pending");
    assert.equal(await dispatch(), 0, "not retried before its backoff");
    sor.next = "ok";
    assert.equal(await dispatch(later(10_000)), 1);
    assert.equal((await getPosting(db, agencyId, payment.id))?.status, "posted");
    assert.equal(sor.payments.size, 1);
  });

  test("a posting the system refuses fails into a dead letter that can be replayed", async () => {
    const payment = await pay();
    sor.next = "reject";
    await dispatch();
    const posting = await getPosting(db, agencyId, payment.id);
    assert.equal(posting?.status, "failed");
    assert.match(posting?.lastError ?? "", /account_closed/);
    const [letter] = await listDeadLetters(db, agencyId);
    assert.equal(letter?.topic, "posting.post");
    assert.equal(await unpostedCents(db, agencyId, account), 12_500, "the payer paid even though posting failed");

    sor.next = "ok";
    await replayDeadLetter(db, agencyId, letter?.id ?? "", clock);
    await dispatch();
    assert.equal((await getPosting(db, agencyId, payment.id))?.status, "posted");
    assert.deepEqual(await listDeadLetters(db, agencyId), []);
  });

  test("after its attempt budget a posting that keeps timing out is dead-lettered with its last error", async () => {
    const payment = await pay();
    sor.next = "down";
    for (let i = 0; i < 20; i++) await dispatch(later(10 * 60_000));
    const [letter] = await listDeadLetters(db, agencyId);
    assert.match(letter?.lastError ?? "", /gave up after 20 attempts/);
    assert.equal((await getPosting(db, agencyId, payment.id))?.status, "pending");
  });

  test("when a failing system answers again, the backlog is posted at once instead of after its backoff", async () => {
    sor.next = "down";
    const first = await pay();
    const second = await pay(100);
    await dispatch();
    await dispatch(later(1_000));
    sor.next = "ok";
    // Only the first is due again; its success brings the second forward.
    await db.query(
      "UPDATE outbox_messages SET available_at = available_at + interval '1 hour' WHERE agency_id = $1 AND payload->>'paymentId' = $2",
      [agencyId, second.id],
    );
    await dispatch(later(5_000));
    await dispatch();
    assert.equal((await getPosting(db, agencyId, first.id))?.status, "posted");
    assert.equal((await getPosting(db, agencyId, second.id))?.status, "posted");
  });

  test("voiding a posted payment reverses it in the system of record", async () => {
    const payment = await pay();
    await dispatch();
    await voidCounterPayment(db, agencyId, payment.id, clock);
    await dispatch();
    assert.equal((await getPosting(db, agencyId, payment.id))?.status, "reversed");
    assert.equal(sor.payments.get(payment.id)?.reversed, true);
    assert.equal((await verifyLedger(db)).ok, true);
  });

  test("voiding before the post went out means the post is never sent", async () => {
    const payment = await pay();
    await voidCounterPayment(db, agencyId, payment.id, clock);
    await dispatch();
    await dispatch(later(1_000));
    assert.equal((await getPosting(db, agencyId, payment.id))?.status, "reversed");
    assert.equal(sor.postCalls, 0);
  });

  test("a reversal waits while the post is still being retried, without using up its attempts", async () => {
    const payment = await pay();
    sor.next = "down";
    await dispatch();
    await voidCounterPayment(db, agencyId, payment.id, clock);
    sor.next = "ok";
    for (let i = 0; i < 20; i++) await dispatch(later(300));
    assert.equal((await getPosting(db, agencyId, payment.id))?.status, "reversed");
    assert.equal(sor.payments.has(payment.id), false, "the post was skipped once the reversal was asked");
    assert.deepEqual(await listDeadLetters(db, agencyId), []);
  });
});
