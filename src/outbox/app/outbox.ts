import { type Database, type Logger, newId, type Sql } from "../../platform/index.ts";
import * as store from "../adapters/outbox-store.ts";
import { defaultRetryPolicy, type HandlerOutcome, nextState, type OutboxMessage, outboxError, type RetryPolicy } from "../domain/outbox.ts";

/** Acts on one message. It may run more than once for the same message, so its effect must be idempotent. */
export type OutboxHandler = (message: OutboxMessage, now: Date) => Promise<HandlerOutcome>;

/**
 * Records an effect to carry out, inside the caller's transaction: it happens if and only if
 * that transaction commits. The same `dedupeKey` twice keeps the first; returns whether this
 * call added the row.
 */
export function enqueue(
  tx: Sql,
  message: { agencyId: string; topic: string; dedupeKey: string; payload: unknown },
  now: Date,
  delayMs = 0,
): Promise<boolean> {
  return store.insertMessage(tx, { ...message, id: newId("obx"), availableAt: new Date(now.getTime() + delayMs) });
}

export interface DispatchOptions {
  readonly batchSize?: number;
  /** Handlers run at once; each may be waiting on a system of record. */
  readonly concurrency?: number;
  /** How long a leased message is left to its worker before another may take it. */
  readonly leaseMs?: number;
  readonly policy?: RetryPolicy;
  readonly random?: () => number;
}

/**
 * Leases due messages and runs their topic's handler, then records each outcome. Returns how
 * many messages it handled. A message whose topic has no handler here is left for a worker
 * that has one, after its lease.
 */
export async function dispatchDue(
  db: Database,
  handlers: Readonly<Record<string, OutboxHandler>>,
  now: Date,
  logger: Logger,
  options: DispatchOptions = {},
): Promise<number> {
  const policy = options.policy ?? defaultRetryPolicy;
  const random = options.random ?? Math.random;
  const leased = await store.leaseDue(db, now, options.leaseMs ?? 30_000, options.batchSize ?? 64);
  const queue = [...leased];
  const runOne = async (message: OutboxMessage) => {
    const handler = handlers[message.topic];
    if (!handler) return;
    let outcome: HandlerOutcome;
    try {
      outcome = await handler(message, now);
    } catch (error) {
      logger.error({ err: error, topic: message.topic, messageId: message.id }, "outbox handler threw");
      outcome = { status: "retry", error: (error as Error).message };
    }
    const finishedAt = new Date(Math.max(now.getTime(), Date.now()));
    const next = nextState(outcome, message.attempts, finishedAt, policy, random());
    if (next.status === "done") await store.markDone(db, message, finishedAt);
    else if (next.status === "pending") await store.markRetry(db, message, next.availableAt, next.error, next.refundAttempt);
    else {
      logger.warn({ topic: message.topic, messageId: message.id, error: next.error }, "outbox message dead-lettered");
      await store.markDead(db, message, finishedAt, next.error);
    }
  };
  const lanes = Array.from({ length: Math.min(options.concurrency ?? 16, queue.length) }, async () => {
    for (let message = queue.shift(); message; message = queue.shift()) await runOne(message);
  });
  await Promise.all(lanes);
  return leased.length;
}

export const findMessage = store.findByDedupeKey;
export const expediteTopic = store.expedite;

export const deadLettersMax = 100;

export function listDeadLetters(sql: Sql, agencyId: string, limit = deadLettersMax): Promise<OutboxMessage[]> {
  return store.listDead(sql, agencyId, Math.min(Math.max(limit, 1), deadLettersMax));
}

/** Puts a dead letter back in the queue with a fresh attempt budget, once its cause is fixed. */
export async function replayDeadLetter(sql: Sql, agencyId: string, messageId: string, now: Date): Promise<void> {
  if (!(await store.reviveDead(sql, agencyId, messageId, now))) {
    throw outboxError("dead_letter_not_found", `No dead letter ${messageId}`, "id");
  }
}

export const countMessagesByStatus = store.countByStatus;
