import { join } from "node:path";
import { createConnectorRegistry, fetchBillFiles, sendPostingFiles } from "../accounts/index.ts";
import {
  achFileHandlers,
  achReturnHandlers,
  cutFiles,
  importInbound,
  materializeSchedules,
  releaseDueEntries,
  runBankSimulator,
  settleEntries,
} from "../ach/index.ts";
import { type DemoCounty, ensureDemoAgency, serveControlSocket } from "../admin/index.ts";
import { buildApiServer, purgeIdempotencyKeys } from "../api/index.ts";
import {
  type CardDeps,
  createCardProcessorSimulator,
  expireAuthorizations,
  resolveInDoubt,
  settleCardTransactions,
  settlementDateOf,
} from "../cards/index.ts";
import { expirePendingTransfers } from "../ledger/index.ts";
import { dispatchDue, type OutboxHandler } from "../outbox/index.ts";
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
import { postingHandlers, settleFilePostings } from "../posting/index.ts";
import { buildVaultServer, loadVaultKeys, purgeVault, type VaultKeys } from "../vault/index.ts";
import { type Job, startWorker, type Worker } from "../worker/index.ts";

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
  /** Connects the demo agency to the demo county's system of record, once that runs. */
  connectDemoCounty(demoCounty: DemoCounty): Promise<void>;
  /** Stops accepting, lets requests in flight finish, stops the worker, closes the database. */
  close(): Promise<void>;
}

/** The embedded database lives in this folder under the data folder. */
export const embeddedDatabaseDir = (dataDir: string) => join(dataDir, "pglite");

