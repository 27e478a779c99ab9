import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createAgency } from "../agencies/index.ts";
import { createLogger, type Database, loadConfig, openTestDatabase, RemitError } from "../platform/index.ts";
import {
  correctBankAccount,
  devMasterKeyFileName,
  eraseCardCvc,
  listBankAccountVersions,
  loadVaultKeys,
  parseMasterKeys,
  purgeVault,
  readBankAccountForOriginator,
  readCardForProcessor,
  redeemBankAccountToken,
  redeemCardToken,
  rotateVaultKeys,
  tokenizeBankAccount,
  tokenizeCard,
  type VaultKeys,
} from "./index.ts";

const keyText = (version: string) => `${version}:${randomBytes(32).toString("base64")}`;
const v1 = keyText("v1");
const v2 = keyText("v2");
const keysV1 = parseMasterKeys(v1);
const keysV2 = parseMasterKeys(`${v2},${v1}`);

const now = new Date("2026-11-22T12:00:00Z");
const minutes = (n: number) => new Date(now.getTime() + n * 60_000);
const pan = "4242424242424242";
const visa = { number: pan, expMonth: 12, expYear: 2030, cvc: "123", postalCode: "78701" };
const checking = {
  routingNumber: "011000015",
  accountNumber: "000123456789",
  accountType: "checking" as const,
  accountHolderName: "Ada Lovelace",
};

let db: Database;
before(async () => {
  db = await openTestDatabase();
});
after(async () => {
  await db.close();
});

const newAgency = async (name: string) => (await createAgency(db, { name })).id;

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => error instanceof RemitError && error.code === code);
}

/** Every row of every table, as text, with bytea also searched as the bytes of the text. */
async function wholeDatabaseText(): Promise<string> {
  const tables = await db.query<{ name: string }>(
    "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) AS name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'",
  );
  const texts = await Promise.all(
    tables.map(async ({ name }) => (await db.query<{ t: string }>(`SELECT t::text AS t FROM ${name} t`)).map((r) => r.t)),
  );
  return texts.flat().join("\n");
}

const hexOf = (text: string) => Buffer.from(text).toString("hex");

