/**
 * Ledger benchmark: posted transfers per second through `transfer()` on PostgreSQL, against
 * pgbench's TPC-B on the same server in the same run, at concurrency 1 and 32.
 *
 * Workloads (each a fixed duration after a warm-up, unique transfer ids):
 *   random  debit and credit two different accounts drawn at random from 1,000;
 *   hot     every transfer touches one clearing account, the other side drawn from the 1,000
 *           (which way the money goes is random), as card settlement or a suspense account does.
 * The reference is `pgbench -b tpcb-like` on a fresh database initialized at scale 32: three
 * updates, one select and one insert per transaction, the classic small OLTP write.
 */
import os from "node:os";
import { createAgency } from "../src/agencies/index.ts";
import { openAccount, type Side, transfer } from "../src/ledger/index.ts";
import { type Database, migrate, openPostgres } from "../src/platform/index.ts";
import {
  adminQuery,
  type BenchOptions,
  type BenchOutcome,
  type CpuReport,
  createScratchDatabase,
  type LoadResult,
  libpqArgs,
  round,
  runLoad,
  runProgram,
  waitForQuiet,
  withCpu,
} from "./lib.ts";

export const description = "posted transfers/s through transfer() vs pgbench TPC-B, at concurrency 1 and 32";

const accountCount = 1000;
const concurrencies = [1, 32] as const;
const poolSize = 32;
const pgbenchScale = 32;
/** The issue's floor: ledger tps / pgbench tps at concurrency 32. */
const ratioFloor = 0.7;

type Workload = "random" | "hot";

interface Run {
  readonly concurrency: number;
  readonly workload: Workload;
  readonly ledgerTps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly transfers: number;
  readonly errors: number;
  readonly firstError?: string;
  readonly pgbenchTps: number;
  readonly ratio: number;
  readonly cpu: CpuReport & {
    /** Host CPU time per transfer, all CPUs: what one transfer costs the machine. */
    readonly hostCpuUsPerTx: number | null;
    readonly nodeCpuUsPerTx: number;
    readonly backendsCpuUsPerTx: number | null;
    readonly backgroundBusyPct: number | null;
  };
}

interface PgbenchRun {
  readonly clients: number;
  readonly tps: number;
  readonly latencyAvgMs: number | null;
  readonly transactions: number | null;
  readonly failed: number | null;
  readonly hostBusyPct?: number | null;
  readonly hostCpuUsPerTx?: number | null;
  readonly backgroundBusyPct?: number | null;
}

