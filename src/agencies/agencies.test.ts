import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type Database, openTestDatabase, RemitError } from "../platform/index.ts";
import {
  agencyCacheTtlMs,
  apiKeyCacheTtlMs,
  authenticateApiKey,
  createAgency,
  createApiKey,
  getAgency,
  getAgencyCached,
  revokeApiKey,
} from "./index.ts";

let db: Database;
before(async () => {
  db = await openTestDatabase();
});
after(() => db.close());

const rejectsWith = (code: string) => (error: unknown) => error instanceof RemitError && error.code === code;

test("an agency is created with a validated time zone and normalized origins", async () => {
  const agency = await createAgency(db, {
    name: "  Harris County Tax Office ",
    timeZone: "America/Chicago",
    allowedOrigins: ["https://pay.example.gov/", "https://pay.example.gov", "http://localhost:3000"],
  });
  assert.match(agency.id, /^agy_[0-9A-Za-z]{22}$/);
  assert.equal(agency.name, "Harris County Tax Office");
  assert.deepEqual(agency.allowedOrigins, ["https://pay.example.gov", "http://localhost:3000"]);
});

test("bad agency input is refused with a code naming the field", async () => {
  await assert.rejects(createAgency(db, { name: "" }), rejectsWith("invalid_agency_name"));
  await assert.rejects(createAgency(db, { name: "X", timeZone: "Mars/Olympus" }), rejectsWith("invalid_time_zone"));
  await assert.rejects(createAgency(db, { name: "X", allowedOrigins: ["https://pay.example.gov/path"] }), rejectsWith("invalid_origin"));
  await assert.rejects(createAgency(db, { name: "X", allowedOrigins: ["ftp://files.example.gov"] }), rejectsWith("invalid_origin"));
});

test("a secret key authenticates as its agency until it is revoked", async () => {
  const agency = await createAgency(db, { name: "Key County" });
  const key = await createApiKey(db, { agencyId: agency.id, mode: "live" });
  assert.match(key.secret, /^rk_live_/);

  const ok = await authenticateApiKey(db, key.secret);
  assert.deepEqual(ok, { ok: true, caller: { agencyId: agency.id, keyId: key.id, kind: "secret", mode: "live" } });

  assert.equal(await revokeApiKey(db, agency.id, key.id), true);
  assert.deepEqual(await authenticateApiKey(db, key.secret), { ok: false, code: "api_key_revoked" });
});

test("only a digest of the key is stored", async () => {
  const agency = await createAgency(db, { name: "Digest County" });
  const key = await createApiKey(db, { agencyId: agency.id });
  const dump = JSON.stringify(await db.query("SELECT * FROM api_keys"));
  assert.ok(!dump.includes(key.secret.slice(8, -4)), "the key's random part must not be stored");
});

test("a well-formed key that was never issued is refused", async () => {
  const agency = await createAgency(db, { name: "Unknown County" });
  const key = await createApiKey(db, { agencyId: agency.id });
  await db.query("DELETE FROM api_keys WHERE id = $1", [key.id]);
  assert.deepEqual(await authenticateApiKey(db, key.secret), { ok: false, code: "invalid_api_key" });
});

test("a key cannot be revoked through another agency", async () => {
  const owner = await createAgency(db, { name: "Owner County" });
  const other = await createAgency(db, { name: "Other County" });
  const key = await createApiKey(db, { agencyId: owner.id });
  assert.equal(await revokeApiKey(db, other.id, key.id), false);
  assert.equal((await authenticateApiKey(db, key.secret)).ok, true);
});

test("a key for an agency that does not exist is refused", async () => {
  await assert.rejects(createApiKey(db, { agencyId: "agy_missing" }), rejectsWith("agency_not_found"));
});

test("an authenticated key is trusted for a few seconds without a lookup, but a revocation here ends that at once", async () => {
  const agency = await createAgency(db, { name: "Cached Key County" });
  const kept = await createApiKey(db, { agencyId: agency.id });
  const revoked = await createApiKey(db, { agencyId: agency.id });
  assert.equal((await authenticateApiKey(db, kept.secret)).ok, true);
  assert.equal((await authenticateApiKey(db, revoked.secret)).ok, true);

  // As another process would see it: the row changed behind this one's back.
  await db.query("UPDATE api_keys SET revoked_at = now() WHERE id = $1", [kept.id]);
  assert.equal((await authenticateApiKey(db, kept.secret)).ok, true, `honoured for up to ${apiKeyCacheTtlMs} ms`);

  assert.equal(await revokeApiKey(db, agency.id, revoked.id), true);
  assert.deepEqual(await authenticateApiKey(db, revoked.secret), { ok: false, code: "api_key_revoked" });
  assert.deepEqual(await authenticateApiKey(db, kept.secret), { ok: false, code: "api_key_revoked" }, "every trusted key is read again");
});

test("an agency read through the cache is kept a few seconds; an unknown one is not found", async () => {
  const agency = await createAgency(db, { name: "Cached County", duplicateWindowSeconds: 120 });
  assert.equal((await getAgencyCached(db, agency.id)).duplicateWindowSeconds, 120);
  await db.query("UPDATE agencies SET duplicate_window_seconds = 0 WHERE id = $1", [agency.id]);
  assert.equal((await getAgencyCached(db, agency.id)).duplicateWindowSeconds, 120, `kept for up to ${agencyCacheTtlMs} ms`);
  assert.equal((await getAgency(db, agency.id)).duplicateWindowSeconds, 0);
  await assert.rejects(getAgencyCached(db, "agy_missing"), rejectsWith("agency_not_found"));
});
