import type { Logger } from "../platform/index.ts";

/** A unit of background work: does what is due at `now` and says how many items it handled. */
export interface Job {
  readonly name: string;
  run(now: Date): Promise<number>;
  /**
   * For housekeeping that need not run on every round: once it finds nothing, the job is skipped
   * until this long after its last run, however busy other jobs keep the worker and however often
   * it is woken. Without it the job runs on every round. Under load the outbox runs round after
   * round, and housekeeping run on each of them was a third of the database statements per payment.
   */
  readonly intervalMs?: number;
}

export interface Worker {
  /** Runs the jobs now instead of at the next poll (a database notification says work arrived). */
  wake(): void;
  /** Waits for the job in flight, then stops. */
  stop(): Promise<void>;
}

/**
 * Runs every job in turn, again at once while any found work, else after `pollMs` or when woken.
 * A failing job is logged and retried on the next round; it never stops the others.
 */
export function startWorker(deps: {
  logger: Logger;
  jobs: readonly Job[];
  pollMs: number;
  /**
   * When a round found work, the next one starts no sooner than this after it began, so what
   * arrives meanwhile is handled together (one lease and one completion for several outbox
   * messages instead of one each), at the cost of up to this much latency while work keeps
   * coming. A round after an idle wait starts at once. Default 0: back to back.
   */
  roundMinMs?: number;
  clock?: () => Date;
}): Worker {
  const clock = deps.clock ?? (() => new Date());
  let stopping = false;
  let woken = false;
  // Ends the current wait early: wake() may end an idle wait, stop() any wait.
  let endIdleWait: (() => void) | undefined;
  let endAnyWait: (() => void) | undefined;
  // Per job: when its last run started (monotonic ms) and whether it found work.
  const lastRuns = deps.jobs.map(() => ({ atMs: Number.NEGATIVE_INFINITY, foundWork: false }));

  const wait = (ms: number, wakeable: boolean) => {
    let timer: NodeJS.Timeout | undefined;
    return new Promise<void>((resolve) => {
      endAnyWait = resolve;
      endIdleWait = wakeable ? resolve : undefined;
      timer = setTimeout(resolve, ms);
    }).finally(() => {
      clearTimeout(timer);
      endAnyWait = undefined;
      endIdleWait = undefined;
    });
  };

  const loop = async () => {
    while (!stopping) {
      woken = false;
      const roundStartedAtMs = performance.now();
      let handled = 0;
      for (const [i, job] of deps.jobs.entries()) {
        if (stopping) break;
        const last = lastRuns[i] as { atMs: number; foundWork: boolean };
        if (job.intervalMs !== undefined && !last.foundWork && performance.now() - last.atMs < job.intervalMs) continue;
        const startedAtMs = performance.now();
        let found = 0;
        try {
          found = await job.run(clock());
        } catch (err) {
          deps.logger.error({ job: job.name, err }, "job failed; retrying next round");
        }
        lastRuns[i] = { atMs: startedAtMs, foundWork: found > 0 };
        handled += found;
      }
      if (stopping) break;
      if (handled === 0 && !woken) await wait(deps.pollMs, true);
      else {
        // A wake does not cut this short: what arrives meanwhile is what it waits for.
        const gatherMs = (deps.roundMinMs ?? 0) - (performance.now() - roundStartedAtMs);
        if (gatherMs > 0) await wait(gatherMs, false);
      }
    }
  };
  const running = loop();

  return {
    wake() {
      woken = true;
      endIdleWait?.();
    },
    async stop() {
      stopping = true;
      endAnyWait?.();
      await running;
    },
  };
}
