import assert from "node:assert/strict";
import { test } from "node:test";
import { createLogger } from "../platform/index.ts";
import { type Job, startWorker } from "./index.ts";

const logger = createLogger({ destination: () => {} });

/** A job that finds work on its first `busyRounds` runs, then nothing; resolves `finished` on the first idle run. */
function busyJob(busyRounds: number) {
  let runs = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const job: Job = {
    name: "busy",
    run: async () => {
      runs++;
      if (runs <= busyRounds) return 1;
      finish();
      return 0;
    },
  };
  return { job, finished, runs: () => runs };
}

function countingJob(name: string, intervalMs?: number) {
  let runs = 0;
  const job: Job = {
    name,
    run: async () => {
      runs++;
      return 0;
    },
    ...(intervalMs === undefined ? {} : { intervalMs }),
  };
  return { job, runs: () => runs };
}

test("while one job keeps finding work, a job with an interval that finds nothing is not run on every round", async () => {
  const busy = busyJob(50);
  const housekeeping = countingJob("housekeeping", 60_000);
  const everyRound = countingJob("every_round");
  const worker = startWorker({ logger, jobs: [busy.job, housekeeping.job, everyRound.job], pollMs: 60_000 });
  await busy.finished;
  await worker.stop();
  assert.equal(busy.runs(), 51);
  assert.equal(housekeeping.runs(), 1, "once, on the first round");
  assert.ok(everyRound.runs() >= 50, "a job without an interval runs on every round");
});

test("a wake runs a job without an interval at once, but not a job with one that found nothing", async () => {
  let woken: () => void = () => {};
  const ran = new Promise<void>((resolve) => {
    woken = resolve;
  });
  let dispatchRuns = 0;
  const dispatch: Job = {
    name: "dispatch",
    run: async () => {
      dispatchRuns++;
      if (dispatchRuns === 2) woken();
      return 0;
    },
  };
  const housekeeping = countingJob("housekeeping", 60_000);
  const worker = startWorker({ logger, jobs: [dispatch, housekeeping.job], pollMs: 60_000 });
  // The first round has run or is running; a wake starts the second at once instead of after the 60 s poll.
  await new Promise((resolve) => setImmediate(resolve));
  worker.wake();
  await ran;
  await worker.stop();
  assert.equal(housekeeping.runs(), 1);
});

test("a job with an interval that found work runs again on the next round", async () => {
  let runs = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  const importer: Job = {
    name: "importer",
    intervalMs: 60_000,
    run: async () => {
      runs++;
      if (runs === 3) done();
      return runs < 3 ? 1 : 0;
    },
  };
  const worker = startWorker({ logger, jobs: [importer], pollMs: 60_000 });
  await finished;
  await worker.stop();
  assert.equal(runs, 3);
});

test("after a round that found work the next waits out the minimum round time, and stop() ends that wait", async () => {
  let runs = 0;
  let ran: () => void = () => {};
  const first = new Promise<void>((resolve) => {
    ran = resolve;
  });
  const dispatch: Job = {
    name: "dispatch",
    run: async () => {
      runs++;
      ran();
      return 1;
    },
  };
  const worker = startWorker({ logger, jobs: [dispatch], pollMs: 60_000, roundMinMs: 60_000 });
  await first;
  worker.wake();
  await new Promise((resolve) => setImmediate(resolve));
  await worker.stop();
  assert.equal(runs, 1, "neither the work found nor a wake starts the next round before the minimum round time");
});
