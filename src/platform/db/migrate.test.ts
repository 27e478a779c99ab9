import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { migrate, splitStatements } from "./migrate.ts";
import { openPglite } from "./pglite.ts";

test("statements split at line-ending semicolons, keeping dollar-quoted bodies whole", () => {
  const sql = `-- a comment;
CREATE TABLE a (x int);
CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RETURN NULL;
END $$;
INSERT INTO a VALUES (1);`;
  const statements = splitStatements(sql);
  assert.equal(statements.length, 3);
  assert.match(statements[1] as string, /^CREATE FUNCTION[\s\S]*END \$\$;$/);
});

test("migrations apply once, in order, and an edited migration is refused", async () => {
  const dir = await mkdtemp(join(tmpdir(), "remit-migrations-"));
  await writeFile(join(dir, "0001_a.sql"), "CREATE TABLE a (x int);\n");
  await writeFile(join(dir, "0002_b.sql"), "INSERT INTO a VALUES (1);\n");
  const db = await openPglite(undefined);
  try {
    assert.deepEqual((await migrate(db, dir)).applied, ["0001_a.sql", "0002_b.sql"]);
    assert.deepEqual(await migrate(db, dir), { applied: [], alreadyApplied: 2 });
    assert.deepEqual(await db.query("SELECT x FROM a"), [{ x: 1 }]);
    await writeFile(join(dir, "0002_b.sql"), "INSERT INTO a VALUES (2);\n");
    await assert.rejects(migrate(db, dir), /0002_b.sql was changed/);
  } finally {
    await db.close();
  }
});

test("a failing migration leaves nothing of itself behind", async () => {
  const dir = await mkdtemp(join(tmpdir(), "remit-migrations-"));
  await writeFile(join(dir, "0001_bad.sql"), "CREATE TABLE b (x int);\nSELECT no_such_function();\n");
  const db = await openPglite(undefined);
  try {
    await assert.rejects(migrate(db, dir));
    assert.deepEqual(await db.query("SELECT to_regclass('b') AS t"), [{ t: null }]);
  } finally {
    await db.close();
  }
});
