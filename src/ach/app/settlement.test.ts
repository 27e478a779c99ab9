import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { getBalances, listAccounts, verifyLedger } from "../../ledger/index.ts";
import { type Database, openTestDatabase } from "../../platform/index.ts";
import { getPosting } from "../../posting/index.ts";
import { findEntry } from "../adapters/entry-store.ts";
import { cutFiles } from "./file-cuts.ts";
import { insertTestEntry, setUpAgency, type TestAgency, testAccounts } from "./file-test-fixtures.ts";
import { settleEntries } from "./settlement.ts";

let db: Database;
before(async () => {
  db = await openTestDatabase();
});
after(() => db.close());

/** Thursday, May 14, 2026, 16:50 New York: the next-day file is cut; its entries settle Friday the 15th at 08:30. */
const thursdayCut = new Date("2026-05-14T20:50:00Z");

async function clearing(a: TestAgency) {
  const account = (await listAccounts(db, a.agencyId, { limit: 100 })).accounts.find((x) => x.code === "ach_clearing");
  assert.ok(account);
  return getBalances(db, a.agencyId, account.id);
}

describe("settlement", () => {
  test("next-day entries settle at 08:30 New York on their date, and their pending journal posts", async () => {
    const a = await setUpAgency(db);
    const debit = await insertTestEntry(
      db,
      a,
      { accountNumber: testAccounts.good, amountCents: 12_500, effectiveDate: "2026-05-15" },
      thursdayCut,
    );
    const prenote = await insertTestEntry(db, a, { accountNumber: "13579135", kind: "prenote", effectiveDate: "2026-05-15" }, thursdayCut);
    await cutFiles({ db }, thursdayCut);

    assert.equal(await settleEntries({ db }, new Date("2026-05-15T12:29:00Z")), 0, "08:29: not yet");
    const at = new Date("2026-05-15T12:30:00Z");
    assert.equal(await settleEntries({ db }, at), 2);
    const settled = await findEntry(db, a.agencyId, debit.id);
    assert.equal(settled?.status, "settled");
    assert.equal(settled?.settledAt?.getTime(), at.getTime());
    assert.equal((await findEntry(db, a.agencyId, prenote.id))?.status, "settled");
    const balances = await clearing(a);
    assert.equal(balances.debitsPostedCents, 12_500);
    assert.equal(balances.debitsPendingCents - balances.creditsPendingCents, 0, "the reservation is released as it posts");
    assert.equal(await settleEntries({ db }, new Date("2026-05-15T13:00:00Z")), 0, "settled once");
    assert.equal((await verifyLedger(db)).ok, true);
  });

  test("an agency that posts on settlement asks for the posting when the entry settles, not before", async () => {
    const a = await setUpAgency(db, { postingPolicy: "on_settlement" });
    const debit = await insertTestEntry(db, a, { accountNumber: testAccounts.good, effectiveDate: "2026-05-15" }, thursdayCut);
    const noAccount = await insertTestEntry(db, a, { accountNumber: "24242424", effectiveDate: "2026-05-15", account: null }, thursdayCut);
    await cutFiles({ db }, thursdayCut);
    assert.equal(await getPosting(db, a.agencyId, debit.id), undefined);
    await settleEntries({ db }, new Date("2026-05-15T12:30:00Z"));
    assert.equal((await getPosting(db, a.agencyId, debit.id))?.status, "pending");
    assert.equal((await findEntry(db, a.agencyId, debit.id))?.postingPaymentId, debit.id);
    assert.equal(await getPosting(db, a.agencyId, noAccount.id), undefined, "a debit to no account posts nothing");
  });

  test("a same-day entry settles at its window's settlement time", async () => {
    const a = await setUpAgency(db, { sameDayCutoffs: ["10:00"] });
    const debit = await insertTestEntry(db, a, { accountNumber: "97979797", effectiveDate: "2026-05-14", sameDay: true }, thursdayCut);
    assert.equal(await cutFiles({ db }, new Date("2026-05-14T13:50:00Z")), 1, "09:50: the window 1 file");
    assert.equal(await settleEntries({ db }, new Date("2026-05-14T16:59:00Z")), 0, "12:59: not yet");
    assert.equal(await settleEntries({ db }, new Date("2026-05-14T17:00:00Z")), 1, "13:00: window 1 settles");
    assert.equal((await findEntry(db, a.agencyId, debit.id))?.status, "settled");
  });
});
