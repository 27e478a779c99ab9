import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Database } from "./database.ts";

export const migrationsDir = new URL("../../../migrations/", import.meta.url).pathname;

export interface MigrationReport {
  readonly applied: string[];
  readonly alreadyApplied: number;
}

/**
 * Applies the plain `.sql` files of `migrations/` in name order, each in its own transaction,
 * and records each with a checksum. A migration that was applied and later edited is refused:
 * fix forward with a new file instead. An advisory lock keeps two starting nodes from racing.
 */
export async function migrate(db: Database, dir = migrationsDir): Promise<MigrationReport> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".sql")).sort();
  await db.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version text PRIMARY KEY,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now())`);
  const applied: string[] = [];
  let alreadyApplied = 0;
  for (const file of files) {
    const sql = await readFile(join(dir, file), "utf8");
    const checksum = createHash("sha256").update(sql).digest("hex");
    const done = await db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock(7346001)");
      const [row] = await tx.query<{ checksum: string }>("SELECT checksum FROM schema_migrations WHERE version = $1", [file]);
      if (row) {
        if (row.checksum !== checksum) {
          throw new Error(`Migration ${file} was changed after it was applied; add a new migration instead`);
        }
        return true;
      }
      for (const statement of splitStatements(sql)) await tx.query(statement);
      await tx.query("INSERT INTO schema_migrations (version, checksum) VALUES ($1, $2)", [file, checksum]);
      return false;
    });
    if (done) alreadyApplied++;
    else applied.push(file);
  }
  return { applied, alreadyApplied };
}

/**
 * Splits a migration into statements at semicolons that end a line, leaving dollar-quoted
 * function bodies whole. Parameterized `query` runs one statement at a time on both adapters.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = "";
  let inDollarQuote = false;
  for (const line of sql.split("\n")) {
    const trimmed = line.trim();
    if (trimmed.startsWith("--") && !inDollarQuote) continue;
    current += `${line}\n`;
    const dollarQuotes = line.match(/\$\$/g)?.length ?? 0;
    if (dollarQuotes % 2 === 1) inDollarQuote = !inDollarQuote;
    if (!inDollarQuote && trimmed.endsWith(";")) {
      statements.push(current.trim());
      current = "";
    }
  }
  if (current.trim() !== "") statements.push(current.trim());
  return statements;
}
