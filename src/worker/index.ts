import { expirePendingTransfers } from "../ledger/index.ts";
import type { Job } from "./worker.ts";

export { type Job, startWorker, type Worker } from "./worker.ts";

/** The jobs every worker runs. */
export const defaultJobs: readonly Job[] = [{ name: "ledger.expire_pending", run: (db, now) => expirePendingTransfers(db, now, 100) }];
