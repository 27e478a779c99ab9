/**
 * Card-sale benchmark: what a payer's card payment costs end to end over HTTP. One request is
 * (1) `POST {vault}/v1/tokens/cards` with a publishable key from the vault's own origin, then
 * (2) `POST {api}/v1/card-transactions`, a sale of that token with a fresh `Idempotency-Key`;
 * it counts when the vault answered 201 with a token and the API 201 with status `captured`, and
 * any other answer fails the benchmark. Closed loop at concurrency 1, 32 and 128, against
 * pgbench's TPC-B at the same concurrencies on the same server in the same run.
 *
 * Setup: a scratch PostgreSQL database; Remit's hub (roles api, vault, worker) started in this
 * process on it (migrated at start), ports 0, the vault's rate limits raised out of the way, a
 * pool of BENCH_CARD_POOL_SIZE (32); one agency with a secret and a publishable key. The load runs in a child
 * process (this same file, forked with the argument `client`), so its CPU is measured apart and
 * it does not share the hub's event loop; it speaks HTTP/1.1 with keep-alive through `node:http`.
 */
import { type ChildProcess, fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createAgency, createApiKey } from "../src/agencies/index.ts";
import { type Hub, startHub } from "../src/hub/index.ts";
import { type Config, createLogger, loadConfig } from "../src/platform/index.ts";
import { newMasterKeyText } from "../src/vault/index.ts";
import { runPgbench } from "./ledger.ts";
import {
  adminQuery,
  type BenchOptions,
  type BenchOutcome,
  type CpuReport,
  createScratchDatabase,
  envNumber,
  type LoadResult,
  libpqArgs,
  round,
  runLoad,
  runProgram,
  summarize,
  trackOtherProcessesCpu,
  waitForQuiet,
  withCpu,
} from "./lib.ts";

export const description = "tokenize + card sale over HTTP (vault, then API) vs pgbench TPC-B, at concurrency 1, 32 and 128";

const concurrencies = [1, 32, 128] as const;
const pgbenchScale = 32;
/** The issue's floor: card sales/s ÷ pgbench tps at concurrency 32. */
const ratioFloor = 0.25;
const floorConcurrency = 32;
/**
 * The hub's PostgreSQL pool (BENCH_CARD_POOL_SIZE, default 32). Concurrency 128 does not get 128
 * connections: the server's max_connections is shared with everything else on it, and on this
 * host CPU, not connections, is the limit (requests beyond the pool wait for a connection in
 * Node, which costs nothing).
 */
const hubPoolSize = () => envNumber("BENCH_CARD_POOL_SIZE", 32);
/** Connections pgbench leaves free for everyone else on a shared server. */
const connectionsHeadroom = 8;
/** The test card the processor simulator approves. */
const testCard = { number: "4242424242424242", exp_month: 12, exp_year: 2031, cvc: "123" } as const;

/** Where the client sends its requests, and with which keys. */
interface Target {
  readonly vaultUrl: string;
  readonly apiUrl: string;
  readonly publishableKey: string;
  readonly secretKey: string;
}

type ClientCommand = { readonly concurrency: number; readonly seconds: number; readonly target: Target; readonly closeAfter: boolean };

interface ClientReport {
  readonly load: LoadResult;
  /** The client process's CPU (user + system) in percent of one CPU. */
  readonly cpuPct: number;
  readonly eventLoopBusyPct: number;
}

interface PgbenchReference {
  /** Clients asked for: the concurrency. */
  readonly concurrency: number;
  /** Clients pgbench ran with: fewer when the server had fewer connections free. */
  readonly clients: number;
  readonly tps: number;
  readonly latencyAvgMs: number | null;
  readonly failed: number | null;
  readonly hostBusyPct: number | null;
  readonly hostCpuUsPerTx: number | null;
  readonly backgroundBusyPct: number | null;
}

