import type { Database, Sql } from "../../platform/index.ts";
import { type LiveConnectorOptions, liveConnector } from "../adapters/live-connector.ts";
import type { NewSystemConfig } from "../adapters/systems-store.ts";
import * as store from "../adapters/systems-store.ts";
import { type AccountRef, accountsError, type SorBalance, type SystemConfig, type SystemOfRecordConnector } from "../domain/accounts.ts";
import { presentmentConnector } from "./presentment.ts";

export const listSystems = store.listSystems;

/** Adds or changes a system of record; cached configurations of this process are dropped. */
export async function configureSystem(sql: Sql, config: NewSystemConfig): Promise<SystemConfig> {
  systemCacheGeneration++;
  try {
    return await store.upsertSystem(sql, config);
  } finally {
    // Again once written: a read that ran meanwhile may have cached the old row.
    systemCacheGeneration++;
  }
}

export async function getSystem(sql: Sql, agencyId: string, system: string): Promise<SystemConfig> {
  const config = await store.findSystem(sql, agencyId, system);
  if (!config) throw accountsError("unknown_system", `This agency has no system of record named "${system}"`, "system");
  return config;
}

/** How long `getSystemCached` trusts a configuration it read: a change made by another process shows within this. */
export const systemCacheTtlMs = 5_000;
const systemCacheEntriesMax = 1_000;
let systemCacheGeneration = 0;
const systemCaches = new WeakMap<Database, Map<string, { config: SystemConfig; generation: number; readAtMs: number }>>();

/**
 * `getSystem` through a short-lived cache of this process: every payment and every posting needs
 * its system's configuration, which almost never changes, and reading it was one database round
 * trip in each. A change made with `configureSystem` in this process shows at once. It reads
 * through `db`, never inside a transaction, so nothing uncommitted is cached.
 */
export async function getSystemCached(db: Database, agencyId: string, system: string): Promise<SystemConfig> {
  let cache = systemCaches.get(db);
  if (!cache) {
    cache = new Map();
    systemCaches.set(db, cache);
  }
  const key = `${agencyId}/${system}`;
  const cached = cache.get(key);
  if (cached && cached.generation === systemCacheGeneration && performance.now() - cached.readAtMs < systemCacheTtlMs) return cached.config;
  const generation = systemCacheGeneration;
  const readAtMs = performance.now();
  const config = await getSystem(db, agencyId, system);
  if (cache.size >= systemCacheEntriesMax) cache.clear();
  cache.set(key, { config, generation, readAtMs });
  return config;
}

/**
 * Connectors by agency and system, kept for the life of the process so each system's circuit
 * breaker and call limit see every call made to it. A changed configuration gets a new connector.
 */
export interface ConnectorRegistry {
  connectorFor(config: SystemConfig): SystemOfRecordConnector;
}

export function createConnectorRegistry(db: Database, options: LiveConnectorOptions = {}): ConnectorRegistry {
  const connectors = new Map<string, { fingerprint: string; connector: SystemOfRecordConnector }>();
  return {
    connectorFor(config) {
      const key = `${config.agencyId}/${config.system}`;
      const fingerprint = JSON.stringify(config);
      const cached = connectors.get(key);
      if (cached?.fingerprint === fingerprint) return cached.connector;
      const connector = config.connector === "live" ? liveConnector(config, options) : presentmentConnector(db, config);
      connectors.set(key, { fingerprint, connector });
      return connector;
    },
  };
}

/** Reads an account's balance from its system of record; failures become typed errors for the API. */
export async function readBalance(
  sql: Sql,
  registry: ConnectorRegistry,
  agencyId: string,
  account: AccountRef,
  asOf: string,
): Promise<SorBalance> {
  const config = await getSystem(sql, agencyId, account.system);
  const result = await registry.connectorFor(config).readBalance(account.ref, asOf);
  if (result.ok) return result.value;
  if (result.retryable) throw accountsError(result.code, result.detail);
  if (result.code === "account_not_found") throw accountsError("account_not_found", `${config.name} has no account ${account.ref}`, "ref");
  throw accountsError("sor_rejected", `${config.name} refused the balance read: ${result.detail}`);
}