export async function run(options: BenchOptions): Promise<BenchOutcome> {
  const { seconds, warmupSeconds, log } = options;
  const [server] = await adminQuery<{ server_version: string }>("SHOW server_version");
  const ledgerDb = await createScratchDatabase("remit_bench");
  const pgbenchDb = await createScratchDatabase("remit_pgbench");
  log(`databases ${ledgerDb.name} (ledger) and ${pgbenchDb.name} (pgbench) on PostgreSQL ${server?.server_version}`);
  let db: Database | undefined;
  try {
    const { args: connArgs, env } = libpqArgs(pgbenchDb.url);
    log(`pgbench -i -s ${pgbenchScale} …`);
    await runProgram("pgbench", ["-i", "-s", String(pgbenchScale), "-q", ...connArgs, pgbenchDb.name], env);

    db = openPostgres({ connectionString: ledgerDb.url, poolSize });
    await migrate(db);
    const { agencyId, accounts, hot } = await setUpLedger(db);
    log(`ledger: agency ${agencyId}, ${accounts.length} accounts + hot account ${hot}, pool ${poolSize}`);

    const pgbench = new Map<number, PgbenchRun>();
    const runs: Run[] = [];
    const runTag = Date.now().toString(36);
    let phase = 0;
    const measure = async (
      concurrency: number,
      workload: Workload,
    ): Promise<{ load: LoadResult; cpu: CpuReport; backgroundBusyPct: number | null }> => {
      const tag = `${runTag}-${phase++}`;
      const op = (loop: number, seq: number) => {
        const [debitAccountId, creditAccountId] = workload === "hot" ? hotPair(accounts, hot) : randomPair(accounts);
        return transfer(
          db as Database,
          agencyId,
          { id: `b-${tag}-${loop}-${seq}`, kind: "posted", debitAccountId, creditAccountId, amountCents: 1 + (seq % 10_000) },
          new Date(),
        ).then(() => {});
      };
      await checkpoint();
      const backgroundBusyPct = await waitForQuiet();
      if (warmupSeconds > 0) await runLoad(concurrency, warmupSeconds, (loop, seq) => op(loop, -1 - seq));
      const pids = await backendPids(db as Database, ledgerDb.name);
      const { value: load, cpu } = await withCpu(() => runLoad(concurrency, seconds, op), pids);
      log(
        `ledger  c=${concurrency} ${workload.padEnd(6)} ${load.tps.toFixed(1).padStart(8)} tps  p50 ${load.p50Ms} ms  p99 ${load.p99Ms} ms` +
          `  cpu: host ${cpu.hostBusyPct}%, node ${cpu.nodePct}%, backends ${cpu.backendsPct}%, background before ${backgroundBusyPct}%` +
          (load.errors > 0 ? `  ${load.errors} errors (${load.firstError})` : ""),
      );
      return { load, cpu, backgroundBusyPct };
    };

    for (const concurrency of concurrencies) {
      await checkpoint();
      const backgroundBusyPct = await waitForQuiet();
      const { value: bench, cpu } = await withCpu(() => runPgbench(pgbenchDb.name, connArgs, env, concurrency, seconds));
      pgbench.set(concurrency, {
        ...bench,
        hostBusyPct: cpu.hostBusyPct,
        hostCpuUsPerTx: cpuUsPerTx(cpu.hostBusyPct, bench.tps),
        backgroundBusyPct,
      });
      log(
        `pgbench c=${concurrency} tpcb   ${bench.tps.toFixed(1).padStart(8)} tps  avg ${bench.latencyAvgMs} ms` +
          `  cpu: host ${cpu.hostBusyPct}%, background before ${backgroundBusyPct}%`,
      );
      const workloads: Workload[] = concurrency === 1 ? ["random"] : ["random", "hot"];
      for (const workload of workloads) {
        const { load: r, cpu: c, backgroundBusyPct: background } = await measure(concurrency, workload);
        runs.push({
          concurrency,
          workload,
          ledgerTps: r.tps,
          p50Ms: r.p50Ms,
          p99Ms: r.p99Ms,
          meanMs: r.meanMs,
          transfers: r.completed,
          errors: r.errors,
          ...(r.firstError ? { firstError: r.firstError } : {}),
          pgbenchTps: bench.tps,
          ratio: round(r.tps / bench.tps, 3),
          cpu: {
            ...c,
            hostCpuUsPerTx: cpuUsPerTx(c.hostBusyPct, r.tps),
            nodeCpuUsPerTx: round((c.nodePct * 1e4) / r.tps, 0),
            backendsCpuUsPerTx: c.backendsPct === null ? null : round((c.backendsPct * 1e4) / r.tps, 0),
            backgroundBusyPct: background,
          },
        });
      }
    }

    const written = await db.query<{ transfers: number; entries: number }>(
      "SELECT (SELECT count(*) FROM ledger_transfers)::bigint AS transfers, (SELECT count(*) FROM ledger_entries)::bigint AS entries",
    );
    const profile = await profileTransfer(db, agencyId, accounts);
    const floorRun = runs.find((r) => r.concurrency === 32 && r.workload === "random");
    const floorMet = floorRun !== undefined && floorRun.ratio >= ratioFloor;
    const result = {
      benchmark: "ledger",
      date: new Date().toISOString(),
      node: process.version,
      postgres: server?.server_version ?? "unknown",
      cpus: os.availableParallelism(),
      durationSeconds: seconds,
      warmupSeconds,
      setup: {
        accounts: accountCount,
        hotAccounts: 1,
        poolSize,
        pgbench: `pgbench -i -s ${pgbenchScale}; pgbench -b tpcb-like -c <c> -j 2 -T ${seconds} -n`,
        rowsWritten: written[0],
      },
      concurrency: Object.fromEntries(
        concurrencies.map((c) => [
          String(c),
          Object.fromEntries(
            runs
              .filter((r) => r.concurrency === c)
              .map((r) => [
                r.workload,
                { ledgerTps: r.ledgerTps, p50Ms: r.p50Ms, p99Ms: r.p99Ms, pgbenchTps: r.pgbenchTps, ratio: r.ratio },
              ]),
          ),
        ]),
      ),
      runs,
      pgbench: [...pgbench.values()],
      floor: { ratioMin: ratioFloor, concurrency: 32, workload: "random", ratio: floorRun?.ratio ?? null, met: floorMet },
      profile,
      notes: notes(runs, pgbench, profile, floorMet),
    };
    const summary = [
      `${"".padEnd(14)}${"ledger tps".padStart(11)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}${"pgbench tps".padStart(13)}${"ratio".padStart(8)}`,
      ...runs.map(
        (r) =>
          `${`c=${r.concurrency} ${r.workload}`.padEnd(14)}${r.ledgerTps.toFixed(1).padStart(11)}${r.p50Ms.toFixed(2).padStart(9)}${r.p99Ms
            .toFixed(2)
            .padStart(9)}${r.pgbenchTps.toFixed(1).padStart(13)}${r.ratio.toFixed(3).padStart(8)}`,
      ),
      `floor: ratio at c=32 (random) ${floorRun?.ratio ?? "?"} ${floorMet ? "≥" : "<"} ${ratioFloor} → ${floorMet ? "met" : "NOT met"}`,
      `at c=1: transfer p50 ${profile.transferP50Ms} ms, bare SELECT 1 round trip p50 ${profile.selectOneP50Ms} ms`,
    ];
    return { result, summary };
  } finally {
    await db?.close();
    await ledgerDb.drop();
    await pgbenchDb.drop();
    log(`dropped ${ledgerDb.name} and ${pgbenchDb.name}`);
  }
}