interface Measured {
  readonly concurrency: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly completed: number;
  readonly pgbenchTps: number;
  readonly pgbenchClients: number;
  readonly ratio: number;
  readonly cpu: CpuReport & {
    /** The load generator's process, in percent of one CPU. */
    readonly clientPct: number;
    readonly clientEventLoopBusyPct: number;
    /** Host CPU time per request, all CPUs and processes together. */
    readonly hostCpuUsPerRequest: number | null;
    /** This process: the hub's api, vault and worker roles. */
    readonly hubCpuUsPerRequest: number;
    /**
     * The hub's main thread (its event loop), in percent of the wall time: on a CPU, and runnable
     * but waiting for one (Linux schedstat). Their sum near 100 means the event loop never waited
     * for I/O; the waiting share is what the other processes on the same cores took from it.
     */
    readonly hubMainThread: MainThreadSchedule | null;
    readonly backendsCpuUsPerRequest: number | null;
    readonly clientCpuUsPerRequest: number;
    readonly backgroundBusyPct: number | null;
    /** Other processes' CPU while it ran (someone else's work on a shared host), in percent of one CPU. */
    readonly otherProcessesPct: { meanPct: number | null; maxPct: number | null };
  };
}

export async function run(options: BenchOptions): Promise<BenchOutcome> {
  const { seconds, warmupSeconds, log } = options;
  const poolSize = hubPoolSize();
  if (!Number.isSafeInteger(poolSize) || poolSize < 1) throw new Error(`BENCH_CARD_POOL_SIZE must be a positive integer, not ${poolSize}`);
  const [server] = await adminQuery<{ server_version: string }>("SHOW server_version");
  const cardDb = await createScratchDatabase("remit_bench");
  const pgbenchDb = await createScratchDatabase("remit_pgbench");
  log(`databases ${cardDb.name} (hub) and ${pgbenchDb.name} (pgbench) on PostgreSQL ${server?.server_version}`);
  const logged = { count: 0, first: [] as string[] };
  const logger = createLogger({
    level: "warn",
    destination: (line) => {
      logged.count++;
      if (logged.first.length < 5) logged.first.push(line.trim().slice(0, 1000));
    },
  });
  let dataDir: string | undefined;
  let hub: Hub | undefined;
  let client: LoadClient | undefined;
  try {
    const { args: connArgs, env } = libpqArgs(pgbenchDb.url);
    log(`pgbench -i -s ${pgbenchScale} …`);
    await runProgram("pgbench", ["-i", "-s", String(pgbenchScale), "-q", ...connArgs, pgbenchDb.name], env);

    dataDir = await mkdtemp(join(os.tmpdir(), "remit-bench-"));
    const config: Config = {
      ...loadConfig({}),
      databaseUrl: cardDb.url,
      databasePoolSize: poolSize,
      dataDir,
      host: "127.0.0.1",
      port: 0,
      vaultPort: 0,
      // The vault's own listening address then is its origin.
      vaultPublicUrl: undefined,
      sorPort: 0,
      logLevel: "warn",
      masterKey: newMasterKeyText("bench"),
      // One client address and one agency make every request: the limits meant for card testing
      // would stop the benchmark within its first second.
      vaultRateLimitPerAddress: 1_000_000_000,
      vaultRateLimitPerAgency: 1_000_000_000,
    };
    hub = await startHub({ config, roles: ["api", "vault", "worker"], logger, version: "bench" });
    if (!hub.apiUrl || !hub.vaultUrl) throw new Error("the hub started without its API or vault listener");
    const agency = await createAgency(hub.db, { name: "Card Bench County" });
    const secret = await createApiKey(hub.db, { agencyId: agency.id, kind: "secret", mode: "test" });
    const publishable = await createApiKey(hub.db, { agencyId: agency.id, kind: "publishable", mode: "test" });
    const target: Target = { vaultUrl: hub.vaultUrl, apiUrl: hub.apiUrl, publishableKey: publishable.secret, secretKey: secret.secret };
    await cardSale(new http.Agent({ keepAlive: false }), target, 0);
    log(`hub roles api, vault, worker; API ${hub.apiUrl}, vault ${hub.vaultUrl}; agency ${agency.id}; pool ${poolSize}`);

    client = await startLoadClient();
    const loadClient = client;
    const pgbench: PgbenchReference[] = [];
    const runs: Measured[] = [];
    for (const concurrency of concurrencies) {
      await waitForIdlePool(cardDb.name, 15);
      await checkpoint();
      const pgbenchBackground = await waitForQuiet();
      const clients = Math.min(concurrency, await freeConnections());
      if (clients < 1) throw new Error("the PostgreSQL server has no connection free for pgbench");
      const { value: bench, cpu: benchCpu } = await withCpu(() => runPgbench(pgbenchDb.name, connArgs, env, clients, seconds));
      const reference: PgbenchReference = {
        concurrency,
        clients,
        tps: bench.tps,
        latencyAvgMs: bench.latencyAvgMs,
        failed: bench.failed,
        hostBusyPct: benchCpu.hostBusyPct,
        hostCpuUsPerTx: cpuUsPerRequest(benchCpu.hostBusyPct, bench.tps),
        backgroundBusyPct: pgbenchBackground,
      };
      pgbench.push(reference);
      log(
        `pgbench c=${String(clients).padEnd(3)} ${bench.tps.toFixed(1).padStart(8)} tps  avg ${bench.latencyAvgMs} ms` +
          `  cpu: host ${benchCpu.hostBusyPct}%, background before ${pgbenchBackground}%` +
          (clients < concurrency ? `  (${concurrency} asked; the server had ${clients} connections free)` : ""),
      );

      await checkpoint();
      const backgroundBusyPct = await waitForQuiet();
      if (warmupSeconds > 0) {
        const warm = await loadClient.run({ concurrency, seconds: warmupSeconds, target, closeAfter: false });
        if (warm.load.errors > 0)
          throw new Error(`c=${concurrency} warm-up: ${warm.load.errors} requests failed; the first: ${warm.load.firstError}`);
      }
      const pids = await backendPids(cardDb.name);
      const others = trackOtherProcessesCpu([loadClient.pid]);
      const schedule = trackMainThreadSchedule();
      let otherProcessesPct: { meanPct: number | null; maxPct: number | null } = { meanPct: null, maxPct: null };
      const { value: report, cpu } = await withCpu(() => loadClient.run({ concurrency, seconds, target, closeAfter: true }), pids).finally(
        () => {
          otherProcessesPct = others.stop();
        },
      );
      const hubMainThread = schedule.stop();
      const { load } = report;
      if (load.errors > 0 || load.completed === 0) {
        throw new Error(
          `c=${concurrency}: ${load.errors} of ${load.completed + load.errors} requests failed; the first: ${load.firstError}`,
        );
      }
      const perRequest = (pct: number) => round((pct * 1e4) / load.tps, 0);
      const measured: Measured = {
        concurrency,
        requestsPerSecond: load.tps,
        p50Ms: round(load.p50Ms, 2),
        p99Ms: round(load.p99Ms, 2),
        meanMs: round(load.meanMs, 2),
        completed: load.completed,
        pgbenchTps: bench.tps,
        pgbenchClients: clients,
        ratio: round(load.tps / bench.tps, 3),
        cpu: {
          ...cpu,
          clientPct: report.cpuPct,
          clientEventLoopBusyPct: report.eventLoopBusyPct,
          hostCpuUsPerRequest: cpuUsPerRequest(cpu.hostBusyPct, load.tps),
          hubCpuUsPerRequest: perRequest(cpu.nodePct),
          hubMainThread,
          backendsCpuUsPerRequest: cpu.backendsPct === null ? null : perRequest(cpu.backendsPct),
          clientCpuUsPerRequest: perRequest(report.cpuPct),
          backgroundBusyPct,
          otherProcessesPct,
        },
      };
      runs.push(measured);
      log(
        `card    c=${String(concurrency).padEnd(3)} ${load.tps.toFixed(1).padStart(8)} req/s  p50 ${measured.p50Ms} ms  p99 ${measured.p99Ms} ms  ratio ${measured.ratio}` +
          `  cpu: host ${cpu.hostBusyPct}%, hub ${cpu.nodePct}% (event loop ${cpu.eventLoopBusyPct}%, main thread on a CPU ${hubMainThread?.onCpuPct}% + waiting for one ${hubMainThread?.runQueueWaitPct}%), backends ${cpu.backendsPct}%, client ${report.cpuPct}%` +
          `, background before ${backgroundBusyPct}%, other processes during ${otherProcessesPct.meanPct}% (max ${otherProcessesPct.maxPct}%)`,
      );
    }

    const profileBackgroundBusyPct = await waitForQuiet();
    const profile = { ...(await profileOneRequest(target)), backgroundBusyPct: profileBackgroundBusyPct };
    const written = await hub.db.query<{ transactions: number; captured: number }>(
      "SELECT count(*)::bigint AS transactions, count(*) FILTER (WHERE status = 'captured')::bigint AS captured FROM card_transactions",
    );
    const floorRun = runs.find((r) => r.concurrency === floorConcurrency);
    const floorMet = floorRun !== undefined && floorRun.ratio >= ratioFloor;
    const result = {
      benchmark: "card-sale",
      date: new Date().toISOString(),
      node: process.version,
      postgres: server?.server_version ?? "unknown",
      cpus: os.availableParallelism(),
      durationSeconds: seconds,
      warmupSeconds,
      setup: {
        request:
          "POST {vault}/v1/tokens/cards (pk_, Origin = the vault) then POST {api}/v1/card-transactions sale (sk_, fresh Idempotency-Key)",
        card: "4242 4242 4242 4242 (the simulator approves it)",
        hubRoles: ["api", "vault", "worker"],
        hubPoolSize: poolSize,
        client: "a child Node process, closed loop, node:http with keep-alive",
        pgbench: `pgbench -i -s ${pgbenchScale}; pgbench -b tpcb-like -c <c> -j 2 -T ${seconds} -n`,
        rowsWritten: written[0],
      },
      concurrency: Object.fromEntries(
        runs.map((r) => [
          String(r.concurrency),
          { requestsPerSecond: r.requestsPerSecond, p50Ms: r.p50Ms, p99Ms: r.p99Ms, pgbenchTps: r.pgbenchTps, ratio: r.ratio },
        ]),
      ),
      runs,
      pgbench,
      floor: { ratioMin: ratioFloor, at: floorConcurrency, ratio: floorRun?.ratio ?? null, met: floorMet },
      profile,
      logged,
      notes: notes(runs, pgbench, profile, floorMet, poolSize),
    };
    const summary = [
      `${"".padEnd(8)}${"req/s".padStart(9)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}${"pgbench tps".padStart(13)}${"ratio".padStart(8)}${"host".padStart(7)}${"hub".padStart(8)}${"pg".padStart(8)}${"client".padStart(8)}`,
      ...runs.map(
        (r) =>
          `${`c=${r.concurrency}`.padEnd(8)}${r.requestsPerSecond.toFixed(1).padStart(9)}${r.p50Ms.toFixed(2).padStart(9)}${r.p99Ms.toFixed(2).padStart(9)}` +
          `${`${r.pgbenchTps.toFixed(1)}${r.pgbenchClients < r.concurrency ? "*" : ""}`.padStart(13)}${r.ratio.toFixed(3).padStart(8)}` +
          `${`${r.cpu.hostBusyPct}%`.padStart(7)}${`${r.cpu.nodePct}%`.padStart(8)}${`${r.cpu.backendsPct}%`.padStart(8)}${`${r.cpu.clientPct}%`.padStart(8)}`,
      ),
      ...(runs.some((r) => r.pgbenchClients < r.concurrency)
        ? ["* pgbench ran with fewer clients: the server had no more connections free"]
        : []),
      `floor: ratio at c=${floorConcurrency} ${floorRun?.ratio ?? "?"} ${floorMet ? "≥" : "<"} ${ratioFloor} → ${floorMet ? "met" : "NOT met"}`,
      `one request at c=1: tokenize p50 ${profile.tokenize.p50Ms} ms (${profile.tokenize.roundTrips} database round trips), sale p50 ${profile.sale.p50Ms} ms (${profile.sale.roundTrips})`,
    ];
    return { result, summary };
  } finally {
    const steps: Array<[string, (() => Promise<void>) | undefined]> = [
      ["load client", client ? () => (client as LoadClient).stop() : undefined],
      ["hub", hub ? () => (hub as Hub).close() : undefined],
      [`database ${cardDb.name}`, () => cardDb.drop()],
      [`database ${pgbenchDb.name}`, () => pgbenchDb.drop()],
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
    log(`closed the hub, dropped ${cardDb.name} and ${pgbenchDb.name}`);
  }
}

/** One request: a token from the vault, then a sale of it; throws on any answer but the expected two. */
async function cardSale(agent: http.Agent, target: Target, seq: number): Promise<void> {
  const tokenId = await tokenize(agent, target);
  await sell(agent, target, tokenId, seq);
}

async function tokenize(agent: http.Agent, target: Target): Promise<string> {
  const vault = new URL(target.vaultUrl);
  const answer = await postJson(
    agent,
    new URL("/v1/tokens/cards", vault),
    { authorization: `Bearer ${target.publishableKey}`, origin: vault.origin },
    testCard,
  );
  const id = answer.body?.id;
  if (answer.status !== 201 || typeof id !== "string") throw unexpected("POST /v1/tokens/cards", answer);
  return id;
}

async function sell(agent: http.Agent, target: Target, tokenId: string, seq: number): Promise<void> {
  const answer = await postJson(
    agent,
    new URL("/v1/card-transactions", target.apiUrl),
    { authorization: `Bearer ${target.secretKey}`, "idempotency-key": randomUUID() },
    { type: "sale", card_token: tokenId, amount: 100 + (seq % 9_900), allow_duplicate: true },
  );
  if (answer.status !== 201 || answer.body?.status !== "captured") throw unexpected("POST /v1/card-transactions", answer);
}

interface JsonAnswer {
  readonly status: number;
  readonly body: Record<string, unknown> | undefined;
}

/** The status and problem code only: an answer is never echoed whole, in case it ever held more than it should. */
function unexpected(what: string, answer: JsonAnswer): Error {
  const code = typeof answer.body?.code === "string" ? ` ${answer.body.code}` : "";
  const status = typeof answer.body?.status === "string" ? ` (status ${answer.body.status})` : "";
  return new Error(`${what} answered ${answer.status}${code}${status}`);
}

function postJson(agent: http.Agent, url: URL, headers: Record<string, string>, body: unknown): Promise<JsonAnswer> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        agent,
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload), ...headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: unknown;
          try {
            parsed = text === "" ? undefined : JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          resolve({
            status: response.statusCode ?? 0,
            body: parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : undefined,
          });
        });
      },
    );
    request.on("error", reject);
    request.end(payload);
  });
}

