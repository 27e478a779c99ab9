import { platformError } from "../../platform/index.ts";
import { vaultError } from "./errors.ts";

export type AccountType = "checking" | "savings";
export const accountTypes: readonly AccountType[] = ["checking", "savings"];

export interface BankAccountInput {
  readonly routingNumber: string;
  readonly accountNumber: string;
  readonly accountType: AccountType;
  readonly accountHolderName?: string | undefined;
}

export interface ValidBankAccount {
  readonly routingNumber: string;
  readonly accountNumber: string;
  readonly accountType: AccountType;
  readonly last4: string;
  readonly accountHolderName: string | null;
}

const routingWeights = [3, 7, 1, 3, 7, 1, 3, 7, 1] as const;

/**
 * A 9-digit ABA routing number: its first two digits in a range the ABA assigns (00–12 banks and
 * the U.S. government, 21–32 thrifts, 61–72 electronic, 80 traveler's checks) and the weighted
 * sum of its digits (3, 7, 1 repeated) a multiple of 10.
 */
export function isRoutingNumber(text: string): boolean {
  if (!/^\d{9}$/.test(text) || text === "000000000") return false;
  const prefix = Number(text.slice(0, 2));
  const prefixOk = prefix <= 12 || (prefix >= 21 && prefix <= 32) || (prefix >= 61 && prefix <= 72) || prefix === 80;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (text.charCodeAt(i) - 48) * (routingWeights[i] as number);
  return prefixOk && sum % 10 === 0;
}

export function validateRoutingNumber(text: string): string {
  const routingNumber = text.trim();
  if (!isRoutingNumber(routingNumber)) {
    throw vaultError("invalid_routing_number", "A routing number has 9 digits and its last digit must check", "routing_number");
  }
  return routingNumber;
}

/** Digits only, 4 to 17 of them (the NACHA account field's width); spaces and dashes are dropped. */
export function validateAccountNumber(text: string): string {
  const accountNumber = text.replace(/[ -]/g, "");
  if (!/^\d{4,17}$/.test(accountNumber)) {
    throw vaultError("invalid_account_number", "A bank account number has 4 to 17 digits", "account_number");
  }
  return accountNumber;
}

export function validateAccountType(text: string): AccountType {
  if (!accountTypes.includes(text as AccountType)) {
    throw platformError("invalid_request", `The account type is ${accountTypes.join(" or ")}`, "account_type");
  }
  return text as AccountType;
}

export function validateBankAccount(input: BankAccountInput): ValidBankAccount {
  const routingNumber = validateRoutingNumber(input.routingNumber);
  const accountNumber = validateAccountNumber(input.accountNumber);
  return {
    routingNumber,
    accountNumber,
    accountType: validateAccountType(input.accountType),
    last4: accountNumber.slice(-4),
    accountHolderName: input.accountHolderName?.trim() || null,
  };
}
