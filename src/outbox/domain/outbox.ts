import { catalogError, type ErrorCatalog } from "../../platform/index.ts";

export interface OutboxMessage<Payload = unknown> {
  readonly agencyId: string;
  readonly id: string;
  readonly topic: string;
  readonly dedupeKey: string;
  readonly payload: Payload;
  readonly status: "pending" | "done" | "dead";
  /** Attempts started so far, this one included while a handler runs. */
  readonly attempts: number;
  readonly availableAt: Date;
  readonly lastError: string | null;
  readonly createdAt: Date;
  readonly completedAt: Date | null;
}

/** What a handler reports. Unexpected exceptions count as `retry`. */
export type HandlerOutcome =
  | { readonly status: "done" }
  /** Try again later; `delayMs` overrides the backoff (e.g. waiting on another message). */
  | { readonly status: "retry"; readonly error: string; readonly delayMs?: number }
  /** Retrying cannot help (the receiver refused the effect): dead-letter it now. */
  | { readonly status: "dead"; readonly error: string }
  /** Not this message's fault: it waits on another one. Try again after `delayMs`, without using up an attempt. */
  | { readonly status: "wait"; readonly reason: string; readonly delayMs: number };

export interface RetryPolicy {
  readonly attemptsMax: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** About 80 minutes of retries in all, enough to ride out a system of record's maintenance window. */
export const defaultRetryPolicy: RetryPolicy = { attemptsMax: 20, baseDelayMs: 500, maxDelayMs: 5 * 60_000 };

/**
 * Delay before the next attempt after `attempts` failed ones: exponential, capped, with "equal
 * jitter" (half fixed, half random) so retries of many messages spread out instead of arriving
 * together when a system of record comes back. `random` is in [0, 1).
 */
export function retryDelayMs(attempts: number, policy: RetryPolicy, random: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

/** The outcome recorded after an attempt: done, retry at a time, or dead. */
export function nextState(
  outcome: HandlerOutcome,
  attempts: number,
  now: Date,
  policy: RetryPolicy,
  random: number,
):
  | { status: "done" }
  | { status: "pending"; availableAt: Date; error: string; refundAttempt: boolean }
  | { status: "dead"; error: string } {
  if (outcome.status === "done") return { status: "done" };
  if (outcome.status === "wait") {
    return { status: "pending", availableAt: new Date(now.getTime() + outcome.delayMs), error: outcome.reason, refundAttempt: true };
  }
  if (outcome.status === "dead") return { status: "dead", error: outcome.error };
  if (attempts >= policy.attemptsMax) return { status: "dead", error: `gave up after ${attempts} attempts: ${outcome.error}` };
  const delayMs = outcome.delayMs ?? retryDelayMs(attempts, policy, random);
  return { status: "pending", availableAt: new Date(now.getTime() + delayMs), error: outcome.error, refundAttempt: false };
}

export const outboxErrors = {
  dead_letter_not_found: { status: 404, title: "No such dead letter", retryable: false },
} as const satisfies ErrorCatalog;

export const outboxError = catalogError(outboxErrors);
