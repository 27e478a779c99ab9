/**
 * Balance benchmark: `GET /v1/accounts/property_tax/<ref>` on Remit's API, each a live read
 * through the live connector from the reference system of record, with autocannon at a fixed
 * concurrency, against a bare Fastify route measured the same way in the same run.
 *
 * Setup (bench/demo-stack.ts): one scratch PostgreSQL database with Remit's tables and the
 * reference SOR's schema; the reference SOR seeded with Demo County on a free port; Remit's `api`
 * role in this process, the demo agency connected to the SOR (property tax live, call limit 16).
 * The refs rotate over the first 2,000 parcels.
 *
 * Workloads, each after a warm-up, for BENCH_SECONDS (10):
 *   balance  Remit's balance read, 32 connections;
 *   bare     a new `Fastify()` with one `GET /` answering a small JSON, 32 connections: the reference;
 *   sor      diagnostic: the SOR's own `GET /v1/accounts/parcel/<ref>`, 16 connections (Remit's call
 *            limit: Remit never has more in flight), the ceiling the live connector can reach;
 *   agency   diagnostic: Remit's `GET /v1/agency` (key check and one query, no SOR), 32 connections.
 * ratio = balance requests/s ÷ bare requests/s.
 */
import os from "node:os";
import autocannon from "autocannon";
import Fastify from "fastify";
import { backendPids, type DemoStack, sorInChildProcess, startDemoStack } from "./demo-stack.ts";
import {
  type BenchOptions,
  type BenchOutcome,
  type CpuReport,
  round,
  trackOtherProcessesCpu,
  trackProcessCpu,
  waitForQuiet,
  withCpu,
} from "./lib.ts";

export const description = "GET /v1/accounts/property_tax/<ref> (live read from the reference SOR) with autocannon vs a bare Fastify route";

const parcelCount = 2_000;
const connections = 32;
/** callLimit of the demo agency's live systems (demoSystems in src/admin/commands.ts). */
const sorCallLimit = 16;

type Workload = "balance" | "bare" | "sor" | "agency";

interface Measured {
  readonly workload: Workload;
  readonly target: string;
  readonly connections: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly maxMs: number;
  readonly requests: number;
  readonly ok2xx: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly statusCodes: Record<string, number>;
  readonly cpu: CpuReport & {
    readonly hostCpuUsPerRequest: number | null;
    /** The SOR's child process (BENCH_SOR_PROCESS=1), in percent of one CPU. */
    readonly sorProcessPct?: number;
    readonly backgroundBusyPct: number | null;
    /** Other processes' CPU while it ran (someone else's work on a shared host), in percent of one CPU. */
    readonly otherProcessesPct: { meanPct: number | null; maxPct: number | null };
  };
}

