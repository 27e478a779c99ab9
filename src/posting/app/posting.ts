import { type ConnectorRegistry, getSystemCached } from "../../accounts/index.ts";
import {
  type BatchResult,
  enqueue,
  enqueueAfter,
  expediteTopic,
  findMessage,
  type HandlerOutcome,
  type OutboxHandlers,
  type OutboxMessage,
} from "../../outbox/index.ts";
import type { Database, Sql } from "../../platform/index.ts";
import * as store from "../adapters/posting-store.ts";
import { nextPostingStatus, type Posting, postDedupeKey, postingError, postingTopics, reverseDedupeKey } from "../domain/posting.ts";

export interface PostingInput {
  readonly agencyId: string;
  readonly paymentId: string;
  readonly account: { readonly system: string; readonly ref: string };
  readonly amountCents: number;
  readonly method: string;
  readonly paidAt: Date;
}

/**
 * Asks for a payment to be posted to its system of record. Call it inside the transaction that
 * records the payment, after checking the system exists (`getSystem`): the posting and its outbox
 * message commit with the payment, or not at all.
 */
export async function requestPosting(tx: Sql, input: PostingInput, now: Date): Promise<void> {
  const insert = store.insertPostingStatement({
    agencyId: input.agencyId,
    paymentId: input.paymentId,
    system: input.account.system,
    ref: input.account.ref,
    amountCents: input.amountCents,
    method: input.method,
    paidAt: input.paidAt,
    createdAt: now,
  });
  // The posting and its message in one statement; asking twice adds neither again.
  await enqueueAfter(
    tx,
    insert,
    {
      agencyId: input.agencyId,
      topic: postingTopics.post,
      dedupeKey: postDedupeKey(input.paymentId),
      payload: { paymentId: input.paymentId },
    },
    now,
  );
}

/**
 * Asks for a posting to be reversed (a void, refund or return). Inside the caller's transaction;
 * asking twice is harmless.
 */
export async function requestReversal(tx: Sql, agencyId: string, paymentId: string, reason: string, now: Date): Promise<Posting> {
  const posting = await store.findPosting(tx, agencyId, paymentId, true);
  if (!posting) throw postingError("posting_not_found", `Payment ${paymentId} has no posting`, "payment_id");
  const next = nextPostingStatus(posting.status, "reverse_requested");
  if (!next) return posting;
  await store.movePosting(tx, agencyId, paymentId, posting.status, next);
  await enqueue(
    tx,
    { agencyId, topic: postingTopics.reverse, dedupeKey: reverseDedupeKey(paymentId), payload: { paymentId, reason } },
    now,
  );
  return { ...posting, status: next };
}

export async function getPosting(sql: Sql, agencyId: string, paymentId: string): Promise<Posting | undefined> {
  return store.findPosting(sql, agencyId, paymentId);
}

/** The postings of several payments in one read, by payment id: for a list of transactions. */
export async function getPostings(sql: Sql, agencyId: string, paymentIds: readonly string[]): Promise<Map<string, Posting>> {
  if (paymentIds.length === 0) return new Map();
  const found = await store.findPostings(
    sql,
    paymentIds.map((paymentId) => ({ agencyId, paymentId })),
  );
  return new Map([...found.values()].map((p) => [p.paymentId, p]));
}

/** Payments accepted for the account that its system of record does not show yet. */
export function unpostedCents(sql: Sql, agencyId: string, account: { system: string; ref: string }): Promise<number> {
  return store.sumUnposted(sql, agencyId, account.system, account.ref);
}

/** Posts of one batch in flight at once; each connector also holds its system to its own call limit. */
const postsInFlightMax = 16;

/**
 * The outbox handlers that carry postings and reversals to systems of record. Each call is
 * idempotent on the system's side (keyed by Remit's payment id), so a retry after a timeout or a
 * crash can never post twice. Posts are handled a leased batch at a time: their postings are read
 * in one statement, and those that landed are marked posted in the statement that completes
 * their messages.
 */
