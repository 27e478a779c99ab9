import type { Database } from "./database.ts";
import { openPglite } from "./pglite.ts";
import { openPostgres } from "./postgres.ts";

/** PostgreSQL when a connection string is given, else PGlite persisted in `dataDir`. */
export async function openDatabase(options: { databaseUrl?: string | undefined; dataDir?: string; poolSize?: number }): Promise<Database> {
  if (options.databaseUrl) {
    return openPostgres({ connectionString: options.databaseUrl, ...(options.poolSize ? { poolSize: options.poolSize } : {}) });
  }
  return openPglite(options.dataDir);
}
