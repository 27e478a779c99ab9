import { resolve } from "node:path";

export type Role = "api" | "vault" | "worker";
export const allRoles: readonly Role[] = ["api", "vault", "worker"];

export interface Config {
  /** PostgreSQL connection string; absent means the embedded PGlite database in `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly vaultPort: number;
  /** The reference system of record's port, when `remit start --demo` runs it beside the hub. */
  readonly sorPort: number;
  readonly logLevel: string;
  readonly shutdownGraceMs: number;
  readonly workerPollMs: number;
}

/** The environment variables Remit reads, with their defaults: documented in the README. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    databaseUrl: nonEmpty(env.DATABASE_URL),
    dataDir: resolve(nonEmpty(env.REMIT_DATA_DIR) ?? "data"),
    host: nonEmpty(env.HOST) ?? "127.0.0.1",
    port: port(env.PORT, 8080, "PORT"),
    vaultPort: port(env.VAULT_PORT, 8081, "VAULT_PORT"),
    sorPort: port(env.SOR_PORT, 8090, "SOR_PORT"),
    logLevel: nonEmpty(env.LOG_LEVEL) ?? "info",
    shutdownGraceMs: positiveInt(env.SHUTDOWN_GRACE_MS, 10_000, "SHUTDOWN_GRACE_MS"),
    workerPollMs: positiveInt(env.WORKER_POLL_MS, 1_000, "WORKER_POLL_MS"),
  };
}

export function parseRoles(text: string): Role[] {
  const roles = text
    .split(",")
    .map((r) => r.trim())
    .filter(Boolean);
  for (const role of roles) {
    if (!allRoles.includes(role as Role)) {
      throw new Error(`Unknown role "${role}": choose from ${allRoles.join(", ")}`);
    }
  }
  if (roles.length === 0) throw new Error(`No role given: choose from ${allRoles.join(", ")}`);
  return [...new Set(roles)] as Role[];
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/** A TCP port; 0 asks the operating system for a free one. */
function port(value: string | undefined, fallback: number, name: string): number {
  const text = nonEmpty(value);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0 || n > 65535) {
    throw new Error(`${name} must be a port number (0–65535), got "${text}"`);
  }
  return n;
}

function positiveInt(value: string | undefined, fallback: number, name: string): number {
  const text = nonEmpty(value);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${text}"`);
  return n;
}
