import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { utilityLateFeeCents } from "./utility-late-fee.ts";

test("no late fee until the grace days after the due date have passed", () => {
  assert.equal(utilityLateFeeCents(10_000, "2026-03-01", "2026-03-11"), 0);
  assert.ok(utilityLateFeeCents(10_000, "2026-03-01", "2026-03-12") > 0);
});

test("the fee is 10% of the first $3 plus 3% of the excess", () => {
  // $100.00 past due: 10% × $3 = $0.30, 3% × $97 = $2.91.
  assert.equal(utilityLateFeeCents(10_000, "2026-03-01", "2026-04-01"), 321);
  // $2.00 past due: only the first tier applies.
  assert.equal(utilityLateFeeCents(200, "2026-03-01", "2026-04-01"), 20);
  // $45.55: 30 + 3% × 4,255 = 127.65 → 128 (half up).
  assert.equal(utilityLateFeeCents(4_555, "2026-03-01", "2026-04-01"), 158);
});

test("the late fee never decreases as the amount past due grows", () => {
  fc.assert(
    fc.property(fc.nat({ max: 10_000_000 }), fc.nat({ max: 10_000_000 }), (a, b) => {
      const [low, high] = a <= b ? [a, b] : [b, a];
      assert.ok(utilityLateFeeCents(low, "2026-01-01", "2026-02-01") <= utilityLateFeeCents(high, "2026-01-01", "2026-02-01"));
    }),
  );
});

test("a bad amount or date is refused with a typed error", () => {
  assert.throws(() => utilityLateFeeCents(-1, "2026-01-01", "2026-02-01"), { code: "invalid_quote_input" });
  assert.throws(() => utilityLateFeeCents(1, "2026-02-30", "2026-03-01"), { code: "invalid_quote_input" });
});
