import type { Sql } from "../../platform/index.ts";
import type { AchOriginator, PostingPolicy } from "../domain/ach-entry.ts";

interface OriginatorRow {
  agency_id: string;
  id: string;
  bank_name: string;
  odfi_routing: string;
  immediate_destination: string;
  immediate_origin: string;
  company_name: string;
  company_id: string;
  next_day_cutoff_text: string;
  same_day_cutoffs_text: string[];
  requires_prenote: boolean;
  prenote_days: number;
  posting_policy: PostingPolicy;
  returned_payment_fee_cents: number;
  is_default: boolean;
}

/** Cutoffs as `HH:MM` text: a `time` reads back as `HH:MM:SS` on one driver and otherwise on another. */
const originatorColumns = `ach_originators.*,
  to_char(next_day_cutoff, 'HH24:MI') AS next_day_cutoff_text,
  ARRAY(SELECT to_char(c, 'HH24:MI') FROM unnest(same_day_cutoffs) AS c ORDER BY c) AS same_day_cutoffs_text`;

const toOriginator = (r: OriginatorRow): AchOriginator => ({
  agencyId: r.agency_id,
  id: r.id,
  bankName: r.bank_name,
  odfiRouting: r.odfi_routing,
  immediateDestination: r.immediate_destination,
  immediateOrigin: r.immediate_origin,
  companyName: r.company_name,
  companyId: r.company_id,
  nextDayCutoff: r.next_day_cutoff_text,
  sameDayCutoffs: r.same_day_cutoffs_text,
  requiresPrenote: r.requires_prenote,
  prenoteDays: r.prenote_days,
  postingPolicy: r.posting_policy,
  returnedPaymentFeeCents: Number(r.returned_payment_fee_cents),
  isDefault: r.is_default,
});

export async function findDefaultOriginator(sql: Sql, agencyId: string): Promise<AchOriginator | undefined> {
  const [row] = await sql.query<OriginatorRow>(`SELECT ${originatorColumns} FROM ach_originators WHERE agency_id = $1 AND is_default`, [
    agencyId,
  ]);
  return row && toOriginator(row);
}

/** With `lock`, the row stays locked to the caller's transaction: file cuts of one originator take turns. */
export async function findOriginator(sql: Sql, agencyId: string, id: string, lock = false): Promise<AchOriginator | undefined> {
  const [row] = await sql.query<OriginatorRow>(
    `SELECT ${originatorColumns} FROM ach_originators WHERE agency_id = $1 AND id = $2${lock ? " FOR UPDATE" : ""}`,
    [agencyId, id],
  );
  return row && toOriginator(row);
}

/** Inserts the agency's default originator, or replaces the settings of the one it has (keeping its id and created_at). */
export async function upsertDefaultOriginator(sql: Sql, o: Omit<AchOriginator, "isDefault">): Promise<AchOriginator> {
  const [row] = await sql.query<OriginatorRow>(
    `INSERT INTO ach_originators (agency_id, id, bank_name, odfi_routing, immediate_destination, immediate_origin, company_name,
       company_id, next_day_cutoff, same_day_cutoffs, requires_prenote, prenote_days, posting_policy, returned_payment_fee_cents,
       is_default)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::time, $10::time[], $11, $12, $13, $14, true)
     ON CONFLICT (agency_id) WHERE is_default DO UPDATE SET
       bank_name = EXCLUDED.bank_name, odfi_routing = EXCLUDED.odfi_routing,
       immediate_destination = EXCLUDED.immediate_destination, immediate_origin = EXCLUDED.immediate_origin,
       company_name = EXCLUDED.company_name, company_id = EXCLUDED.company_id, next_day_cutoff = EXCLUDED.next_day_cutoff,
       same_day_cutoffs = EXCLUDED.same_day_cutoffs, requires_prenote = EXCLUDED.requires_prenote,
       prenote_days = EXCLUDED.prenote_days, posting_policy = EXCLUDED.posting_policy,
       returned_payment_fee_cents = EXCLUDED.returned_payment_fee_cents
     RETURNING ${originatorColumns}`,
    [
      o.agencyId,
      o.id,
      o.bankName,
      o.odfiRouting,
      o.immediateDestination,
      o.immediateOrigin,
      o.companyName,
      o.companyId,
      o.nextDayCutoff,
      o.sameDayCutoffs,
      o.requiresPrenote,
      o.prenoteDays,
      o.postingPolicy,
      o.returnedPaymentFeeCents,
    ],
  );
  return toOriginator(row as OriginatorRow);
}