describe("cards", () => {
  test("a tokenized card comes back whole for the processor, and only brand and last 4 elsewhere", async () => {
    const agencyId = await newAgency("Round Trip County");
    const token = await tokenizeCard(db, keysV1, agencyId, visa, now);
    assert.match(token.id, /^tok_[0-9A-Za-z]{22}$/);
    assert.deepEqual(token.card, { brand: "visa", last4: "4242", expMonth: 12, expYear: 2030 });
    assert.deepEqual(token.expiresAt, minutes(15));

    const redeemed = await redeemCardToken(db, agencyId, token.id, minutes(1));
    assert.deepEqual(
      { ...redeemed, cardId: undefined, fingerprint: undefined },
      { cardId: undefined, fingerprint: undefined, brand: "visa", last4: "4242", expMonth: 12, expYear: 2030 },
    );
    assert.deepEqual(await readCardForProcessor(db, keysV1, agencyId, redeemed.cardId), {
      number: pan,
      expMonth: 12,
      expYear: 2030,
      cvc: "123",
      postalCode: "78701",
    });
  });

  test("no table holds the card number, CVV or account number in plain text", async () => {
    const agencyId = await newAgency("Plain Text County");
    await tokenizeCard(db, keysV1, agencyId, { ...visa, number: "5555555555554444", cvc: "987" }, now);
    await tokenizeBankAccount(db, keysV1, agencyId, { ...checking, accountNumber: "987654321012" }, now);
    const text = await wholeDatabaseText();
    for (const secret of ["5555555555554444", "987654321012"]) {
      assert.ok(!text.includes(secret), `${secret} in plain text`);
      assert.ok(!text.includes(hexOf(secret)), `${secret} as plain bytes`);
    }
    const [card] = await db.query<{ cvc: string }>("SELECT encode(cvc_ciphertext, 'hex') AS cvc FROM vault_cards WHERE agency_id = $1", [
      agencyId,
    ]);
    assert.ok(card && !card.cvc.includes(hexOf("987")));
  });

  test("a changed ciphertext, a ciphertext moved to another card, or a changed key version fails to decrypt", async () => {
    const agencyId = await newAgency("Tamper County");
    const a = await redeemCardToken(db, agencyId, (await tokenizeCard(db, keysV1, agencyId, visa, now)).id, now);
    const b = await redeemCardToken(
      db,
      agencyId,
      (await tokenizeCard(db, keysV1, agencyId, { ...visa, number: "4000056655665556" }, now)).id,
      now,
    );

    await db.query(
      "UPDATE vault_cards SET card_ciphertext = set_byte(card_ciphertext, 20, get_byte(card_ciphertext, 20) # 1) WHERE id = $1",
      [a.cardId],
    );
    await assert.rejects(readCardForProcessor(db, keysV1, agencyId, a.cardId), /failed authentication/);

    await db.query(
      "UPDATE vault_cards SET card_ciphertext = (SELECT card_ciphertext FROM vault_cards WHERE id = $2), wrapped_data_key = (SELECT wrapped_data_key FROM vault_cards WHERE id = $2) WHERE id = $1",
      [a.cardId, b.cardId],
    );
    await assert.rejects(readCardForProcessor(db, keysV1, agencyId, a.cardId), /failed authentication/);

    const both = parseMasterKeys(`${v1},${keyText("v0")}`);
    await db.query("UPDATE vault_cards SET kek_version = 'v0' WHERE id = $1", [b.cardId]);
    await assert.rejects(readCardForProcessor(db, both, agencyId, b.cardId), /failed authentication/);

    // Rotation stops at a key it cannot unwrap, so the damage is cleared for the tests after this one.
    await db.query("DELETE FROM vault_tokens WHERE agency_id = $1", [agencyId]);
    await db.query("DELETE FROM vault_cards WHERE agency_id = $1", [agencyId]);
  });

  test("another agency's card is not found", async () => {
    const ours = await newAgency("Card Owner County");
    const theirs = await newAgency("Card Snooper County");
    const { cardId } = await redeemCardToken(db, ours, (await tokenizeCard(db, keysV1, ours, visa, now)).id, now);
    await rejectsWith(readCardForProcessor(db, keysV1, theirs, cardId), "vault_card_not_found");
    await rejectsWith(eraseCardCvc(db, theirs, cardId, now), "vault_card_not_found");
  });

  test("the same card has the same fingerprint within an agency and a different one in another", async () => {
    const a = await newAgency("Fingerprint A County");
    const b = await newAgency("Fingerprint B County");
    const fingerprint = async (agencyId: string, number: string) =>
      (await redeemCardToken(db, agencyId, (await tokenizeCard(db, keysV1, agencyId, { ...visa, number }, now)).id, now)).fingerprint;
    const first = await fingerprint(a, pan);
    assert.match(first, /^[0-9a-f]{64}$/);
    assert.equal(await fingerprint(a, pan), first);
    assert.notEqual(await fingerprint(b, pan), first);
    assert.notEqual(await fingerprint(a, "5555555555554444"), first);
  });
});

describe("tokens", () => {
  test("a token is used once: the second redeem is token_already_used", async () => {
    const agencyId = await newAgency("Single Use County");
    const token = await tokenizeCard(db, keysV1, agencyId, visa, now);
    await redeemCardToken(db, agencyId, token.id, minutes(1));
    await rejectsWith(redeemCardToken(db, agencyId, token.id, minutes(2)), "token_already_used");
  });

  test("a token redeemed inside a transaction that rolls back can be used again", async () => {
    const agencyId = await newAgency("Rollback County");
    const token = await tokenizeCard(db, keysV1, agencyId, visa, now);
    await assert.rejects(
      db.transaction(async (tx) => {
        await redeemCardToken(tx, agencyId, token.id, now);
        throw new Error("the charge failed");
      }),
      /the charge failed/,
    );
    assert.equal((await redeemCardToken(db, agencyId, token.id, now)).last4, "4242");
  });

  test("a token is good for 15 minutes", async () => {
    const agencyId = await newAgency("Expiry County");
    const late = await tokenizeCard(db, keysV1, agencyId, visa, now);
    await rejectsWith(redeemCardToken(db, agencyId, late.id, minutes(15)), "token_expired");
    const justInTime = await tokenizeCard(db, keysV1, agencyId, visa, now);
    assert.equal((await redeemCardToken(db, agencyId, justInTime.id, new Date(minutes(15).getTime() - 1))).brand, "visa");
  });

  test("another agency's token, an unknown token and a token of the other kind are all token_not_found", async () => {
    const ours = await newAgency("Token Owner County");
    const theirs = await newAgency("Token Thief County");
    const card = await tokenizeCard(db, keysV1, ours, visa, now);
    const bank = await tokenizeBankAccount(db, keysV1, ours, checking, now);
    await rejectsWith(redeemCardToken(db, theirs, card.id, now), "token_not_found");
    await rejectsWith(redeemCardToken(db, ours, "tok_0000000000000000000000", now), "token_not_found");
    await rejectsWith(redeemCardToken(db, ours, bank.id, now), "token_not_found");
    await rejectsWith(redeemBankAccountToken(db, ours, card.id, now), "token_not_found");
    // The thief's attempts spent nothing.
    assert.equal((await redeemCardToken(db, ours, card.id, now)).last4, "4242");
  });
});

