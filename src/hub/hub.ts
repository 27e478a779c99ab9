import { join } from "node:path";
import { ensureDemoAgency, serveControlSocket } from "../admin/index.ts";
import { buildApiServer } from "../api/index.ts";
import {
  type Config,
  controlSocketPath,
  createMetrics,
  type Database,
  type HttpServer,
  isFolderLock,
  type Logger,
  lockDataFolder,
  migrate,
  openPglite,
  openPostgres,
  type Role,
} from "../platform/index.ts";
import { buildVaultServer } from "../vault/index.ts";
import { defaultJobs, startWorker, type Worker } from "../worker/index.ts";

export interface HubOptions {
  readonly config: Config;
  readonly roles: readonly Role[];
  readonly logger: Logger;
  readonly version: string;
  /** Create the demo county agency if it does not exist yet. */
  readonly demo?: boolean;
}

export interface Hub {
  readonly db: Database;
  readonly apiUrl: string | undefined;
  readonly vaultUrl: string | undefined;
  /** Stops accepting, lets requests in flight finish, stops the worker, closes the database. */
  close(): Promise<void>;
}

/** The embedded database lives in this folder under the data folder. */
export const embeddedDatabaseDir = (dataDir: string) => join(dataDir, "pglite");

/** Opens the database (PostgreSQL, or the embedded one under a folder lock) and migrates it. */
export async function openHubDatabase(config: Config, owner: "hub" | "command"): Promise<{ db: Database; release(): Promise<void> }> {
  if (config.databaseUrl) {
    const db = openPostgres({ connectionString: config.databaseUrl });
    await migrate(db);
    return { db, release: async () => {} };
  }
  const lock = await lockDataFolder(config.dataDir, owner);
  if (!isFolderLock(lock)) {
    throw new Error(`The data folder ${config.dataDir} is in use by process ${lock.pid} (${lock.owner}); stop it or set REMIT_DATA_DIR`);
  }
  try {
    const db = await openPglite(embeddedDatabaseDir(config.dataDir));
    await migrate(db);
    return { db, release: () => lock.release() };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

/** Starts the roles asked for in this process: the embedded default runs all three. */
export async function startHub(options: HubOptions): Promise<Hub> {
  const { config, roles, logger } = options;
  const { db, release } = await openHubDatabase(config, "hub");
  let draining = false;
  const servers: HttpServer[] = [];
  let worker: Worker | undefined;
  let control: { close(): Promise<void> } | undefined;

  const close = async () => {
    draining = true;
    await Promise.all(servers.map((s) => s.close()));
    await worker?.stop();
    await control?.close();
    await db.close();
    await release();
  };

  try {
    if (options.demo) await ensureDemoAgency(db);
    let apiUrl: string | undefined;
    let vaultUrl: string | undefined;
    if (roles.includes("api")) {
      const api = await buildApiServer({ db, logger, metrics: createMetrics(), version: options.version, isDraining: () => draining });
      servers.push(api);
      apiUrl = await api.listen({ port: config.port, host: config.host });
    }
    if (roles.includes("vault")) {
      const vault = await buildVaultServer({ logger, metrics: createMetrics("remit_vault_") });
      servers.push(vault);
      vaultUrl = await vault.listen({ port: config.vaultPort, host: config.host });
    }
    if (roles.includes("worker")) {
      worker = startWorker({ db, logger: logger.child({ role: "worker" }), jobs: defaultJobs, pollMs: config.workerPollMs });
    }
    if (!config.databaseUrl) control = await serveControlSocket(controlSocketPath(config.dataDir), db, logger);
    logger.info({ roles, apiUrl, vaultUrl, database: db.kind }, "remit is running");
    return { db, apiUrl, vaultUrl, close };
  } catch (error) {
    await close();
    throw error;
  }
}
