import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { createAgency } from "../agencies/index.ts";
import { createLogger, type Database, openTestDatabase } from "../platform/index.ts";
import { dispatchDue, enqueue, enqueueAfter, findMessage, type OutboxMessage } from "./index.ts";

let db: Database;
let agencyId: string;
const logger = createLogger({ destination: () => {} });
const now = new Date("2026-11-22T15:00:00Z");

before(async () => {
  db = await openTestDatabase();
});
after(() => db.close());
beforeEach(async () => {
  agencyId = (await createAgency(db, { name: "Outbox County" })).id;
});

const add = (topic: string, key: string) => db.transaction((tx) => enqueue(tx, { agencyId, topic, dedupeKey: key, payload: { key } }, now));

test("a batch handler gets the leased messages of its topic in one call and each outcome is recorded", async () => {
  for (const key of ["a", "b", "c"]) await add("test.batch", key);
  await add("test.single", "d");
  const calls: string[][] = [];
  let singles = 0;
  const handled = await dispatchDue(
    db,
    {
      "test.batch": {
        batch: async (messages: readonly OutboxMessage[]) => {
          calls.push(messages.map((m) => m.dedupeKey).sort());
          return { outcomes: messages.map((m) => (m.dedupeKey === "b" ? { status: "retry", error: "not yet" } : { status: "done" })) };
        },
      },
      "test.single": async () => {
        singles++;
        return { status: "done" };
      },
    },
    now,
    logger,
    { random: () => 0 },
  );
  assert.equal(handled, 4);
  assert.deepEqual(calls, [["a", "b", "c"]]);
  assert.equal(singles, 1);
  assert.equal((await findMessage(db, agencyId, "a"))?.status, "done");
  assert.equal((await findMessage(db, agencyId, "c"))?.status, "done");
  assert.equal((await findMessage(db, agencyId, "d"))?.status, "done");
  const retried = await findMessage(db, agencyId, "b");
  assert.equal(retried?.status, "pending");
  assert.equal(retried?.lastError, "not yet");
  assert.ok((retried?.availableAt.getTime() ?? 0) > now.getTime(), "after its backoff");
});

test("when a batch handler throws, each of its messages is retried, none is lost", async () => {
  for (const key of ["e", "f"]) await add("test.batch", key);
  await dispatchDue(
    db,
    {
      "test.batch": {
        batch: async () => {
          throw new Error("the system of record fell over");
        },
      },
    },
    now,
    logger,
    { random: () => 0 },
  );
  for (const key of ["e", "f"]) {
    const message = await findMessage(db, agencyId, key);
    assert.equal(message?.status, "pending");
    assert.equal(message?.attempts, 1);
    assert.equal(message?.lastError, "the system of record fell over");
  }
});

test("a message folded into the caller's insert is added only when that insert added a row", async () => {
  await db.query("CREATE TABLE IF NOT EXISTS outbox_test_rows (id text PRIMARY KEY)");
  const insert = (id: string) => ({
    text: "INSERT INTO outbox_test_rows (id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING id",
    params: [id],
  });
  const first = await db.transaction((tx) =>
    enqueueAfter(tx, insert("r1"), { agencyId, topic: "test.folded", dedupeKey: "r1", payload: {} }, now),
  );
  const again = await db.transaction((tx) =>
    enqueueAfter(tx, insert("r1"), { agencyId, topic: "test.folded", dedupeKey: "r1-again", payload: {} }, now),
  );
  assert.equal(first, true);
  assert.equal(again, false, "the row was there already, so no second message");
  assert.equal((await findMessage(db, agencyId, "r1"))?.status, "pending");
  assert.equal(await findMessage(db, agencyId, "r1-again"), undefined);
});

test("what a batch hands back to finish runs in the statement that completes its messages", async () => {
  await db.query("CREATE TABLE IF NOT EXISTS outbox_test_rows (id text PRIMARY KEY)");
  await add("test.finish", "g");
  await dispatchDue(
    db,
    {
      "test.finish": {
        batch: async (messages: readonly OutboxMessage[]) => ({
          outcomes: messages.map(() => ({ status: "done" as const })),
          finish: {
            text: "INSERT INTO outbox_test_rows (id) SELECT unnest($1::text[])",
            params: [messages.map((m) => `finished-${m.dedupeKey}`)],
          },
        }),
      },
    },
    now,
    logger,
  );
  assert.equal((await findMessage(db, agencyId, "g"))?.status, "done");
  assert.deepEqual(await db.query("SELECT id FROM outbox_test_rows WHERE id = 'finished-g'"), [{ id: "finished-g" }]);
});
