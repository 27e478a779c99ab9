import type { Logger } from "../platform/index.ts";

/** A unit of background work: does what is due at `now` and says how many items it handled. */
export interface Job {
  readonly name: string;
  run(now: Date): Promise<number>;
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
export function startWorker(deps: { logger: Logger; jobs: readonly Job[]; pollMs: number; clock?: () => Date }): Worker {
  const clock = deps.clock ?? (() => new Date());
  let stopping = false;
  let woken = false;
  let timer: NodeJS.Timeout | undefined;
  let resume: (() => void) | undefined;

  const loop = async () => {
    while (!stopping) {
      woken = false;
      let handled = 0;
      for (const job of deps.jobs) {
        if (stopping) break;
        try {
          handled += await job.run(clock());
        } catch (err) {
          deps.logger.error({ job: job.name, err }, "job failed; retrying next round");
        }
      }
      if (handled === 0 && !woken && !stopping) {
        await new Promise<void>((resolve) => {
          resume = resolve;
          timer = setTimeout(resolve, deps.pollMs);
        });
        clearTimeout(timer);
      }
    }
  };
  const running = loop();

  return {
    wake() {
      woken = true;
      resume?.();
    },
    async stop() {
      stopping = true;
      resume?.();
      await running;
    },
  };
}
