import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { isolatedEnv, runCli, startHubProcess } from "./helpers.ts";

let env: NodeJS.ProcessEnv;
let dataDir: string;
let cleanup: () => Promise<void>;
before(async () => {
  ({ env, dataDir, cleanup } = await isolatedEnv());
});
after(() => cleanup());

const embedded = !process.env.DATABASE_URL;

describe("the hub", () => {
  test("runs api, vault and worker with the demo county, serves CLI commands while running, and stops cleanly on SIGTERM", async () => {
    const hub = await startHubProcess(env, ["--demo"]);
    try {
      assert.deepEqual(await (await fetch(`${hub.apiUrl}/healthz`)).json(), { status: "ok" });
      assert.deepEqual(await (await fetch(`${hub.vaultUrl}/healthz`)).json(), { status: "ok" });
      assert.equal((await fetch(`${hub.apiUrl}/readyz`)).status, 200);

      // With the embedded database this goes through the hub's control socket.
      const demo = await runCli(["demo", "--json"], env);
      assert.equal(demo.code, 0, demo.stderr);
      const { api_key: key, agency_id: agencyId } = JSON.parse(demo.stdout);
      const agency = (await (await fetch(`${hub.apiUrl}/v1/agency`, { headers: { authorization: `Bearer ${key}` } })).json()) as {
        id: string;
        name: string;
      };
      assert.equal(agency.id, agencyId);
      assert.equal(agency.name, "Demo County");

      // The demo county runs beside the hub: a live balance, and a payment posted to it.
      const { accounts } = JSON.parse(demo.stdout) as { accounts: Array<{ system: string; ref: string }> };
      const parcel = accounts.find((a) => a.system === "property_tax");
      assert.ok(parcel, "remit demo lists demo parcels");
      assert.ok(accounts.some((a) => a.system === "utilities"));
      const auth = { authorization: `Bearer ${key}` };
      const balance = (await (await fetch(`${hub.apiUrl}/v1/accounts/property_tax/${parcel.ref}`, { headers: auth })).json()) as {
        amount_due: number;
        freshness: { source: string };
      };
      assert.equal(balance.freshness.source, "live");
      const paid = await fetch(`${hub.apiUrl}/v1/counter-payments`, {
        method: "POST",
        headers: { ...auth, "idempotency-key": "hub-test-1", "content-type": "application/json" },
        body: JSON.stringify({ method: "cash", amount: 1_000, account: { system: "property_tax", ref: parcel.ref } }),
      });
      assert.equal(paid.status, 201);
      const { id } = (await paid.json()) as { id: string };
      let posting = { status: "pending", sor_reference: null as string | null };
      for (let i = 0; i < 50 && posting.status !== "posted"; i++) {
        await new Promise((r) => setTimeout(r, 100));
        posting = (
          (await (await fetch(`${hub.apiUrl}/v1/counter-payments/${id}`, { headers: auth })).json()) as { posting: typeof posting }
        ).posting;
      }
      assert.equal(posting.status, "posted");
      assert.match(String(posting.sor_reference), /^DC-/);
      const after = (await (await fetch(`${hub.apiUrl}/v1/accounts/property_tax/${parcel.ref}`, { headers: auth })).json()) as {
        amount_due: number;
      };
      assert.equal(after.amount_due, Math.max(0, balance.amount_due - 1_000));

      const verify = await runCli(["ledger", "verify"], env);
      assert.equal(verify.code, 0, verify.stderr);
    } finally {
      assert.equal(await hub.stop(), 0);
    }
    assert.match(hub.output(), /"msg":"stopped"/);
    if (embedded) assert.equal(existsSync(join(dataDir, "remit.lock")), false, "the folder lock is released");
  });

  test("a second hub on the same embedded data folder refuses to start", {
    skip: embedded ? false : "only the embedded database has a data folder",
  }, async () => {
    const hub = await startHubProcess(env);
    try {
      const second = await runCli(["start"], env);
      assert.equal(second.code, 1);
      assert.match(second.stderr, /in use by process \d+ \(hub\)/);
    } finally {
      await hub.stop();
    }
  });

  test("starting only the api role leaves the vault port closed", async () => {
    const hub = await startHubProcess(env, ["--role", "api"]);
    try {
      assert.equal(hub.vaultUrl, undefined);
      assert.equal((await fetch(`${hub.apiUrl}/healthz`)).status, 200);
    } finally {
      await hub.stop();
    }
  });
});
