import { type Database, type Logger, newId, type Sql } from "../../platform/index.ts";
import * as store from "../adapters/outbox-store.ts";
import { defaultRetryPolicy, type HandlerOutcome, nextState, type OutboxMessage, outboxError, type RetryPolicy } from "../domain/outbox.ts";

/** Acts on one message. It may run more than once for the same message, so its effect must be idempotent. */
export type OutboxHandler = (message: OutboxMessage, now: Date) => Promise<HandlerOutcome>;

/**
 * Acts on the leased messages of one topic together, so that what each needs from the database
 * is read and written once for the lot rather than once per message; answers one outcome per
 * message, in their order, and may hand back `finish`: the statement that records what the batch
 * did, which the dispatcher runs in the same statement as marking its messages done (one round
 * trip and one commit; both happen or neither does). The same idempotence applies.
 */
export interface OutboxBatchHandler {
  readonly batch: (messages: readonly OutboxMessage[], now: Date) => Promise<BatchResult>;
}

export interface BatchResult {
  readonly outcomes: readonly HandlerOutcome[];
  readonly finish?: store.SourceStatement | undefined;
}

export type OutboxHandlers = Readonly<Record<string, OutboxHandler | OutboxBatchHandler>>;

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

/**
 * `enqueue` folded into the caller's own insert (`source`, an INSERT … RETURNING, inside the
 * caller's transaction): the message is added only when `source` yields a row, so a first
 * insert enqueues and a conflicting one does not. One statement instead of two.
 */
export function enqueueAfter(
  tx: Sql,
  source: store.SourceStatement,
  message: { agencyId: string; topic: string; dedupeKey: string; payload: unknown },
  now: Date,
): Promise<boolean> {
  return store.insertMessageAfter(tx, source, { ...message, id: newId("obx"), availableAt: now });
}

export type { SourceStatement } from "../adapters/outbox-store.ts";

export interface DispatchOptions {
  readonly batchSize?: number;
  /** Per-message handlers run at once; each may be waiting on a system of record. A batch handler bounds its own. */
  readonly concurrency?: number;
  /** How long a leased message is left to its worker before another may take it. */
  readonly leaseMs?: number;
  readonly policy?: RetryPolicy;
  readonly random?: () => number;
}

/**
 * Leases due messages and runs their topic's handler, then records each outcome: those done in
 * one statement, retries and dead letters one by one. Returns how many messages it leased. A
 * message whose topic has no handler here is left for a worker that has one, after its lease.
 */
export async function dispatchDue(
  db: Database,
  handlers: OutboxHandlers,
  now: Date,
  logger: Logger,
  options: DispatchOptions = {},
): Promise<number> {
  const policy = options.policy ?? defaultRetryPolicy;
  const random = options.random ?? Math.random;
  const leased = await store.leaseDue(db, now, options.leaseMs ?? 30_000, options.batchSize ?? 64);
  const done: Array<{ message: OutboxMessage; completedAt: Date }> = [];
  const record = async (message: OutboxMessage, outcome: HandlerOutcome) => {
    const finishedAt = new Date(Math.max(now.getTime(), Date.now()));
    const next = nextState(outcome, message.attempts, finishedAt, policy, random());
    if (next.status === "done") done.push({ message, completedAt: finishedAt });
    else if (next.status === "pending") await store.markRetry(db, message, next.availableAt, next.error, next.refundAttempt);
    else {
      logger.warn({ topic: message.topic, messageId: message.id, error: next.error }, "outbox message dead-lettered");
      await store.markDead(db, message, finishedAt, next.error);
    }
  };
  const failed = (messages: readonly OutboxMessage[], error: unknown): HandlerOutcome => {
    logger.error({ err: error, topic: messages[0]?.topic, messageIds: messages.map((m) => m.id) }, "outbox handler threw");
    return { status: "retry", error: (error as Error).message };
  };

  const singles: OutboxMessage[] = [];
  const batches = new Map<OutboxBatchHandler, OutboxMessage[]>();
  for (const message of leased) {
    const handler = handlers[message.topic];
    if (!handler) continue;
    if (typeof handler === "function") singles.push(message);
    else batches.set(handler, [...(batches.get(handler) ?? []), message]);
  }
  const finishes: store.SourceStatement[] = [];
  const runBatch = async (handler: OutboxBatchHandler, messages: OutboxMessage[]) => {
    let outcomes: readonly HandlerOutcome[];
    try {
      const result = await handler.batch(messages, now);
      if (result.outcomes.length !== messages.length) throw new Error(`${messages.length} messages, ${result.outcomes.length} outcomes`);
      outcomes = result.outcomes;
      if (result.finish) finishes.push(result.finish);
    } catch (error) {
      outcomes = messages.map(() => failed(messages, error));
    }
    for (const [i, message] of messages.entries()) await record(message, outcomes[i] as HandlerOutcome);
  };
  const runOne = async (message: OutboxMessage) => {
    let outcome: HandlerOutcome;
    try {
      outcome = await (handlers[message.topic] as OutboxHandler)(message, now);
    } catch (error) {
      outcome = failed([message], error);
    }
    await record(message, outcome);
  };
  const lanes = Array.from({ length: Math.min(options.concurrency ?? 16, singles.length) }, async () => {
    for (let message = singles.shift(); message; message = singles.shift()) await runOne(message);
  });
  await Promise.all([...lanes, ...[...batches].map(([handler, messages]) => runBatch(handler, messages))]);
  const [first, ...others] = finishes;
  if (done.length > 0 || first) await store.markDoneMany(db, done, first);
  for (const finish of others) await db.query(finish.text, finish.params);
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
