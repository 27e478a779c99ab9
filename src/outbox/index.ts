export {
  countMessagesByStatus,
  type DispatchOptions,
  deadLettersMax,
  dispatchDue,
  enqueue,
  expediteTopic,
  findMessage,
  listDeadLetters,
  type OutboxHandler,
  replayDeadLetter,
} from "./app/outbox.ts";
export {
  defaultRetryPolicy,
  type HandlerOutcome,
  type OutboxMessage,
  outboxErrors,
  type RetryPolicy,
  retryDelayMs,
} from "./domain/outbox.ts";
