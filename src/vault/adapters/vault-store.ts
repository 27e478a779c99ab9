import type { Sql } from "../../platform/index.ts";
import type { AccountType } from "../domain/bank-account.ts";
import type { CardBrand } from "../domain/card.ts";

/** pg answers bytea as Buffer, PGlite as Uint8Array. */
const bytes = (value: Uint8Array): Buffer => Buffer.from(value.buffer, value.byteOffset, value.byteLength);

export interface WrappedKey {
  readonly wrappedKey: Buffer;
  readonly kekVersion: string;
}

export async function findFingerprintKey(sql: Sql, agencyId: string): Promise<WrappedKey | undefined> {
  const [row] = await sql.query<{ wrapped_key: Uint8Array; kek_version: string }>(
    "SELECT wrapped_key, kek_version FROM vault_fingerprint_keys WHERE agency_id = $1",
    [agencyId],
  );
  return row && { wrappedKey: bytes(row.wrapped_key), kekVersion: row.kek_version };
}

/** Keeps the first key when two requests create one at once; read it back with `findFingerprintKey`. */
export async function insertFingerprintKey(sql: Sql, agencyId: string, key: WrappedKey, now: Date): Promise<void> {
  await sql.query(
    `INSERT INTO vault_fingerprint_keys (agency_id, wrapped_key, kek_version, created_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (agency_id) DO NOTHING`,
    [agencyId, key.wrappedKey, key.kekVersion, now],
  );
}

export interface CardRecord {
  readonly agencyId: string;
  readonly id: string;
  readonly brand: CardBrand;
  readonly last4: string;
  readonly expMonth: number;
  readonly expYear: number;
  readonly fingerprint: string;
  readonly cardCiphertext: Buffer;
  readonly cvcCiphertext: Buffer | null;
  readonly wrappedDataKey: Buffer;
  readonly kekVersion: string;
  readonly createdAt: Date;
  readonly cvcErasedAt: Date | null;
}

interface CardRow {
  agency_id: string;
  id: string;
  brand: CardBrand;
  last4: string;
  exp_month: number;
  exp_year: number;
  fingerprint: string;
  card_ciphertext: Uint8Array;
  cvc_ciphertext: Uint8Array | null;
  wrapped_data_key: Uint8Array;
  kek_version: string;
  created_at: Date;
  cvc_erased_at: Date | null;
}

const toCard = (r: CardRow): CardRecord => ({
  agencyId: r.agency_id,
  id: r.id,
  brand: r.brand,
  last4: r.last4,
  expMonth: r.exp_month,
  expYear: r.exp_year,
  fingerprint: r.fingerprint,
  cardCiphertext: bytes(r.card_ciphertext),
  cvcCiphertext: r.cvc_ciphertext && bytes(r.cvc_ciphertext),
  wrappedDataKey: bytes(r.wrapped_data_key),
  kekVersion: r.kek_version,
  createdAt: r.created_at,
  cvcErasedAt: r.cvc_erased_at,
});

/**
 * Stores a card and issues its token in one statement: a standalone tokenization needs no
 * explicit transaction (the two rows commit together or not at all) and costs one round trip.
 */
export async function insertCardWithToken(sql: Sql, c: CardRecord, t: TokenRecord): Promise<void> {
  if (t.kind !== "card" || t.recordId !== c.id || t.agencyId !== c.agencyId) throw new Error(`token ${t.id} is not for card ${c.id}`);
  await sql.query(
    `WITH card AS (
       INSERT INTO vault_cards (agency_id, id, brand, last4, exp_month, exp_year, fingerprint, card_ciphertext, cvc_ciphertext,
         wrapped_data_key, kek_version, created_at, cvc_erased_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13))
     INSERT INTO vault_tokens (agency_id, id, kind, card_id, bank_account_id, created_at, expires_at, used_at)
     VALUES ($1, $14, 'card', $2, NULL, $15, $16, $17)`,
    [
      c.agencyId,
      c.id,
      c.brand,
      c.last4,
      c.expMonth,
      c.expYear,
      c.fingerprint,
      c.cardCiphertext,
      c.cvcCiphertext,
      c.wrappedDataKey,
      c.kekVersion,
      c.createdAt,
      c.cvcErasedAt,
      t.id,
      t.createdAt,
      t.expiresAt,
      t.usedAt,
    ],
  );
}

export async function findCard(sql: Sql, agencyId: string, id: string): Promise<CardRecord | undefined> {
  const [row] = await sql.query<CardRow>("SELECT * FROM vault_cards WHERE agency_id = $1 AND id = $2", [agencyId, id]);
  return row && toCard(row);
}

