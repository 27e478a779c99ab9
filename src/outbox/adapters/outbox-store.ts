import type { Sql } from "../../platform/index.ts";
import type { OutboxMessage } from "../domain/outbox.ts";

interface MessageRow {
  agency_id: string;
  id: string;
  topic: string;
  dedupe_key: string;
  payload: unknown;
  status: OutboxMessage["status"];
  attempts: number;
  available_at: Date;
  last_error: string | null;
  created_at: Date;
  completed_at: Date | null;
}

const toMessage = (r: MessageRow): OutboxMessage => ({
  agencyId: r.agency_id,
  id: r.id,
  topic: r.topic,
  dedupeKey: r.dedupe_key,
  payload: r.payload,
  status: r.status,
  attempts: r.attempts,
  availableAt: r.available_at,
  lastError: r.last_error,
  createdAt: r.created_at,
  completedAt: r.completed_at,
});

export async function insertMessage(
  sql: Sql,
  m: { agencyId: string; id: string; topic: string; dedupeKey: string; payload: unknown; availableAt: Date },
): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO outbox_messages (agency_id, id, topic, dedupe_key, payload, available_at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $6)
     ON CONFLICT (agency_id, dedupe_key) DO NOTHING RETURNING id`,
    [m.agencyId, m.id, m.topic, m.dedupeKey, JSON.stringify(m.payload), m.availableAt],
  );
  return rows.length === 1;
}

/** A parameterized statement that yields rows; `$1`…`$n` are its own parameters. */
export interface SourceStatement {
  readonly text: string;
  readonly params: readonly unknown[];
}

/**
 * Runs `source` (an INSERT … RETURNING) and inserts the message in the same statement, only when
 * `source` yielded a row: one round trip instead of two. Returns whether the message was added.
 */
export async function insertMessageAfter(
  sql: Sql,
  source: SourceStatement,
  m: { agencyId: string; id: string; topic: string; dedupeKey: string; payload: unknown; availableAt: Date },
): Promise<boolean> {
  const n = source.params.length;
  const rows = await sql.query(
    `WITH source AS (${source.text})
     INSERT INTO outbox_messages (agency_id, id, topic, dedupe_key, payload, available_at, created_at)
     SELECT $${n + 1}::text, $${n + 2}::text, $${n + 3}::text, $${n + 4}::text, $${n + 5}::jsonb, $${n + 6}::timestamptz, $${n + 6}::timestamptz
       FROM source LIMIT 1
     ON CONFLICT (agency_id, dedupe_key) DO NOTHING RETURNING id`,
    [...source.params, m.agencyId, m.id, m.topic, m.dedupeKey, JSON.stringify(m.payload), m.availableAt],
  );
  return rows.length === 1;
}

/** Leases up to `limit` due messages; concurrent workers skip each other's rows. */
export async function leaseDue(sql: Sql, now: Date, leaseMs: number, limit: number): Promise<OutboxMessage[]> {
  const rows = await sql.query<MessageRow>(
    `UPDATE outbox_messages m
        SET leased_until = $1::timestamptz + make_interval(secs => $2::double precision / 1000), attempts = m.attempts + 1
       FROM (SELECT agency_id, id FROM outbox_messages
              WHERE status = 'pending' AND available_at <= $1 AND (leased_until IS NULL OR leased_until <= $1)
              ORDER BY available_at
              LIMIT $3
              FOR UPDATE SKIP LOCKED) due
      WHERE m.agency_id = due.agency_id AND m.id = due.id
      RETURNING m.*`,
    [now, leaseMs, limit],
  );
  return rows.map(toMessage);
}

/**
 * Marks messages done in one statement, each with its own completion time; `alongside`, when
 * given, runs in that same statement (as a data-modifying CTE), so it commits with them.
 */
export async function markDoneMany(
  sql: Sql,
  done: ReadonlyArray<{ message: OutboxMessage; completedAt: Date }>,
  alongside?: SourceStatement,
): Promise<void> {
  const n = alongside?.params.length ?? 0;
  await sql.query(
    `${alongside ? `WITH alongside AS (${alongside.text}) ` : ""}UPDATE outbox_messages m
        SET status = 'done', completed_at = d.completed_at, leased_until = NULL, last_error = NULL
       FROM unnest($${n + 1}::text[], $${n + 2}::text[], $${n + 3}::timestamptz[]) AS d (agency_id, id, completed_at)
      WHERE m.agency_id = d.agency_id AND m.id = d.id AND m.status = 'pending'`,
    [
      ...(alongside?.params ?? []),
      done.map((d) => d.message.agencyId),
      done.map((d) => d.message.id),
      done.map((d) => d.completedAt.toISOString()),
    ],
  );
}

export async function markRetry(sql: Sql, m: OutboxMessage, availableAt: Date, error: string, refundAttempt: boolean): Promise<void> {
  await sql.query(
    `UPDATE outbox_messages SET available_at = $3, leased_until = NULL, last_error = $4,
            attempts = attempts - CASE WHEN $5::boolean THEN 1 ELSE 0 END
      WHERE agency_id = $1 AND id = $2 AND status = 'pending'`,
    [m.agencyId, m.id, availableAt, error, refundAttempt],
  );
}

export async function markDead(sql: Sql, m: OutboxMessage, now: Date, error: string): Promise<void> {
  await sql.query(
    `UPDATE outbox_messages SET status = 'dead', completed_at = $3, leased_until = NULL, last_error = $4
      WHERE agency_id = $1 AND id = $2 AND status = 'pending'`,
    [m.agencyId, m.id, now, error],
  );
}

export async function findByDedupeKey(sql: Sql, agencyId: string, dedupeKey: string): Promise<OutboxMessage | undefined> {
  const [row] = await sql.query<MessageRow>("SELECT * FROM outbox_messages WHERE agency_id = $1 AND dedupe_key = $2", [
    agencyId,
    dedupeKey,
  ]);
  return row && toMessage(row);
}

export async function listDead(sql: Sql, agencyId: string, limit: number): Promise<OutboxMessage[]> {
  const rows = await sql.query<MessageRow>(
    "SELECT * FROM outbox_messages WHERE agency_id = $1 AND status = 'dead' ORDER BY completed_at DESC LIMIT $2",
    [agencyId, limit],
  );
  return rows.map(toMessage);
}

export async function reviveDead(sql: Sql, agencyId: string, id: string, now: Date): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE outbox_messages SET status = 'pending', completed_at = NULL, attempts = 0, available_at = $3, last_error = NULL
      WHERE agency_id = $1 AND id = $2 AND status = 'dead' RETURNING id`,
    [agencyId, id, now],
  );
  return rows.length === 1;
}

export async function countByStatus(sql: Sql): Promise<Record<string, number>> {
  const rows = await sql.query<{ status: string; n: number }>("SELECT status, count(*)::bigint AS n FROM outbox_messages GROUP BY status");
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/** Makes an agency's waiting messages of a topic due now: the receiver is back, so the backlog need not sit out its backoff. */
export async function expedite(sql: Sql, agencyId: string, topic: string, now: Date): Promise<number> {
  const rows = await sql.query(
    `UPDATE outbox_messages SET available_at = $3
      WHERE agency_id = $1 AND topic = $2 AND status = 'pending' AND available_at > $3 AND leased_until IS NULL
      RETURNING id`,
    [agencyId, topic, now],
  );
  return rows.length;
}
