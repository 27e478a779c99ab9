import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { describe, test } from "node:test";
import { checkNachaFile, parseNacha, validateNacha, writeNacha } from "../index.ts";
import { sampleFile } from "./test-fixtures.ts";

describe("checkNachaFile, the one-call verdict", () => {
  test("answers exactly the JSON `remit ach validate --json` prints", async () => {
    const text = writeNacha(sampleFile()).replace("COUNTY OF REMIT ", "COUNTY OF REMIT\u0007");
    const checked = await checkNachaFile(text);
    assert.deepEqual(Object.keys(checked), ["valid", "errors", "batches", "entries", "addenda", "total_debit_cents", "total_credit_cents"]);
    assert.equal(checked.valid, false);
    for (const error of checked.errors) assert.deepEqual(Object.keys(error), ["code", "line", "message"]);
    assert.deepEqual(JSON.parse(JSON.stringify(checked)), checked);
  });

  test("a valid file answers valid with its counts and the entries' totals", async () => {
    assert.deepEqual(await checkNachaFile(writeNacha(sampleFile())), {
      valid: true,
      errors: [],
      batches: 2,
      entries: 3,
      addenda: 1,
      total_debit_cents: 250_00,
      total_credit_cents: 40_00,
    });
  });

  test("takes text, bytes, an iterable of pieces or a Node stream", async () => {
    const text = writeNacha(sampleFile());
    const bytes = new TextEncoder().encode(text);
    for (const input of [
      text,
      bytes,
      [text.slice(0, 100), text.slice(100)],
      Readable.from([bytes.subarray(0, 333), bytes.subarray(333)]),
    ]) {
      assert.equal((await checkNachaFile(input)).valid, true);
    }
  });

  test("parse, validate and write are the same codec: validate(parse(write(x))) is clean", async () => {
    assert.deepEqual(validateNacha(await parseNacha(writeNacha(sampleFile()))), []);
  });
});
