import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createAgency } from "../../agencies/index.ts";
import { type Database, openTestDatabase } from "../../platform/index.ts";
import { tokenizeCard } from "../app/cards.ts";
import { newMasterKeyText, parseMasterKeys } from "../domain/envelope.ts";

/**
 * Migration 0018 moved the CHECK constraints of vault_cards and vault_tokens into one rules
 * function per table: each rule must still refuse a row that breaks it, alone.
 */

let db: Database;
let tokenId: string;
before(async () => {
  db = await openTestDatabase();
  const agencyId = (await createAgency(db, { name: "Vault Rules County" })).id;
  const keys = parseMasterKeys(newMasterKeyText("v1"));
  const card = { number: "4242424242424242", expMonth: 12, expYear: 2030, cvc: "123" };
  tokenId = (await tokenizeCard(db, keys, agencyId, card, new Date("2026-11-23T15:00:00Z"))).id;
});
after(() => db.close());

async function refuses(table: string, where: string, set: string, rule: string): Promise<void> {
  await assert.rejects(
    db.transaction((tx) => tx.query(`UPDATE ${table} SET ${set} WHERE ${where}`, [tokenId])),
    (error: { code?: string; message?: string }) => {
      assert.equal(error.code, "23514", `${set}: ${error.message}`);
      assert.match(error.message ?? "", new RegExp(rule), set);
      return true;
    },
  );
}

describe("vault_cards", () => {
  const where = "id = (SELECT card_id FROM vault_tokens WHERE id = $1)";
  const broken: Array<[string, string]> = [
    ["brand = 'diners'", "vault_cards.brand"],
    ["last4 = '42'", "vault_cards.last4"],
    ["exp_month = 0", "vault_cards.exp_month"],
    ["exp_year = 1999", "vault_cards.exp_year"],
    ["fingerprint = 'ABC'", "vault_cards.fingerprint"],
    ["wrapped_data_key = '\\x00'::bytea", "vault_cards.wrapped_data_key"],
    ["cvc_erased_at = now()", "vault_cards.cvc_erased_at"],
    ["cvc_ciphertext = NULL", "vault_cards.cvc_erased_at"],
  ];
  for (const [set, rule] of broken) {
    test(`a row with ${set} is refused`, () => refuses("vault_cards", where, set, rule));
  }

  test("erasing the CVC with its time keeps the rules", async () => {
    const rows = await db.query(`UPDATE vault_cards SET cvc_ciphertext = NULL, cvc_erased_at = now() WHERE ${where} RETURNING id`, [
      tokenId,
    ]);
    assert.equal(rows.length, 1);
  });
});

describe("vault_tokens", () => {
  const where = "id = $1";
  const broken: Array<[string, string]> = [
    ["kind = 'cash'", "vault_tokens.kind is"],
    ["card_id = NULL", "a card token names a card"],
    ["kind = 'bank_account'", "a card token names a card"],
    ["id = 'btok_' || substr(id, 5)", "vault_tokens.id"],
    ["expires_at = created_at", "vault_tokens.expires_at"],
    ["used_at = expires_at", "vault_tokens.used_at"],
  ];
  for (const [set, rule] of broken) {
    test(`a row with ${set} is refused`, () => refuses("vault_tokens", where, set, rule));
  }
});