async function setUpLedger(db: Database): Promise<{ agencyId: string; accounts: string[]; hot: string }> {
  const agency = await createAgency(db, { name: "Benchmark County" });
  const open = async (code: string, normalSide: Side) =>
    (await openAccount(db, agency.id, { fund: "general", code, name: `Bench ${code}`, normalSide })).id;
  const accounts: string[] = [];
  for (let i = 0; i < accountCount; i += 50) {
    const batch = Array.from({ length: Math.min(50, accountCount - i) }, (_, j) => open(`acct_${i + j}`, (i + j) % 2 ? "credit" : "debit"));
    accounts.push(...(await Promise.all(batch)));
  }
  const hot = await open("clearing", "debit");
  return { agencyId: agency.id, accounts, hot };
}

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)] as T;
}

function randomPair(accounts: readonly string[]): [string, string] {
  const debit = pick(accounts);
  let credit = pick(accounts);
  while (credit === debit) credit = pick(accounts);
  return [debit, credit];
}

function hotPair(accounts: readonly string[], hot: string): [string, string] {
  const other = pick(accounts);
  return Math.random() < 0.5 ? [hot, other] : [other, hot];
}

/** Host CPU time per transaction in µs, all CPUs together. */
function cpuUsPerTx(hostBusyPct: number | null, tps: number): number | null {
  return hostBusyPct === null || tps <= 0 ? null : round(((hostBusyPct / 100) * os.availableParallelism() * 1e6) / tps, 0);
}

/** Pids of the server backends serving `database`: their CPU can be read when the server is local. */
async function backendPids(db: Database, database: string): Promise<number[]> {
  const rows = await db.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1", [database]);
  return rows.map((r) => r.pid);
}

async function checkpoint(): Promise<void> {
  // Start each measurement without a backlog of dirty pages from the one before; needs superuser.
  await adminQuery("CHECKPOINT").catch(() => {});
}

