import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { configureTestSystem } from "../accounts/index.ts";
import { createAgency } from "../agencies/index.ts";
import { getBalances, listAccounts, verifyLedger } from "../ledger/index.ts";
import { type Database, openTestDatabase, type RemitError } from "../platform/index.ts";
import { getPosting } from "../posting/index.ts";
import { newMasterKeyText, parseMasterKeys, readCardForProcessor, tokenizeCard } from "../vault/index.ts";
import {
  type CardDeps,
  captureCardTransaction,
  createCardTransaction,
  expireAuthorizations,
  getCardTransaction,
  listCardTransactions,
  type NewCardTransaction,
  refundCardTransaction,
  resolveInDoubt,
  settleCardTransactions,
  voidCardTransaction,
} from "./index.ts";
import { createCardProcessorSimulator, settlementDateOf } from "./processor/index.ts";

let db: Database;
let deps: CardDeps;
let agencyId: string;
let clock: Date;
const keys = parseMasterKeys(newMasterKeyText("v1"));
const account = { system: "property_tax", ref: "R000123" };
const timeoutMs = 150;

const later = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};

async function token(number = "4242424242424242", cvc = "123"): Promise<string> {
  const issued = await tokenizeCard(db, keys, agencyId, { number, expMonth: 12, expYear: 2030, cvc, postalCode: "78701" }, clock);
  return issued.id;
}

async function pay(input: Partial<NewCardTransaction> & { number?: string } = {}) {
  const { number, ...rest } = input;
  return createCardTransaction(deps, agencyId, {
    type: "sale",
    cardToken: await token(number),
    amountCents: 10_000,
    account,
    allowDuplicate: true,
    ...rest,
  });
}

const rejectsWith = (code: string) => (error: RemitError) => {
  assert.equal(error.code, code, error.message);
  return true;
};

/** Posted debits minus credits of the agency's card clearing account: what the processor owes the agency. */
async function clearingBalance(): Promise<number> {
  const clearing = (await listAccounts(db, agencyId, { limit: 100 })).accounts.find((a) => a.code === "card_clearing");
  return clearing ? (await getBalances(db, agencyId, clearing.id)).postedCents : 0;
}

before(async () => {
  db = await openTestDatabase();
});
after(() => db.close());
beforeEach(async () => {
  clock = new Date("2026-11-23T15:00:00Z");
  agencyId = (await createAgency(db, { name: "Card County" })).id;
  await configureTestSystem(db, agencyId);
  deps = {
    db,
    vaultKeys: keys,
    clock: () => clock,
    processor: createCardProcessorSimulator({ db, now: () => clock, timeoutMs, hangMs: timeoutMs * 3 }),
  };
});