describe("CVV and purge", () => {
  test("the CVV is erased after the first authorization, and erasing again changes nothing", async () => {
    const agencyId = await newAgency("Erase County");
    const { cardId } = await redeemCardToken(db, agencyId, (await tokenizeCard(db, keysV1, agencyId, visa, now)).id, now);
    assert.equal(await eraseCardCvc(db, agencyId, cardId, minutes(1)), true);
    assert.equal(await eraseCardCvc(db, agencyId, cardId, minutes(2)), false);
    const card = await readCardForProcessor(db, keysV1, agencyId, cardId);
    assert.deepEqual([card.number, card.cvc], [pan, null]);
    const [row] = await db.query<{ cvc_ciphertext: unknown; cvc_erased_at: Date }>(
      "SELECT cvc_ciphertext, cvc_erased_at FROM vault_cards WHERE id = $1",
      [cardId],
    );
    assert.deepEqual(row, { cvc_ciphertext: null, cvc_erased_at: minutes(1) });
  });

  test("the purge erases CVVs held an hour and leaves younger ones", async () => {
    const agencyId = await newAgency("Purge CVV County");
    const old = await redeemCardToken(db, agencyId, (await tokenizeCard(db, keysV1, agencyId, visa, now)).id, now);
    const young = await redeemCardToken(db, agencyId, (await tokenizeCard(db, keysV1, agencyId, visa, minutes(30))).id, minutes(30));
    let erased = 0;
    for (let report = await purgeVault(db, minutes(60)); report.cvcsErased > 0; report = await purgeVault(db, minutes(60))) {
      erased += report.cvcsErased;
    }
    assert.ok(erased >= 1);
    assert.equal((await readCardForProcessor(db, keysV1, agencyId, old.cardId)).cvc, null);
    assert.equal((await readCardForProcessor(db, keysV1, agencyId, young.cardId)).cvc, "123");
  });

  test("a token unused a day past its expiry is deleted with its card; a used token and its card stay", async () => {
    const agencyId = await newAgency("Purge Token County");
    const unused = await tokenizeCard(db, keysV1, agencyId, visa, now);
    const unusedBank = await tokenizeBankAccount(db, keysV1, agencyId, checking, now);
    const used = await tokenizeCard(db, keysV1, agencyId, visa, now);
    const { cardId } = await redeemCardToken(db, agencyId, used.id, now);

    await purgeVault(db, minutes(60));
    await rejectsWith(redeemCardToken(db, agencyId, unused.id, minutes(61)), "token_expired");

    const dayLater = minutes(15 + 24 * 60);
    let deleted = { tokens: 0, cards: 0, bankAccounts: 0 };
    for (let r = await purgeVault(db, dayLater); r.tokensDeleted > 0; r = await purgeVault(db, dayLater)) {
      deleted = {
        tokens: deleted.tokens + r.tokensDeleted,
        cards: deleted.cards + r.cardsDeleted,
        bankAccounts: deleted.bankAccounts + r.bankAccountsDeleted,
      };
    }
    assert.ok(deleted.tokens >= 2 && deleted.cards >= 1 && deleted.bankAccounts >= 1, JSON.stringify(deleted));
    await rejectsWith(redeemCardToken(db, agencyId, unused.id, dayLater), "token_not_found");
    await rejectsWith(redeemBankAccountToken(db, agencyId, unusedBank.id, dayLater), "token_not_found");
    await rejectsWith(redeemCardToken(db, agencyId, used.id, dayLater), "token_already_used");
    assert.equal((await readCardForProcessor(db, keysV1, agencyId, cardId)).number, pan);
    const left = await db.query("SELECT 1 FROM vault_cards WHERE agency_id = $1", [agencyId]);
    assert.equal(left.length, 1);
  });
});