interface LoadClient {
  readonly pid: number;
  run(command: ClientCommand): Promise<ClientReport>;
  stop(): Promise<void>;
}

/** Forks this file as the load generator and talks to it over the IPC channel, one command at a time. */
async function startLoadClient(): Promise<LoadClient> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ["client"], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  await new Promise<void>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the load client exited with code ${code} before it was ready`));
    child.once("exit", onExit);
    child.once("message", () => {
      child.off("exit", onExit);
      resolve();
    });
  });
  const pid = child.pid as number;
  return {
    pid,
    run: (command) =>
      new Promise<ClientReport>((resolve, reject) => {
        const onExit = (code: number | null) => reject(new Error(`the load client exited with code ${code}`));
        child.once("exit", onExit);
        child.once("message", (message) => {
          child.off("exit", onExit);
          resolve(message as ClientReport);
        });
        child.send(command);
      }),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.disconnect();
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The child side: runs each command's closed loop and answers with its result and its own CPU. */
function serveLoadClient(): void {
  let agent: http.Agent | undefined;
  process.on("message", async (message) => {
    const command = message as ClientCommand;
    agent ??= new http.Agent({ keepAlive: true });
    const using = agent;
    const cpu0 = process.cpuUsage();
    const elu0 = performance.eventLoopUtilization();
    const t0 = performance.now();
    const load = await runLoad(command.concurrency, command.seconds, (_loop, seq) => cardSale(using, command.target, seq));
    const cpu = process.cpuUsage(cpu0);
    const seconds = (performance.now() - t0) / 1000;
    const report: ClientReport = {
      load,
      cpuPct: round((100 * (cpu.user + cpu.system)) / 1e6 / seconds, 1),
      eventLoopBusyPct: round(100 * performance.eventLoopUtilization(elu0).utilization, 1),
    };
    if (command.closeAfter) {
      // Idle keep-alive sockets would be closed by the server between phases, and a request
      // sent on one just as it closes fails: the next phase opens its own.
      using.destroy();
      agent = undefined;
    }
    process.send?.(report);
  });
  process.send?.("ready");
}

interface Profile {
  /** Sequential requests from this process (c=1), each call timed and its database round trips counted. */
  readonly requests: number;
  readonly tokenize: { p50Ms: number; p99Ms: number; roundTrips: number };
  readonly sale: { p50Ms: number; p99Ms: number; roundTrips: number };
  /** The same client's bare round trip to the API's /healthz, for the HTTP share. */
  readonly healthzP50Ms: number;
}

/**
 * Times the two calls of a request apart at concurrency 1, and counts the database round trips
 * each makes by counting `pg.Client#query` calls in this process (where the hub runs) while it
 * waits. The worker's idle polling (a round a second) lands in the counts too: a few hundredths
 * per request.
 */
