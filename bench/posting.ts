/**
 * Posting benchmark: counter payments recorded over HTTP at a fixed (open-loop) rate, and for
 * each the time from its commit in Remit to its landing in the county's system of record.
 *
 * Setup (bench/demo-stack.ts): one scratch PostgreSQL database with Remit's tables and the
 * reference SOR's schema; the reference SOR seeded with Demo County on a free port; Remit's `api`
 * and `worker` roles in this process, the demo agency connected to the SOR (property tax live,
 * call limit 16). Load: `POST /v1/counter-payments` with a fresh Idempotency-Key, cash, to the
 * first 2,000 parcels in turn (one payment per parcel every 10 s at 200/s, so the SOR's lock on
 * the account row is not what is measured), at BENCH_POSTING_RATE per second (200) for
 * BENCH_SECONDS (30).
 *
 * Posting latency of a payment = the SOR's `payments.recorded_at` − the `created_at` of the 201:
 * both clocks of this one machine; `created_at` is taken as the request enters the handler,
 * `recorded_at` is the start of the SOR's transaction (its commit follows within milliseconds).
 */

import { randomUUID } from "node:crypto";
import http from "node:http";
import os from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { backendPids, type DemoStack, sorInChildProcess, startDemoStack } from "./demo-stack.ts";
import {
  type BenchOptions,
  type BenchOutcome,
  type CpuReport,
  envNumber,
  type OpenLoopResult,
  round,
  runOpenLoop,
  summarize,
  trackOtherProcessesCpu,
  trackProcessCpu,
  waitForQuiet,
  withCpu,
} from "./lib.ts";

export const description =
  "counter payments POSTed at a fixed rate: time from the API's 201 to the payment in the reference system of record";
export const defaultSeconds = 30;

const parcelCount = 2_000;
/** Every payment must be in the SOR this long after the load ends, or the benchmark fails. */
const drainSeconds = 30;
/** The reference phase: the same payments at a light rate, before the load. */
const lightRate = 10;
const lightSeconds = 3;
/** The reference SOR's bill file, which the worker fetches for the demo's file-based utilities system. */
const billFileRoute = "/v1/exports/bills.csv";
/** Sampling interval of the event-loop delay monitor. */
const loopResolutionMs = 5;
/** The issue's floor: p99 posting latency below this. */
const p99FloorMs = 1_000;

interface Accepted {
  readonly id: string;
  readonly createdAtMs: number;
}