export async function run(options: BenchOptions): Promise<BenchOutcome> {
  const { seconds, warmupSeconds, log } = options;
  const sorProcess = sorInChildProcess();
  const stack = await startDemoStack({ roles: ["api"], parcels: parcelCount, log, sorProcess });
  const bare = Fastify();
  try {
    bare.get("/", async () => ({ ok: true, service: "bare", version: 1 }));
    const bareUrl = await bare.listen({ port: 0, host: "127.0.0.1" });
    const refs = stack.parcelRefs;
    const auth = { authorization: `Bearer ${stack.apiKey}` };

    const first = await fetch(`${stack.apiUrl}/v1/accounts/property_tax/${refs[0]}`, { headers: auth });
    const sample = (await first.json()) as { freshness?: { source?: string }; amount_due?: number };
    if (first.status !== 200 || sample.freshness?.source !== "live") {
      throw new Error(`GET /v1/accounts/property_tax/${refs[0]} answered ${first.status}: ${JSON.stringify(sample).slice(0, 300)}`);
    }

    const rotating = (prefix: string, suffix = "") => {
      let next = 0;
      return (request: autocannon.Request): autocannon.Request => ({ ...request, path: `${prefix}${refs[next++ % refs.length]}${suffix}` });
    };
    const plans: Record<Workload, { target: string; options: autocannon.Options }> = {
      balance: {
        target: "GET /v1/accounts/property_tax/<ref> (Remit)",
        options: {
          url: stack.apiUrl,
          connections,
          headers: auth,
          requests: [{ method: "GET", setupRequest: rotating("/v1/accounts/property_tax/") }],
        },
      },
      bare: {
        target: "GET / (bare Fastify)",
        options: { url: bareUrl, connections, headers: auth, requests: [{ method: "GET", path: "/" }] },
      },
      sor: {
        target: "GET /v1/accounts/parcel/<ref> (reference SOR, direct)",
        options: {
          url: stack.sor.url,
          connections: sorCallLimit,
          requests: [{ method: "GET", setupRequest: rotating("/v1/accounts/parcel/") }],
        },
      },
      agency: {
        target: "GET /v1/agency (Remit, no SOR call)",
        options: { url: stack.apiUrl, connections, headers: auth, requests: [{ method: "GET", path: "/v1/agency" }] },
      },
    };

    const runs: Measured[] = [];
    for (const workload of ["balance", "sor", "agency", "bare"] as const) {
      const plan = plans[workload];
      const measured = await measure(stack, workload, plan.target, plan.options, seconds, warmupSeconds);
      log(
        `${workload.padEnd(8)} c=${String(measured.connections).padEnd(3)} ${measured.rps.toFixed(0).padStart(6)} req/s  p50 ${measured.p50Ms} ms  p99 ${measured.p99Ms} ms` +
          `  non-2xx ${measured.non2xx}, errors ${measured.errors}  cpu: host ${measured.cpu.hostBusyPct}%, node ${measured.cpu.nodePct}%, ` +
          `event loop busy ${measured.cpu.eventLoopBusyPct}%${measured.cpu.sorProcessPct === undefined ? "" : `, SOR process ${measured.cpu.sorProcessPct}%`}` +
          `, background before ${measured.cpu.backgroundBusyPct}%, other processes during ${measured.cpu.otherProcessesPct.meanPct}% (max ${measured.cpu.otherProcessesPct.maxPct}%)`,
      );
      runs.push(measured);
    }
    const get = (w: Workload) => runs.find((r) => r.workload === w) as Measured;
    const balance = get("balance");
    const reference = get("bare");
    for (const r of [balance, reference]) {
      if (r.non2xx > 0 || r.errors > 0 || r.timeouts > 0) {
        throw new Error(
          `${r.target}: ${r.non2xx} non-2xx (${JSON.stringify(r.statusCodes)}), ${r.errors} errors, ${r.timeouts} timeouts of ${r.requests}; must be 0`,
        );
      }
    }
    const ratio = round(balance.rps / reference.rps, 4);
    const result = {
      benchmark: "balance",
      date: new Date().toISOString(),
      node: process.version,
      postgres: stack.postgresVersion,
      cpus: os.availableParallelism(),
      durationSeconds: seconds,
      warmupSeconds,
      setup: {
        parcels: parcelCount,
        connections,
        sorCallLimit,
        hubPool: 20,
        sorPool: 10,
        process: sorProcess
          ? "reference SOR in a child process (BENCH_SOR_PROCESS=1); hub api role, bare Fastify and autocannon share this Node process"
          : "reference SOR, hub api role, bare Fastify and autocannon share this one Node process",
      },
      balance: summaryOf(balance),
      bare: summaryOf(reference),
      ratio,
      diagnostics: { sorDirect: summaryOf(get("sor")), remitAgency: summaryOf(get("agency")) },
      runs,
      logged: stack.logged,
      notes: notes(runs, ratio),
    };
    const row = (r: Measured) =>
      `${r.workload.padEnd(9)}${String(r.connections).padStart(4)}${r.rps.toFixed(0).padStart(9)}${String(r.p50Ms).padStart(8)}${String(r.p99Ms).padStart(8)}` +
      `${String(r.non2xx + r.errors + r.timeouts).padStart(8)}${`${r.cpu.hostBusyPct}%`.padStart(7)}${`${r.cpu.nodePct}%`.padStart(8)}${`${r.cpu.eventLoopBusyPct}%`.padStart(7)}`;
    const summary = [
      `${"".padEnd(9)}${"c".padStart(4)}${"req/s".padStart(9)}${"p50 ms".padStart(8)}${"p99 ms".padStart(8)}${"errors".padStart(8)}${"host".padStart(7)}${"node".padStart(8)}${"loop".padStart(7)}`,
      ...runs.map(row),
      `ratio balance / bare = ${ratio} (${balance.rps.toFixed(0)} / ${reference.rps.toFixed(0)} req/s); SOR direct at c=${sorCallLimit}: ${get("sor").rps.toFixed(0)} req/s`,
    ];
    return { result, summary };
  } finally {
    await bare.close().catch(() => {});
    await stack.close();
  }
}