/** Opens the database (PostgreSQL, or the embedded one under a folder lock) and migrates it. */
export async function openHubDatabase(config: Config, owner: "hub" | "command"): Promise<{ db: Database; release(): Promise<void> }> {
  if (config.databaseUrl) {
    const db = openPostgres({ connectionString: config.databaseUrl, poolSize: config.databasePoolSize });
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

/** The processor's answer is awaited this long; a call unanswered for twice as long is looked up. */
const processorTimeoutMs = 10_000;
const inDoubtAfterMs = 2 * processorTimeoutMs;
/**
 * Housekeeping runs at most once a second while it finds nothing: under load the outbox runs round
 * after round, and housekeeping on each of them was a third of the database statements per payment.
 */
const housekeepingMs = 1_000;
/** Under load, rounds start at least this far apart, so one lease and one completion serve many messages. */
const workerRoundMinMs = 50;

/** The background jobs of the worker role. */
export function workerJobs(
  db: Database,
  registry: ReturnType<typeof createConnectorRegistry>,
  cards: CardDeps,
  logger: Logger,
  outboundDir: string,
  /** `REMIT_DATA_DIR/ach`: NACHA files out and in, and the embedded bank between them; absent, no ACH file jobs run. */
  achDir?: string,
): Job[] {
  const ach = achDir === undefined ? undefined : achFileWork(db, cards.vaultKeys, achDir, logger);
  const handlers = { ...postingHandlers(db, registry), ...ach?.handlers };
  let settledThrough: string | undefined;
  return [
    { name: "outbox.dispatch", run: (now) => dispatchDue(db, handlers, now, logger) },
    { name: "presentment.fetch_bill_files", run: (now) => fetchBillFiles(db, now, logger), intervalMs: housekeepingMs },
    {
      name: "presentment.send_posting_files",
      intervalMs: housekeepingMs,
      run: async (now) => {
        const delivered = await sendPostingFiles(db, now, outboundDir, logger);
        for (const file of delivered) await settleFilePostings(db, file, now);
        return 0;
      },
    },
    { name: "ledger.expire_pending", run: (now) => expirePendingTransfers(db, now, 100), intervalMs: housekeepingMs },
    { name: "api.purge_idempotency_keys", run: (now) => purgeIdempotencyKeys(db, now), intervalMs: housekeepingMs },
    { name: "cards.resolve_in_doubt", run: () => resolveInDoubt(cards, inDoubtAfterMs), intervalMs: housekeepingMs },
    { name: "cards.expire_authorizations", run: () => expireAuthorizations(cards), intervalMs: housekeepingMs },
    {
      // Once a day, when the processor's day has closed: its captures are settled.
      name: "cards.settle",
      intervalMs: housekeepingMs,
      run: async (now) => {
        const closed = settlementDateOf(new Date(now.getTime() - 24 * 3600_000));
        if (closed === settledThrough) return 0;
        await settleCardTransactions(cards, closed);
        settledThrough = closed;
        return 0;
      },
    },
    {
      name: "vault.purge",
      intervalMs: housekeepingMs,
      run: async (now) => {
        const purged = await purgeVault(db, now);
        return purged.cvcsErased + purged.tokensDeleted;
      },
    },
    // Before the file cuts: what became due today goes in today's files.
    { name: "ach.materialize_schedules", run: (now) => materializeSchedules(cards, now), intervalMs: 10_000 },
    { name: "ach.release_due", run: (now) => releaseDueEntries(cards, now), intervalMs: 10_000 },
    ...(ach?.jobs ?? []),
  ];
}

/**
 * ACH files: cuts into `<achDir>/outbound`, the embedded bank (always on in this version)
 * answering into `<achDir>/inbound`, the import of those answers, and settlement.
 */
function achFileWork(
  db: Database,
  vaultKeys: VaultKeys,
  achDir: string,
  logger: Logger,
): { handlers: Record<string, OutboxHandler>; jobs: Job[] } {
  const outboundDir = join(achDir, "outbound");
  const inboundDir = join(achDir, "inbound");
  return {
    handlers: { ...achFileHandlers({ db, vaultKeys, outboundDir }), ...achReturnHandlers(db) },
    jobs: [
      { name: "ach.cut_files", run: (now) => cutFiles({ db }, now), intervalMs: 10_000 },
      { name: "bank_simulator.process", run: (now) => runBankSimulator({ db, outboundDir, inboundDir }, now), intervalMs: 10_000 },
      { name: "ach.import_inbound", run: (now) => importInbound({ db, vaultKeys, inboundDir, logger }, now), intervalMs: 10_000 },
      { name: "ach.settle", run: (now) => settleEntries({ db }, now), intervalMs: 60_000 },
    ],
  };
}

/** Starts the roles asked for in this process: the embedded default runs all three. */
export async function startHub(options: HubOptions): Promise<Hub> {
  const { config, roles, logger } = options;
  const { db, release } = await openHubDatabase(config, "hub");
  let draining = false;
  const servers: HttpServer[] = [];
  let worker: Worker | undefined;
  let control: { close(): Promise<void> } | undefined;
  let unlisten: (() => Promise<void>) | undefined;
  const registry = createConnectorRegistry(db);
  const vaultKeys = await loadVaultKeys(config, logger);
  const cards: CardDeps = {
    db,
    vaultKeys,
    clock: () => new Date(),
    processor: createCardProcessorSimulator({ db, timeoutMs: processorTimeoutMs }),
  };

  const close = async () => {
    draining = true;
    await Promise.all(servers.map((s) => s.close()));
    await unlisten?.();
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
      const api = await buildApiServer({
        db,
        logger,
        metrics: createMetrics(),
        version: options.version,
        registry,
        cards: { processor: cards.processor, vaultKeys, inDoubtAfterMs },
        isDraining: () => draining,
      });
      servers.push(api);
      apiUrl = await api.listen({ port: config.port, host: config.host });
    }
    if (roles.includes("vault")) {
      const vault = await buildVaultServer({
        logger,
        metrics: createMetrics("remit_vault_"),
        db,
        keys: vaultKeys,
        origin: config.vaultPublicUrl,
        rateLimits: {
          ...(config.vaultRateLimitPerAddress === undefined ? {} : { perAddress: config.vaultRateLimitPerAddress }),
          ...(config.vaultRateLimitPerAgency === undefined ? {} : { perAgency: config.vaultRateLimitPerAgency }),
        },
      });
      servers.push(vault);
      vaultUrl = await vault.listen({ port: config.vaultPort, host: config.host });
    }
    if (roles.includes("worker")) {
      const workerLogger = logger.child({ role: "worker" });
      worker = startWorker({
        logger: workerLogger,
        jobs: workerJobs(db, registry, cards, workerLogger, join(config.dataDir, "outbound"), join(config.dataDir, "ach")),
        pollMs: config.workerPollMs,
        roundMinMs: workerRoundMinMs,
      });
      const running = worker;
      unlisten = await db.listen("remit_outbox", () => running.wake());
    }
    const context: { db: Database; demoCounty?: DemoCounty } = { db };
    if (!config.databaseUrl) control = await serveControlSocket(controlSocketPath(config.dataDir), context, logger);
    logger.info({ roles, apiUrl, vaultUrl, database: db.kind }, "remit is running");
    const connectDemoCounty = async (demoCounty: DemoCounty) => {
      await ensureDemoAgency(db, demoCounty);
      context.demoCounty = demoCounty;
    };
    return { db, apiUrl, vaultUrl, connectDemoCounty, close };
  } catch (error) {
    await close();
    throw error;
  }
}