export async function run(options: BenchOptions): Promise<BenchOutcome> {
  const { seconds, warmupSeconds, log } = options;
  const rate = envNumber("BENCH_POSTING_RATE", 200);
  if (rate <= 0) throw new Error("BENCH_POSTING_RATE must be above 0");
  const sorProcess = sorInChildProcess();
  const billFileIntervalMs = process.env.BENCH_BILL_FILE_INTERVAL_MS ? envNumber("BENCH_BILL_FILE_INTERVAL_MS", 30_000) : undefined;
  const stack = await startDemoStack({
    roles: ["api", "worker"],
    parcels: parcelCount,
    log,
    sorProcess,
    ...(billFileIntervalMs === undefined ? {} : { billFileIntervalMs }),
  });
  // Idle connections are dropped after 5 s, well before the server's keep-alive timeout, so a
  // request never goes out on a connection the server is closing (ECONNRESET after the quiet waits).
  const loadAgent = new http.Agent({ keepAlive: true, maxSockets: 1_024, timeout: 5_000 });
  try {
    const refs = stack.parcelRefs;
    let nextRef = 0;
    const url = `${stack.apiUrl}/v1/counter-payments`;
    const headers = { authorization: `Bearer ${stack.apiKey}`, "content-type": "application/json" };
    const pay = (into: Accepted[]) => async (seq: number) => {
      const ref = refs[nextRef++ % refs.length] as string;
      const request = JSON.stringify({ method: "cash", amount: 100 + (seq % 900), account: { system: "property_tax", ref } });
      const response = await postJson(loadAgent, url, { ...headers, "idempotency-key": randomUUID() }, request);
      const text = response.text;
      if (response.status !== 201) throw new Error(`POST /v1/counter-payments answered ${response.status}: ${text.slice(0, 300)}`);
      const body = JSON.parse(text) as { id: string; created_at: string };
      into.push({ id: body.id, createdAtMs: Date.parse(body.created_at) });
    };

    if (warmupSeconds > 0) {
      const warm: Accepted[] = [];
      const w = await runOpenLoop(rate, warmupSeconds, pay(warm));
      if (w.errors > 0) throw new Error(`warm-up: ${w.errors} of ${w.scheduled} payments refused: ${w.firstError}`);
      await waitUntilPosted(stack, warm, drainSeconds);
      log(`warm-up: ${warm.length} payments in ${warmupSeconds} s, all posted`);
    }

    // The same path at a light load first: what a payment costs when nothing queues.
    await waitForQuiet();
    const light: Accepted[] = [];
    const lightLoad = await runOpenLoop(lightRate, lightSeconds, pay(light));
    if (lightLoad.errors > 0) throw new Error(`light load: ${lightLoad.errors} payments refused: ${lightLoad.firstError}`);
    const lightPosted = await waitUntilPosted(stack, light, drainSeconds);
    const lightLatency = summarize(
      light.map((p) => (lightPosted.recordedAt.get(p.id) as number) - p.createdAtMs),
      1,
    );
    log(
      `light load ${lightRate}/s for ${lightSeconds} s: HTTP p50 ${lightLoad.latencyMs.p50} ms; 201 → in the SOR p50 ${lightLatency.p50} ms, p99 ${lightLatency.p99} ms`,
    );

    const backgroundBusyPct = await waitForQuiet();
    const pids = () => backendPids(stack.databaseName);
    const accepted: Accepted[] = [];
    const loopDelay = monitorEventLoopDelay({ resolution: loopResolutionMs });
    log(`load: ${rate}/s for ${seconds} s (background before ${backgroundBusyPct}%)…`);
    let load: OpenLoopResult;
    let cpu: CpuReport;
    let sorProcessPct: number | undefined;
    let otherProcessesPct: { meanPct: number | null; maxPct: number | null } = { meanPct: null, maxPct: null };
    let loadEndedAt: number;
    let drained: { lastRecordedAtMs: number; recordedAt: Map<string, number> };
    const backlog = sampleBacklog(stack);
    const billFetchesBefore = await stack.sorRequests(billFileRoute);
    let billFileFetches = 0;
    try {
      const sorCpu = trackProcessCpu(stack.sor.pid);
      const others = trackOtherProcessesCpu(stack.sor.pid === undefined ? [] : [stack.sor.pid]);
      loopDelay.enable();
      try {
        ({ value: load, cpu } = await withCpu(() => runOpenLoop(rate, seconds, pay(accepted)), pids));
      } finally {
        loopDelay.disable();
        otherProcessesPct = others.stop();
      }
      sorProcessPct = sorCpu.pct();
      loadEndedAt = Date.now();
      log(
        `sent ${load.scheduled} at ${load.achievedRate}/s: ${load.completed} accepted, ${load.errors} refused; ` +
          `HTTP p50 ${load.latencyMs.p50} ms p99 ${load.latencyMs.p99} ms; cpu host ${cpu.hostBusyPct}%, node ${cpu.nodePct}%, event loop busy ${cpu.eventLoopBusyPct}%`,
      );
      billFileFetches = (await stack.sorRequests(billFileRoute)) - billFetchesBefore;
      drained = await waitUntilPosted(stack, accepted, drainSeconds);
    } finally {
      await backlog.stop();
    }
    const remitPostedAt = await remitPostedTimes(stack, accepted, loadEndedAt + drainSeconds * 1000);
    if (load.errors > 0) {
      throw new Error(
        `${load.errors} of ${load.scheduled} payments were refused by the API (first: ${load.firstError}); every one must be accepted`,
      );
    }
    // How fast the worker empties the queue once the API is idle: its capacity without the load beside it.
    const atEnd = accepted.filter((p) => (drained.recordedAt.get(p.id) as number) > loadEndedAt).length;
    const drainMs = drained.lastRecordedAtMs - loadEndedAt;
    const afterLoad = { unpostedAtLoadEnd: atEnd, drainMs, postedPerSecond: drainMs > 0 ? round((atEnd * 1000) / drainMs, 1) : null };
    const duringLoad = {
      postedPerSecond: round(
        accepted.filter((p) => (drained.recordedAt.get(p.id) as number) <= loadEndedAt).length / load.elapsedSeconds,
        1,
      ),
    };

    const sorLatencies = accepted.map((p) => (drained.recordedAt.get(p.id) as number) - p.createdAtMs);
    const remitLatencies = accepted.map((p) => (remitPostedAt.get(p.id) as number) - p.createdAtMs);
    const latency = summarize(sorLatencies, 1);
    const floorMet = latency.p99 < p99FloorMs;
    // The histogram holds the interval between timer ticks; the delay is what exceeds the resolution.
    const delay = (ns: number) => round(Math.max(0, ns / 1e6 - loopResolutionMs), 1);
    const loopDelayMs = { p50: delay(loopDelay.percentile(50)), p99: delay(loopDelay.percentile(99)), max: delay(loopDelay.max) };
    const backlogSummary = backlog.summary();
    // Per payment accepted during the load (what is still queued at its end is drained after it, unmeasured).
    const perPayment = (pct: number | null) =>
      pct === null ? null : round(((pct / 100) * load.elapsedSeconds * 1000) / accepted.length, 2);
    const cpuPerPaymentMs = {
      host: cpu.hostBusyPct === null ? null : perPayment(cpu.hostBusyPct * os.availableParallelism()),
      node: perPayment(cpu.nodePct),
      sorProcess: sorProcessPct === undefined ? null : perPayment(sorProcessPct),
      backends: perPayment(cpu.backendsPct),
      unposted: atEnd,
    };
    const result = {
      benchmark: "posting",
      date: new Date().toISOString(),
      node: process.version,
      postgres: stack.postgresVersion,
      cpus: os.availableParallelism(),
      durationSeconds: seconds,
      warmupSeconds,
      setup: {
        ratePerSecond: rate,
        parcels: parcelCount,
        request:
          "POST /v1/counter-payments {method: cash, account: {system: property_tax, ref: R000001…R002000 in turn}}, fresh Idempotency-Key",
        process: sorProcess
          ? "reference SOR in a child process (BENCH_SOR_PROCESS=1); hub api + worker roles and the load generator share this Node process"
          : "reference SOR, hub api + worker roles and the load generator share this one Node process",
        sorCallLimit: 16,
        hubPool: 20,
        sorPool: 10,
        workerPollMs: 1_000,
        outboxBatch: 64,
        outboxConcurrency: 16,
        billFileIntervalMs: billFileIntervalMs ?? 30_000,
      },
      requests: {
        scheduled: load.scheduled,
        accepted: accepted.length,
        refused: load.errors,
        achievedRatePerSecond: load.achievedRate,
        httpMs: load.latencyMs,
        startLagMs: load.startLagMs,
      },
      posted: { posted: drained.recordedAt.size, total: accepted.length, duringLoad, afterLoad },
      /** created_at of the 201 → reference_sor.payments.recorded_at. */
      postingLatencyMs: latency,
      /** created_at of the 201 → Remit's postings.posted_at (stamped when the SOR answered the post). */
      remitPostedAtLatencyMs: summarize(remitLatencies, 1),
      outboxBacklog: backlogSummary,
      /** GET /v1/exports/bills.csv the SOR answered while the load ran: the worker's utilities bill-file job, interval 30 s in the demo. */
      billFileFetchesDuringLoad: billFileFetches,
      /** The same measurement at a light rate before the load: the reference, with nothing queued. */
      lightLoad: {
        ratePerSecond: lightRate,
        seconds: lightSeconds,
        payments: light.length,
        httpMs: lightLoad.latencyMs,
        postingLatencyMs: lightLatency,
      },
      cpu: { ...cpu, ...(sorProcessPct === undefined ? {} : { sorProcessPct }), backgroundBusyPct, otherProcessesPct },
      /** CPU time per payment accepted during the load, in ms: the whole host (any process), this process, the SOR's process, the scratch database's backends; `unposted` payments were still queued when it ended. */
      cpuPerPaymentMs,
      eventLoopDelayMs: loopDelayMs,
      floor: { p99MaxMs: p99FloorMs, p99Ms: latency.p99, met: floorMet },
      logged: stack.logged,
      notes: notes(
        billFileFetches,
        latency,
        lightLatency,
        load,
        cpu,
        loopDelayMs,
        backlogSummary,
        duringLoad.postedPerSecond,
        afterLoad.postedPerSecond,
        floorMet,
      ),
    };
    const summary = [
      `rate ${rate}/s for ${seconds} s: sent ${load.scheduled}, achieved ${load.achievedRate}/s, accepted ${accepted.length}, posted ${drained.recordedAt.size}/${accepted.length}`,
      `HTTP POST          p50 ${load.latencyMs.p50} ms  p99 ${load.latencyMs.p99} ms  max ${load.latencyMs.max} ms`,
      `201 → in the SOR   p50 ${latency.p50} ms  p90 ${latency.p90} ms  p99 ${latency.p99} ms  max ${latency.max} ms`,
      `light load ${lightRate}/s: HTTP p50 ${lightLoad.latencyMs.p50} ms; 201 → in the SOR p50 ${lightLatency.p50} ms  p99 ${lightLatency.p99} ms`,
      `posted ${duringLoad.postedPerSecond}/s during the load, ${afterLoad.postedPerSecond ?? "–"}/s after it; outbox backlog max ${backlogSummary.maxPending} pending; ` +
        `${billFileFetches} bill-file fetches during the load`,
      `cpu host ${cpu.hostBusyPct}%, node ${cpu.nodePct}%${sorProcessPct === undefined ? "" : `, SOR process ${sorProcessPct}%`} (background before ${backgroundBusyPct}%, other processes during ${otherProcessesPct.meanPct}%, max ${otherProcessesPct.maxPct}%); ` +
        `event loop busy ${cpu.eventLoopBusyPct}%, delay p99 ${loopDelayMs.p99} ms`,
      `cpu per payment: host ${cpuPerPaymentMs.host} ms, node ${cpuPerPaymentMs.node} ms${cpuPerPaymentMs.sorProcess === null ? "" : `, SOR process ${cpuPerPaymentMs.sorProcess} ms`}, PostgreSQL backends ${cpuPerPaymentMs.backends} ms (${atEnd} still queued at the end)`,
      `floor: p99 ${latency.p99} ms ${floorMet ? "<" : "≥"} ${p99FloorMs} ms → ${floorMet ? "met" : "NOT met"}`,
    ];
    return { result, summary };
  } finally {
    loadAgent.destroy();
    await stack.close();
  }
}

