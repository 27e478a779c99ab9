import { type ConnectorRegistry, getSystem } from "../../accounts/index.ts";
import { enqueue, expediteTopic, findMessage, type OutboxHandler } from "../../outbox/index.ts";
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
  const added = await store.insertPosting(tx, {
    agencyId: input.agencyId,
    paymentId: input.paymentId,
    system: input.account.system,
    ref: input.account.ref,
    amountCents: input.amountCents,
    method: input.method,
    paidAt: input.paidAt,
    createdAt: now,
  });
  if (added) {
    await enqueue(
      tx,
      {
        agencyId: input.agencyId,
        topic: postingTopics.post,
        dedupeKey: postDedupeKey(input.paymentId),
        payload: { paymentId: input.paymentId },
      },
      now,
    );
  }
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

/** Payments accepted for the account that its system of record does not show yet. */
export function unpostedCents(sql: Sql, agencyId: string, account: { system: string; ref: string }): Promise<number> {
  return store.sumUnposted(sql, agencyId, account.system, account.ref);
}

/**
 * The outbox handlers that carry postings and reversals to systems of record. Each call is
 * idempotent on the system's side (keyed by Remit's payment id), so a retry after a timeout or a
 * crash can never post twice.
 */
export function postingHandlers(db: Database, registry: ConnectorRegistry): Record<string, OutboxHandler> {
  return {
    [postingTopics.post]: async (message, now) => {
      const { paymentId } = message.payload as { paymentId: string };
      const posting = await store.findPosting(db, message.agencyId, paymentId);
      if (!posting) return { status: "dead", error: `payment ${paymentId} has no posting row` };
      // Reversed, or reversal asked before the post went out: nothing to post.
      if (posting.status !== "pending" && posting.status !== "failed") return { status: "done" };

      const config = await getSystem(db, message.agencyId, posting.system);
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
        const fields = { sorReference: receipt, postedAt: now, lastError: null };
        const moved = await store.movePosting(db, message.agencyId, paymentId, posting.status, "posted", fields);
        // A reversal was asked while the post was in flight: keep its receipt; the reversal follows.
        if (!moved) await store.movePosting(db, message.agencyId, paymentId, "reversal_pending", "reversal_pending", fields);
        // This one had been failing and now went through: the system is back, so post the backlog now.
        if (message.attempts > 1) await expediteTopic(db, message.agencyId, postingTopics.post, now);
        return { status: "done" };
      }
      if (result.retryable) {
        await store.recordPostingError(db, message.agencyId, paymentId, `${result.code}: ${result.detail}`);
        return { status: "retry", error: `${result.code}: ${result.detail}` };
      }
      const error = `${config.name} refused the posting (${result.code}): ${result.detail}`;
      await store.movePosting(db, message.agencyId, paymentId, posting.status, "failed", { lastError: error });
      return { status: "dead", error };
    },

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
      const config = await getSystem(db, message.agencyId, posting.system);
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
