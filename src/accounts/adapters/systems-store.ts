import type { Sql } from "../../platform/index.ts";
import type { SystemConfig } from "../domain/accounts.ts";

interface SystemRow {
  agency_id: string;
  system: string;
  name: string;
  connector: SystemConfig["connector"];
  account_kind: string;
  base_url: string | null;
  fund: string;
  call_limit: number;
  timeout_ms: number;
  bill_file_url: string | null;
  posting_file_url: string | null;
  file_interval_ms: number;
}

const toConfig = (r: SystemRow): SystemConfig => ({
  agencyId: r.agency_id,
  system: r.system,
  name: r.name,
  connector: r.connector,
  accountKind: r.account_kind,
  baseUrl: r.base_url,
  fund: r.fund,
  callLimit: r.call_limit,
  timeoutMs: r.timeout_ms,
  billFileUrl: r.bill_file_url,
  postingFileUrl: r.posting_file_url,
  fileIntervalMs: r.file_interval_ms,
});

export type NewSystemConfig = Omit<SystemConfig, "billFileUrl" | "postingFileUrl" | "fileIntervalMs"> &
  Partial<Pick<SystemConfig, "billFileUrl" | "postingFileUrl" | "fileIntervalMs">>;

export async function upsertSystem(sql: Sql, c: NewSystemConfig): Promise<SystemConfig> {
  const [row] = await sql.query<SystemRow>(
    `INSERT INTO systems_of_record (agency_id, system, name, connector, account_kind, base_url, fund, call_limit, timeout_ms,
                                    bill_file_url, posting_file_url, file_interval_ms)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (agency_id, system) DO UPDATE SET name = EXCLUDED.name, connector = EXCLUDED.connector,
       account_kind = EXCLUDED.account_kind, base_url = EXCLUDED.base_url, fund = EXCLUDED.fund,
       call_limit = EXCLUDED.call_limit, timeout_ms = EXCLUDED.timeout_ms, bill_file_url = EXCLUDED.bill_file_url,
       posting_file_url = EXCLUDED.posting_file_url, file_interval_ms = EXCLUDED.file_interval_ms
     RETURNING *`,
    [
      c.agencyId,
      c.system,
      c.name,
      c.connector,
      c.accountKind,
      c.baseUrl,
      c.fund,
      c.callLimit,
      c.timeoutMs,
      c.billFileUrl ?? null,
      c.postingFileUrl ?? null,
      c.fileIntervalMs ?? 60_000,
    ],
  );
  return toConfig(row as SystemRow);
}

export async function findSystem(sql: Sql, agencyId: string, system: string): Promise<SystemConfig | undefined> {
  const [row] = await sql.query<SystemRow>("SELECT * FROM systems_of_record WHERE agency_id = $1 AND system = $2", [agencyId, system]);
  return row && toConfig(row);
}

export async function listSystems(sql: Sql, agencyId: string): Promise<SystemConfig[]> {
  const rows = await sql.query<SystemRow>("SELECT * FROM systems_of_record WHERE agency_id = $1 ORDER BY system LIMIT 100", [agencyId]);
  return rows.map(toConfig);
}

/** Every file-only system of every agency: the file jobs' work list. */
export async function listPresentmentSystems(sql: Sql): Promise<SystemConfig[]> {
  const rows = await sql.query<SystemRow>(
    "SELECT * FROM systems_of_record WHERE connector = 'presentment' ORDER BY agency_id, system LIMIT 1000",
  );
  return rows.map(toConfig);
}