async function profileOneRequest(target: Target, requests = 300): Promise<Profile> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  let queries = 0;
  proto.query = function (this: unknown, ...args: unknown[]) {
    queries++;
    return original.apply(this, args);
  };
  const tokenizeMs: number[] = [];
  const saleMs: number[] = [];
  const healthzMs: number[] = [];
  let tokenizeQueries = 0;
  let saleQueries = 0;
  try {
    for (let seq = 0; seq < requests; seq++) {
      let q0 = queries;
      let t0 = performance.now();
      const tokenId = await tokenize(agent, target);
      tokenizeMs.push(performance.now() - t0);
      tokenizeQueries += queries - q0;
      q0 = queries;
      t0 = performance.now();
      await sell(agent, target, tokenId, seq);
      saleMs.push(performance.now() - t0);
      saleQueries += queries - q0;
      t0 = performance.now();
      await getStatus(agent, new URL("/healthz", target.apiUrl));
      healthzMs.push(performance.now() - t0);
    }
  } finally {
    proto.query = original;
    agent.destroy();
  }
  const tokenizeStats = summarize(tokenizeMs, 2);
  const saleStats = summarize(saleMs, 2);
  return {
    requests,
    tokenize: { p50Ms: tokenizeStats.p50, p99Ms: tokenizeStats.p99, roundTrips: round(tokenizeQueries / requests, 2) },
    sale: { p50Ms: saleStats.p50, p99Ms: saleStats.p99, roundTrips: round(saleQueries / requests, 2) },
    healthzP50Ms: summarize(healthzMs, 2).p50,
  };
}

