import { catalogError, type ErrorCatalog } from "../../platform/index.ts";

export const vaultErrors = {
  token_not_found: { status: 404, title: "No such token", retryable: false },
  token_already_used: { status: 409, title: "The token was already used", retryable: false },
  token_expired: { status: 410, title: "The token has expired", retryable: false },
  vault_card_not_found: { status: 404, title: "No such card in the vault", retryable: false },
  vault_bank_account_not_found: { status: 404, title: "No such bank account in the vault", retryable: false },
  invalid_card_number: { status: 400, title: "The card number is not valid", retryable: false },
  invalid_expiry: { status: 400, title: "The expiry date is not valid or has passed", retryable: false },
  invalid_cvc: { status: 400, title: "The card security code is not valid", retryable: false },
  invalid_routing_number: { status: 400, title: "The routing number is not valid", retryable: false },
  invalid_account_number: { status: 400, title: "The bank account number is not valid", retryable: false },
  origin_not_allowed: { status: 403, title: "Tokens are issued only to the vault's own pages", retryable: false },
  rate_limited: { status: 429, title: "Too many requests", retryable: true },
} as const satisfies ErrorCatalog;

export const vaultError = catalogError(vaultErrors);
