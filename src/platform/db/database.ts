/**
 * The one database interface. Two adapters implement it: PostgreSQL (`pg`) when DATABASE_URL is
 * set, and PGlite (PostgreSQL compiled to WebAssembly, in-process) otherwise. Both speak the same
 * SQL, so one set of migrations and one set of queries serve both.
 */
export interface Sql {
  /** Runs one parameterized statement and returns its rows. */
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
}

/**
 * READ COMMITTED is the default: every invariant that matters is held by row locks
 * (`SELECT … FOR UPDATE`), unique keys and constraint triggers, which stay correct at that level
 * and do not abort under contention. SERIALIZABLE is there for the few transactions that read a
 * set and decide on it; they are retried when PostgreSQL reports a serialization failure.
 */
export type Isolation = "read committed" | "repeatable read" | "serializable";

export interface TransactionOptions {
  readonly isolation?: Isolation;
  /** Attempts in all, counting the first, when the database reports a retryable conflict. */
  readonly attemptsMax?: number;
}

export interface Database extends Sql {
  readonly kind: "postgres" | "pglite";
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws.
   * On a serialization failure or deadlock the whole of `work` runs again, so it must not have
   * effects outside the database.
   */
  transaction<T>(work: (tx: Sql) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * Calls `onNotify` on each NOTIFY on `channel` (PostgreSQL LISTEN on a dedicated connection;
   * PGlite's in-process equivalent). Notifications are hints that work may be waiting: they can
   * be lost, so a listener must also poll. Resolves to a function that stops listening.
   */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  /** True when the database answers a trivial query. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** SQLSTATEs after which a transaction can simply be run again. */
const retryableStates = new Set(["40001", "40P01"]);

export function isRetryableConflict(error: unknown): boolean {
  return retryableStates.has((error as { code?: string } | null)?.code ?? "");
}

/** SQLSTATE 23505: a unique or primary key constraint refused a row. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { code?: string; constraint?: string } | null;
  return e?.code === "23505" && (constraint === undefined || e.constraint === constraint);
}

export const defaultAttemptsMax = 8;

/** Backoff before attempt `attempt` (2, 3, …): exponential with full jitter, capped at ~0.2 s. */
export function conflictBackoffMs(attempt: number): number {
  return Math.random() * Math.min(200, 5 * 2 ** attempt);
}

/** BIGINT columns come back as numbers; cents beyond 2^53 would be a bug, so refuse them loudly. */
export function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${text} is beyond the safe integer range`);
  return n;
}

export function beginStatement(isolation: Isolation): string {
  return `BEGIN ISOLATION LEVEL ${isolation.toUpperCase()}`;
}
