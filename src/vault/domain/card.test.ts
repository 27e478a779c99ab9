import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { RemitError } from "../../platform/index.ts";
import { cardBrand, passesLuhn, validateCard } from "./card.ts";

const now = new Date("2026-11-22T12:00:00Z");
const good = { number: "4242424242424242", expMonth: 12, expYear: 2030, cvc: "123" };

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    assert.ok(error instanceof RemitError, String(error));
    return `${error.code}:${error.param}`;
  }
}

describe("card checks", () => {
  test("the networks' test numbers are recognised by brand", () => {
    assert.equal(cardBrand("4242424242424242"), "visa");
    assert.equal(cardBrand("5555555555554444"), "mastercard");
    assert.equal(cardBrand("2223003122003222"), "mastercard");
    assert.equal(cardBrand("378282246310005"), "amex");
    assert.equal(cardBrand("6011111111111117"), "discover");
    assert.equal(cardBrand("6221260000000000"), "discover");
    assert.equal(cardBrand("3566002020360505"), "unknown");
  });

  test("the Luhn check passes test numbers and fails a number with one digit changed", () => {
    for (const n of ["4242424242424242", "5555555555554444", "378282246310005", "6011111111111117", "4000056655665556"]) {
      assert.equal(passesLuhn(n), true, n);
    }
    assert.equal(passesLuhn("4242424242424241"), false);
  });

  test("a valid card is normalized: digits only, four-digit year, last 4", () => {
    const card = validateCard({ ...good, number: "4242 4242-4242 4242", expYear: 30, postalCode: " 78701 " }, now);
    assert.deepEqual(card, {
      number: "4242424242424242",
      brand: "visa",
      last4: "4242",
      expMonth: 12,
      expYear: 2030,
      cvc: "123",
      postalCode: "78701",
    });
  });

  test("a number failing Luhn, of the wrong length for its brand, or with letters is an invalid_card_number", () => {
    assert.equal(
      codeOf(() => validateCard({ ...good, number: "4242424242424241" }, now)),
      "invalid_card_number:number",
    );
    assert.equal(
      codeOf(() => validateCard({ ...good, number: "42424242424242" }, now)),
      "invalid_card_number:number",
    );
    assert.equal(
      codeOf(() => validateCard({ ...good, number: "4242x24242424242" }, now)),
      "invalid_card_number:number",
    );
  });

  test("the error never repeats the number", () => {
    try {
      validateCard({ ...good, number: "4242424242424241" }, now);
      assert.fail("should have thrown");
    } catch (error) {
      assert.ok(!(error as Error).message.includes("4242424242424241"));
    }
  });

  test("an expiry month out of range, a past month or year, or a year decades away is an invalid_expiry", () => {
    assert.equal(
      codeOf(() => validateCard({ ...good, expMonth: 13 }, now)),
      "invalid_expiry:exp_month",
    );
    assert.equal(
      codeOf(() => validateCard({ ...good, expMonth: 10, expYear: 2026 }, now)),
      "invalid_expiry:exp_month",
    );
    assert.equal(
      codeOf(() => validateCard({ ...good, expYear: 2025 }, now)),
      "invalid_expiry:exp_year",
    );
    assert.equal(
      codeOf(() => validateCard({ ...good, expYear: 2099 }, now)),
      "invalid_expiry:exp_year",
    );
  });

  test("a card is good through the last day of its expiry month", () => {
    assert.equal(validateCard({ ...good, expMonth: 11, expYear: 2026 }, now).expMonth, 11);
  });

  test("the security code has 4 digits on American Express and 3 on the others", () => {
    assert.equal(validateCard({ ...good, number: "378282246310005", cvc: "1234" }, now).brand, "amex");
    assert.equal(
      codeOf(() => validateCard({ ...good, number: "378282246310005", cvc: "123" }, now)),
      "invalid_cvc:cvc",
    );
    assert.equal(
      codeOf(() => validateCard({ ...good, cvc: "1234" }, now)),
      "invalid_cvc:cvc",
    );
    assert.equal(
      codeOf(() => validateCard({ ...good, cvc: "12a" }, now)),
      "invalid_cvc:cvc",
    );
  });
});