function getStatus(agent: http.Agent, url: URL): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
      })
      .on("error", reject);
  });
}

interface MainThreadSchedule {
  readonly onCpuPct: number;
  readonly runQueueWaitPct: number;
}

/** This process's main thread's time on a CPU and waiting for one, from now until `stop()`; null where /proc has no schedstat. */
function trackMainThreadSchedule(): { stop(): MainThreadSchedule | null } {
  const read = (): { cpuNs: number; waitNs: number } | undefined => {
    try {
      const [cpuNs, waitNs] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, "utf8").trim().split(/\s+/).map(Number);
      return cpuNs === undefined || waitNs === undefined ? undefined : { cpuNs, waitNs };
    } catch {
      return undefined;
    }
  };
  const start = read();
  const t0 = performance.now();
  return {
    stop() {
      const end = read();
      const wallNs = (performance.now() - t0) * 1e6;
      if (!start || !end || wallNs <= 0) return null;
      return {
        onCpuPct: round((100 * (end.cpuNs - start.cpuNs)) / wallNs, 1),
        runQueueWaitPct: round((100 * (end.waitNs - start.waitNs)) / wallNs, 1),
      };
    },
  };
}

/** Host CPU time per request in µs, all CPUs together. */
function cpuUsPerRequest(hostBusyPct: number | null, perSecond: number): number | null {
  return hostBusyPct === null || perSecond <= 0 ? null : round(((hostBusyPct / 100) * os.availableParallelism() * 1e6) / perSecond, 0);
}

