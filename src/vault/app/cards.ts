import { type Database, newId, type Sql } from "../../platform/index.ts";
import * as store from "../adapters/vault-store.ts";
import { type CardBrand, type CardInput, validateCard } from "../domain/card.ts";
import { contexts, keyedFingerprint, newDataKey, open, seal, unwrapKey, type VaultKeys, wrapKey } from "../domain/envelope.ts";
import { vaultError } from "../domain/errors.ts";
import { cachedAgencyFingerprintKey, newToken, refuseClaim } from "./tokens.ts";

/** What may be shown of a card anywhere: never more than brand, last 4 and expiry. */
export interface CardSummary {
  readonly brand: CardBrand;
  readonly last4: string;
  readonly expMonth: number;
  readonly expYear: number;
}

export interface IssuedCardToken {
  readonly id: string;
  readonly expiresAt: Date;
  readonly card: CardSummary;
}

/** The sealed part of a card record; field names are part of the stored format. */
interface SealedCard {
  number: string;
  exp_month: number;
  exp_year: number;
  postal_code: string | null;
}

/**
 * Checks a card, stores it encrypted and issues a single-use `tok_…` for it: one statement, so
 * no explicit transaction (card and token commit together or not at all).
 */
export async function tokenizeCard(db: Database, keys: VaultKeys, agencyId: string, input: CardInput, now: Date): Promise<IssuedCardToken> {
  const card = validateCard(input, now);
  const fingerprintKey = await cachedAgencyFingerprintKey(db, keys, agencyId, now);
  const fingerprint = keyedFingerprint(fingerprintKey, "card", card.number);

  const cardId = newId("card");
  const dataKey = newDataKey();
  const sealed: SealedCard = { number: card.number, exp_month: card.expMonth, exp_year: card.expYear, postal_code: card.postalCode };
  const cardCiphertext = seal(dataKey, Buffer.from(JSON.stringify(sealed)), contexts.cardData(agencyId, cardId));
  const cvcCiphertext = seal(dataKey, Buffer.from(card.cvc), contexts.cardCvc(agencyId, cardId));
  const { wrapped, kekVersion } = wrapKey(keys, dataKey, contexts.cardKey(agencyId, cardId));
  dataKey.fill(0);

  const token = newToken(agencyId, "card", cardId, now);
  await store.insertCardWithToken(
    db,
    {
      agencyId,
      id: cardId,
      brand: card.brand,
      last4: card.last4,
      expMonth: card.expMonth,
      expYear: card.expYear,
      fingerprint,
      cardCiphertext,
      cvcCiphertext,
      wrappedDataKey: wrapped,
      kekVersion,
      createdAt: now,
      cvcErasedAt: null,
    },
    token,
  );
  return {
    id: token.id,
    expiresAt: token.expiresAt,
    card: { brand: card.brand, last4: card.last4, expMonth: card.expMonth, expYear: card.expYear },
  };
}

export interface RedeemedCard extends CardSummary {
  /** The vault's id of the card, to hand to `readCardForProcessor` and `eraseCardCvc`. */
  readonly cardId: string;
  /** Same card, same fingerprint, within this agency only. */
  readonly fingerprint: string;
}

/**
 * The card records read while redeeming, by the redeemed card handed out: `readCardForProcessor`
 * given that card decrypts this record once instead of reading the card again. Module-private,
 * so the record (ciphertext only) never travels with the `RedeemedCard` itself.
 */
const recordsReadAtRedeem = new WeakMap<RedeemedCard, store.CardRecord>();

/**
 * Spends a `tok_…` (single use; of two racing redeems exactly one wins) and answers the card it
 * stands for, without its number. Errors: `token_not_found` (also for another agency's token),
 * `token_already_used`, `token_expired`.
 *
 * `forAuthorization`: the card is redeemed for one authorization, so its CVC is erased in the
 * same statement (and rolled back with the caller's transaction); `readCardForProcessor` given
 * the answered card still has the CVC for that one authorization, from this process's memory.
 */
export async function redeemCardToken(
  sql: Sql,
  agencyId: string,
  tokenId: string,
  now: Date,
  options: { readonly forAuthorization?: boolean } = {},
): Promise<RedeemedCard> {
  const claimed = await store.claimCardToken(sql, agencyId, tokenId, now, options.forAuthorization ? now : undefined);
  if (!claimed) return refuseClaim(sql, agencyId, tokenId, "card");
  const { claimedCardId: cardId, card } = claimed;
  if (!card) throw new Error(`token ${tokenId} stands for card ${cardId}, which is missing`);
  const redeemed: RedeemedCard = {
    cardId,
    brand: card.brand,
    last4: card.last4,
    expMonth: card.expMonth,
    expYear: card.expYear,
    fingerprint: card.fingerprint,
  };
  recordsReadAtRedeem.set(redeemed, card);
  return redeemed;
}

export interface CardForProcessor {
  readonly number: string;
  readonly expMonth: number;
  readonly expYear: number;
  /** Null once erased: after the first authorization, or an hour after the card was entered. */
  readonly cvc: string | null;
  readonly postalCode: string | null;
}

/**
 * The card in the clear, for the processor connector only: no HTTP route calls this. Hand the
 * result straight to the processor and keep it out of logs, errors and storage.
 *
 * Given the `RedeemedCard` that `redeemCardToken` answered, the first call decrypts the card as
 * read while redeeming (CVC included), without another database read: the card transaction
 * hands it straight to its authorization. Later calls, and calls with an id, read the card.
 */
export async function readCardForProcessor(
  sql: Sql,
  keys: VaultKeys,
  agencyId: string,
  card: string | RedeemedCard,
): Promise<CardForProcessor> {
  const cardId = typeof card === "string" ? card : card.cardId;
  const readAtRedeem = typeof card === "string" ? undefined : recordsReadAtRedeem.get(card);
  if (readAtRedeem) recordsReadAtRedeem.delete(card as RedeemedCard);
  const record = readAtRedeem?.agencyId === agencyId ? readAtRedeem : await store.findCard(sql, agencyId, cardId);
  if (!record) throw vaultError("vault_card_not_found", "No such card in the vault", "card_id");
  const dataKey = unwrapKey(keys, record.wrappedDataKey, record.kekVersion, contexts.cardKey(agencyId, cardId));
  try {
    const sealed = JSON.parse(open(dataKey, record.cardCiphertext, contexts.cardData(agencyId, cardId)).toString("utf8")) as SealedCard;
    const cvc = record.cvcCiphertext && open(dataKey, record.cvcCiphertext, contexts.cardCvc(agencyId, cardId)).toString("utf8");
    return { number: sealed.number, expMonth: sealed.exp_month, expYear: sealed.exp_year, cvc, postalCode: sealed.postal_code };
  } finally {
    dataKey.fill(0);
  }
}

/** Erases the card's CVV; answers whether this call erased it (false when it was gone already). */
export async function eraseCardCvc(sql: Sql, agencyId: string, cardId: string, now: Date): Promise<boolean> {
  if (await store.eraseCvc(sql, agencyId, cardId, now)) return true;
  if (!(await store.findCard(sql, agencyId, cardId))) throw vaultError("vault_card_not_found", "No such card in the vault", "card_id");
  return false;
}
