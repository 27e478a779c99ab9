import { randomBytes } from "node:crypto";
import pg from "pg";
import { findCardNumbersInDatabase } from "../card-numbers.ts";
import type { Database } from "./database.ts";
import { migrate } from "./migrate.ts";
import { openPglite } from "./pglite.ts";
import { openPostgres } from "./postgres.ts";

/**
 * A fresh, migrated database for one test file: a new database on the PostgreSQL server named by
 * DATABASE_URL (dropped again on close, after checking that it holds no card number outside the
 * vault), or an in-memory PGlite when DATABASE_URL is unset.
 */
export async function openTestDatabase(options: { poolSize?: number } = {}): Promise<Database> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const db = await openPglite(undefined);
    await migrate(db);
    return db;
  }
  const scratch = await createScratchDatabase(serverUrl);
  const db = openPostgres({ connectionString: scratch.url, poolSize: options.poolSize ?? 10 });
  await migrate(db);
  return {
    ...db,
    async close() {
      // Whatever the tests of this file did, no card number may be left outside the vault.
      const cardNumbers = await findCardNumbersInDatabase(db);
      await db.close();
      await scratch.drop();
      if (cardNumbers.length > 0) throw new Error(`Card numbers stored outside the vault: ${cardNumbers.join(", ")}`);
    },
  };
}

/** An empty database on the server of `serverUrl`, for a test or a benchmark run, and a way to drop it. */
export async function createScratchDatabase(serverUrl: string, prefix = "remit_test"): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