async function measure(
  stack: DemoStack,
  workload: Workload,
  target: string,
  options: autocannon.Options,
  seconds: number,
  warmupSeconds: number,
): Promise<Measured> {
  const backgroundBusyPct = await waitForQuiet();
  let otherProcessesPct: { meanPct: number | null; maxPct: number | null } = { meanPct: null, maxPct: null };
  if (warmupSeconds > 0) await autocannon({ ...options, duration: warmupSeconds });
  const pids = await backendPids(stack.databaseName);
  const sorCpu = trackProcessCpu(stack.sor.pid);
  const others = trackOtherProcessesCpu(stack.sor.pid === undefined ? [] : [stack.sor.pid]);
  const { value: r, cpu } = await withCpu(() => autocannon({ ...options, duration: seconds }), pids).finally(() => {
    otherProcessesPct = others.stop();
  });
  const sorProcessPct = sorCpu.pct();
  const rps = r["2xx"] / r.duration;
  return {
    workload,
    target,
    connections: options.connections ?? 10,
    rps: round(rps, 1),
    p50Ms: r.latency.p50,
    p90Ms: r.latency.p90,
    p99Ms: r.latency.p99,
    meanMs: round(r.latency.mean, 2),
    maxMs: r.latency.max,
    requests: r.requests.total,
    ok2xx: r["2xx"],
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, s]) => [code, s.count])),
    cpu: {
      ...cpu,
      hostCpuUsPerRequest:
        cpu.hostBusyPct === null || rps <= 0 ? null : round(((cpu.hostBusyPct / 100) * os.availableParallelism() * 1e6) / rps, 0),
      ...(sorProcessPct === undefined ? {} : { sorProcessPct }),
      backgroundBusyPct,
      otherProcessesPct,
    },
  };
}

function summaryOf(r: Measured) {
  return {
    rps: r.rps,
    p50Ms: r.p50Ms,
    p99Ms: r.p99Ms,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    connections: r.connections,
  };
}

function notes(runs: readonly Measured[], ratio: number): string {
  const get = (w: Workload) => runs.find((r) => r.workload === w) as Measured;
  const balance = get("balance");
  const sor = get("sor");
  const agency = get("agency");
  const bare = get("bare");
  const loopUs = (r: Measured) => round((r.cpu.eventLoopBusyPct / 100) * (1e6 / r.rps), 0);
  const loopBound = runs.every((r) => r.cpu.eventLoopBusyPct >= 95);
  return [
    `All on one ${os.availableParallelism()}-CPU host: PostgreSQL, and in this Node process Remit's API, the bare Fastify and autocannon itself` +
      (sor.cpu.sorProcessPct === undefined ? ", and the reference SOR." : "; the reference SOR in a child process."),
    `Balance ${balance.rps.toFixed(0)} req/s at c=${balance.connections} (p50 ${balance.p50Ms} ms, p99 ${balance.p99Ms} ms), event loop ${balance.cpu.eventLoopBusyPct}% busy, host ${balance.cpu.hostBusyPct}% busy.`,
    loopBound
      ? `Every workload kept this process's event loop ≥ 95% busy: that is the limit. Event-loop time per request: balance ${loopUs(balance)} µs, SOR direct ${loopUs(sor)} µs, /v1/agency ${loopUs(agency)} µs, bare ${loopUs(bare)} µs.`
      : `Event-loop time per request: balance ${loopUs(balance)} µs, SOR direct ${loopUs(sor)} µs, /v1/agency ${loopUs(agency)} µs, bare ${loopUs(bare)} µs.`,
    `Per read: Remit checks the key, reads the agency, the system config and the unposted sum (four queries), and calls the SOR through the live connector (at most ${sorCallLimit} calls in flight per system and process, the rest queue); the SOR answers from seven queries of its own (pool of 10).`,
    `The SOR alone at c=${sor.connections} (the call limit) serves ${sor.rps.toFixed(0)} req/s, ${round(sor.rps / balance.rps, 1)}× the balance rate, so neither it nor the call limit binds here; with a county system answering in 100 ms, ${sorCallLimit} slots would cap a process at ${sorCallLimit * 10} reads/s.`,
    `ratio balance / bare = ${ratio}.`,
  ].join(" ");
}
