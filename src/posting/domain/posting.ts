import { catalogError, type ErrorCatalog } from "../../platform/index.ts";

export type PostingStatus = "pending" | "posted" | "failed" | "reversal_pending" | "reversed";
export type PostingEvent = "post_succeeded" | "post_rejected" | "reverse_requested" | "reverse_succeeded";

/**
 * The posting lifecycle, as data. A reversal can be asked for at any point before it is done:
 * before the post went out (the reversal then waits for the post's message to finish, so the two
 * never race), after it landed, or after the system refused it.
 */
export const postingTransitions = {
  pending: { post_succeeded: "posted", post_rejected: "failed", reverse_requested: "reversal_pending" },
  posted: { reverse_requested: "reversal_pending" },
  // A refused posting can be retried by replaying its dead letter once the cause is fixed.
  failed: { post_succeeded: "posted", post_rejected: "failed", reverse_requested: "reversal_pending" },
  reversal_pending: { reverse_succeeded: "reversed" },
  reversed: {},
} as const satisfies Record<PostingStatus, Partial<Record<PostingEvent, PostingStatus>>>;

export function nextPostingStatus(from: PostingStatus, event: PostingEvent): PostingStatus | undefined {
  return (postingTransitions[from] as Partial<Record<PostingEvent, PostingStatus>>)[event];
}

/** What the API shows: the public set is smaller than the internal one. */
export type PublicPostingStatus = "pending" | "posted" | "failed" | "reversed";

export function publicPostingStatus(status: PostingStatus): PublicPostingStatus {
  return status === "reversal_pending" ? "posted" : status;
}

export interface Posting {
  readonly agencyId: string;
  readonly paymentId: string;
  readonly system: string;
  readonly ref: string;
  readonly amountCents: number;
  readonly method: string;
  readonly paidAt: Date;
  readonly status: PostingStatus;
  readonly sorReference: string | null;
  readonly postedAt: Date | null;
  readonly reversedAt: Date | null;
  readonly lastError: string | null;
  readonly createdAt: Date;
}

export const postingTopics = { post: "posting.post", reverse: "posting.reverse" } as const;
export const postDedupeKey = (paymentId: string) => `post:${paymentId}`;
export const reverseDedupeKey = (paymentId: string) => `reverse:${paymentId}`;

export const postingErrors = {
  posting_not_found: { status: 404, title: "No posting for this payment", retryable: false },
} as const satisfies ErrorCatalog;

export const postingError = catalogError(postingErrors);
