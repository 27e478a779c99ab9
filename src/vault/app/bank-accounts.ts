import { type Database, newId, type Sql } from "../../platform/index.ts";
import * as store from "../adapters/vault-store.ts";
import {
  type AccountType,
  type BankAccountInput,
  type ValidBankAccount,
  validateAccountNumber,
  validateAccountType,
  validateBankAccount,
  validateRoutingNumber,
} from "../domain/bank-account.ts";
import { contexts, keyedFingerprint, newDataKey, open, seal, unwrapKey, type VaultKeys, wrapKey } from "../domain/envelope.ts";
import { vaultError } from "../domain/errors.ts";
import { agencyFingerprintKey, claimToken, issueToken } from "./tokens.ts";

/** What may be shown of a bank account: routing number (public), last 4 and type. */
export interface BankAccountSummary {
  readonly routingNumber: string;
  readonly last4: string;
  readonly accountType: AccountType;
}

export interface IssuedBankAccountToken {
  readonly id: string;
  readonly expiresAt: Date;
  readonly bankAccount: BankAccountSummary;
}

/** Checks a bank account (routing check digit first), stores it encrypted and issues a `btok_…`. */
export async function tokenizeBankAccount(
  db: Database,
  keys: VaultKeys,
  agencyId: string,
  input: BankAccountInput,
  now: Date,
): Promise<IssuedBankAccountToken> {
  const account = validateBankAccount(input);
  return db.transaction(async (tx) => {
    const bankAccountId = newId("ba");
    await store.insertBankAccount(tx, agencyId, bankAccountId, now);
    await insertVersion(tx, keys, agencyId, bankAccountId, 1, account, "tokenized", now);
    const token = await issueToken(tx, agencyId, "bank_account", bankAccountId, now);
    return {
      id: token.id,
      expiresAt: token.expiresAt,
      bankAccount: { routingNumber: account.routingNumber, last4: account.last4, accountType: account.accountType },
    };
  });
}

export interface RedeemedBankAccount extends BankAccountSummary {
  /** The vault's id of the account, to hand to `readBankAccountForOriginator`. */
  readonly bankAccountId: string;
  readonly accountHolderName: string | null;
  readonly fingerprint: string;
}

/** Spends a `btok_…` like `redeemCardToken` spends a `tok_…`, with the same errors. */
export async function redeemBankAccountToken(sql: Sql, agencyId: string, tokenId: string, now: Date): Promise<RedeemedBankAccount> {
  const bankAccountId = await claimToken(sql, agencyId, tokenId, "bank_account", now);
  const current = await store.findCurrentBankAccountVersion(sql, agencyId, bankAccountId);
  if (!current) throw new Error(`token ${tokenId} stands for bank account ${bankAccountId}, which has no version`);
  return { bankAccountId, ...summary(current), accountHolderName: current.accountHolderName, fingerprint: current.fingerprint };
}

export interface BankAccountForOriginator {
  readonly routingNumber: string;
  readonly accountNumber: string;
  readonly accountType: AccountType;
  readonly accountHolderName: string | null;
  /** The version read: 1, and one more after each correction. */
  readonly version: number;
}

/**
 * The current version of the account in the clear, for the ACH originator only (the entry
 * detail record of a NACHA file): no HTTP route calls this.
 */
export async function readBankAccountForOriginator(
  sql: Sql,
  keys: VaultKeys,
  agencyId: string,
  bankAccountId: string,
): Promise<BankAccountForOriginator> {
  const current = await store.findCurrentBankAccountVersion(sql, agencyId, bankAccountId);
  if (!current) throw vaultError("vault_bank_account_not_found", "No such bank account in the vault", "bank_account_id");
  return {
    routingNumber: current.routingNumber,
    accountNumber: openAccountNumber(keys, current),
    accountType: current.accountType,
    accountHolderName: current.accountHolderName,
    version: current.version,
  };
}

export interface BankAccountCorrection {
  readonly routingNumber?: string | undefined;
  readonly accountNumber?: string | undefined;
  readonly accountType?: AccountType | undefined;
  /** Why, for the audit trail: e.g. "NOC C01 trace 091000010000001". */
  readonly reason?: string | undefined;
}

export interface BankAccountVersion extends BankAccountSummary {
  readonly bankAccountId: string;
  readonly version: number;
  readonly fingerprint: string;
  readonly reason: string;
  readonly createdAt: Date;
}