/** Pids of the server backends serving `database` (to read their CPU when the server is local). */
async function backendPids(database: string): Promise<number[]> {
  const rows = await adminQuery<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = '${database.replaceAll("'", "''")}' AND pid <> pg_backend_pid()`,
  );
  return rows.map((r) => r.pid);
}

/** Connections the server can still accept from ordinary clients, less some for everyone else. */
async function freeConnections(): Promise<number> {
  const [row] = await adminQuery<{ free: number }>(
    `SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int
            - (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int AS free`,
  );
  return Math.max(0, (row?.free ?? 0) - connectionsHeadroom);
}

/**
 * Waits, up to `maxSeconds`, until the hub's pool has let its idle connections go (its idle
 * timeout is 10 s), so that pgbench gets the connections the previous phase held.
 */
async function waitForIdlePool(database: string, maxSeconds: number): Promise<void> {
  const until = performance.now() + maxSeconds * 1000;
  // The worker's LISTEN holds one connection for good; a worker round may hold another.
  while ((await backendPids(database)).length > 2 && performance.now() < until) await new Promise((r) => setTimeout(r, 500));
}

async function checkpoint(): Promise<void> {
  // Start each measurement without a backlog of dirty pages from the one before; needs superuser.
  await adminQuery("CHECKPOINT").catch(() => {});
}