describe("card sale", () => {
  test("an approved sale is captured, journaled and sent for posting, and the CVC is gone", async () => {
    const sale = await pay({ agencyTrackingId: "INV-1" });
    assert.equal(sale.status, "captured");
    assert.equal(sale.amountCapturedCents, 10_000);
    assert.match(sale.approvalCode ?? "", /^[0-9A-Z]{6}$/);
    assert.deepEqual(sale.card, { brand: "visa", last4: "4242", expMonth: 12, expYear: 2030 });
    assert.equal((await getPosting(db, agencyId, sale.id))?.status, "pending");
    assert.equal(await clearingBalance(), 10_000);
    assert.equal((await readCardForProcessor(db, keys, agencyId, sale.vaultCardId)).cvc, null);
    assert.equal((await verifyLedger(db)).ok, true);
  });

  test("each decline card is declined with its code, and nothing is journaled", async () => {
    const cases = [
      ["4000000000000002", "card_declined"],
      ["4000000000009995", "insufficient_funds"],
      ["4000000000000069", "expired_card"],
      ["4000000000000127", "incorrect_cvc"],
      ["4000000000000119", "processing_error"],
    ] as const;
    for (const [number, code] of cases) {
      const t = await pay({ number });
      assert.equal(t.status, "declined", number);
      assert.equal(t.declineCode, code);
      assert.equal(await getPosting(db, agencyId, t.id), undefined);
    }
    assert.equal(await clearingBalance(), 0);
  });

  test("a token works once", async () => {
    const cardToken = await token();
    await createCardTransaction(deps, agencyId, { type: "sale", cardToken, amountCents: 500 });
    await assert.rejects(
      createCardTransaction(deps, agencyId, { type: "sale", cardToken, amountCents: 500 }),
      rejectsWith("token_already_used"),
    );
  });

  test("another agency's token is not found", async () => {
    const cardToken = await token();
    const other = (await createAgency(db, { name: "Other County" })).id;
    await assert.rejects(createCardTransaction(deps, other, { type: "sale", cardToken, amountCents: 500 }), rejectsWith("token_not_found"));
  });

  test("the same card, account and amount within the window is a duplicate naming the first, unless allowed", async () => {
    const first = await pay({ allowDuplicate: false });
    later(60_000);
    await assert.rejects(pay({ allowDuplicate: false }), (error: RemitError) => {
      assert.equal(error.code, "duplicate_transaction");
      assert.equal(error.transactionId, first.id);
      return true;
    });
    assert.equal((await pay({ allowDuplicate: true })).status, "captured");
    assert.equal((await pay({ allowDuplicate: false, amountCents: 10_001 })).status, "captured", "another amount is no duplicate");
    later(10 * 60_000 + 1);
    assert.equal((await pay({ allowDuplicate: false })).status, "captured", "after the window it is no duplicate");
  });

  test("a refused duplicate leaves its token usable", async () => {
    await pay({ allowDuplicate: false });
    const cardToken = await token();
    const again = { type: "sale" as const, cardToken, amountCents: 10_000, account };
    await assert.rejects(createCardTransaction(deps, agencyId, again), rejectsWith("duplicate_transaction"));
    assert.equal((await createCardTransaction(deps, agencyId, { ...again, allowDuplicate: true })).status, "captured");
  });

  test("a force with an offline approval code is captured with that code", async () => {
    const t = await pay({ type: "force", approvalCode: "VOICE1" });
    assert.equal(t.status, "captured");
    assert.equal(t.approvalCode, "VOICE1");
    await assert.rejects(pay({ type: "force" }), rejectsWith("approval_code_required"));
  });
});

describe("authorization and capture", () => {
  test("a partial capture posts less and releases the rest", async () => {
    const auth = await pay({ type: "authorization" });
    assert.equal(auth.status, "authorized");
    assert.equal(await getPosting(db, agencyId, auth.id), undefined, "nothing is posted before a capture");
    await assert.rejects(captureCardTransaction(deps, agencyId, auth.id, 10_001), rejectsWith("insufficient_capturable_amount"));
    const captured = await captureCardTransaction(deps, agencyId, auth.id, 7_500);
    assert.equal(captured.status, "captured");
    assert.equal(captured.amountCapturedCents, 7_500);
    assert.equal((await getPosting(db, agencyId, auth.id))?.amountCents, 7_500);
    assert.equal(await clearingBalance(), 7_500);
    await assert.rejects(captureCardTransaction(deps, agencyId, auth.id, 100), rejectsWith("invalid_transaction_state"));
    assert.equal((await verifyLedger(db)).ok, true);
  });

  test("a void releases an authorization; a voided one cannot be captured", async () => {
    const auth = await pay({ type: "authorization" });
    const voided = await voidCardTransaction(deps, agencyId, auth.id);
    assert.equal(voided.status, "voided");
    await assert.rejects(captureCardTransaction(deps, agencyId, auth.id, undefined), rejectsWith("invalid_transaction_state"));
    assert.equal(await clearingBalance(), 0);
  });

  test("an authorization not captured in 7 days expires", async () => {
    const auth = await pay({ type: "authorization" });
    later(7 * 24 * 3600_000 - 1000);
    assert.equal(await expireAuthorizations(deps), 0);
    later(2000);
    assert.equal(await expireAuthorizations(deps), 1);
    assert.equal((await getCardTransaction(db, agencyId, auth.id)).status, "expired");
    assert.equal((await verifyLedger(db)).ok, true);
  });
});

