import type { Sql } from "../../platform/index.ts";
import type { CounterPayment } from "../domain/counter-payment.ts";

interface Row {
  agency_id: string;
  id: string;
  method: CounterPayment["method"];
  check_number: string | null;
  amount_cents: number;
  system: string;
  ref: string;
  agency_tracking_id: string | null;
  status: CounterPayment["status"];
  received_at: Date;
  voided_at: Date | null;
}

const toPayment = (r: Row): CounterPayment => ({
  agencyId: r.agency_id,
  id: r.id,
  method: r.method,
  checkNumber: r.check_number,
  amountCents: r.amount_cents,
  system: r.system,
  ref: r.ref,
  agencyTrackingId: r.agency_tracking_id,
  status: r.status,
  receivedAt: r.received_at,
  voidedAt: r.voided_at,
});

export async function insertCounterPayment(sql: Sql, p: CounterPayment): Promise<CounterPayment> {
  const [row] = await sql.query<Row>(
    `INSERT INTO counter_payments (agency_id, id, method, check_number, amount_cents, system, ref, agency_tracking_id, status, received_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
    [p.agencyId, p.id, p.method, p.checkNumber, p.amountCents, p.system, p.ref, p.agencyTrackingId, p.status, p.receivedAt],
  );
  return toPayment(row as Row);
}

export async function findCounterPayment(sql: Sql, agencyId: string, id: string, lock = false): Promise<CounterPayment | undefined> {
  const [row] = await sql.query<Row>(`SELECT * FROM counter_payments WHERE agency_id = $1 AND id = $2${lock ? " FOR UPDATE" : ""}`, [
    agencyId,
    id,
  ]);
  return row && toPayment(row);
}

export async function markVoided(sql: Sql, agencyId: string, id: string, now: Date): Promise<CounterPayment> {
  const [row] = await sql.query<Row>(
    "UPDATE counter_payments SET status = 'voided', voided_at = $3 WHERE agency_id = $1 AND id = $2 AND status = 'accepted' RETURNING *",
    [agencyId, id, now],
  );
  return toPayment(row as Row);
}