function notes(
  runs: readonly Measured[],
  pgbench: readonly PgbenchReference[],
  profile: Profile,
  floorMet: boolean,
  poolSize: number,
): string {
  const at = (c: number) => runs.find((r) => r.concurrency === c);
  const c32 = at(floorConcurrency);
  const ref = pgbench.find((p) => p.concurrency === floorConcurrency);
  const parts = [
    `Closed loop; the hub (api, vault, worker; pool ${poolSize}), the load client (its own process), PostgreSQL and pgbench share one ${os.availableParallelism()}-CPU host.`,
    `At c=1 a tokenize takes ${profile.tokenize.p50Ms} ms and ${profile.tokenize.roundTrips} database round trips, a sale ${profile.sale.p50Ms} ms and ${profile.sale.roundTrips}; a bare GET /healthz ${profile.healthzP50Ms} ms.`,
  ];
  if (c32) {
    parts.push(
      `c=${floorConcurrency}: host ${c32.cpu.hostBusyPct}% busy, hub event loop ${c32.cpu.eventLoopBusyPct}% busy` +
        (c32.cpu.hubMainThread
          ? ` (its thread on a CPU ${c32.cpu.hubMainThread.onCpuPct}% of the time, waiting for one ${c32.cpu.hubMainThread.runQueueWaitPct}%)`
          : "") +
        `; ${c32.cpu.hostCpuUsPerRequest} µs host CPU per request ` +
        `(hub ${c32.cpu.hubCpuUsPerRequest}, PostgreSQL backends ${c32.cpu.backendsCpuUsPerRequest}, client ${c32.cpu.clientCpuUsPerRequest})` +
        (ref ? ` vs ${ref.hostCpuUsPerTx} µs per pgbench TPC-B transaction.` : "."),
    );
  }
  const capped = pgbench.filter((p) => p.clients < p.concurrency);
  if (capped.length > 0) {
    parts.push(
      `pgbench ran with fewer clients than asked where the server had no more connections free: ${capped.map((p) => `${p.clients} for c=${p.concurrency}`).join(", ")}.`,
    );
  }
  parts.push(
    floorMet
      ? `Floor (ratio ≥ ${ratioFloor} at c=${floorConcurrency}) met.`
      : `Floor (ratio ≥ ${ratioFloor} at c=${floorConcurrency}) NOT met; analysis in bench/README.md.`,
  );
  return parts.join(" ");
}

if (import.meta.main && process.argv[2] === "client") serveLoadClient();
