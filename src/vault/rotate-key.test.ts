import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { createAgency } from "../agencies/index.ts";
import { embeddedDatabaseDir } from "../hub/index.ts";
import { createScratchDatabase, type Database, migrate, openPglite, openPostgres } from "../platform/index.ts";
import { parseMasterKeys, readCardForProcessor, redeemCardToken, tokenizeCard } from "./index.ts";

const remitBin = new URL("../../bin/remit.js", import.meta.url).pathname;
const v1 = `v1:${randomBytes(32).toString("base64")}`;
const v2 = `v2:${randomBytes(32).toString("base64")}`;
const now = new Date("2026-11-22T12:00:00Z");

function remit(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [remitBin, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

test("remit vault rotate-key --json re-wraps every key under the first key of REMIT_MASTER_KEY", async () => {
  const dataDir = await mkdtemp(join(tmpdir(), "remit-rotate-"));
  const scratch = process.env.DATABASE_URL ? await createScratchDatabase(process.env.DATABASE_URL) : undefined;
  const openDb = async (): Promise<Database> => {
    const db = scratch ? openPostgres({ connectionString: scratch.url, poolSize: 2 }) : await openPglite(embeddedDatabaseDir(dataDir));
    await migrate(db);
    return db;
  };
  try {
    let db = await openDb();
    const agencyId = (await createAgency(db, { name: "Rotate County" })).id;
    const token = await tokenizeCard(
      db,
      parseMasterKeys(v1),
      agencyId,
      { number: "4242424242424242", expMonth: 12, expYear: 2030, cvc: "123" },
      now,
    );
    const { cardId } = await redeemCardToken(db, agencyId, token.id, now);
    // The embedded database is one process's at a time: the command opens it next.
    await db.close();

    const env = { ...process.env, REMIT_DATA_DIR: dataDir, DATABASE_URL: scratch?.url ?? "", REMIT_MASTER_KEY: `${v2},${v1}` };
    const run = await remit(["vault", "rotate-key", "--json"], env);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { currentVersion: "v2", rewrapped: 2, keysByVersion: { v2: 2 } });
    assert.ok(!run.stdout.includes(v2.slice(3)) && !run.stderr.includes(v2.slice(3)), "the key is never printed");

    const again = await remit(["vault", "rotate-key"], env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /re-wrapped 0 keys under v2\nkeys by version: v2: 2/);

    db = await openDb();
    try {
      assert.equal((await readCardForProcessor(db, parseMasterKeys(v2), agencyId, cardId)).number, "4242424242424242");
    } finally {
      await db.close();
    }
  } finally {
    await scratch?.drop();
  }
});
