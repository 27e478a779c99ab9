/**
 * Writes the API's OpenAPI document to a file, for `npm run lint:openapi` (Redocly) and for
 * client generators: `node scripts/openapi.ts build/openapi.json`. The document comes from the
 * routes' own schemas, built against a throwaway in-memory database.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { createConnectorRegistry } from "../src/accounts/index.ts";
import { buildApiServer } from "../src/api/index.ts";
import { createCardProcessorSimulator } from "../src/cards/index.ts";
import { createLogger, createMetrics, openPglite } from "../src/platform/index.ts";
import { newMasterKeyText, parseMasterKeys } from "../src/vault/index.ts";

const out = resolve(process.argv[2] ?? "build/openapi.json");
const db = await openPglite(undefined);
const app = await buildApiServer({
  db,
  logger: createLogger({ destination: () => {} }),
  metrics: createMetrics(),
  version: JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8")).version,
  registry: createConnectorRegistry(db),
  cards: {
    processor: createCardProcessorSimulator({ db }),
    vaultKeys: parseMasterKeys(newMasterKeyText("docs")),
    inDoubtAfterMs: 20_000,
  },
});
await app.ready();
await mkdir(dirname(out), { recursive: true });
await writeFile(out, `${JSON.stringify(app.swagger(), null, 2)}\n`);
await app.close();
await db.close();
console.log(`wrote ${out}`);
