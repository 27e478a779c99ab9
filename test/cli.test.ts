import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import packageJson from "../package.json" with { type: "json" };
import { isolatedEnv, runCli } from "./helpers.ts";

let env: NodeJS.ProcessEnv;
let cleanup: () => Promise<void>;
before(async () => {
  ({ env, cleanup } = await isolatedEnv());
});
after(() => cleanup());

const json = (stdout: string) => JSON.parse(stdout);

describe("remit CLI", () => {
  test("--help lists every command and --version prints the package version", async () => {
    const help = await runCli(["--help"], env);
    assert.equal(help.code, 0);
    for (const command of ["start", "migrate", "agency create", "key create", "ledger verify", "demo"]) {
      assert.ok(help.stdout.includes(command), `help mentions ${command}`);
    }
    const version = await runCli(["--version"], env);
    assert.deepEqual([version.code, version.stdout.trim()], [0, packageJson.version]);
  });

  test("an unknown command or a missing option exits 2 with usage", async () => {
    const unknown = await runCli(["frobnicate"], env);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown command "frobnicate"/);
    const missing = await runCli(["agency", "create"], env);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--name/);
  });

  test("migrate applies the migrations once and then reports them up to date", async () => {
    const first = await runCli(["migrate", "--json"], env);
    assert.equal(first.code, 0, first.stderr);
    const again = json((await runCli(["migrate", "--json"], env)).stdout);
    assert.deepEqual(again.applied, []);
    assert.ok(again.alreadyApplied >= 2);
  });

  test("agency create and key create print the new objects, the secret included once", async () => {
    const created = await runCli(
      [
        "agency",
        "create",
        "--name",
        "Travis County",
        "--time-zone",
        "America/Chicago",
        "--origin",
        "https://pay.traviscounty.example",
        "--json",
      ],
      env,
    );
    assert.equal(created.code, 0, created.stderr);
    const agency = json(created.stdout);
    assert.match(agency.id, /^agy_/);
    assert.deepEqual(agency.allowed_origins, ["https://pay.traviscounty.example"]);

    const key = json((await runCli(["key", "create", "--agency", agency.id, "--json"], env)).stdout);
    assert.match(key.secret, /^rk_test_[0-9A-Za-z]{38}$/);
    assert.equal(key.agency_id, agency.id);
    const live = json((await runCli(["key", "create", "--agency", agency.id, "--live", "--json"], env)).stdout);
    assert.match(live.secret, /^rk_live_/);
    const publishable = json((await runCli(["key", "create", "--agency", agency.id, "--publishable", "--json"], env)).stdout);
    assert.match(publishable.secret, /^pk_test_/);
  });

  test("bad input exits 1 with the error's stable code", async () => {
    const badZone = await runCli(["agency", "create", "--name", "X", "--time-zone", "Nowhere/Land"], env);
    assert.equal(badZone.code, 1);
    assert.match(badZone.stderr, /invalid_time_zone/);
    const noAgency = await runCli(["key", "create", "--agency", "agy_doesnotexist"], env);
    assert.equal(noAgency.code, 1);
    assert.match(noAgency.stderr, /agency_not_found/);
  });

  test("demo prints the same demo agency each time with fresh test keys", async () => {
    const a = json((await runCli(["demo", "--json"], env)).stdout);
    const b = json((await runCli(["demo", "--json"], env)).stdout);
    assert.deepEqual(Object.keys(a).sort(), ["accounts", "agency_id", "api_key", "publishable_key"]);
    assert.equal(a.agency_id, b.agency_id);
    assert.notEqual(a.api_key, b.api_key);
    assert.match(a.api_key, /^rk_test_/);
    assert.match(a.publishable_key, /^pk_test_/);
    assert.ok(Array.isArray(a.accounts));
  });

  test("pni quote prints the worked examples of the rules to the cent", async () => {
    const cases = [
      { args: ["--rules", "TX", "--amount", "250000", "--tax-year", "2025", "--as-of", "2026-02-15"], total: 267_500 },
      { args: ["--rules", "TX", "--amount", "250000", "--tax-year", "2025", "--as-of", "2026-08-10"], total: 357_000, fees: 59_500 },
      {
        args: ["--rules", "CA", "--amount", "300000", "--tax-year", "2025", "--installment", "1", "--as-of", "2025-12-11"],
        total: 330_000,
      },
      {
        args: ["--rules", "IL-COOK", "--amount", "300000", "--tax-year", "2022", "--installment", "1", "--as-of", "2023-06-15"],
        total: 313_500,
      },
    ];
    for (const c of cases) {
      const result = await runCli(["pni", "quote", ...c.args, "--json"], env);
      assert.equal(result.code, 0, result.stderr);
      const quote = json(result.stdout);
      assert.equal(quote.total, c.total, c.args.join(" "));
      const { tax, penalty, interest, fees, discount } = quote.components;
      assert.equal(tax + penalty + interest + fees - discount, quote.total);
      if (c.fees !== undefined) assert.equal(fees, c.fees);
    }
    const bad = await runCli(["pni", "quote", "--rules", "NV", "--amount", "1", "--tax-year", "2025", "--as-of", "2026-01-01"], env);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /unknown_rule_set/);
  });

  test("ledger verify exits 0 on a sound ledger", async () => {
    const result = await runCli(["ledger", "verify", "--json"], env);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(json(result.stdout).ok, true);
  });
});