/**
 * One POST on a keep-alive connection. The load generator shares this process with the hub, so
 * it uses `node:http`, which costs about half the CPU of `fetch` per request (bench/README.md).
 */
function postJson(
  agent: http.Agent,
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: "POST", agent, headers: { ...headers, "content-length": Buffer.byteLength(body) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

/**
 * Waits until every payment is in the SOR's payments table; fails loudly, with what Remit knows of
 * the missing ones, after `timeoutSeconds`. Resolves with each payment's recorded_at.
 */
async function waitUntilPosted(
  stack: DemoStack,
  payments: readonly Accepted[],
  timeoutSeconds: number,
): Promise<{ lastRecordedAtMs: number; recordedAt: Map<string, number> }> {
  const ids = payments.map((p) => p.id);
  const deadline = performance.now() + timeoutSeconds * 1000;
  for (;;) {
    const [row] = await stack.sor.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM reference_sor.payments WHERE payment_id = ANY($1::text[])",
      [ids],
    );
    if ((row?.n ?? 0) >= ids.length || performance.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const rows = await stack.sor.db.query<{ payment_id: string; recorded_at: Date }>(
    "SELECT payment_id, recorded_at FROM reference_sor.payments WHERE payment_id = ANY($1::text[])",
    [ids],
  );
  const recordedAt = new Map(rows.map((r) => [r.payment_id, r.recorded_at.getTime()]));
  const missing = ids.filter((id) => !recordedAt.has(id));
  if (missing.length > 0) {
    const postings = await stack.hub.db.query<{ status: string; n: number; last_error: string | null }>(
      `SELECT status, count(*)::int AS n, max(last_error) AS last_error FROM postings WHERE payment_id = ANY($1::text[]) GROUP BY status`,
      [missing],
    );
    const outbox = await stack.hub.db.query<{ status: string; n: number; last_error: string | null }>(
      `SELECT status, count(*)::int AS n, max(last_error) AS last_error FROM outbox_messages
        WHERE payload->>'paymentId' = ANY($1::text[]) GROUP BY status`,
      [missing],
    );
    throw new Error(
      `${missing.length} of ${ids.length} payments are not in the system of record ${timeoutSeconds} s after the load ended ` +
        `(e.g. ${missing.slice(0, 3).join(", ")}); their postings: ${JSON.stringify(postings)}; outbox: ${JSON.stringify(outbox)}`,
    );
  }
  return { lastRecordedAtMs: Math.max(...recordedAt.values()), recordedAt };
}

/** Remit's own posted_at of each payment, once its posting row says posted (shortly after the SOR has it). */
async function remitPostedTimes(stack: DemoStack, payments: readonly Accepted[], deadlineMs: number): Promise<Map<string, number>> {
  const ids = payments.map((p) => p.id);
  for (;;) {
    const rows = await stack.hub.db.query<{ payment_id: string; posted_at: Date }>(
      "SELECT payment_id, posted_at FROM postings WHERE agency_id = $1 AND payment_id = ANY($2::text[]) AND status = 'posted'",
      [stack.agencyId, ids],
    );
    if (rows.length >= ids.length) return new Map(rows.map((r) => [r.payment_id, r.posted_at.getTime()]));
    if (Date.now() >= deadlineMs) {
      throw new Error(`${ids.length - rows.length} payments are in the system of record but not marked posted in Remit`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Samples the outbox's pending messages every half second while the load runs and drains. */
function sampleBacklog(stack: DemoStack) {
  const samples: Array<[number, number]> = [];
  const start = performance.now();
  let stopped = false;
  const running = (async () => {
    while (!stopped) {
      try {
        const [row] = await stack.hub.db.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox_messages WHERE status = 'pending'");
        samples.push([round((performance.now() - start) / 1000, 1), row?.n ?? 0]);
      } catch {
        // A missed sample; the next one follows.
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await running;
    },
    summary() {
      const pending = samples.map(([, n]) => n);
      return {
        maxPending: Math.max(0, ...pending),
        meanPending: round(pending.reduce((s, n) => s + n, 0) / Math.max(pending.length, 1), 1),
        /** [seconds since the load started, pending outbox messages], every 0.5 s. */
        samples,
      };
    },
  };
}

function notes(
  billFileFetches: number,
  latency: ReturnType<typeof summarize>,
  lightLatency: ReturnType<typeof summarize>,
  load: OpenLoopResult,
  cpu: CpuReport,
  loopDelayMs: { p50: number; p99: number; max: number },
  backlog: { maxPending: number; meanPending: number },
  postedDuring: number,
  postedAfter: number | null,
  floorMet: boolean,
): string {
  return [
    `Open loop at ${load.achievedRate}/s achieved; the reference SOR, the hub (api + worker) and the load generator share one Node process on a ${os.availableParallelism()}-CPU host with PostgreSQL.`,
    `Host ${cpu.hostBusyPct}% busy, this Node process ${cpu.nodePct}% of one CPU, its event loop ${cpu.eventLoopBusyPct}% busy, event-loop delay p99 ${loopDelayMs.p99} ms (max ${loopDelayMs.max} ms).`,
    `Posted ${postedDuring}/s while the load ran and ${postedAfter ?? "–"}/s once it stopped; outbox backlog mean ${backlog.meanPending}, max ${backlog.maxPending} pending.`,
    `Posting latency p50 ${latency.p50} ms, p99 ${latency.p99} ms (at ${lightRate}/s: p50 ${lightLatency.p50} ms, p99 ${lightLatency.p99} ms); HTTP POST p50 ${load.latencyMs.p50} ms, p99 ${load.latencyMs.p99} ms.`,
    floorMet ? `Floor (p99 < ${p99FloorMs} ms) met.` : `Floor (p99 < ${p99FloorMs} ms) NOT met; analysis in bench/README.md.`,
    `The worker fetched the utilities bill file ${billFileFetches} times during the load` +
      (billFileFetches > 2
        ? ": once the 30 s interval has passed, an unchanged (duplicate) file leaves no trace of the fetch, so every worker round fetches it again (see bench/README.md)."
        : "."),
    "Remit's postings.posted_at is when the SOR answered the post (remitPostedAtLatencyMs); postingLatencyMs uses the SOR's own recorded_at, the start of its transaction.",
  ].join(" ");
}