export async function runPgbench(
  database: string,
  connArgs: readonly string[],
  env: NodeJS.ProcessEnv,
  clients: number,
  seconds: number,
): Promise<PgbenchRun> {
  const threads = Math.min(2, clients);
  const { stdout } = await runProgram(
    "pgbench",
    ["-b", "tpcb-like", "-c", String(clients), "-j", String(threads), "-T", String(seconds), "-n", ...connArgs, database],
    env,
  );
  return parsePgbench(stdout, clients);
}

/** Reads pgbench's report: the `tps = … (without initial connection time)` line, and a few others. */
export function parsePgbench(stdout: string, clients: number): PgbenchRun {
  const tps = stdout.match(/^tps = ([\d.]+) \(without initial connection time\)/m);
  if (!tps?.[1]) throw new Error(`no "tps = … (without initial connection time)" line in pgbench output:\n${stdout}`);
  const num = (re: RegExp) => {
    const m = stdout.match(re);
    return m?.[1] ? Number(m[1]) : null;
  };
  return {
    clients,
    tps: round(Number(tps[1]), 1),
    latencyAvgMs: num(/^latency average = ([\d.]+) ms/m),
    transactions: num(/^number of transactions actually processed: (\d+)/m),
    failed: num(/^number of failed transactions: (\d+)/m),
  };
}

interface Profile {
  /** Latency of one trivial round trip through the same pool, at concurrency 1. */
  readonly selectOneP50Ms: number;
  /** One posted transfer at concurrency 1, for comparison with the round-trip floor. */
  readonly transferP50Ms: number;
}

/** One transfer at concurrency 1 beside one bare round trip: how much of a transfer is the network. */
async function profileTransfer(db: Database, agencyId: string, accounts: readonly string[]): Promise<Profile> {
  const selectOne = await runLoad(1, 1, async () => {
    await db.query("SELECT 1");
  });
  let n = 0;
  const one = await runLoad(1, 1, async () => {
    const [d, c] = randomPair(accounts);
    await transfer(
      db,
      agencyId,
      { id: `profile-one-${Date.now()}-${n++}`, kind: "posted", debitAccountId: d, creditAccountId: c, amountCents: 1 },
      new Date(),
    );
  });
  return { selectOneP50Ms: selectOne.p50Ms, transferP50Ms: one.p50Ms };
}

function notes(runs: readonly Run[], pgbench: ReadonlyMap<number, PgbenchRun>, profile: Profile, floorMet: boolean): string {
  const get = (c: number, w: Workload) => runs.find((r) => r.concurrency === c && r.workload === w);
  const c32 = get(32, "random");
  const hot = get(32, "hot");
  const ref = pgbench.get(32);
  const parts = [
    `Closed loop, unique ids, 1 agency, ${accountCount} accounts + 1 hot; pool ${poolSize}; Node, PostgreSQL and pgbench share one ${os.availableParallelism()}-CPU host.`,
    `One transfer between accounts = one prepared statement (transfer and entries in one CTE, no explicit transaction); bare SELECT 1 ${profile.selectOneP50Ms} ms, transfer ${profile.transferP50Ms} ms at c=1.`,
  ];
  if (c32) {
    parts.push(
      `c=32 is CPU-bound: host ${c32.cpu.hostBusyPct}% busy; ${c32.cpu.hostCpuUsPerTx} µs host CPU per transfer (backends ${c32.cpu.backendsCpuUsPerTx}, node ${c32.cpu.nodeCpuUsPerTx})` +
        (ref ? ` vs ${ref.hostCpuUsPerTx} µs per pgbench TPC-B transaction.` : "."),
    );
  }
  if (c32 && hot) parts.push(`Hot account at c=32: ${round(hot.ledgerTps / c32.ledgerTps, 3)}× the random workload.`);
  parts.push(floorMet ? "Floor (ratio ≥ 0.7 at c=32) met." : "Floor (ratio ≥ 0.7 at c=32) NOT met; analysis in bench/README.md.");
  return parts.join(" ");
}
