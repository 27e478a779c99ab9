import assert from "node:assert/strict";
import { test } from "node:test";
import { RemitError } from "../../platform/index.ts";
import { isRoutingNumber, validateBankAccount } from "./bank-account.ts";

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    assert.ok(error instanceof RemitError, String(error));
    return error.code;
  }
}

test("published routing numbers pass the ABA check digit, and one digit off fails it", () => {
  for (const routing of ["011000015", "021000021", "110000000", "122105155", "322271627"])
    assert.equal(isRoutingNumber(routing), true, routing);
  assert.equal(isRoutingNumber("011000016"), false);
  assert.equal(isRoutingNumber("000000000"), false);
  assert.equal(isRoutingNumber("01100001"), false);
  // A correct check digit under a prefix the ABA never assigns.
  assert.equal(isRoutingNumber("500000005"), false);
});

test("a bank account is normalized and its last 4 taken", () => {
  assert.deepEqual(
    validateBankAccount({
      routingNumber: "011000015",
      accountNumber: "000123-456 789",
      accountType: "checking",
      accountHolderName: " Ada ",
    }),
    { routingNumber: "011000015", accountNumber: "000123456789", accountType: "checking", last4: "6789", accountHolderName: "Ada" },
  );
});

test("a routing number failing its check digit is invalid_routing_number, before the account number is looked at", () => {
  assert.equal(
    codeOf(() => validateBankAccount({ routingNumber: "011000016", accountNumber: "1", accountType: "checking" })),
    "invalid_routing_number",
  );
});

test("an account number needs 4 to 17 digits", () => {
  const input = { routingNumber: "011000015", accountType: "savings" as const };
  assert.equal(
    codeOf(() => validateBankAccount({ ...input, accountNumber: "123" })),
    "invalid_account_number",
  );
  assert.equal(
    codeOf(() => validateBankAccount({ ...input, accountNumber: "123456789012345678" })),
    "invalid_account_number",
  );
  assert.equal(
    codeOf(() => validateBankAccount({ ...input, accountNumber: "12ab56" })),
    "invalid_account_number",
  );
  assert.equal(validateBankAccount({ ...input, accountNumber: "12345678901234567" }).last4, "4567");
});

test("an account type other than checking or savings is refused", () => {
  assert.equal(
    codeOf(() => validateBankAccount({ routingNumber: "011000015", accountNumber: "12345", accountType: "brokerage" as "checking" })),
    "invalid_request",
  );
});
