import type { Database } from "../../platform/index.ts";
import * as store from "../adapters/vault-store.ts";
import { contexts, unwrapKey, type VaultKeys, wrapKey } from "../domain/envelope.ts";

/** PCI DSS 3.3.1.2 forbids keeping a CVV after authorization; one that waits longer than this is erased anyway. */
export const cvcRetentionMs = 60 * 60_000;
/**
 * An expired token is kept this long so that using it answers `token_expired` rather than
 * `token_not_found`; then it goes, with the card or account nobody paid with.
 */
export const expiredTokenRetentionMs = 24 * 60 * 60_000;
/** Rows handled per transaction, so that a large backlog never holds locks for long. */
const batchSize = 500;

export interface VaultPurge {
  readonly cvcsErased: number;
  readonly tokensDeleted: number;
  readonly cardsDeleted: number;
  readonly bankAccountsDeleted: number;
}

/**
 * A worker job: erases CVVs held longer than an hour, and deletes tokens a day past their unused
 * expiry with the numbers only they stood for. Does one batch of each per call; the worker calls
 * again at once while there was work.
 */
export async function purgeVault(db: Database, now: Date): Promise<VaultPurge> {
  const cvcsErased = await db.transaction((tx) =>
    store.eraseCvcsCreatedBefore(tx, new Date(now.getTime() - cvcRetentionMs), now, batchSize),
  );
  const deleted = await db.transaction((tx) =>
    store.deleteUnusedTokensExpiredBefore(tx, new Date(now.getTime() - expiredTokenRetentionMs), batchSize),
  );
  return { cvcsErased, tokensDeleted: deleted.tokens, cardsDeleted: deleted.cards, bankAccountsDeleted: deleted.bankAccounts };
}

export interface KeyRotation {
  /** The KEK every key is now wrapped under. */
  readonly currentVersion: string;
  /** Keys re-wrapped by this run: data keys and agencies' fingerprint keys. */
  readonly rewrapped: number;
  /** Keys per KEK version after the run: only the current version once rotation is complete. */
  readonly keysByVersion: Readonly<Record<string, number>>;
}

const wrapContextOf: Record<store.WrappedKeyTable, (row: store.WrappedKeyRow) => string> = {
  vault_fingerprint_keys: (row) => contexts.fingerprintKey(row.agencyId),
  vault_cards: (row) => contexts.cardKey(row.agencyId, row.recordId as string),
  vault_bank_account_versions: (row) => contexts.bankAccountKey(row.agencyId, row.recordId as string, row.version as number),
};

/**
 * Re-wraps every key not yet under the current KEK (`remit vault rotate-key`). The data stays as
 * it is: only the 60-byte wrapped keys change, a batch per transaction, so the run can be stopped
 * and started again. Once it reports every key under the current version, older versions can be
 * removed from REMIT_MASTER_KEY.
 */
export async function rotateVaultKeys(db: Database, keys: VaultKeys): Promise<KeyRotation> {
  let rewrapped = 0;
  for (const table of Object.keys(wrapContextOf) as store.WrappedKeyTable[]) {
    for (;;) {
      const done = await db.transaction(async (tx) => {
        const rows = await store.lockKeysNotWrappedUnder(tx, table, keys.current.version, batchSize);
        for (const row of rows) {
          const context = wrapContextOf[table](row);
          const key = unwrapKey(keys, row.wrappedKey, row.kekVersion, context);
          const { wrapped, kekVersion } = wrapKey(keys, key, context);
          key.fill(0);
          await store.replaceWrappedKey(tx, table, row, { wrappedKey: wrapped, kekVersion });
        }
        return rows.length;
      });
      rewrapped += done;
      if (done < batchSize) break;
    }
  }
  return { currentVersion: keys.current.version, rewrapped, keysByVersion: await store.countKeysByKekVersion(db) };
}
