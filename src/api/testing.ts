import { createCardProcessorSimulator } from "../cards/index.ts";
import type { Database } from "../platform/index.ts";
import { newMasterKeyText, parseMasterKeys } from "../vault/index.ts";

/** What the API's card routes need, for tests: the processor simulator and a fresh vault key. */
export function testCardDeps(db: Database, options: { timeoutMs?: number } = {}) {
  return {
    processor: createCardProcessorSimulator({ db, timeoutMs: options.timeoutMs ?? 2_000 }),
    vaultKeys: parseMasterKeys(newMasterKeyText("test")),
    inDoubtAfterMs: 2 * (options.timeoutMs ?? 2_000),
  };
}
