import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createAgency } from "../agencies/index.ts";
import { type Database, openTestDatabase, RemitError } from "../platform/index.ts";
import { expirePendingTransfers, expiryVoidId, getBalances, openAccount, transfer, verifyLedger } from "./index.ts";

let db: Database;
before(async () => {
  db = await openTestDatabase();
});
after(() => db.close());

const now = new Date("2026-11-22T12:00:00Z");

async function agencyWithAccounts() {
  const agency = await createAgency(db, { name: "Ledger County" });
  const cash = await openAccount(db, agency.id, { fund: "general", code: "cash", name: "Cash", normalSide: "debit" });
  const revenue = await openAccount(db, agency.id, { fund: "general", code: "revenue", name: "Revenue", normalSide: "credit" });
  return { agencyId: agency.id, cash: cash.id, revenue: revenue.id };
}

function rejectsWith(code: string) {
  return (error: unknown) => error instanceof RemitError && error.code === code;
}

describe("ledger", () => {
  test("a posted transfer moves money between two accounts and balances on their normal sides", async () => {
    const { agencyId, cash, revenue } = await agencyWithAccounts();
    await transfer(db, agencyId, { id: "t1", kind: "posted", debitAccountId: cash, creditAccountId: revenue, amountCents: 12_345 }, now);
    const cashBalances = await getBalances(db, agencyId, cash);
    const revenueBalances = await getBalances(db, agencyId, revenue);
    assert.equal(cashBalances.postedCents, 12_345);
    assert.equal(cashBalances.debitsPostedCents, 12_345);
    assert.equal(revenueBalances.postedCents, 12_345);
    assert.equal(revenueBalances.creditsPostedCents, 12_345);
  });

  test("the same transfer id with the same fields returns the first result and moves money once", async () => {
    const { agencyId, cash, revenue } = await agencyWithAccounts();
    const request = { id: "pay-1", kind: "posted", debitAccountId: cash, creditAccountId: revenue, amountCents: 500 } as const;
    const first = await transfer(db, agencyId, request, now);
    const second = await transfer(db, agencyId, request, now);
    assert.equal(first.replayed, false);
    assert.equal(second.replayed, true);
    assert.deepEqual(second.transfer, first.transfer);
    assert.equal((await getBalances(db, agencyId, cash)).postedCents, 500);
  });

  test("the same transfer id with a different amount is refused", async () => {
    const { agencyId, cash, revenue } = await agencyWithAccounts();
    await transfer(db, agencyId, { id: "pay-1", kind: "posted", debitAccountId: cash, creditAccountId: revenue, amountCents: 500 }, now);
    await assert.rejects(
      transfer(db, agencyId, { id: "pay-1", kind: "posted", debitAccountId: cash, creditAccountId: revenue, amountCents: 501 }, now),
      rejectsWith("transfer_exists_with_different_fields"),
    );
  });

  test("posting part of a pending transfer moves that part and releases the rest", async () => {
    const { agencyId, cash, revenue } = await agencyWithAccounts();
    await transfer(db, agencyId, { id: "auth", kind: "pending", debitAccountId: cash, creditAccountId: revenue, amountCents: 10_000 }, now);
    const held = await getBalances(db, agencyId, revenue);
    assert.equal(held.creditsPendingCents, 10_000);
    assert.equal(held.postedCents, 0);

    await transfer(db, agencyId, { id: "capture", kind: "post_pending", pendingId: "auth", amountCents: 7_500 }, now);
    const captured = await getBalances(db, agencyId, revenue);
    assert.equal(captured.creditsPendingCents, 0);
    assert.equal(captured.postedCents, 7_500);
  });

  test("a pending transfer resolves at most once", async () => {
    const { agencyId, cash, revenue } = await agencyWithAccounts();
    await transfer(db, agencyId, { id: "auth", kind: "pending", debitAccountId: cash, creditAccountId: revenue, amountCents: 100 }, now);
    await transfer(db, agencyId, { id: "void", kind: "void_pending", pendingId: "auth" }, now);
    await assert.rejects(
      transfer(db, agencyId, { id: "capture", kind: "post_pending", pendingId: "auth" }, now),
      rejectsWith("pending_transfer_already_voided"),
    );
    await assert.rejects(
      transfer(db, agencyId, { id: "void-2", kind: "void_pending", pendingId: "auth" }, now),
      rejectsWith("pending_transfer_already_voided"),
    );
    const balances = await getBalances(db, agencyId, cash);
    assert.deepEqual([balances.debitsPendingCents, balances.postedCents], [0, 0]);
  });

  test("posting more than the pending amount is refused", async () => {
    const { agencyId, cash, revenue } = await agencyWithAccounts();
    await transfer(db, agencyId, { id: "auth", kind: "pending", debitAccountId: cash, creditAccountId: revenue, amountCents: 100 }, now);
    await assert.rejects(
      transfer(db, agencyId, { id: "capture", kind: "post_pending", pendingId: "auth", amountCents: 101 }, now),
      rejectsWith("exceeds_pending_transfer_amount"),
    );
  });

  test("an expired pending transfer cannot be posted, and the expiry job voids it exactly once", async () => {
    const { agencyId, cash, revenue } = await agencyWithAccounts();
    const expiresAt = new Date(now.getTime() + 60_000);
    await transfer(
      db,
      agencyId,
      { id: "auth", kind: "pending", debitAccountId: cash, creditAccountId: revenue, amountCents: 900, expiresAt },
      now,
    );
    const later = new Date(expiresAt.getTime() + 1);
    await assert.rejects(
      transfer(db, agencyId, { id: "capture", kind: "post_pending", pendingId: "auth" }, later),
      rejectsWith("pending_transfer_expired"),
    );
    assert.ok((await expirePendingTransfers(db, later)) >= 1);
    await expirePendingTransfers(db, later);
    const rows = await db.query("SELECT id FROM ledger_transfers WHERE agency_id = $1 AND pending_id = 'auth'", [agencyId]);
    assert.deepEqual(rows, [{ id: expiryVoidId("auth") }]);
    assert.equal((await getBalances(db, agencyId, revenue)).creditsPendingCents, 0);
  });

  test("an account of another agency cannot be used or read", async () => {
    const ours = await agencyWithAccounts();
    const theirs = await agencyWithAccounts();
    await assert.rejects(
      transfer(
        db,
        ours.agencyId,
        { id: "x", kind: "posted", debitAccountId: ours.cash, creditAccountId: theirs.revenue, amountCents: 1 },
        now,
      ),
      rejectsWith("ledger_account_not_found"),
    );
    await assert.rejects(getBalances(db, ours.agencyId, theirs.cash), rejectsWith("ledger_account_not_found"));
  });

  test("opening an account again returns it, whatever its name, but refuses another normal side", async () => {
    const { agencyId, cash } = await agencyWithAccounts();
    const again = await openAccount(db, agencyId, { fund: "general", code: "cash", name: "Cash at bank", normalSide: "debit" });
    assert.equal(again.id, cash);
    assert.equal(again.name, "Cash");
    await assert.rejects(
      openAccount(db, agencyId, { fund: "general", code: "cash", name: "Cash", normalSide: "credit" }),
      rejectsWith("account_exists_with_different_fields"),
    );
  });

  test("invalid amounts are refused before anything is written", async () => {
    const { agencyId, cash, revenue } = await agencyWithAccounts();
    for (const amountCents of [0, -1, 1.5, Number.MAX_SAFE_INTEGER]) {
      await assert.rejects(
        transfer(
          db,
          agencyId,
          { id: `bad-${amountCents}`, kind: "posted", debitAccountId: cash, creditAccountId: revenue, amountCents },
          now,
        ),
        rejectsWith("invalid_transfer"),
      );
    }
  });

  test("the database refuses to commit a journal whose debits and credits differ", async () => {
    const { agencyId, cash, revenue } = await agencyWithAccounts();
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO ledger_transfers (agency_id, id, kind, debit_account_id, credit_account_id, amount_cents)
           VALUES ($1, 'rogue', 'posted', $2, $3, 100)`,
          [agencyId, cash, revenue],
        );
        await tx.query(
          `INSERT INTO ledger_entries (agency_id, transfer_id, account_id, side, layer, amount_cents)
           VALUES ($1, 'rogue', $2, 'debit', 'posted', 100), ($1, 'rogue', $3, 'credit', 'posted', 99)`,
          [agencyId, cash, revenue],
        );
      }),
      /unbalanced/,
    );
    assert.deepEqual(await db.query("SELECT id FROM ledger_transfers WHERE agency_id = $1", [agencyId]), []);
  });

  test("the database refuses to change or delete a ledger row", async () => {
    const { agencyId, cash, revenue } = await agencyWithAccounts();
    await transfer(db, agencyId, { id: "t", kind: "posted", debitAccountId: cash, creditAccountId: revenue, amountCents: 100 }, now);
    await assert.rejects(db.query("UPDATE ledger_entries SET amount_cents = 1 WHERE agency_id = $1", [agencyId]), /append-only/);
    await assert.rejects(db.query("DELETE FROM ledger_transfers WHERE agency_id = $1", [agencyId]), /append-only/);
  });

  test("verify passes on a sound ledger and names the transfer when rows were forged around the triggers", async () => {
    const { agencyId, cash, revenue } = await agencyWithAccounts();
    await transfer(db, agencyId, { id: "fine", kind: "posted", debitAccountId: cash, creditAccountId: revenue, amountCents: 100 }, now);
    assert.equal((await verifyLedger(db)).ok, true);

    await db.transaction(async (tx) => {
      // A superuser can switch triggers off; verify must still catch what that lets through.
      await tx.query("SET LOCAL session_replication_role = replica");
      await tx.query(
        `INSERT INTO ledger_entries (agency_id, transfer_id, account_id, side, layer, amount_cents)
         VALUES ($1, 'fine', $2, 'debit', 'posted', 5)`,
        [agencyId, cash],
      );
    });
    const report = await verifyLedger(db);
    assert.equal(report.ok, false);
    assert.ok(report.violations.some((v) => v.code === "unbalanced_transfer" && v.ref === "fine" && v.agencyId === agencyId));
    assert.ok(report.violations.some((v) => v.code === "balance_mismatch" && v.ref === cash));
    // Leave the shared database sound for the other tests.
    await db.transaction(async (tx) => {
      await tx.query("SET LOCAL session_replication_role = replica");
      await tx.query("DELETE FROM ledger_entries WHERE agency_id = $1 AND transfer_id = 'fine' AND amount_cents = 5", [agencyId]);
    });
  });
});
