/**
 * What the `posting` and `balance` benchmarks share: a scratch PostgreSQL database holding both
 * Remit's tables and the reference system of record's schema, the reference SOR seeded with Demo
 * County and listening on a free port, and Remit's hub roles started in this process, as
 * `remit start --demo` does, with the demo agency connected to that SOR and a secret API key.
 *
 * The SOR runs in this process (`startReferenceSor`) unless BENCH_SOR_PROCESS=1, which runs it as
 * `node reference-sor/main.ts` in a child process instead, as a real county's system would be:
 * elsewhere, not on Remit's event loop.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type ReferenceSor, startReferenceSor } from "../reference-sor/app.ts";
import { configureSystem } from "../src/accounts/index.ts";
import { demoAgencyName, demoSystems } from "../src/admin/index.ts";
import { createApiKey, findAgencyByName } from "../src/agencies/index.ts";
import { type Hub, startHub } from "../src/hub/index.ts";
import { type Config, createLogger, type Database, loadConfig, openPostgres, type Role } from "../src/platform/index.ts";
import { adminQuery, createScratchDatabase } from "./lib.ts";

export interface DemoStack {
  readonly databaseName: string;
  readonly postgresVersion: string;
  readonly sor: {
    readonly url: string;
    /** The SOR's database (its schema reference_sor), for the benchmark's own queries. */
    readonly db: Database;
    /** The child process's pid when the SOR runs in one; undefined when it runs in this process. */
    readonly pid: number | undefined;
  };
  readonly hub: Hub;
  readonly apiUrl: string;
  readonly agencyId: string;
  /** A secret test-mode key of the demo agency. */
  readonly apiKey: string;
  /** Parcel refs of the seeded county, in order (R000001, R000002, …), at most `parcels`. */
  readonly parcelRefs: readonly string[];
  /** Warnings and errors the hub and the SOR logged, counted; the first few kept. */
  readonly logged: { count: number; first: string[] };
  /** Requests the SOR has answered on `route` (e.g. `/v1/exports/bills.csv`), from its /metrics. */
  sorRequests(route: string): Promise<number>;
  /** Closes the hub and the SOR, drops the scratch database, removes the data folder; never throws. */
  close(): Promise<void>;
}

/** BENCH_SOR_PROCESS=1: run the reference SOR in a child process. */
export const sorInChildProcess = () => ["1", "true", "yes"].includes((process.env.BENCH_SOR_PROCESS ?? "").toLowerCase());

