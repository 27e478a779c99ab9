import { PGlite } from "@electric-sql/pglite";
import {
  beginStatement,
  conflictBackoffMs,
  type Database,
  defaultAttemptsMax,
  isRetryableConflict,
  parseInt8,
  type Sql,
  type TransactionOptions,
} from "./database.ts";

/**
 * PGlite runs PostgreSQL in this process on one connection. Its own mutex runs one query at a
 * time, and `transaction` holds the connection for the whole transaction, so transactions never
 * interleave. Only one process may open a data folder: see `data-folder.ts`.
 */
export async function openPglite(dataDir: string | undefined): Promise<Database> {
  const db = await PGlite.create(dataDir ?? "memory://", { parsers: { 20: parseInt8 } });
  const query = async <Row>(text: string, params?: readonly unknown[]) => (await db.query<Row>(text, params as unknown[])).rows;

  return {
    kind: "pglite",
    query,
    async transaction<T>(work: (tx: Sql) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
      const attemptsMax = opts.attemptsMax ?? defaultAttemptsMax;
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.transaction(async (t) => {
            await t.exec(beginStatement(opts.isolation ?? "read committed").replace("BEGIN", "SET TRANSACTION"));
            return work({
              query: async <Row>(text: string, params?: readonly unknown[]) => (await t.query<Row>(text, params as unknown[])).rows,
            });
          });
        } catch (error) {
          if (!isRetryableConflict(error) || attempt >= attemptsMax) throw error;
          await new Promise((r) => setTimeout(r, conflictBackoffMs(attempt + 1)));
        }
      }
    },
    async listen(channel, onNotify) {
      const unlisten = await db.listen(channel, () => onNotify());
      return () => unlisten();
    },
    async ping() {
      try {
        await db.query("SELECT 1");
        return true;
      } catch {
        return false;
      }
    },
    close: () => db.close(),
  };
}
