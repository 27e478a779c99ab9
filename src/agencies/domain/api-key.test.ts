import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import fc from "fast-check";
import { digestApiKey, formatApiKey, parseApiKey } from "./api-key.ts";

test("a formatted key parses back to its kind and mode", () => {
  for (const kind of ["secret", "publishable"] as const) {
    for (const mode of ["test", "live"] as const) {
      const key = formatApiKey(kind, mode, randomBytes(24));
      assert.match(key, kind === "secret" ? /^rk_/ : /^pk_/);
      assert.ok(key.includes(`_${mode}_`));
      assert.deepEqual(parseApiKey(key), { kind, mode });
    }
  }
});

test("any one-character change to a key is refused by its checksum alone", () => {
  const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 24, maxLength: 24 }), fc.nat(), fc.nat(), (bytes, at, pick) => {
      const key = formatApiKey("secret", "test", bytes);
      const position = 8 + (at % (key.length - 8));
      const replacement = alphabet[pick % alphabet.length] as string;
      fc.pre(key[position] !== replacement);
      const mutated = key.slice(0, position) + replacement + key.slice(position + 1);
      assert.equal(parseApiKey(mutated), undefined);
    }),
    { numRuns: 2000 },
  );
});

test("malformed keys are refused", () => {
  const key = formatApiKey("secret", "live", randomBytes(24));
  for (const bad of ["", "rk_test_", key.slice(0, -1), `${key}x`, key.replace("rk_", "sk_"), key.replace("_live_", "_prod_"), ` ${key}`]) {
    assert.equal(parseApiKey(bad), undefined, bad);
  }
});

test("the stored digest is SHA-256 of the key and differs between keys", () => {
  const a = formatApiKey("secret", "test", randomBytes(24));
  const b = formatApiKey("secret", "test", randomBytes(24));
  assert.equal(digestApiKey(a).length, 32);
  assert.notDeepEqual(digestApiKey(a), digestApiKey(b));
  assert.deepEqual(digestApiKey(a), digestApiKey(a));
});