/**
 * Corrects a stored account (a notification of change) as a new version; the old one is kept
 * for audit. A correction that changes nothing adds no version and answers the current one.
 */
export async function correctBankAccount(
  sql: Sql,
  keys: VaultKeys,
  agencyId: string,
  bankAccountId: string,
  correction: BankAccountCorrection,
  now: Date,
): Promise<BankAccountVersion> {
  if (!(await store.lockBankAccount(sql, agencyId, bankAccountId))) {
    throw vaultError("vault_bank_account_not_found", "No such bank account in the vault", "bank_account_id");
  }
  const current = await store.findCurrentBankAccountVersion(sql, agencyId, bankAccountId);
  if (!current) throw new Error(`bank account ${bankAccountId} has no version`);
  const currentNumber = openAccountNumber(keys, current);
  const routingNumber = correction.routingNumber === undefined ? current.routingNumber : validateRoutingNumber(correction.routingNumber);
  const accountNumber = correction.accountNumber === undefined ? currentNumber : validateAccountNumber(correction.accountNumber);
  const accountType = correction.accountType === undefined ? current.accountType : validateAccountType(correction.accountType);
  if (routingNumber === current.routingNumber && accountNumber === currentNumber && accountType === current.accountType) {
    return versionOf(current);
  }
  const account: ValidBankAccount = {
    routingNumber,
    accountNumber,
    accountType,
    last4: accountNumber.slice(-4),
    accountHolderName: current.accountHolderName,
  };
  const reason = correction.reason?.trim().slice(0, 200) || "correction";
  return versionOf(await insertVersion(sql, keys, agencyId, bankAccountId, current.version + 1, account, reason, now));
}

/** Every version of the account, oldest first, without account numbers: the audit trail of corrections. */
export async function listBankAccountVersions(sql: Sql, agencyId: string, bankAccountId: string): Promise<BankAccountVersion[]> {
  const versions = await store.listBankAccountVersions(sql, agencyId, bankAccountId, 1_000);
  if (versions.length === 0) throw vaultError("vault_bank_account_not_found", "No such bank account in the vault", "bank_account_id");
  return versions.map(versionOf);
}

async function insertVersion(
  sql: Sql,
  keys: VaultKeys,
  agencyId: string,
  bankAccountId: string,
  version: number,
  account: ValidBankAccount,
  reason: string,
  now: Date,
): Promise<store.BankAccountVersionRecord> {
  const fingerprintKey = await agencyFingerprintKey(sql, keys, agencyId, now);
  const fingerprint = keyedFingerprint(fingerprintKey, "bank_account", `${account.routingNumber}|${account.accountNumber}`);
  fingerprintKey.fill(0);
  const dataKey = newDataKey();
  const accountCiphertext = seal(dataKey, Buffer.from(account.accountNumber), contexts.bankAccountData(agencyId, bankAccountId, version));
  const { wrapped, kekVersion } = wrapKey(keys, dataKey, contexts.bankAccountKey(agencyId, bankAccountId, version));
  dataKey.fill(0);
  const record: store.BankAccountVersionRecord = {
    agencyId,
    bankAccountId,
    version,
    routingNumber: account.routingNumber,
    accountCiphertext,
    last4: account.last4,
    accountType: account.accountType,
    accountHolderName: account.accountHolderName,
    fingerprint,
    wrappedDataKey: wrapped,
    kekVersion,
    reason,
    createdAt: now,
  };
  await store.insertBankAccountVersion(sql, record);
  return record;
}

function openAccountNumber(keys: VaultKeys, v: store.BankAccountVersionRecord): string {
  const dataKey = unwrapKey(keys, v.wrappedDataKey, v.kekVersion, contexts.bankAccountKey(v.agencyId, v.bankAccountId, v.version));
  try {
    return open(dataKey, v.accountCiphertext, contexts.bankAccountData(v.agencyId, v.bankAccountId, v.version)).toString("utf8");
  } finally {
    dataKey.fill(0);
  }
}

const summary = (v: store.BankAccountVersionRecord): BankAccountSummary => ({
  routingNumber: v.routingNumber,
  last4: v.last4,
  accountType: v.accountType,
});

const versionOf = (v: store.BankAccountVersionRecord): BankAccountVersion => ({
  bankAccountId: v.bankAccountId,
  version: v.version,
  ...summary(v),
  fingerprint: v.fingerprint,
  reason: v.reason,
  createdAt: v.createdAt,
});
