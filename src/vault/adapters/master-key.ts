import { link, mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Config, Logger } from "../../platform/index.ts";
import { newMasterKeyText, parseMasterKeys, type VaultKeys } from "../domain/envelope.ts";

/** Where the generated development key is kept, in the data folder. */
export const devMasterKeyFileName = "vault-dev-master-key";
const devKeyVersion = "dev";

/**
 * The vault's key-encryption keys: REMIT_MASTER_KEY when set. Without it, a development key is
 * generated once and kept in the data folder (mode 0600) so that a restart can still decrypt
 * what was stored; that is fine on a laptop and wrong anywhere card numbers are real, hence the
 * warning on every start.
 */
export async function loadVaultKeys(config: Pick<Config, "masterKey" | "dataDir">, logger?: Logger): Promise<VaultKeys> {
  if (config.masterKey) return parseMasterKeys(config.masterKey);
  const path = join(config.dataDir, devMasterKeyFileName);
  const keys = parseMasterKeys(await readOrCreateDevKey(path), path);
  logger?.warn(
    { keyFile: path },
    "REMIT_MASTER_KEY is not set: the vault encrypts card and bank-account numbers under a development key kept beside the data. " +
      "Set REMIT_MASTER_KEY (e.g. v1:$(openssl rand -base64 32)) before storing real numbers; to keep what was stored, " +
      `add the key file's line (${devKeyVersion}:…) after your key and run remit vault rotate-key.`,
  );
  return keys;
}

async function readOrCreateDevKey(path: string): Promise<string> {
  await mkdir(join(path, ".."), { recursive: true });
  // Written whole to a private file, then linked into place: link() fails if the key exists, so
  // two processes starting together agree on one key and neither reads a half-written file.
  const draft = `${path}.${process.pid}`;
  await writeFile(draft, `${newMasterKeyText(devKeyVersion)}\n`, { mode: 0o600 });
  try {
    await link(draft, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    await unlink(draft).catch(() => {});
  }
  return (await readFile(path, "utf8")).trim();
}