/** True when this call erased the CVV; false when it was gone already or the card does not exist. */
export async function eraseCvc(sql: Sql, agencyId: string, id: string, now: Date): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE vault_cards SET cvc_ciphertext = NULL, cvc_erased_at = $3
     WHERE agency_id = $1 AND id = $2 AND cvc_erased_at IS NULL RETURNING id`,
    [agencyId, id, now],
  );
  return rows.length === 1;
}

export interface BankAccountVersionRecord {
  readonly agencyId: string;
  readonly bankAccountId: string;
  readonly version: number;
  readonly routingNumber: string;
  readonly accountCiphertext: Buffer;
  readonly last4: string;
  readonly accountType: AccountType;
  readonly accountHolderName: string | null;
  readonly fingerprint: string;
  readonly wrappedDataKey: Buffer;
  readonly kekVersion: string;
  readonly reason: string;
  readonly createdAt: Date;
}

interface BankAccountVersionRow {
  agency_id: string;
  bank_account_id: string;
  version: number;
  routing_number: string;
  account_ciphertext: Uint8Array;
  last4: string;
  account_type: AccountType;
  account_holder_name: string | null;
  fingerprint: string;
  wrapped_data_key: Uint8Array;
  kek_version: string;
  reason: string;
  created_at: Date;
}

const toBankAccountVersion = (r: BankAccountVersionRow): BankAccountVersionRecord => ({
  agencyId: r.agency_id,
  bankAccountId: r.bank_account_id,
  version: r.version,
  routingNumber: r.routing_number,
  accountCiphertext: bytes(r.account_ciphertext),
  last4: r.last4,
  accountType: r.account_type,
  accountHolderName: r.account_holder_name,
  fingerprint: r.fingerprint,
  wrappedDataKey: bytes(r.wrapped_data_key),
  kekVersion: r.kek_version,
  reason: r.reason,
  createdAt: r.created_at,
});

export async function insertBankAccount(sql: Sql, agencyId: string, id: string, now: Date): Promise<void> {
  await sql.query("INSERT INTO vault_bank_accounts (agency_id, id, created_at) VALUES ($1, $2, $3)", [agencyId, id, now]);
}

/** Locks the bank account so that two corrections of it run one after the other. */
export async function lockBankAccount(sql: Sql, agencyId: string, id: string): Promise<boolean> {
  const rows = await sql.query("SELECT id FROM vault_bank_accounts WHERE agency_id = $1 AND id = $2 FOR UPDATE", [agencyId, id]);
  return rows.length === 1;
}

export async function insertBankAccountVersion(sql: Sql, v: BankAccountVersionRecord): Promise<void> {
  await sql.query(
    `INSERT INTO vault_bank_account_versions (agency_id, bank_account_id, version, routing_number, account_ciphertext, last4,
       account_type, account_holder_name, fingerprint, wrapped_data_key, kek_version, reason, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      v.agencyId,
      v.bankAccountId,
      v.version,
      v.routingNumber,
      v.accountCiphertext,
      v.last4,
      v.accountType,
      v.accountHolderName,
      v.fingerprint,
      v.wrappedDataKey,
      v.kekVersion,
      v.reason,
      v.createdAt,
    ],
  );
}

export async function findCurrentBankAccountVersion(sql: Sql, agencyId: string, id: string): Promise<BankAccountVersionRecord | undefined> {
  const [row] = await sql.query<BankAccountVersionRow>(
    "SELECT * FROM vault_bank_account_versions WHERE agency_id = $1 AND bank_account_id = $2 ORDER BY version DESC LIMIT 1",
    [agencyId, id],
  );
  return row && toBankAccountVersion(row);
}

export async function listBankAccountVersions(sql: Sql, agencyId: string, id: string, limit: number): Promise<BankAccountVersionRecord[]> {
  const rows = await sql.query<BankAccountVersionRow>(
    "SELECT * FROM vault_bank_account_versions WHERE agency_id = $1 AND bank_account_id = $2 ORDER BY version LIMIT $3",
    [agencyId, id, limit],
  );
  return rows.map(toBankAccountVersion);
}

export type TokenKind = "card" | "bank_account";

export interface TokenRecord {
  readonly agencyId: string;
  readonly id: string;
  readonly kind: TokenKind;
  /** The card or bank account the token stands for. */
  readonly recordId: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly usedAt: Date | null;
}

interface TokenRow {
  agency_id: string;
  id: string;
  kind: TokenKind;
  card_id: string | null;
  bank_account_id: string | null;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
}

const toToken = (r: TokenRow): TokenRecord => ({
  agencyId: r.agency_id,
  id: r.id,
  kind: r.kind,
  recordId: (r.card_id ?? r.bank_account_id) as string,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  usedAt: r.used_at,
});

