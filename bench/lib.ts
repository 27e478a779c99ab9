/**
 * Helpers shared by the benchmarks: the PostgreSQL server to use, throwaway databases on it,
 * a timed closed-loop load generator and latency percentiles.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import pg from "pg";

/** What `bench/run.ts` gives each benchmark. */
export interface BenchOptions {
  /** Measured seconds per workload: BENCH_SECONDS, default 10. */
  readonly seconds: number;
  /** Unmeasured seconds before each workload: BENCH_WARMUP_SECONDS, default 2. */
  readonly warmupSeconds: number;
  /** Prints one progress line. */
  readonly log: (line: string) => void;
}

/** What a benchmark hands back: the JSON written to `bench/results/<name>.json` and a human summary. */
export interface BenchOutcome {
  readonly result: Record<string, unknown>;
  readonly summary: readonly string[];
}

/** A benchmark module `bench/<name>.ts` exports these. */
export interface BenchModule {
  readonly description: string;
  /** Measured seconds when BENCH_SECONDS is not set; 10 when absent. */
  readonly defaultSeconds?: number;
  run(options: BenchOptions): Promise<BenchOutcome>;
}

/** A non-negative number from the environment, or `fallback` when the variable is unset or empty. */
export function envNumber(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text.trim() === "") return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, not "${text}"`);
  return value;
}

/** Nearest-rank percentiles of a list of values (any order), rounded; NaN when there are none. */
export function summarize(
  values: readonly number[],
  digits = 1,
): { n: number; p50: number; p90: number; p99: number; max: number; mean: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / Math.max(sorted.length, 1);
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 0.5), digits),
    p90: round(percentile(sorted, 0.9), digits),
    p99: round(percentile(sorted, 0.99), digits),
    max: round(sorted.length > 0 ? (sorted[sorted.length - 1] as number) : Number.NaN, digits),
    mean: round(sorted.length > 0 ? mean : Number.NaN, digits),
  };
}

export const defaultServerUrl = "postgres://postgres@127.0.0.1:5432/test";

/** The PostgreSQL server: DATABASE_URL if set, else the local default. */
export function serverUrl(): string {
  return process.env.DATABASE_URL || defaultServerUrl;
}

/** The same server URL pointing at another database. */
export function databaseUrl(name: string, server = serverUrl()): string {
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs one statement on the server's own database, on a connection of its own. */
export async function adminQuery<Row = Record<string, unknown>>(sql: string, server = serverUrl()): Promise<Row[]> {
  const client = new pg.Client({ connectionString: server, application_name: "remit-bench" });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Row[];
  } finally {
    await client.end();
  }
}

/** A throwaway database `<prefix>_<random>` on the server; `drop` removes it, even with clients left. */
export async function createScratchDatabase(prefix: string): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  return {
    name,
    url: databaseUrl(name),
    drop: async () => {
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

export interface LoadResult {
  readonly concurrency: number;
  readonly completed: number;
  readonly errors: number;
  readonly firstError: string | null;
  readonly elapsedSeconds: number;
  readonly tps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
}

/**
 * Closed-loop load: `concurrency` async loops each call `op` back to back until `seconds` have
 * passed, then finish the call in flight. Throughput counts successful calls over the time until
 * the last loop stopped; latency is each call's wall time.
 */
export async function runLoad(concurrency: number, seconds: number, op: (loop: number, seq: number) => Promise<void>): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  const loop = async (index: number) => {
    for (let seq = 0; performance.now() < deadline; seq++) {
      const t0 = performance.now();
      try {
        await op(index, seq);
        latencies.push(performance.now() - t0);
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, i) => loop(i)));
  const elapsedSeconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const mean = latencies.reduce((s, x) => s + x, 0) / Math.max(latencies.length, 1);
  return {
    concurrency,
    completed: latencies.length,
    errors,
    firstError,
    elapsedSeconds: round(elapsedSeconds, 3),
    tps: round(latencies.length / elapsedSeconds, 1),
    p50Ms: round(percentile(latencies, 0.5), 3),
    p99Ms: round(percentile(latencies, 0.99), 3),
    meanMs: round(mean, 3),
  };
}

export interface OpenLoopResult {
  /** Calls the schedule asked for: rate × seconds. */
  readonly scheduled: number;
  readonly completed: number;
  readonly errors: number;
  readonly firstError: string | null;
  /** Calls started per second, from the first start to one interval after the last. */
  readonly achievedRate: number;
  /** From the first start until the last call finished. */
  readonly elapsedSeconds: number;
  /** Each call's wall time, from its actual start. */
  readonly latencyMs: ReturnType<typeof summarize>;
  /** How late calls started against the schedule (a busy event loop delays them). */
  readonly startLagMs: ReturnType<typeof summarize>;
}

/**
 * Open-loop load: starts call `seq` at `seq / rate` seconds whether or not earlier calls have
 * finished (so a slow server does not slow the arrivals, unlike `runLoad`), for `seconds`, then
 * waits for every call in flight.
 */
export async function runOpenLoop(rate: number, seconds: number, op: (seq: number) => Promise<void>): Promise<OpenLoopResult> {
  if (!(rate > 0)) throw new Error(`the rate must be above 0, not ${rate}`);
  const scheduled = Math.max(1, Math.round(rate * seconds));
  const latencies: number[] = [];
  const lags: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  const calls: Promise<void>[] = [];
  const start = performance.now();
  let lastStart = start;
  for (let seq = 0; seq < scheduled; seq++) {
    const due = start + (seq * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const t0 = performance.now();
    lastStart = t0;
    lags.push(Math.max(0, t0 - due));
    calls.push(
      op(seq).then(
        () => {
          latencies.push(performance.now() - t0);
        },
        (error: unknown) => {
          errors++;
          firstError ??= error instanceof Error ? error.message : String(error);
        },
      ),
    );
  }
  await Promise.all(calls);
  return {
    scheduled,
    completed: latencies.length,
    errors,
    firstError,
    achievedRate: round(scheduled / ((lastStart - start) / 1000 + 1 / rate), 1),
    elapsedSeconds: round((performance.now() - start) / 1000, 3),
    latencyMs: summarize(latencies, 2),
    startLagMs: summarize(lags, 2),
  };
}

/** Nearest-rank percentile of ascending values; NaN when there are none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank] as number;
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Runs a program and resolves with its output; rejects with stderr when it exits non-zero. */
export function runProgram(
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(" ")} failed: ${error.message}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

/** Connection arguments and environment for the PostgreSQL command-line tools (pgbench, psql). */
export function libpqArgs(url: string): { args: string[]; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const args = ["-h", u.hostname || "127.0.0.1", "-p", u.port || "5432", "-U", decodeURIComponent(u.username) || "postgres"];
  const env = { ...process.env };
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  return { args, env };
}

/** Cumulative busy and total CPU time of the whole host from /proc/stat (Linux), or undefined. */
function hostCpuTicks(): { busy: number; total: number } | undefined {
  try {
    const fields = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    const total = fields.reduce((s, x) => s + x, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0); // idle + iowait
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** CPU time (user + system, seconds) of each local process by pid, from /proc/<pid>/stat; absent when not readable. */
function processCpuSeconds(pids: readonly number[]): Map<number, number> {
  const ticksPerSecond = 100; // USER_HZ on Linux
  const seconds = new Map<number, number>();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      seconds.set(pid, (Number(fields[11]) + Number(fields[12])) / ticksPerSecond); // utime, stime
    } catch {
      // Not local, or gone.
    }
  }
  return seconds;
}

/** Tracks one other local process's CPU from now on: `pct()` is its use since, in percent of one CPU (undefined without a pid). */
export function trackProcessCpu(pid: number | undefined): { pct(): number | undefined } {
  if (pid === undefined) return { pct: () => undefined };
  const t0 = performance.now();
  const c0 = processCpuSeconds([pid]).get(pid);
  return {
    pct() {
      const c1 = processCpuSeconds([pid]).get(pid);
      const seconds = (performance.now() - t0) / 1000;
      return c0 === undefined || c1 === undefined || seconds <= 0 ? undefined : round((100 * (c1 - c0)) / seconds, 1);
    },
  };
}

/**
 * Samples, every `intervalMs`, the CPU used by the host's other processes: all but this one,
 * `ownPids` and PostgreSQL's (`postgres`). On a shared machine that is someone else's work that
 * ran during the measurement; `stop()` gives its mean and its highest one-interval value, in
 * percent of one CPU (null where /proc cannot be read). A process that starts and ends between
 * two samples is missed.
 */
export function trackOtherProcessesCpu(
  ownPids: readonly number[] = [],
  intervalMs = 1000,
): { stop(): { meanPct: number | null; maxPct: number | null } } {
  const skip = new Set([process.pid, ...ownPids]);
  const read = (): Map<number, number> | undefined => {
    try {
      const seconds = new Map<number, number>();
      for (const entry of readdirSync("/proc")) {
        const pid = Number(entry);
        if (!Number.isInteger(pid) || skip.has(pid)) continue;
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
          const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
          if (comm === "postgres") continue;
          const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
          seconds.set(pid, (Number(fields[11]) + Number(fields[12])) / 100);
        } catch {
          // Gone meanwhile.
        }
      }
      return seconds;
    } catch {
      return undefined;
    }
  };
  let last = read();
  let lastAt = performance.now();
  const windows: number[] = [];
  const tick = () => {
    const now = read();
    const at = performance.now();
    if (last && now && at > lastAt) {
      let used = 0;
      for (const [pid, cpu] of now) used += cpu - (last.get(pid) ?? 0);
      windows.push((100 * used) / ((at - lastAt) / 1000));
    }
    last = now;
    lastAt = at;
  };
  const timer = setInterval(tick, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      tick();
      if (windows.length === 0) return { meanPct: null, maxPct: null };
      return { meanPct: round(windows.reduce((a, b) => a + b, 0) / windows.length, 1), maxPct: round(Math.max(...windows), 1) };
    },
  };
}

export interface CpuReport {
  /** Share of all the host's CPUs that were busy (any process), in percent. */
  readonly hostBusyPct: number | null;
  /** This Node process, in percent of one CPU. */
  readonly nodePct: number;
  /** Share of the time this process's event loop was busy (not waiting for I/O), in percent: at ~100 % it is the bottleneck. */
  readonly eventLoopBusyPct: number;
  /**
   * The given server backends (when local), in percent of one CPU: those alive from start to end,
   * and, when they are listed by a function, also those that connected meanwhile (a pool opens
   * connections again after its idle ones were closed), counted whole.
   */
  readonly backendsPct: number | null;
}

/** Measures CPU use while `work` runs: the host's, this process's and some PostgreSQL backends'. */
export async function withCpu<T>(
  work: () => Promise<T>,
  backendPids: readonly number[] | (() => Promise<readonly number[]>) = [],
): Promise<{ value: T; cpu: CpuReport }> {
  const listPids = typeof backendPids === "function" ? backendPids : async () => backendPids;
  const countNewcomers = typeof backendPids === "function";
  const host0 = hostCpuTicks();
  const node0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const pg0 = processCpuSeconds(await listPids());
  const t0 = performance.now();
  const value = await work();
  const seconds = (performance.now() - t0) / 1000;
  const host1 = hostCpuTicks();
  const node = process.cpuUsage(node0);
  const elu = performance.eventLoopUtilization(elu0);
  const pg1 = processCpuSeconds(countNewcomers ? await listPids() : [...pg0.keys()]);
  let backendSeconds = 0;
  let backendsSeen = 0;
  for (const [pid, end] of pg1) {
    const start = pg0.get(pid) ?? (countNewcomers ? 0 : undefined);
    if (start === undefined) continue;
    backendSeconds += end - start;
    backendsSeen++;
  }
  const hostBusyPct =
    host0 && host1 && host1.total > host0.total ? round((100 * (host1.busy - host0.busy)) / (host1.total - host0.total), 1) : null;
  return {
    value,
    cpu: {
      hostBusyPct,
      nodePct: round((100 * (node.user + node.system)) / 1e6 / seconds, 1),
      eventLoopBusyPct: round(100 * elu.utilization, 1),
      backendsPct: backendsSeen > 0 ? round((100 * backendSeconds) / seconds, 1) : null,
    },
  };
}

/**
 * Waits, up to `maxSeconds`, for the host to go quiet (under `busyPct` percent busy over half a
 * second) so that other work on a shared machine does not skew a measurement. Returns the last
 * sample: the background load the measurement then started with.
 */
export async function waitForQuiet(maxSeconds = 30, busyPct = 10): Promise<number | null> {
  const until = performance.now() + maxSeconds * 1000;
  for (;;) {
    const a = hostCpuTicks();
    await new Promise((r) => setTimeout(r, 500));
    const b = hostCpuTicks();
    if (!a || !b || b.total <= a.total) return null;
    const busy = round((100 * (b.busy - a.busy)) / (b.total - a.total), 1);
    if (busy < busyPct || performance.now() >= until) return busy;
  }
}
