import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

  const corpus = new URL("../../shared/corpus/nacha/", import.meta.url).pathname;
  const haveCorpus = existsSync(corpus);
  test("ach validate, parse and write work on real NACHA files", {
    skip: haveCorpus ? false : `no NACHA corpus at ${corpus}`,
  }, async () => {
    const valid = await runCli(["ach", "validate", `${corpus}examples__testdata__ppd-debit.ach`, "--json"], env);
    assert.equal(valid.code, 0, valid.stderr);
    assert.deepEqual(json(valid.stdout), {
      valid: true,
      errors: [],
      batches: 1,
      entries: 1,
      addenda: 0,
      total_debit_cents: 200_000_000,
      total_credit_cents: 0,
    });
    const invalid = await runCli(["ach", "validate", `${corpus}20110729A-invalid.ach`, "--json"], env);
    assert.equal(invalid.code, 1);
    assert.ok(json(invalid.stdout).errors.length > 0);

    const parsed = await runCli(["ach", "parse", `${corpus}examples__testdata__ppd-debit.ach`], env);
    assert.equal(parsed.code, 0, parsed.stderr);
    const dir = await mkdtemp(join(tmpdir(), "remit-ach-"));
    await writeFile(join(dir, "file.json"), parsed.stdout);
    const written = await runCli(["ach", "write", "--from", join(dir, "file.json"), "--out", join(dir, "out.ach")], env);
    assert.equal(written.code, 0, written.stderr);
    const again = await runCli(["ach", "validate", join(dir, "out.ach"), "--json"], env);
    assert.equal(json(again.stdout).valid, true);
    const original = (await readFile(`${corpus}examples__testdata__ppd-debit.ach`, "utf8"))
      .split(/\r?\n/)
      .map((l) => l.trimEnd())
      .filter((l) => l && !/^9+$/.test(l));
    const roundTripped = (await readFile(join(dir, "out.ach"), "utf8"))
      .split("\n")
      .map((l) => l.trimEnd())
      .filter((l) => l && !/^9+$/.test(l));
    assert.deepEqual(roundTripped, original);
  });

  test("calendar fedach lists the weekdays the Federal Reserve is closed", async () => {
    const result = await runCli(["calendar", "fedach", "--year", "2027", "--json"], env);
    assert.equal(result.code, 0, result.stderr);
    const { closed } = json(result.stdout) as { closed: string[] };
    assert.ok(closed.includes("2027-07-05"), "Independence Day on a Sunday closes the Monday");
    assert.ok(!closed.includes("2027-06-18") && !closed.includes("2027-12-24"), "Saturday holidays are not observed");
    assert.equal(closed.length, 9);
  });

  test("ledger verify exits 0 on a sound ledger", async () => {
    const result = await runCli(["ledger", "verify", "--json"], env);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(json(result.stdout).ok, true);
  });
});
