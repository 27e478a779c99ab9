import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { describe, test } from "node:test";
import { keyedFingerprint, newDataKey, newMasterKeyText, open, parseMasterKeys, seal, unwrapKey, wrapKey } from "./envelope.ts";

const keyText = (version: string) => `${version}:${randomBytes(32).toString("base64")}`;

describe("master keys", () => {
  test("the first key is current and every listed key can unwrap", () => {
    const keys = parseMasterKeys(`${keyText("v2")}, ${keyText("v1")}`);
    assert.equal(keys.current.version, "v2");
    assert.deepEqual([...keys.byVersion.keys()], ["v2", "v1"]);
  });

  test("malformed keys are refused with messages that never quote the key", () => {
    const short = `v1:${randomBytes(16).toString("base64")}`;
    const cases = [
      ["", /holds no key/],
      [randomBytes(32).toString("base64"), /entry 1 needs a version/],
      [short, /entry 1 \(v1\) must be 32 random bytes/],
      [`${keyText("v1")},${keyText("v1")}`, /names one key version twice/],
      [`${keyText("v1")},bad version:${randomBytes(32).toString("base64")}`, /entry 2 needs a version/],
    ] as const;
    for (const [text, message] of cases) {
      assert.throws(
        () => parseMasterKeys(text),
        (error: Error) => message.test(error.message) && (text === "" || !error.message.includes(text.split(":").at(-1) as string)),
      );
    }
  });

  test("a parsed key serializes to nothing, so logging it leaks nothing", () => {
    const text = newMasterKeyText("v1");
    const keys = parseMasterKeys(text);
    const json = JSON.stringify(keys.current);
    assert.ok(!json.includes(text.slice(3)));
    assert.equal(json, '{"version":"v1","key":{}}');
  });
});

describe("sealing", () => {
  test("a sealed value opens with its key and bound data, and is not its plaintext", () => {
    const key = newDataKey();
    const sealed = seal(key, Buffer.from("4242424242424242"), "agency|card");
    assert.ok(!sealed.toString("latin1").includes("4242424242424242"));
    assert.equal(open(key, sealed, "agency|card").toString(), "4242424242424242");
  });

  test("the same plaintext sealed twice differs (a fresh nonce each time)", () => {
    const key = newDataKey();
    assert.notDeepEqual(seal(key, Buffer.from("x"), "a"), seal(key, Buffer.from("x"), "a"));
  });

  test("a changed byte, other bound data or another key makes opening fail", () => {
    const key = newDataKey();
    const sealed = seal(key, Buffer.from("4242424242424242"), "agency|card");
    for (const i of [0, 12, sealed.length - 1]) {
      const tampered = Buffer.from(sealed);
      tampered[i] = (tampered[i] as number) ^ 1;
      assert.throws(() => open(key, tampered, "agency|card"), /failed authentication/);
    }
    assert.throws(() => open(key, sealed, "agency|other-card"), /failed authentication/);
    assert.throws(() => open(newDataKey(), sealed, "agency|card"), /failed authentication/);
  });

  test("a wrapped key unwraps under its version only, and not for another record", () => {
    const keys = parseMasterKeys(`${keyText("v2")},${keyText("v1")}`);
    const dataKey = newDataKey();
    const { wrapped, kekVersion } = wrapKey(keys, dataKey, "card|agy_1|card_1");
    assert.equal(kekVersion, "v2");
    assert.deepEqual(unwrapKey(keys, wrapped, "v2", "card|agy_1|card_1"), dataKey);
    assert.throws(() => unwrapKey(keys, wrapped, "v1", "card|agy_1|card_1"), /failed authentication/);
    assert.throws(() => unwrapKey(keys, wrapped, "v2", "card|agy_1|card_2"), /failed authentication/);
    assert.throws(() => unwrapKey(keys, wrapped, "v9", "card|agy_1|card_1"), /does not hold.*rotate-key/);
  });
});

describe("fingerprints", () => {
  test("a fingerprint depends on the key and is never the plain SHA-256 of the number", () => {
    const [a, b] = [newDataKey(), newDataKey()];
    const pan = "4242424242424242";
    assert.equal(keyedFingerprint(a, "card", pan), keyedFingerprint(a, "card", pan));
    assert.notEqual(keyedFingerprint(a, "card", pan), keyedFingerprint(b, "card", pan));
    assert.notEqual(keyedFingerprint(a, "card", pan), createHash("sha256").update(pan).digest("hex"));
    assert.notEqual(keyedFingerprint(a, "card", pan), keyedFingerprint(a, "bank_account", pan));
  });
});
