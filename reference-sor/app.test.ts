import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { createLogger, createScratchDatabase, migrate } from "../src/platform/index.ts";
import { inMemory, type ReferenceSorOptions, startReferenceSor } from "./app.ts";
import { tableDigests } from "./store.ts";
import { openSorTestDatabase, testNow } from "./testing.ts";

const logger = createLogger({ level: "silent" });

/** Where a started SOR keeps its data: a scratch PostgreSQL database when DATABASE_URL is set, else a fresh PGlite folder. */
async function storage(): Promise<{ options: Partial<ReferenceSorOptions>; env: Record<string, string>; cleanup(): Promise<void> }> {
  if (process.env.DATABASE_URL) {
    const scratch = await createScratchDatabase(process.env.DATABASE_URL, "sor_test");
    return { options: { databaseUrl: scratch.url }, env: { SOR_DATABASE_URL: scratch.url }, cleanup: scratch.drop };
  }
  const dataDir = await mkdtemp(join(tmpdir(), "reference-sor-"));
  return { options: { dataDir }, env: { SOR_DATA_DIR: dataDir, DATABASE_URL: "", SOR_DATABASE_URL: "" }, cleanup: async () => {} };
}

describe("starting the reference SOR", () => {
  test("a first start seeds Demo County and a second start over the same data writes nothing", async () => {
    const store = await storage();
    try {
      const start = () => startReferenceSor({ port: 0, logger, seed: true, now: testNow, ...store.options });
      const first = await start();
      assert.match(first.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const healthz = await fetch(`${first.url}/healthz`);
      assert.deepEqual([healthz.status, await healthz.json()], [200, { status: "ok" }]);
      const digests = await tableDigests(first.db);
      assert.equal(digests.parcels.rows, 10_000);
      await first.close();

      const second = await start();
      try {
        assert.deepEqual(await tableDigests(second.db), digests);
        const account = await fetch(`${second.url}/v1/accounts/parcel/R000001`);
        assert.equal(account.status, 200);
      } finally {
        await second.close();
      }
    } finally {
      await store.cleanup();
    }
  });

  test("an embedded data folder is held by one process at a time", async (t) => {
    if (process.env.DATABASE_URL) return t.skip("PGlite only");
    const dataDir = await mkdtemp(join(tmpdir(), "reference-sor-"));
    const sor = await startReferenceSor({ port: 0, logger, seed: false, dataDir });
    try {
      const child = await runMain({ SOR_DATA_DIR: dataDir, SOR_SEED: "0", DATABASE_URL: "", SOR_DATABASE_URL: "" });
      assert.equal(child.code, 1);
      assert.match(child.output, /in use by process/);
    } finally {
      await sor.close();
    }
  });

  test("the SOR's migrations are recorded apart from Remit's, even in a database both use", async () => {
    const db = await openSorTestDatabase();
    // Stands in for Remit's own migrations, which record themselves in public.schema_migrations.
    const remitDir = await mkdtemp(join(tmpdir(), "remit-migrations-"));
    await writeFile(join(remitDir, "0001_remit.sql"), "CREATE TABLE remit_thing (x int);\n");
    try {
      await migrate(db, remitDir);
      const sor = await db.query<{ version: string }>("SELECT version FROM reference_sor.schema_migrations ORDER BY version");
      const remit = await db.query<{ version: string }>("SELECT version FROM public.schema_migrations ORDER BY version");
      assert.deepEqual(
        sor.map((r) => r.version),
        ["0001_reference_sor.sql"],
      );
      assert.deepEqual(
        remit.map((r) => r.version),
        ["0001_remit.sql"],
      );
      const outside = await db.query(
        `SELECT table_name FROM information_schema.tables
          WHERE table_schema = 'public' AND table_name IN ('accounts', 'payments', 'parcels', 'utility_accounts')`,
      );
      assert.deepEqual(outside, []);
    } finally {
      await db.close();
    }
  });

  test("main.ts runs it alone from the environment and stops cleanly on SIGTERM", async () => {
    const store = await storage();
    try {
      const child = await runMain({ ...store.env, SOR_PORT: "0", SOR_SEED: "0", SOR_LATENCY_MS: "5" }, async (url) => {
        const faults = await fetch(`${url}/admin/faults`);
        assert.deepEqual(await faults.json(), { latency_ms: 5, error_rate: 0, down: false, down_mode: "unavailable" });
        assert.equal((await fetch(`${url}/v1/accounts/parcel/R000001`)).status, 404);
      });
      assert.equal(child.code, 0, child.output);
    } finally {
      await store.cleanup();
    }
  });

  test("an in-memory database serves tests without a data folder", async () => {
    const sor = await startReferenceSor({ port: 0, logger, seed: false, dataDir: inMemory });
    try {
      assert.equal(sor.db.kind, "pglite");
      assert.equal((await fetch(`${sor.url}/readyz`)).status, 200);
    } finally {
      await sor.close();
    }
  });
});

/**
 * Runs `node reference-sor/main.ts`; once it logs its URL, runs `whileUp` against it and sends
 * SIGTERM. Resolves with the exit code and everything it printed.
 */
function runMain(env: Record<string, string>, whileUp?: (url: string) => Promise<void>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [new URL("./main.ts", import.meta.url).pathname], {
      env: { ...process.env, LOG_LEVEL: "info", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let started = false;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`main.ts did not finish in time:\n${output}`));
    }, 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(http:[^"]+)"/.exec(output);
      if (match?.[1] && !started) {
        started = true;
        (whileUp ? whileUp(match[1]) : Promise.resolve()).then(
          () => child.kill("SIGTERM"),
          (error) => {
            child.kill("SIGKILL");
            reject(error);
          },
        );
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
