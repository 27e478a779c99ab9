/**
 * The vault: the only part of Remit that holds card and bank-account numbers, encrypted. Other
 * capabilities see tokens, brand and last 4; the processor and ACH connectors alone read numbers
 * back, through `readCardForProcessor` and `readBankAccountForOriginator`. Functions that take a
 * `Sql` run inside the caller's transaction.
 */
export { devMasterKeyFileName, loadVaultKeys } from "./adapters/master-key.ts";
export { defaultVaultRateLimits, type VaultRateLimits } from "./adapters/token-routes.ts";
export {
  type BankAccountCorrection,
  type BankAccountForOriginator,
  type BankAccountSummary,
  type BankAccountVersion,
  correctBankAccount,
  type IssuedBankAccountToken,
  listBankAccountVersions,
  type RedeemedBankAccount,
  readBankAccountForOriginator,
  redeemBankAccountToken,
  tokenizeBankAccount,
} from "./app/bank-accounts.ts";
export {
  type CardForProcessor,
  type CardSummary,
  eraseCardCvc,
  type IssuedCardToken,
  type RedeemedCard,
  readCardForProcessor,
  redeemCardToken,
  tokenizeCard,
} from "./app/cards.ts";
export {
  cvcRetentionMs,
  expiredTokenRetentionMs,
  type KeyRotation,
  purgeVault,
  rotateVaultKeys,
  type VaultPurge,
} from "./app/maintenance.ts";
export { tokenLifetimeMs } from "./app/tokens.ts";
export { type AccountType, accountTypes, isRoutingNumber } from "./domain/bank-account.ts";
export { type CardBrand, type CardInput, cardBrand, passesLuhn } from "./domain/card.ts";
export { newMasterKeyText, parseMasterKeys, type VaultKeys } from "./domain/envelope.ts";
export { vaultErrors } from "./domain/errors.ts";
export { type HostedFieldDeps, hostedFieldErrors, hostedFieldRoutes } from "./hosted-fields/index.ts";
export { buildVaultServer, type VaultServerDeps } from "./server.ts";
