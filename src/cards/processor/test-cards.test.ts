import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { cutoffInstantOf, settlementDateOf } from "./settlement-day.ts";
import { behaviourOf, cardBrand, isLuhnValid, issuerDecision, simulatorTestCards } from "./test-cards.ts";

const card = (number: string, expYear = 2030, expMonth = 12) => ({ number, expMonth, expYear, cvc: "123", postalCode: null });

describe("test cards", () => {
  test("every listed test number passes the Luhn check, and a changed digit fails it", () => {
    for (const number of Object.keys(simulatorTestCards)) {
      assert.ok(isLuhnValid(number), number);
      const changed = number.slice(0, -1) + String((Number(number.at(-1)) + 1) % 10);
      assert.equal(isLuhnValid(changed), false, changed);
    }
    assert.equal(isLuhnValid("4242 4242 4242 4242"), false);
  });

  test("brands come from the leading digits", () => {
    assert.equal(cardBrand("4242424242424242"), "visa");
    assert.equal(cardBrand("5555555555554444"), "mastercard");
    assert.equal(cardBrand("2223003122003222"), "mastercard");
    assert.equal(cardBrand("378282246310005"), "amex");
    assert.equal(cardBrand("6011111111111117"), "discover");
    assert.equal(cardBrand("3056930009020004"), "unknown");
  });

  test("an unlisted Luhn-valid number is approved and an invalid one declined", () => {
    assert.deepEqual(behaviourOf("4012888888881881"), { kind: "approve" });
    assert.deepEqual(behaviourOf("4012888888881882"), { kind: "decline", declineCode: "card_declined" });
    assert.equal(issuerDecision(card("4012888888881881"), "2026-11-22", "authorization"), null);
  });

  test("a card past its expiry month is declined as expired, and one expiring this month is not", () => {
    assert.equal(issuerDecision(card("4242424242424242", 2026, 10), "2026-11-22", "authorization"), "expired_card");
    assert.equal(issuerDecision(card("4242424242424242", 2026, 11), "2026-11-22", "authorization"), null);
    assert.equal(issuerDecision(card("4242424242424242", 2026, 13), "2026-11-22", "authorization"), "card_declined");
  });

  test("a force skips the issuer's declines but not the processor's own error", () => {
    assert.equal(issuerDecision(card("4000000000009995"), "2026-11-22", "force"), null);
    assert.equal(issuerDecision(card("4000000000000119"), "2026-11-22", "force"), "processing_error");
    assert.equal(issuerDecision(card("4242424242424241"), "2026-11-22", "force"), "card_declined");
  });
});

describe("settlement day", () => {
  test("an operation before 21:00 New York time settles that day, one at or after it the next", () => {
    // 2026-11-22 is in EST (UTC-5): the cutoff is 02:00 UTC on the 23rd.
    assert.equal(settlementDateOf(new Date("2026-11-23T01:59:59.999Z")), "2026-11-22");
    assert.equal(settlementDateOf(new Date("2026-11-23T02:00:00Z")), "2026-11-23");
    assert.equal(cutoffInstantOf("2026-11-22").toISOString(), "2026-11-23T02:00:00.000Z");
  });

  test("the cutoff follows daylight saving time", () => {
    // 2026-07-01 is in EDT (UTC-4).
    assert.equal(cutoffInstantOf("2026-07-01").toISOString(), "2026-07-02T01:00:00.000Z");
    assert.equal(settlementDateOf(new Date("2026-07-02T00:59:00Z")), "2026-07-01");
  });

  test("a date that is not YYYY-MM-DD is refused", () => {
    assert.throws(() => cutoffInstantOf("2026-02-30"), RangeError);
    assert.throws(() => cutoffInstantOf("22/11/2026"), RangeError);
  });
});