describe("bank accounts", () => {
  test("a tokenized account comes back whole for the originator, and only routing, last 4 and type elsewhere", async () => {
    const agencyId = await newAgency("ACH County");
    const token = await tokenizeBankAccount(db, keysV1, agencyId, checking, now);
    assert.match(token.id, /^btok_[0-9A-Za-z]{22}$/);
    assert.deepEqual(token.bankAccount, { routingNumber: "011000015", last4: "6789", accountType: "checking" });
    const redeemed = await redeemBankAccountToken(db, agencyId, token.id, now);
    assert.deepEqual(
      [redeemed.routingNumber, redeemed.last4, redeemed.accountType, redeemed.accountHolderName],
      ["011000015", "6789", "checking", "Ada Lovelace"],
    );
    assert.match(redeemed.fingerprint, /^[0-9a-f]{64}$/);
    assert.deepEqual(await readBankAccountForOriginator(db, keysV1, agencyId, redeemed.bankAccountId), {
      routingNumber: "011000015",
      accountNumber: "000123456789",
      accountType: "checking",
      accountHolderName: "Ada Lovelace",
      version: 1,
    });
    await rejectsWith(redeemBankAccountToken(db, agencyId, token.id, now), "token_already_used");
  });

  test("the same account has the same fingerprint within an agency and a different one in another", async () => {
    const a = await newAgency("Bank Fingerprint A County");
    const b = await newAgency("Bank Fingerprint B County");
    const fingerprint = async (agencyId: string) =>
      (await redeemBankAccountToken(db, agencyId, (await tokenizeBankAccount(db, keysV1, agencyId, checking, now)).id, now)).fingerprint;
    const first = await fingerprint(a);
    assert.equal(await fingerprint(a), first);
    assert.notEqual(await fingerprint(b), first);
  });

  test("a notification of change adds a version; the originator reads the new one and the old one stays", async () => {
    const agencyId = await newAgency("NOC County");
    const { bankAccountId, fingerprint } = await redeemBankAccountToken(
      db,
      agencyId,
      (await tokenizeBankAccount(db, keysV1, agencyId, checking, now)).id,
      now,
    );
    const corrected = await db.transaction((tx) =>
      correctBankAccount(
        tx,
        keysV1,
        agencyId,
        bankAccountId,
        { accountNumber: "555000111", accountType: "savings", reason: "NOC C03" },
        minutes(5),
      ),
    );
    assert.deepEqual([corrected.version, corrected.last4, corrected.accountType, corrected.reason], [2, "0111", "savings", "NOC C03"]);
    assert.notEqual(corrected.fingerprint, fingerprint);
    assert.deepEqual(await readBankAccountForOriginator(db, keysV1, agencyId, bankAccountId), {
      routingNumber: "011000015",
      accountNumber: "555000111",
      accountType: "savings",
      accountHolderName: "Ada Lovelace",
      version: 2,
    });
    const history = await listBankAccountVersions(db, agencyId, bankAccountId);
    assert.deepEqual(
      history.map((v) => [v.version, v.last4, v.accountType, v.reason]),
      [
        [1, "6789", "checking", "tokenized"],
        [2, "0111", "savings", "NOC C03"],
      ],
    );
    const unchanged = await correctBankAccount(db, keysV1, agencyId, bankAccountId, { accountType: "savings" }, minutes(6));
    assert.equal(unchanged.version, 2);
  });

  test("a correction is checked like a new account, and another agency's account is not found", async () => {
    const agencyId = await newAgency("Bad NOC County");
    const other = await newAgency("Other NOC County");
    const { bankAccountId } = await redeemBankAccountToken(
      db,
      agencyId,
      (await tokenizeBankAccount(db, keysV1, agencyId, checking, now)).id,
      now,
    );
    await rejectsWith(
      correctBankAccount(db, keysV1, agencyId, bankAccountId, { routingNumber: "011000016" }, now),
      "invalid_routing_number",
    );
    await rejectsWith(
      correctBankAccount(db, keysV1, other, bankAccountId, { routingNumber: "021000021" }, now),
      "vault_bank_account_not_found",
    );
    await rejectsWith(readBankAccountForOriginator(db, keysV1, other, bankAccountId), "vault_bank_account_not_found");
  });
});

