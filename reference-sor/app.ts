import { join, resolve } from "node:path";
import {
  createMetrics,
  type Database,
  type HttpServer,
  isFolderLock,
  type Logger,
  lockDataFolder,
  openPglite,
  openPostgres,
} from "../src/platform/index.ts";
import type { RuleSetId } from "../src/rules/index.ts";
import { countyDate, type IsoDate } from "./dates.ts";
import { type Faults, noFaults } from "./faults.ts";
import { seedReferenceSor } from "./seed.ts";
import { buildReferenceSorServer } from "./server.ts";
import { type DemoRef, defaultCounty, migrateReferenceSor, queryDemoRefs } from "./store.ts";

/**
 * Demo County's system of record as an app: its own schema, its own port (8090), its own data
 * folder when embedded. Remit's hub can start it in this process; `main.ts` runs it alone.
 */
export const defaultSorPort = 8090;
export const defaultSorDataDir = "data/reference-sor";
/** Pass as `dataDir` for a database that lives only in memory (tests). */
export const inMemory = "memory://";

export interface ReferenceSorOptions {
  /** Default 8090; 0 lets the operating system choose. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** A database to use as is (not closed by close()); else one is opened from databaseUrl or dataDir. */
  readonly db?: Database;
  /** PGlite data folder, default ./data/reference-sor; `memory://` for one in memory. */
  readonly dataDir?: string;
  /** PostgreSQL; the SOR keeps to the schema reference_sor, so the database may be shared. */
  readonly databaseUrl?: string;
  readonly logger: Logger;
  /** Load Demo County's data on first start (a later start finds it and writes nothing). */
  readonly seed: boolean;
  /** The county's penalty-and-interest rules, used when seeding; default TX. */
  readonly ruleSet?: RuleSetId;
  readonly faults?: Partial<Faults>;
  /** The clock; tests pass a fixed one. */
  readonly now?: () => Date;
}

export interface ReferenceSor {
  readonly url: string;
  readonly db: Database;
  readonly app: HttpServer;
  /** The faults in force; /admin/faults changes this same object. */
  readonly faults: Faults;
  /** Stops accepting, lets requests in flight finish, closes what it opened. */
  close(): Promise<void>;
}

/** Opens the SOR's database: the one given, PostgreSQL, or PGlite in its own locked data folder. */
export async function openReferenceSorDatabase(options: {
  db?: Database;
  databaseUrl?: string | undefined;
  dataDir?: string;
}): Promise<{ db: Database; release(): Promise<void> }> {
  if (options.db) return { db: options.db, release: async () => {} };
  if (options.databaseUrl) {
    const db = openPostgres({ connectionString: options.databaseUrl, poolSize: 10 });
    return { db, release: () => db.close() };
  }
  const dataDir = options.dataDir ?? defaultSorDataDir;
  if (dataDir === inMemory) {
    const db = await openPglite(undefined);
    return { db, release: () => db.close() };
  }
  const folder = resolve(dataDir);
  const lock = await lockDataFolder(folder, "hub");
  if (!isFolderLock(lock)) {
    throw new Error(`The reference SOR data folder ${folder} is in use by process ${lock.pid}; stop it or set SOR_DATA_DIR`);
  }
  try {
    const db = await openPglite(join(folder, "pglite"));
    return {
      db,
      release: async () => {
        await db.close();
        await lock.release();
      },
    };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

/** Opens the SOR's database, migrates it and, when asked, seeds Demo County: everything but the listener. */
export async function openReferenceSor(
  options: Pick<ReferenceSorOptions, "db" | "dataDir" | "databaseUrl" | "logger" | "seed" | "ruleSet" | "now">,
): Promise<{ db: Database; release(): Promise<void> }> {
  const logger = options.logger.child({ app: "reference-sor" });
  const now = options.now ?? (() => new Date());
  const opened = await openReferenceSorDatabase(options);
  try {
    const migrations = await migrateReferenceSor(opened.db);
    if (migrations.applied.length > 0) logger.info({ applied: migrations.applied }, "reference SOR migrated");
    if (options.seed) {
      const report = await seedReferenceSor(opened.db, {
        today: countyDate(now(), defaultCounty.timeZone),
        ...(options.ruleSet ? { ruleSet: options.ruleSet } : {}),
      });
      if (report.seeded) {
        logger.info(
          { accounts: report.accounts, payments: report.payments, elapsed_ms: Math.round(report.elapsedMs) },
          "Demo County seeded",
        );
      }
    }
    return opened;
  } catch (error) {
    await opened.release();
    throw error;
  }
}

export async function startReferenceSor(options: ReferenceSorOptions): Promise<ReferenceSor> {
  const logger = options.logger.child({ app: "reference-sor" });
  const now = options.now ?? (() => new Date());
  const { db, release } = await openReferenceSor(options);
  let app: HttpServer | undefined;
  let draining = false;
  try {
    const faults: Faults = { ...noFaults, ...options.faults };
    if (faults.down || faults.latencyMs > 0 || faults.errorRate > 0) logger.warn({ faults }, "fault injection is on");
    app = await buildReferenceSorServer({ db, logger, metrics: createMetrics("sor_"), faults, now, isDraining: () => draining });
    const url = await app.listen({ port: options.port ?? defaultSorPort, host: options.host ?? "127.0.0.1" });
    logger.info({ url, database: db.kind }, "reference SOR is running");
    const server = app;
    let closing: Promise<void> | undefined;
    return {
      url,
      db,
      app: server,
      faults,
      close() {
        draining = true;
        closing ??= server.close().then(release);
        return closing;
      },
    };
  } catch (error) {
    await app?.close();
    await release();
    throw error;
  }
}

/**
 * A few Demo County accounts worth trying, chosen from the data as it stands: parcels current and
 * delinquent, court cases unpaid and part-paid, utility accounts current, past due and
 * disconnected, permits awaiting payment. `remit demo` prints them.
 */
export function listDemoRefs(db: Database, options: { asOf?: IsoDate; perGroup?: number; now?: Date } = {}): Promise<DemoRef[]> {
  const asOf = options.asOf ?? countyDate(options.now ?? new Date(), defaultCounty.timeZone);
  return queryDemoRefs(db, { asOf, ...(options.perGroup ? { perGroup: options.perGroup } : {}) });
}

export { type Faults, faultsFromEnv } from "./faults.ts";
export { seedReferenceSor } from "./seed.ts";
export type { DemoRef } from "./store.ts";
export { migrateReferenceSor } from "./store.ts";
