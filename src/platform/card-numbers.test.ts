import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { findCardNumbers, findCardNumbersInDatabase } from "./card-numbers.ts";
import type { Database } from "./db/database.ts";
import { openPglite } from "./db/pglite.ts";

test("finds Luhn-valid card numbers and shows only their first 6 and last 4", () => {
  assert.deepEqual(findCardNumbers("paid with 4242424242424242 and 378282246310005."), ["424242…4242", "378282…0005"]);
  assert.deepEqual(findCardNumbers("4242424242424241 fails Luhn; 1795000000000 is a time; 12345 is short"), []);
  assert.deepEqual(findCardNumbers("tok_x4242424242424242y"), ["424242…4242"], "letters around it do not hide it");
  assert.deepEqual(findCardNumbers("42424242424242424242"), [], "20 digits is not a card number");
  assert.deepEqual(findCardNumbers('"responseTime":60.27838399999928'), [], "nor the fraction of a decimal");
  const digest = "ab4242424242424242cd0123456789abcdef0123456789abcdef0123456789ab";
  assert.deepEqual(findCardNumbers(digest), [], "nor digit runs inside a hex digest");
  assert.deepEqual(findCardNumbers(`card 4242424242424242 ${digest}`), ["424242…4242"], "a digest beside a number hides nothing");
});

let db: Database;
before(async () => {
  db = await openPglite(undefined);
});
after(() => db.close());

test("a database scan finds a number in any text or JSON column, and skips binary and numeric ones", async () => {
  await db.query("CREATE TABLE notes (id int, body text, cipher bytea, extra jsonb, amount bigint)");
  await db.query("INSERT INTO notes VALUES (1, 'nothing here', decode('34323432343234323432343234323432', 'hex'), '{}', 4242424242424242)");
  assert.deepEqual(await findCardNumbersInDatabase(db), []);
  await db.query(`INSERT INTO notes VALUES (2, 'ok', NULL, '{"pan": "5555555555554444"}', 1)`);
  assert.deepEqual(await findCardNumbersInDatabase(db), ['"public"."notes": 555555…4444']);
});
