import { resolve } from "node:path";

export type Role = "api" | "vault" | "worker";
export const allRoles: readonly Role[] = ["api", "vault", "worker"];

export interface Config {
  /** PostgreSQL connection string; absent means the embedded PGlite database in `dataDir`. */
  readonly databaseUrl: string | undefined;
  /** Connections this process keeps to PostgreSQL at most; the embedded database has one. */
  readonly databasePoolSize: number;
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly vaultPort: number;
  /** The reference system of record's port, when `remit start --demo` runs it beside the hub. */
  readonly sorPort: number;
  readonly logLevel: string;
  readonly shutdownGraceMs: number;
  readonly workerPollMs: number;
  /**
   * The vault's key-encryption keys, `version:base64,…` with the current one first; absent means
   * a generated development key kept in `dataDir`. A secret: never log it.
   */
  readonly masterKey: string | undefined;
  /**
   * The vault's origin as browsers see it: the only `Origin` the vault accepts tokens from.
   * Absent when VAULT_PUBLIC_URL is unset and VAULT_PORT is 0, since the port is known only once
   * the listener is bound; the vault then uses its own address.
   */
  readonly vaultPublicUrl: string | undefined;
  /** Tokenize requests per client address per minute at the vault; absent means the vault's default. */
  readonly vaultRateLimitPerAddress: number | undefined;
  /** Tokenize requests per agency per minute at the vault; absent means the vault's default. */
  readonly vaultRateLimitPerAgency: number | undefined;
}

/** The environment variables Remit reads, with their defaults: documented in the README. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const host = nonEmpty(env.HOST) ?? "127.0.0.1";
  const vaultPort = port(env.VAULT_PORT, 8081, "VAULT_PORT");
  return {
    databaseUrl: nonEmpty(env.DATABASE_URL),
    databasePoolSize: positiveInt(env.DATABASE_POOL_SIZE, 20, "DATABASE_POOL_SIZE"),
    dataDir: resolve(nonEmpty(env.REMIT_DATA_DIR) ?? "data"),
    host,
    port: port(env.PORT, 8080, "PORT"),
    vaultPort,
    sorPort: port(env.SOR_PORT, 8090, "SOR_PORT"),
    logLevel: nonEmpty(env.LOG_LEVEL) ?? "info",
    shutdownGraceMs: positiveInt(env.SHUTDOWN_GRACE_MS, 10_000, "SHUTDOWN_GRACE_MS"),
    workerPollMs: positiveInt(env.WORKER_POLL_MS, 1_000, "WORKER_POLL_MS"),
    masterKey: nonEmpty(env.REMIT_MASTER_KEY),
    vaultPublicUrl:
      origin(env.VAULT_PUBLIC_URL, "VAULT_PUBLIC_URL") ?? (vaultPort === 0 ? undefined : `http://${urlHost(host)}:${vaultPort}`),
    vaultRateLimitPerAddress: optionalPositiveInt(env.VAULT_RATE_LIMIT_PER_ADDRESS, "VAULT_RATE_LIMIT_PER_ADDRESS"),
    vaultRateLimitPerAgency: optionalPositiveInt(env.VAULT_RATE_LIMIT_PER_AGENCY, "VAULT_RATE_LIMIT_PER_AGENCY"),
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

/** `scheme://host[:port]` and nothing after it, as browsers send it in `Origin`. */
function origin(value: string | undefined, name: string): string | undefined {
  const text = nonEmpty(value);
  if (text === undefined) return undefined;
  const url = URL.parse(text);
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.origin !== text.replace(/\/$/, "")) {
    throw new Error(`${name} must be an origin such as https://vault.example.gov (scheme, host and port only), got "${text}"`);
  }
  return url.origin;
}

function urlHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

function positiveInt(value: string | undefined, fallback: number, name: string): number {
  return optionalPositiveInt(value, name) ?? fallback;
}

function optionalPositiveInt(value: string | undefined, name: string): number | undefined {
  const text = nonEmpty(value);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${text}"`);
  return n;
}
