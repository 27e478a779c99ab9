import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Database } from "../src/platform/index.ts";
import { postPayment, readAccount } from "./store.ts";
import { openFixtureDatabase, testNow, testToday } from "./testing.ts";

let db: Database;

before(async () => {
  db = await openFixtureDatabase();
});
after(() => db.close());

const payment = (paymentId: string, amountCents: number) => ({
  paymentId,
  kind: "parcel" as const,
  ref: "R100002",
  amountCents,
  paidAt: testNow(),
  method: "cash",
});

test("a payment computed on an account that another payment changed meanwhile is applied again on the new state", async () => {
  const before = await readAccount(db, "parcel", "R100002", testToday);
  assert.ok(before);
  // Another payment to the same account lands between this post's read of the account and its write.
  let interleaved = false;
  const racing: Database = {
    ...db,
    query: async (text, params) => {
      const rows = await db.query(text, params);
      if (!interleaved && text.includes("payment_exists")) {
        interleaved = true;
        await postPayment(db, payment("pay_store_other", 1_000), "api");
      }
      return rows as never;
    },
  };
  const first = await postPayment(racing, payment("pay_store_stale", 2_000), "api");
  assert.equal(interleaved, true);
  assert.equal(first.outcome, "created");
  const other = await db.query<{ amount_due_after_cents: number }>(
    "SELECT amount_due_after_cents FROM reference_sor.payments WHERE payment_id = 'pay_store_other'",
  );
  assert.equal(
    first.payment.amountDueAfterCents,
    (other[0]?.amount_due_after_cents ?? 0) - 2_000,
    "allocated after the other payment, not on the state read before it",
  );
  const after = await readAccount(db, "parcel", "R100002", testToday);
  assert.ok(after);
  const lines = after.state.lines.filter((l) => l.component !== "credit").reduce((sum, l) => sum + l.amountCents, 0);
  const linesBefore = before.state.lines.filter((l) => l.component !== "credit").reduce((sum, l) => sum + l.amountCents, 0);
  assert.equal(lines - linesBefore, 3_000, "both payments applied, each once");
});
