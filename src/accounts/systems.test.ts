import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createAgency } from "../agencies/index.ts";
import { type Database, openTestDatabase } from "../platform/index.ts";
import { configureSystem, getSystemCached, type NewSystemConfig } from "./index.ts";

let db: Database;
let counted: Database;
let reads = 0;
let system: NewSystemConfig;

before(async () => {
  db = await openTestDatabase();
  counted = {
    ...db,
    query: (text, params) => {
      if (text.includes("FROM systems_of_record")) reads++;
      return db.query(text, params);
    },
  };
  const agency = await createAgency(db, { name: "Cache County" });
  system = {
    agencyId: agency.id,
    system: "property_tax",
    name: "Tax office",
    connector: "live",
    accountKind: "parcel",
    baseUrl: "http://127.0.0.1:1",
    fund: "property_tax",
    callLimit: 4,
    timeoutMs: 1000,
  };
  await configureSystem(db, system);
});
after(() => db.close());

test("a system's configuration is read from the database once, then from memory", async () => {
  reads = 0;
  const first = await getSystemCached(counted, system.agencyId, "property_tax");
  const second = await getSystemCached(counted, system.agencyId, "property_tax");
  assert.equal(first.baseUrl, "http://127.0.0.1:1");
  assert.deepEqual(second, first);
  assert.equal(reads, 1);
});

test("a change made with configureSystem is seen at once", async () => {
  await getSystemCached(counted, system.agencyId, "property_tax");
  await configureSystem(db, { ...system, baseUrl: "http://127.0.0.1:2", callLimit: 8 });
  const changed = await getSystemCached(counted, system.agencyId, "property_tax");
  assert.deepEqual([changed.baseUrl, changed.callLimit], ["http://127.0.0.1:2", 8]);
});

test("an unknown system is refused as before, and not remembered", async () => {
  await assert.rejects(getSystemCached(counted, system.agencyId, "courts"), { code: "unknown_system" });
  await configureSystem(db, { ...system, system: "courts", name: "Clerk of court", fund: "courts" });
  assert.equal((await getSystemCached(counted, system.agencyId, "courts")).name, "Clerk of court");
});