export async function insertToken(sql: Sql, t: TokenRecord): Promise<void> {
  await sql.query(
    `INSERT INTO vault_tokens (agency_id, id, kind, card_id, bank_account_id, created_at, expires_at, used_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      t.agencyId,
      t.id,
      t.kind,
      t.kind === "card" ? t.recordId : null,
      t.kind === "bank_account" ? t.recordId : null,
      t.createdAt,
      t.expiresAt,
      t.usedAt,
    ],
  );
}

/**
 * Marks an unused, unexpired token used and answers what it stands for, in one statement: of two
 * racing claims, the second waits for the first's row lock, then finds `used_at` set and claims
 * nothing.
 */
export async function claimToken(sql: Sql, agencyId: string, id: string, kind: TokenKind, now: Date): Promise<string | undefined> {
  const [row] = await sql.query<{ record_id: string }>(
    `UPDATE vault_tokens SET used_at = $4
     WHERE agency_id = $1 AND id = $2 AND kind = $3 AND used_at IS NULL AND expires_at > $4
     RETURNING coalesce(card_id, bank_account_id) AS record_id`,
    [agencyId, id, kind, now],
  );
  return row?.record_id;
}

/**
 * `claimToken` for a card token, answering the card it stands for in the same statement, as it
 * was before the statement: with `eraseCvcAt`, the card's CVC is erased by that same statement,
 * and the answer still holds it. The card is undefined when the token could not be claimed;
 * `claimed` without a card would be a token pointing nowhere, which the foreign key forbids.
 */
export async function claimCardToken(
  sql: Sql,
  agencyId: string,
  id: string,
  now: Date,
  eraseCvcAt?: Date,
): Promise<{ claimedCardId: string; card: CardRecord | undefined } | undefined> {
  const claim = `claimed AS (
       UPDATE vault_tokens SET used_at = $3
       WHERE agency_id = $1 AND id = $2 AND kind = 'card' AND used_at IS NULL AND expires_at > $3
       RETURNING card_id)`;
  // Every part of one statement reads the same snapshot: the SELECT sees the card before the erase.
  const erase = `, erased AS (
       UPDATE vault_cards c SET cvc_ciphertext = NULL, cvc_erased_at = $4
       FROM claimed WHERE c.agency_id = $1 AND c.id = claimed.card_id AND c.cvc_erased_at IS NULL
       RETURNING c.id)`;
  const [row] = await sql.query<Partial<CardRow> & { claimed_card_id: string }>(
    `WITH ${claim}${eraseCvcAt ? erase : ""}
     SELECT claimed.card_id AS claimed_card_id, c.*
     FROM claimed LEFT JOIN vault_cards c ON c.agency_id = $1 AND c.id = claimed.card_id`,
    eraseCvcAt ? [agencyId, id, now, eraseCvcAt] : [agencyId, id, now],
  );
  if (!row) return undefined;
  const { claimed_card_id: claimedCardId, ...card } = row;
  return { claimedCardId, card: card.id === null || card.id === undefined ? undefined : toCard(card as CardRow) };
}

export async function findToken(sql: Sql, agencyId: string, id: string): Promise<TokenRecord | undefined> {
  const [row] = await sql.query<TokenRow>("SELECT * FROM vault_tokens WHERE agency_id = $1 AND id = $2", [agencyId, id]);
  return row && toToken(row);
}

/** Erases the CVVs of cards created at or before `createdBefore`, oldest first, at most `limit`. */
export async function eraseCvcsCreatedBefore(sql: Sql, createdBefore: Date, now: Date, limit: number): Promise<number> {
  const rows = await sql.query(
    `UPDATE vault_cards SET cvc_ciphertext = NULL, cvc_erased_at = $2
     WHERE (agency_id, id) IN (
       SELECT agency_id, id FROM vault_cards WHERE cvc_erased_at IS NULL AND created_at <= $1
       ORDER BY created_at LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING id`,
    [createdBefore, now, limit],
  );
  return rows.length;
}

/**
 * Deletes tokens that expired unused at or before `expiredBefore`, and the cards and bank
 * accounts no token stands for any more: numbers nobody paid with are not kept.
 */
export async function deleteUnusedTokensExpiredBefore(
  sql: Sql,
  expiredBefore: Date,
  limit: number,
): Promise<{ tokens: number; cards: number; bankAccounts: number }> {
  const tokens = await sql.query<{ agency_id: string; card_id: string | null; bank_account_id: string | null }>(
    `DELETE FROM vault_tokens WHERE (agency_id, id) IN (
       SELECT agency_id, id FROM vault_tokens WHERE used_at IS NULL AND expires_at <= $1
       ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
     RETURNING agency_id, card_id, bank_account_id`,
    [expiredBefore, limit],
  );
  const cardKeys = tokens.filter((t) => t.card_id !== null);
  const bankKeys = tokens.filter((t) => t.bank_account_id !== null);
  const cards = cardKeys.length
    ? await sql.query(
        `DELETE FROM vault_cards c
         WHERE (c.agency_id, c.id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
           AND NOT EXISTS (SELECT 1 FROM vault_tokens t WHERE t.agency_id = c.agency_id AND t.card_id = c.id)
         RETURNING c.id`,
        [cardKeys.map((t) => t.agency_id), cardKeys.map((t) => t.card_id)],
      )
    : [];
  let bankAccounts: unknown[] = [];
  if (bankKeys.length) {
    const orphans = `SELECT b.agency_id, b.id FROM vault_bank_accounts b
       WHERE (b.agency_id, b.id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
         AND NOT EXISTS (SELECT 1 FROM vault_tokens t WHERE t.agency_id = b.agency_id AND t.bank_account_id = b.id)`;
    const params = [bankKeys.map((t) => t.agency_id), bankKeys.map((t) => t.bank_account_id)];
    await sql.query(`DELETE FROM vault_bank_account_versions WHERE (agency_id, bank_account_id) IN (${orphans})`, params);
    bankAccounts = await sql.query(`DELETE FROM vault_bank_accounts WHERE (agency_id, id) IN (${orphans}) RETURNING id`, params);
  }
  return { tokens: tokens.length, cards: cards.length, bankAccounts: bankAccounts.length };
}

/** The tables whose rows hold a wrapped key, and how each row is named in its wrap context. */
export type WrappedKeyTable = "vault_fingerprint_keys" | "vault_cards" | "vault_bank_account_versions";

export interface WrappedKeyRow {
  readonly agencyId: string;
  /** The row's key beyond agency_id: none, a card id, or a bank account id and version. */
  readonly recordId: string | null;
  readonly version: number | null;
  readonly wrappedKey: Buffer;
  readonly kekVersion: string;
}

const wrappedKeyColumns: Record<WrappedKeyTable, { select: string; key: string; wrapped: string }> = {
  vault_fingerprint_keys: {
    select: "agency_id, NULL::text AS record_id, NULL::integer AS version",
    key: "agency_id",
    wrapped: "wrapped_key",
  },
  vault_cards: { select: "agency_id, id AS record_id, NULL::integer AS version", key: "agency_id, id", wrapped: "wrapped_data_key" },
  vault_bank_account_versions: {
    select: "agency_id, bank_account_id AS record_id, version",
    key: "agency_id, bank_account_id, version",
    wrapped: "wrapped_data_key",
  },
};

/** Locks up to `limit` rows whose key is wrapped under a KEK other than `currentVersion`. */
export async function lockKeysNotWrappedUnder(
  sql: Sql,
  table: WrappedKeyTable,
  currentVersion: string,
  limit: number,
): Promise<WrappedKeyRow[]> {
  const c = wrappedKeyColumns[table];
  const rows = await sql.query<{
    agency_id: string;
    record_id: string | null;
    version: number | null;
    wrapped: Uint8Array;
    kek_version: string;
  }>(
    `SELECT ${c.select}, ${c.wrapped} AS wrapped, kek_version FROM ${table}
     WHERE kek_version <> $1 ORDER BY ${c.key} LIMIT $2 FOR UPDATE`,
    [currentVersion, limit],
  );
  return rows.map((r) => ({
    agencyId: r.agency_id,
    recordId: r.record_id,
    version: r.version,
    wrappedKey: bytes(r.wrapped),
    kekVersion: r.kek_version,
  }));
}

export async function replaceWrappedKey(sql: Sql, table: WrappedKeyTable, row: WrappedKeyRow, wrapped: WrappedKey): Promise<void> {
  const c = wrappedKeyColumns[table];
  const keyValues = [row.agencyId, row.recordId, row.version].filter((v) => v !== null);
  const where = c.key
    .split(", ")
    .map((column, i) => `${column} = $${i + 3}`)
    .join(" AND ");
  await sql.query(`UPDATE ${table} SET ${c.wrapped} = $1, kek_version = $2 WHERE ${where}`, [
    wrapped.wrappedKey,
    wrapped.kekVersion,
    ...keyValues,
  ]);
}

/** How many keys each KEK version wraps, for `remit vault rotate-key` to report. */
export async function countKeysByKekVersion(sql: Sql): Promise<Record<string, number>> {
  const rows = await sql.query<{ kek_version: string; n: number }>(
    `SELECT kek_version, count(*)::integer AS n FROM (
       SELECT kek_version FROM vault_fingerprint_keys
       UNION ALL SELECT kek_version FROM vault_cards
       UNION ALL SELECT kek_version FROM vault_bank_account_versions) k
     GROUP BY kek_version ORDER BY kek_version`,
  );
  return Object.fromEntries(rows.map((r) => [r.kek_version, r.n]));
}
