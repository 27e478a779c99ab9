import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { csvRecord, parseCsv } from "./csv.ts";

test("quoted fields keep commas, quotes and line breaks, and records know their starting line", () => {
  const records = parseCsv('a,b\r\n"x, y","say ""hi""\nthere"\r\nlast,row');
  assert.deepEqual(records, [
    { line: 1, fields: ["a", "b"] },
    { line: 2, fields: ["x, y", 'say "hi"\nthere'] },
    { line: 4, fields: ["last", "row"] },
  ]);
});

test("any list of records survives writing and reading back", () => {
  const field = fc.string({ unit: fc.constantFrom("a", "1", ",", '"', "\n", " ", "é") });
  fc.assert(
    fc.property(fc.array(fc.array(field, { minLength: 2, maxLength: 5 }), { maxLength: 20 }), (rows) => {
      const text = rows.map(csvRecord).join("");
      assert.deepEqual(
        parseCsv(text).map((r) => r.fields),
        rows,
      );
    }),
  );
});

test("garbage never throws", () => {
  fc.assert(
    fc.property(fc.string(), (text) => {
      parseCsv(text);
    }),
  );
});
