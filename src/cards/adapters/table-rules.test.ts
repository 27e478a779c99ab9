import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createAgency } from "../../agencies/index.ts";
import { type Database, openTestDatabase } from "../../platform/index.ts";

/**
 * Migration 0018 moved the CHECK constraints of card_transactions and processor_sim_transactions
 * into one rules function per table: each rule must still refuse a row that breaks it, alone.
 */

let db: Database;
let agencyId: string;
before(async () => {
  db = await openTestDatabase();
  agencyId = (await createAgency(db, { name: "Rules County" })).id;
});
after(() => db.close());

async function refuses(table: string, id: { column: string; value: string }, set: string, rule: string): Promise<void> {
  await assert.rejects(
    db.transaction((tx) => tx.query(`UPDATE ${table} SET ${set} WHERE ${id.column} = $1`, [id.value])),
    (error: { code?: string; message?: string }) => {
      assert.equal(error.code, "23514", `${set}: ${error.message}`);
      assert.match(error.message ?? "", new RegExp(rule), set);
      return true;
    },
  );
}

describe("card_transactions", () => {
  const id = { column: "id", value: "ctx_rules" };
  before(async () => {
    await db.query(
      `INSERT INTO card_transactions (agency_id, id, type, status, amount_cents, vault_card_id, card_brand, card_last4, card_exp_month,
         card_exp_year, card_fingerprint, created_at, updated_at)
       VALUES ($1, $2, 'authorization', 'authorized', 1000, 'card_x', 'visa', '4242', 12, 2030, 'f', now(), now())`,
      [agencyId, id.value],
    );
  });

  const broken: Array<[string, string]> = [
    ["type = 'refund'", "card_transactions.type"],
    ["status = 'pending'", "card_transactions.status"],
    ["amount_cents = 0", "card_transactions.amount_cents"],
    ["status = 'capturing', capture_requested_cents = 1001", "card_transactions.capture_requested_cents is positive"],
    ["amount_captured_cents = 1001", "card_transactions.amount_captured_cents"],
    ["amount_refunded_cents = 1", "card_transactions.amount_refunded_cents"],
    ["card_last4 = '42a2'", "card_transactions.card_last4"],
    ["card_exp_month = 13", "card_transactions.card_exp_month"],
    ["ref = ''", "card_transactions.ref has"],
    ["agency_tracking_id = repeat('x', 129)", "card_transactions.agency_tracking_id"],
    ["description = repeat('x', 501)", "card_transactions.description"],
    ["ref = 'R1'", "card_transactions.system and ref"],
    ["status = 'capturing'", "card_transactions.capture_requested_cents is set exactly while capturing"],
    ["status = 'declined'", "card_transactions.decline_code"],
  ];
  for (const [set, rule] of broken) {
    test(`a row with ${set} is refused`, () => refuses("card_transactions", id, set, rule));
  }

  test("a row that keeps every rule is accepted, nulls included", async () => {
    const [row] = await db.query<{ status: string }>(
      "UPDATE card_transactions SET status = 'capturing', capture_requested_cents = 1000, description = NULL WHERE id = $1 RETURNING status",
      [id.value],
    );
    assert.equal(row?.status, "capturing");
  });
});

describe("processor_sim_transactions", () => {
  const id = { column: "processor_id", value: "sim_txn_rules" };
  before(async () => {
    await db.query(
      `INSERT INTO processor_sim_transactions (processor_id, reference, kind, status, amount_cents, captured_cents, refunded_cents,
         approval_code, card_brand, card_last4, created_at, settlement_date)
       VALUES ($1, 'ref_rules', 'sale', 'captured', 1000, 1000, 0, 'ABC123', 'visa', '4242', now(), '2026-11-23')`,
      [id.value],
    );
  });

  const broken: Array<[string, string]> = [
    ["reference = ''", "processor_sim_transactions.reference"],
    ["kind = 'refund'", "processor_sim_transactions.kind"],
    ["status = 'pending'", "processor_sim_transactions.status is"],
    ["amount_cents = 0", "processor_sim_transactions.amount_cents"],
    ["captured_cents = -1", "processor_sim_transactions.captured_cents is 0 to"],
    ["refunded_cents = -1", "processor_sim_transactions.refunded_cents"],
    ["approval_code = 'abc123'", "processor_sim_transactions.approval_code"],
    ["decline_code = 'nope'", "processor_sim_transactions.decline_code"],
    ["card_brand = 'diners'", "processor_sim_transactions.card_brand"],
    ["card_last4 = '123'", "processor_sim_transactions.card_last4"],
    ["captured_cents = 1001", "processor_sim_transactions.captured_cents is 0 to"],
    ["refunded_cents = 1001", "processor_sim_transactions.refunded_cents"],
    ["status = 'declined'", "a declined transaction"],
    ["decline_message = 'no'", "a declined transaction"],
    ["status = 'voided'", "processor_sim_transactions.captured_cents is positive exactly when captured"],
    ["expires_at = now()", "processor_sim_transactions.expires_at"],
    ["settlement_date = NULL", "processor_sim_transactions.settlement_date"],
  ];
  for (const [set, rule] of broken) {
    test(`a row with ${set} is refused`, () => refuses("processor_sim_transactions", id, set, rule));
  }
});
