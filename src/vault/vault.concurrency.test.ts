import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { createAgency } from "../agencies/index.ts";
import { type Database, openTestDatabase, RemitError, type Sql } from "../platform/index.ts";
import { parseMasterKeys, redeemBankAccountToken, redeemCardToken, tokenizeBankAccount, tokenizeCard } from "./index.ts";

/** Many connections redeeming one token at once. PGlite runs one transaction at a time, so this only means something on PostgreSQL. */
const skip = process.env.DATABASE_URL ? false : "needs PostgreSQL: set DATABASE_URL";
const racers = 16;
const keys = parseMasterKeys(`v1:${randomBytes(32).toString("base64")}`);
const now = new Date("2026-11-22T12:00:00Z");

let db: Database;
before(async () => {
  if (skip) return;
  db = await openTestDatabase({ poolSize: racers });
  await Promise.all(Array.from({ length: racers }, () => db.transaction((tx) => tx.query("SELECT pg_sleep(0.05)"))));
});
after(async () => {
  if (db) await db.close();
});

/** Starts every redeem in its own transaction and lets them all reach the token together. */
async function race(redeem: (tx: Sql) => Promise<unknown>) {
  let arrived = 0;
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  return Promise.allSettled(
    Array.from({ length: racers }, () =>
      db.transaction(async (tx) => {
        await tx.query("SELECT 1");
        if (++arrived === racers) release();
        await gate;
        return redeem(tx);
      }),
    ),
  );
}

function tally(results: PromiseSettledResult<unknown>[]) {
  const codes = results
    .filter((r) => r.status === "rejected")
    .map((r) => (r.reason instanceof RemitError ? r.reason.code : String(r.reason)));
  return { won: results.filter((r) => r.status === "fulfilled").length, codes: new Set(codes), lost: codes.length };
}

test("of many racing redeems of one card token, exactly one wins and the others are token_already_used", { skip }, async () => {
  const agencyId = (await createAgency(db, { name: "Race County" })).id;
  const token = await tokenizeCard(db, keys, agencyId, { number: "4242424242424242", expMonth: 12, expYear: 2030, cvc: "123" }, now);
  const result = tally(await race((tx) => redeemCardToken(tx, agencyId, token.id, now)));
  assert.deepEqual(result, { won: 1, codes: new Set(["token_already_used"]), lost: racers - 1 });
});

test("of many racing redeems of one bank-account token, exactly one wins", { skip }, async () => {
  const agencyId = (await createAgency(db, { name: "Bank Race County" })).id;
  const token = await tokenizeBankAccount(
    db,
    keys,
    agencyId,
    { routingNumber: "011000015", accountNumber: "12345678", accountType: "checking" },
    now,
  );
  const result = tally(await race((tx) => redeemBankAccountToken(tx, agencyId, token.id, now)));
  assert.deepEqual(result, { won: 1, codes: new Set(["token_already_used"]), lost: racers - 1 });
});

test("an agency's first tokenizations, racing, agree on one fingerprint key", { skip }, async () => {
  const agencyId = (await createAgency(db, { name: "Fingerprint Race County" })).id;
  const card = { number: "4242424242424242", expMonth: 12, expYear: 2030, cvc: "123" };
  const tokens = await Promise.all(Array.from({ length: racers }, () => tokenizeCard(db, keys, agencyId, card, now)));
  const fingerprints = await Promise.all(tokens.map(async (t) => (await redeemCardToken(db, agencyId, t.id, now)).fingerprint));
  assert.equal(new Set(fingerprints).size, 1);
  const [row] = await db.query<{ n: number }>("SELECT count(*)::integer AS n FROM vault_fingerprint_keys WHERE agency_id = $1", [agencyId]);
  assert.equal(row?.n, 1);
});
