import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createAgency } from "../../agencies/index.ts";
import { type Database, openTestDatabase } from "../../platform/index.ts";
import { newMasterKeyText, parseMasterKeys } from "../domain/envelope.ts";
import { readCardForProcessor, redeemCardToken, tokenizeCard } from "./cards.ts";

let db: Database;
let agencyId: string;
const keys = parseMasterKeys(newMasterKeyText("v1"));
const now = new Date("2026-11-23T15:00:00Z");
const visa = { number: "4242424242424242", expMonth: 12, expYear: 2030, cvc: "123", postalCode: "78701" };

before(async () => {
  db = await openTestDatabase();
  agencyId = (await createAgency(db, { name: "Redeem County" })).id;
});
after(() => db.close());

test("a card redeemed for an authorization loses its stored CVC at once, and hands it to the processor once", async () => {
  const token = await tokenizeCard(db, keys, agencyId, visa, now);
  const redeemed = await redeemCardToken(db, agencyId, token.id, now, { forAuthorization: true });
  assert.equal((await readCardForProcessor(db, keys, agencyId, redeemed.cardId)).cvc, null, "nothing stored holds the CVC");
  assert.deepEqual(await readCardForProcessor(db, keys, agencyId, redeemed), {
    number: visa.number,
    expMonth: 12,
    expYear: 2030,
    cvc: "123",
    postalCode: "78701",
  });
  assert.equal((await readCardForProcessor(db, keys, agencyId, redeemed)).cvc, null, "the second read is the stored card");
});

test("a redeem for an authorization that rolls back keeps both the token and the CVC", async () => {
  const token = await tokenizeCard(db, keys, agencyId, visa, now);
  await assert.rejects(
    db.transaction(async (tx) => {
      await redeemCardToken(tx, agencyId, token.id, now, { forAuthorization: true });
      throw new Error("refused after the redeem");
    }),
    /refused after the redeem/,
  );
  const redeemed = await redeemCardToken(db, agencyId, token.id, now);
  assert.equal((await readCardForProcessor(db, keys, agencyId, redeemed.cardId)).cvc, "123");
});

test("a redeemed card of one agency is not read for another", async () => {
  const other = (await createAgency(db, { name: "Other Redeem County" })).id;
  const redeemed = await redeemCardToken(db, agencyId, (await tokenizeCard(db, keys, agencyId, visa, now)).id, now);
  await assert.rejects(
    readCardForProcessor(db, keys, other, redeemed),
    (error: { code?: string }) => error.code === "vault_card_not_found",
  );
});
