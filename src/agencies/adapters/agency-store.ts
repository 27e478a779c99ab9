import type { Sql } from "../../platform/index.ts";
import type { Agency } from "../domain/agency.ts";
import type { KeyKind, KeyMode } from "../domain/api-key.ts";

interface AgencyRow {
  id: string;
  name: string;
  time_zone: string;
  allowed_origins: string[];
  duplicate_window_seconds: number;
  created_at: Date;
}

export interface ApiKeyRecord {
  readonly agencyId: string;
  readonly id: string;
  readonly kind: KeyKind;
  readonly mode: KeyMode;
  readonly digest: Buffer;
  readonly last4: string;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

interface ApiKeyRow {
  agency_id: string;
  id: string;
  kind: KeyKind;
  mode: KeyMode;
  digest: Uint8Array;
  last4: string;
  created_at: Date;
  revoked_at: Date | null;
}

const toAgency = (r: AgencyRow): Agency => ({
  id: r.id,
  name: r.name,
  timeZone: r.time_zone,
  allowedOrigins: r.allowed_origins,
  duplicateWindowSeconds: r.duplicate_window_seconds,
  createdAt: r.created_at,
});

const toApiKey = (r: ApiKeyRow): ApiKeyRecord => ({
  agencyId: r.agency_id,
  id: r.id,
  kind: r.kind,
  mode: r.mode,
  digest: Buffer.from(r.digest),
  last4: r.last4,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

export async function insertAgency(sql: Sql, agency: Omit<Agency, "createdAt">): Promise<Agency> {
  const [row] = await sql.query<AgencyRow>(
    `INSERT INTO agencies (id, name, time_zone, allowed_origins, duplicate_window_seconds) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
    [agency.id, agency.name, agency.timeZone, agency.allowedOrigins, agency.duplicateWindowSeconds],
  );
  return toAgency(row as AgencyRow);
}

export async function findAgencyById(sql: Sql, agencyId: string): Promise<Agency | undefined> {
  const [row] = await sql.query<AgencyRow>("SELECT * FROM agencies WHERE id = $1", [agencyId]);
  return row && toAgency(row);
}

export async function findAgencyByName(sql: Sql, name: string): Promise<Agency | undefined> {
  const [row] = await sql.query<AgencyRow>("SELECT * FROM agencies WHERE name = $1 ORDER BY created_at LIMIT 1", [name]);
  return row && toAgency(row);
}

export async function insertApiKey(sql: Sql, key: Omit<ApiKeyRecord, "createdAt" | "revokedAt">): Promise<ApiKeyRecord> {
  const [row] = await sql.query<ApiKeyRow>(
    `INSERT INTO api_keys (agency_id, id, kind, mode, digest, last4) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
    [key.agencyId, key.id, key.kind, key.mode, key.digest, key.last4],
  );
  return toApiKey(row as ApiKeyRow);
}

export async function findApiKeyByDigest(sql: Sql, digest: Buffer): Promise<ApiKeyRecord | undefined> {
  const [row] = await sql.query<ApiKeyRow>("SELECT * FROM api_keys WHERE digest = $1", [digest]);
  return row && toApiKey(row);
}

export async function markApiKeyRevoked(sql: Sql, agencyId: string, keyId: string): Promise<boolean> {
  const rows = await sql.query(
    "UPDATE api_keys SET revoked_at = now() WHERE agency_id = $1 AND id = $2 AND revoked_at IS NULL RETURNING id",
    [agencyId, keyId],
  );
  return rows.length === 1;
}