describe("key rotation", () => {
  async function everything(keys: VaultKeys, agencyId: string, cardId: string, bankAccountId: string) {
    return {
      card: await readCardForProcessor(db, keys, agencyId, cardId),
      bank: await readBankAccountForOriginator(db, keys, agencyId, bankAccountId),
    };
  }

  test("rotation re-wraps every key under the current version; data and fingerprints survive it", async () => {
    const agencyId = await newAgency("Rotation County");
    const { cardId, fingerprint } = await redeemCardToken(db, agencyId, (await tokenizeCard(db, keysV1, agencyId, visa, now)).id, now);
    const { bankAccountId } = await redeemBankAccountToken(
      db,
      agencyId,
      (await tokenizeBankAccount(db, keysV1, agencyId, checking, now)).id,
      now,
    );
    await correctBankAccount(db, keysV1, agencyId, bankAccountId, { accountNumber: "44443333" }, now);
    const before = await everything(keysV1, agencyId, cardId, bankAccountId);
    const [ciphertextBefore] = await db.query<{ c: string }>("SELECT encode(card_ciphertext, 'hex') AS c FROM vault_cards WHERE id = $1", [
      cardId,
    ]);

    const report = await rotateVaultKeys(db, keysV2);
    assert.equal(report.currentVersion, "v2");
    assert.ok(report.rewrapped >= 4, `rewrapped ${report.rewrapped}`);
    assert.deepEqual(Object.keys(report.keysByVersion), ["v2"]);

    const versions = await db.query<{ kek_version: string }>(
      `SELECT kek_version FROM vault_cards WHERE agency_id = $1
       UNION ALL SELECT kek_version FROM vault_bank_account_versions WHERE agency_id = $1
       UNION ALL SELECT kek_version FROM vault_fingerprint_keys WHERE agency_id = $1`,
      [agencyId],
    );
    assert.deepEqual(new Set(versions.map((v) => v.kek_version)), new Set(["v2"]));
    const [ciphertextAfter] = await db.query<{ c: string }>("SELECT encode(card_ciphertext, 'hex') AS c FROM vault_cards WHERE id = $1", [
      cardId,
    ]);
    assert.deepEqual(ciphertextAfter, ciphertextBefore, "the data itself is not re-encrypted");

    assert.deepEqual(await everything(keysV2, agencyId, cardId, bankAccountId), before);
    assert.deepEqual(await everything(parseMasterKeys(v2), agencyId, cardId, bankAccountId), before, "v1 is no longer needed");
    await assert.rejects(readCardForProcessor(db, keysV1, agencyId, cardId), /does not hold/);

    const again = await redeemCardToken(db, agencyId, (await tokenizeCard(db, keysV2, agencyId, visa, now)).id, now);
    assert.equal(again.fingerprint, fingerprint, "the agency's fingerprint key survived rotation");
    assert.equal((await rotateVaultKeys(db, keysV2)).rewrapped, 0);
  });
});

describe("master key", () => {
  test("without REMIT_MASTER_KEY a development key is made once, kept with mode 0600, and a warning logged", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "remit-vault-"));
    const lines: string[] = [];
    const logger = createLogger({ destination: (line) => lines.push(line) });
    const first = await loadVaultKeys({ masterKey: undefined, dataDir }, logger);
    const second = await loadVaultKeys({ masterKey: undefined, dataDir }, logger);
    assert.equal(first.current.version, "dev");
    assert.deepEqual(first.current.key.export(), second.current.key.export());
    const file = join(dataDir, devMasterKeyFileName);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal(lines.length, 2);
    assert.match(lines[0] as string, /"level":40.*REMIT_MASTER_KEY is not set/);
    const keyBase64 = (await readFile(file, "utf8")).trim().slice(4);
    assert.ok(!lines.join("").includes(keyBase64), "the key itself is never logged");
  });

  test("REMIT_MASTER_KEY wins over any development key", async () => {
    const keys = await loadVaultKeys(loadConfig({ REMIT_MASTER_KEY: `${v2},${v1}`, REMIT_DATA_DIR: "/nonexistent" }));
    assert.equal(keys.current.version, "v2");
  });
});

describe("the vault's origin", () => {
  test("is http://HOST:VAULT_PORT by default, VAULT_PUBLIC_URL's origin when set, and unknown before a port-0 listener binds", () => {
    assert.equal(loadConfig({}).vaultPublicUrl, "http://127.0.0.1:8081");
    assert.equal(loadConfig({ HOST: "::1", VAULT_PORT: "9443" }).vaultPublicUrl, "http://[::1]:9443");
    assert.equal(loadConfig({ VAULT_PUBLIC_URL: "https://vault.example.gov/" }).vaultPublicUrl, "https://vault.example.gov");
    assert.equal(loadConfig({ VAULT_PORT: "0" }).vaultPublicUrl, undefined);
    assert.throws(() => loadConfig({ VAULT_PUBLIC_URL: "https://vault.example.gov/fields" }), /VAULT_PUBLIC_URL must be an origin/);
    assert.throws(() => loadConfig({ VAULT_PUBLIC_URL: "vault.example.gov" }), /VAULT_PUBLIC_URL must be an origin/);
  });
});