/** Starts the stack; on any failure what was started is closed again before the error propagates. */
export async function startDemoStack(options: {
  roles: readonly Role[];
  parcels: number;
  log: (line: string) => void;
  sorProcess?: boolean;
  /** The demo utilities system's bill-file interval instead of the demo's 30 s (file-based systems only). */
  billFileIntervalMs?: number;
}): Promise<DemoStack> {
  const { log } = options;
  const logged = { count: 0, first: [] as string[] };
  const logger = createLogger({
    level: "warn",
    destination: (line) => {
      logged.count++;
      if (logged.first.length < 5) logged.first.push(line.trim().slice(0, 1000));
    },
  });
  const [server] = await adminQuery<{ server_version: string }>("SHOW server_version");
  const scratch = await createScratchDatabase("remit_bench");
  let dataDir: string | undefined;
  let sor: ReferenceSor | undefined;
  let child: { process: ChildProcess; db: Database } | undefined;
  let hub: Hub | undefined;
  const close = async () => {
    const steps: Array<[string, (() => Promise<void>) | undefined]> = [
      ["hub", hub ? () => (hub as Hub).close() : undefined],
      ["reference SOR", sor ? () => (sor as ReferenceSor).close() : undefined],
      ["reference SOR pool", child ? () => (child as { db: Database }).db.close() : undefined],
      ["reference SOR process", child ? () => stopChild((child as { process: ChildProcess }).process) : undefined],
      [`database ${scratch.name}`, () => scratch.drop()],
      ["data folder", dataDir ? () => rm(dataDir as string, { recursive: true, force: true }) : undefined],
    ];
    for (const [what, step] of steps) {
      if (!step) continue;
      try {
        await step();
      } catch (error) {
        log(`cleanup: closing ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    log(`closed the hub and the SOR, dropped ${scratch.name}`);
  };
  try {
    dataDir = await mkdtemp(join(os.tmpdir(), "remit-bench-"));
    const seedStart = performance.now();
    let sorUrl: string;
    let sorDb: Database;
    if (options.sorProcess) {
      const port = await freePort();
      const db = openPostgres({ connectionString: scratch.url, poolSize: 4 });
      child = { process: startChild(scratch.url, port, logged), db };
      sorUrl = `http://127.0.0.1:${port}`;
      await waitReady(sorUrl, child.process, 180);
      sorDb = db;
    } else {
      sor = await startReferenceSor({ databaseUrl: scratch.url, logger, seed: true, port: 0, host: "127.0.0.1" });
      sorUrl = sor.url;
      sorDb = sor.db;
    }
    log(
      `reference SOR at ${sorUrl} (${options.sorProcess ? `child process ${child?.process.pid}` : "this process"}), ` +
        `Demo County seeded in ${Math.round(performance.now() - seedStart)} ms (database ${scratch.name})`,
    );
    const config: Config = {
      ...loadConfig({}),
      databaseUrl: scratch.url,
      dataDir,
      host: "127.0.0.1",
      port: 0,
      vaultPort: 0,
      sorPort: 0,
      logLevel: "warn",
    };
    hub = await startHub({ config, roles: options.roles, logger, version: "bench", demo: true });
    if (!hub.apiUrl) throw new Error("the hub started without an API listener");
    await hub.connectDemoCounty({ sorUrl, accounts: async () => [] });
    const agency = await findAgencyByName(hub.db, demoAgencyName);
    if (!agency) throw new Error(`no agency named ${demoAgencyName} after startHub({ demo: true })`);
    if (options.billFileIntervalMs !== undefined) {
      for (const system of demoSystems(agency.id, sorUrl)) {
        if (system.connector === "presentment") await configureSystem(hub.db, { ...system, fileIntervalMs: options.billFileIntervalMs });
      }
    }
    const key = await createApiKey(hub.db, { agencyId: agency.id, kind: "secret", mode: "test" });
    const refs = await sorDb.query<{ ref: string }>("SELECT ref FROM reference_sor.accounts WHERE kind = 'parcel' ORDER BY ref LIMIT $1", [
      options.parcels,
    ]);
    if (refs.length < options.parcels) throw new Error(`the seeded county has ${refs.length} parcels, fewer than ${options.parcels}`);
    // Freshly seeded tables: statistics now, so the planner has them and autovacuum has nothing
    // left to do in the middle of a measurement.
    await adminQuery("VACUUM ANALYZE", scratch.url);
    log(`hub roles ${options.roles.join(", ")} at ${hub.apiUrl}; demo agency ${agency.id}; ${refs.length} parcels ${refs[0]?.ref}…`);
    return {
      databaseName: scratch.name,
      postgresVersion: server?.server_version ?? "unknown",
      sor: { url: sorUrl, db: sorDb, pid: child?.process.pid },
      hub,
      apiUrl: hub.apiUrl,
      agencyId: agency.id,
      apiKey: key.secret,
      parcelRefs: refs.map((r) => r.ref),
      logged,
      sorRequests: (route) => sorRequests(sorUrl, route),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Pids of the server backends serving `database` (to read their CPU when the server is local). */
export async function backendPids(database: string): Promise<number[]> {
  const rows = await adminQuery<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = '${database.replaceAll("'", "''")}' AND pid <> pg_backend_pid()`,
  );
  return rows.map((r) => r.pid);
}

async function sorRequests(sorUrl: string, route: string): Promise<number> {
  const text = await (await fetch(`${sorUrl}/metrics`)).text();
  let total = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith("sor_http_requests_total{") && line.includes(`route="${route}"`))
      total += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return total;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** `node reference-sor/main.ts` on the scratch database; its warnings and errors count as logged. */
function startChild(databaseUrl: string, port: number, logged: { count: number; first: string[] }): ChildProcess {
  const main = fileURLToPath(new URL("../reference-sor/main.ts", import.meta.url));
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, SOR_DATABASE_URL: databaseUrl, SOR_PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (line.trim() === "") continue;
      logged.count++;
      if (logged.first.length < 5) logged.first.push(line.trim().slice(0, 1000));
    }
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  return child;
}

async function waitReady(url: string, child: ChildProcess, timeoutSeconds: number): Promise<void> {
  const deadline = performance.now() + timeoutSeconds * 1000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the reference SOR process exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    if (performance.now() >= deadline) throw new Error(`the reference SOR process was not ready within ${timeoutSeconds} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** SIGTERM to the child this module started (by its pid), SIGKILL if it is still there after 15 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}
