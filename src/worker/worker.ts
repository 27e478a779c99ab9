import type { Database, Logger } from "../platform/index.ts";

/** A unit of background work: does what is due at `now` and says how many items it handled. */
export interface Job {
  readonly name: string;
  run(db: Database, now: Date): Promise<number>;
}

export interface Worker {
  /** Waits for the job in flight, then stops. */
  stop(): Promise<void>;
}

/**
 * Runs every job in turn, again at once while any found work, else after `pollMs`. A failing
 * job is logged and retried on the next round; it never stops the others.
 */
export function startWorker(deps: { db: Database; logger: Logger; jobs: readonly Job[]; pollMs: number; clock?: () => Date }): Worker {
  const clock = deps.clock ?? (() => new Date());
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;

  const loop = async () => {
    while (!stopping) {
      let handled = 0;
      for (const job of deps.jobs) {
        if (stopping) break;
        try {
          const n = await job.run(deps.db, clock());
          if (n > 0) deps.logger.info({ job: job.name, handled: n }, "job ran");
          handled += n;
        } catch (err) {
          deps.logger.error({ job: job.name, err }, "job failed; retrying next round");
        }
      }
      if (handled === 0 && !stopping) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, deps.pollMs);
        });
      }
    }
  };
  const running = loop();

  return {
    async stop() {
      stopping = true;
      clearTimeout(timer);
      wake?.();
      await running;
    },
  };
}