export function postingHandlers(db: Database, registry: ConnectorRegistry): OutboxHandlers {
  return {
    [postingTopics.post]: { batch: (messages, now) => postBatch(db, registry, messages, now) },

    [postingTopics.reverse]: async (message, now) => {
      const { paymentId, reason } = message.payload as { paymentId: string; reason: string };
      const posting = await store.findPosting(db, message.agencyId, paymentId);
      if (posting?.status !== "reversal_pending") return { status: "done" };
      // Never race the post: wait until its message has finished, one way or the other.
      const post = await findMessage(db, message.agencyId, postDedupeKey(paymentId));
      if (post?.status === "pending") {
        return {
          status: "wait",
          reason: "waiting for the posting to finish",
          delayMs: Math.max(250, post.availableAt.getTime() - now.getTime() + 250),
        };
      }
      const config = await getSystemCached(db, message.agencyId, posting.system);
      const result = await registry.connectorFor(config).reverse(paymentId, reason);
      if (result.ok) {
        await store.movePosting(db, message.agencyId, paymentId, "reversal_pending", "reversed", { reversedAt: now, lastError: null });
        return { status: "done" };
      }
      if (result.retryable) return { status: "retry", error: `${result.code}: ${result.detail}` };
      return { status: "dead", error: `${config.name} refused the reversal (${result.code}): ${result.detail}` };
    },
  };
}

async function postBatch(db: Database, registry: ConnectorRegistry, messages: readonly OutboxMessage[], now: Date): Promise<BatchResult> {
  const keys = messages.map((m) => ({ agencyId: m.agencyId, paymentId: (m.payload as { paymentId: string }).paymentId }));
  const postings = await store.findPostings(db, keys);
  const landed: store.PostedFields[] = [];
  const recovered = new Set<string>();

  const postOne = async (message: OutboxMessage, paymentId: string): Promise<HandlerOutcome> => {
    const posting = postings.get(store.postingKey(message.agencyId, paymentId));
    if (!posting) return { status: "dead", error: `payment ${paymentId} has no posting row` };
    // Reversed, or reversal asked before the post went out: nothing to post.
    if (posting.status !== "pending" && posting.status !== "failed") return { status: "done" };

    const config = await getSystemCached(db, message.agencyId, posting.system);
    const result = await registry.connectorFor(config).post({
      paymentId,
      ref: posting.ref,
      amountCents: posting.amountCents,
      paidAt: posting.paidAt,
      method: posting.method,
    });
    if (result.ok) {
      const receipt = result.value.receiptNumber;
      // Queued for the system's next posting file: posted once that file is delivered.
      if (receipt === null) return { status: "done" };
      // When the system answered, not when the batch started.
      landed.push({
        agencyId: message.agencyId,
        paymentId,
        sorReference: receipt,
        postedAt: new Date(Math.max(now.getTime(), Date.now())),
      });
      // This one had been failing and now went through: the system is back, so post the backlog now.
      if (message.attempts > 1) recovered.add(message.agencyId);
      return { status: "done" };
    }
    if (result.retryable) {
      await store.recordPostingError(db, message.agencyId, paymentId, `${result.code}: ${result.detail}`);
      return { status: "retry", error: `${result.code}: ${result.detail}` };
    }
    const error = `${config.name} refused the posting (${result.code}): ${result.detail}`;
    await store.movePosting(db, message.agencyId, paymentId, posting.status, "failed", { lastError: error });
    return { status: "dead", error };
  };

  const outcomes: HandlerOutcome[] = new Array(messages.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(postsInFlightMax, messages.length) }, async () => {
    for (let i = next++; i < messages.length; i = next++) {
      outcomes[i] = await postOne(messages[i] as OutboxMessage, (keys[i] as { paymentId: string }).paymentId);
    }
  });
  await Promise.all(lanes);

  for (const agencyId of recovered) await expediteTopic(db, agencyId, postingTopics.post, now);
  // Recorded in the same statement that marks the messages done.
  return { outcomes, finish: landed.length > 0 ? store.markPostedStatement(landed) : undefined };
}

/** Records what a delivered posting file did: each accepted payment is posted, each refused one failed. */
export async function settleFilePostings(
  db: Database,
  file: { agencyId: string; fileName: string; accepted: readonly string[]; rejected: ReadonlyArray<{ paymentId: string; detail: string }> },
  now: Date,
): Promise<void> {
  for (const paymentId of file.accepted) {
    const fields = { sorReference: file.fileName, postedAt: now, lastError: null };
    if (!(await store.movePosting(db, file.agencyId, paymentId, "pending", "posted", fields))) {
      await store.movePosting(db, file.agencyId, paymentId, "reversal_pending", "reversal_pending", fields);
    }
  }
  for (const { paymentId, detail } of file.rejected) {
    await store.movePosting(db, file.agencyId, paymentId, "pending", "failed", { lastError: `refused in ${file.fileName}: ${detail}` });
  }
}