describe("void and refund", () => {
  test("a void before settlement reverses the capture and its posting", async () => {
    const sale = await pay();
    const voided = await voidCardTransaction(deps, agencyId, sale.id);
    assert.equal(voided.status, "voided");
    assert.equal((await getPosting(db, agencyId, sale.id))?.status, "reversal_pending");
    assert.equal(await clearingBalance(), 0);
  });

  test("refunds are partial and repeated, never more than captured, and re-post what remains", async () => {
    const sale = await pay();
    const first = await refundCardTransaction(deps, agencyId, sale.id, { amountCents: 3_000 });
    assert.equal(first.status, "succeeded");
    assert.equal((await getPosting(db, agencyId, sale.id))?.status, "reversal_pending");
    assert.equal((await getPosting(db, agencyId, first.id))?.amountCents, 7_000);
    await assert.rejects(
      refundCardTransaction(deps, agencyId, sale.id, { amountCents: 7_001 }),
      rejectsWith("insufficient_refundable_amount"),
    );
    const rest = await refundCardTransaction(deps, agencyId, sale.id, {});
    assert.equal(rest.amountCents, 7_000);
    const t = await getCardTransaction(db, agencyId, sale.id);
    assert.equal(t.amountRefundedCents, 10_000);
    assert.equal(t.postingPaymentId, null);
    assert.equal(await clearingBalance(), 0);
    await assert.rejects(voidCardTransaction(deps, agencyId, sale.id), rejectsWith("invalid_transaction_state"));
    assert.equal((await verifyLedger(db)).ok, true);
  });

  test("after settlement a void is refused and a refund works", async () => {
    const sale = await pay();
    later(36 * 3600_000);
    // The report covers the processor's whole day, other agencies' captures included.
    assert.ok((await settleCardTransactions(deps, settlementDateOf(sale.createdAt))) >= 1);
    assert.equal((await getCardTransaction(db, agencyId, sale.id)).status, "settled");
    await assert.rejects(voidCardTransaction(deps, agencyId, sale.id), rejectsWith("invalid_transaction_state"));
    assert.equal((await refundCardTransaction(deps, agencyId, sale.id, { amountCents: 100 })).status, "succeeded");
  });

  test("concurrent refunds never exceed what was captured", {
    skip: !process.env.DATABASE_URL && "needs PostgreSQL for real concurrency",
  }, async () => {
    const sale = await pay();
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => refundCardTransaction(deps, agencyId, sale.id, { amountCents: 3_000 })),
    );
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 3);
    assert.equal((await getCardTransaction(db, agencyId, sale.id)).amountRefundedCents, 9_000);
    assert.equal(await clearingBalance(), 1_000);
  });
});

describe("outcomes the processor did not give in time", () => {
  test("no answer, later found approved: unknown until the inquiry, then captured and posted", async () => {
    const t = await pay({ number: "4000000000000408" });
    assert.equal(t.status, "authorizing");
    assert.equal(await clearingBalance(), 0, "nothing is journaled while the outcome is unknown");
    assert.equal(await resolveInDoubt(deps, 60_000), 0, "a call this recent is left alone");
    await new Promise((r) => setTimeout(r, timeoutMs * 3));
    later(1000);
    assert.equal(await resolveInDoubt(deps, 500), 1);
    const resolved = await getCardTransaction(db, agencyId, t.id);
    assert.equal(resolved.status, "captured");
    assert.equal((await getPosting(db, agencyId, t.id))?.status, "pending");
    assert.equal(await clearingBalance(), 10_000);
  });

  test("no answer, later found never processed: unknown, then declined with no money taken", async () => {
    const t = await pay({ number: "4000000000000416" });
    assert.equal(t.status, "authorizing");
    await new Promise((r) => setTimeout(r, timeoutMs * 3));
    later(1000);
    assert.equal(await resolveInDoubt(deps, 500), 1);
    const resolved = await getCardTransaction(db, agencyId, t.id);
    assert.equal(resolved.status, "declined");
    assert.equal(resolved.declineCode, "processing_error");
    assert.equal(await clearingBalance(), 0);
  });
});

describe("inquiry", () => {
  test("lists newest first, filters, and pages by cursor without repeats", async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      made.push((await pay({ amountCents: 100 + i, agencyTrackingId: i % 2 === 0 ? "EVEN" : "ODD" })).id);
      later(1000);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await listCardTransactions(db, agencyId, { limit: 2, startingAfter: cursor });
      seen.push(...page.data.map((t) => t.id));
      if (!page.hasMore) break;
      cursor = page.data.at(-1)?.id;
    }
    assert.deepEqual(seen, [...made].reverse());
    const even = await listCardTransactions(db, agencyId, { limit: 10, agencyTrackingId: "EVEN" });
    assert.equal(even.data.length, 3);
    const other = (await createAgency(db, { name: "Nosy County" })).id;
    assert.equal((await listCardTransactions(db, other, { limit: 10 })).data.length, 0);
    await assert.rejects(getCardTransaction(db, other, made[0] as string), rejectsWith("card_transaction_not_found"));
  });
});
