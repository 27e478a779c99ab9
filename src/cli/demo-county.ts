import { join } from "node:path";
import { listDemoRefs, openReferenceSor, startReferenceSor } from "../../reference-sor/app.ts";
import { type DemoCounty, demoSystemByKind } from "../admin/index.ts";
import type { Config, Database, Logger } from "../platform/index.ts";

/**
 * The demo county beside the hub. This file is the one place Remit's code reaches into
 * `reference-sor/`: `npm start` runs the county's system of record in the same process so a
 * newcomer sees live and file-based posting working; everything else talks to it over HTTP.
 */
const sorOptions = (config: Config, logger: Logger) => ({
  ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: join(config.dataDir, "reference-sor") }),
  logger,
  seed: true,
});

const accountsOf = (db: Database) => async () =>
  (await listDemoRefs(db, { perGroup: 2 })).map((r) => ({ system: demoSystemByKind[r.kind] ?? r.kind, ref: r.ref }));

/** Starts the reference county's system of record on SOR_PORT; `close` stops it. */
export async function startDemoCounty(config: Config, logger: Logger): Promise<DemoCounty & { close(): Promise<void> }> {
  const sor = await startReferenceSor({ ...sorOptions(config, logger), port: config.sorPort, host: config.host });
  return { sorUrl: sor.url, accounts: accountsOf(sor.db), close: () => sor.close() };
}

/**
 * The county's data without its listener, for `remit demo` when no hub holds the embedded
 * database (or on PostgreSQL). It has no URL: the running hub, if any, keeps the demo agency
 * connected to the county it started.
 */
export async function openDemoCounty(config: Config, logger: Logger): Promise<DemoCounty & { close(): Promise<void> }> {
  const { db, release } = await openReferenceSor(sorOptions(config, logger));
  return { accounts: accountsOf(db), close: release };
}
