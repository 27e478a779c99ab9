import { createLogger } from "../src/platform/index.ts";
import { defaultSorDataDir, defaultSorPort, faultsFromEnv, startReferenceSor } from "./app.ts";

/**
 * Runs the reference system of record alone: `node reference-sor/main.ts`.
 * SOR_PORT (8090), HOST (127.0.0.1), SOR_DATABASE_URL or DATABASE_URL (else PGlite in
 * SOR_DATA_DIR, default ./data/reference-sor), SOR_SEED (default on; 0/false to skip),
 * SOR_RULE_SET (TX), SOR_LATENCY_MS, SOR_ERROR_RATE, SOR_DOWN, SOR_DOWN_MODE, LOG_LEVEL.
 */
const env = process.env;
const logger = createLogger({ level: env.LOG_LEVEL || "info", name: "reference-sor" });

function port(text: string | undefined): number {
  if (text === undefined || text.trim() === "") return defaultSorPort;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0 || n > 65_535) throw new Error(`SOR_PORT must be a port number (0–65535), got "${text}"`);
  return n;
}

const ruleSets = ["TX", "CA", "IL-COOK", "FL", "WA"] as const;
const ruleSet = (env.SOR_RULE_SET || "TX") as (typeof ruleSets)[number];

try {
  if (!ruleSets.includes(ruleSet)) throw new Error(`SOR_RULE_SET must be one of ${ruleSets.join(", ")}, got "${ruleSet}"`);
  const sor = await startReferenceSor({
    port: port(env.SOR_PORT),
    host: env.HOST || "127.0.0.1",
    ...(env.SOR_DATABASE_URL || env.DATABASE_URL ? { databaseUrl: env.SOR_DATABASE_URL || env.DATABASE_URL } : {}),
    dataDir: env.SOR_DATA_DIR || defaultSorDataDir,
    logger,
    seed: !["0", "false", "no"].includes((env.SOR_SEED ?? "").toLowerCase()),
    ruleSet,
    faults: faultsFromEnv(env),
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "reference SOR shutting down");
    const timer = setTimeout(() => {
      logger.error("shutdown took too long");
      process.exit(1);
    }, 10_000);
    timer.unref();
    await sor.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
} catch (error) {
  logger.error({ err: error }, "reference SOR failed to start");
  process.exitCode = 1;
}
