import { createReadStream } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import packageJson from "../../package.json" with { type: "json" };
import { checkNachaFile, fedachClosedDays, type NachaFile, parseNacha, writeNacha } from "../ach/index.ts";
import { callControlSocket, isAdminCommand, runAdminCommand } from "../admin/index.ts";
import { openHubDatabase, startHub } from "../hub/index.ts";
import {
  allRoles,
  type Config,
  controlSocketPath,
  createLogger,
  isFolderLock,
  loadConfig,
  lockDataFolder,
  parseRoles,
  RemitError,
} from "../platform/index.ts";
import { quote, ruleSetIds } from "../rules/index.ts";
import { openDemoCounty, startDemoCounty } from "./demo-county.ts";

export const version: string = packageJson.version;

const usage = `remit ${version}: the government payments hub

Usage: remit <command> [options]

Commands:
  start [--role api,vault,worker] [--demo]
                         run the hub (all roles in one process by default)
  migrate                apply database migrations
  agency create --name <name> [--time-zone <tz>] [--origin <url>]…
                         create an agency
  key create --agency <id> [--live] [--publishable]
                         issue an API key (its secret is shown once)
  ledger verify          recompute every balance and invariant; exit 1 on a violation
  vault rotate-key       re-wrap every vault key under the first key of REMIT_MASTER_KEY
                         (with the embedded database, the running hub's REMIT_MASTER_KEY)
  demo                   print the demo agency with a fresh test key
  ach validate <file>    check a NACHA file; exit 0 when valid, 1 when not
  ach parse <file>       print the file's whole structure as JSON
  ach write --from <file.json> [--out <file>]
                         write a NACHA file from that structure (to standard output by default)
  ach import <file> [--agency <id>]
                         import a return/NOC file from the bank (the agency is found by the file's
                         company id unless given); the same file twice changes nothing
  calendar fedach --year <YYYY>
                         the weekdays the Federal Reserve is closed that year
  pni quote --rules <${ruleSetIds.join("|")}> --amount <cents> --tax-year <YYYY>
            [--installment <n>] [--property-class residential|nonresidential] --as-of <YYYY-MM-DD>
                         penalty, interest, fees and discount on an unpaid bill of that base tax

Options:
  --json                 print JSON instead of text
  -h, --help             show this help
  -v, --version          show the version

Environment: DATABASE_URL (PostgreSQL; unset = embedded PGlite in REMIT_DATA_DIR, default ./data),
PORT (8080), VAULT_PORT (8081), HOST (127.0.0.1), LOG_LEVEL (info), REMIT_MASTER_KEY (vault keys, v2:<base64>,v1:<base64>).
`;

class UsageError extends Error {}

/** Runs the CLI and returns the process exit code: 0 done, 1 failed, 2 wrong usage. */
export async function main(argv: readonly string[], out = process.stdout, err = process.stderr): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    err.write(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    out.write(`${version}\n`);
    return 0;
  }
  const [command, sub] = positionals;
  if (values.help || !command) {
    out.write(usage);
    return values.help ? 0 : 2;
  }
  const print = (json: unknown, text: string) => out.write(values.json ? `${JSON.stringify(json, null, 2)}\n` : `${text}\n`);

  try {
    const config = loadConfig();
    switch (command) {
      case "start":
        return await start(config, values.role ?? allRoles.join(","), values.demo ?? false);
      case "migrate": {
        const report = (await run(config, "migrate", {})) as { applied: string[]; alreadyApplied: number };
        print(report, report.applied.length ? `applied ${report.applied.join(", ")}` : `up to date (${report.alreadyApplied} migrations)`);
        return 0;
      }
      case "agency": {
        expectSub(command, sub, "create");
        if (!values.name) throw new UsageError("agency create needs --name");
        const agency = (await run(config, "agency.create", {
          name: values.name,
          timeZone: values["time-zone"],
          origins: values.origin,
        })) as { id: string; name: string };
        print(agency, `created agency ${agency.id} (${agency.name})`);
        return 0;
      }
      case "key": {
        expectSub(command, sub, "create");
        if (!values.agency) throw new UsageError("key create needs --agency <id>");
        const key = (await run(config, "key.create", { agencyId: values.agency, live: values.live, publishable: values.publishable })) as {
          id: string;
          secret: string;
        };
        print(key, `${key.secret}\n(key ${key.id}; this is the only time the secret is shown)`);
        return 0;
      }
      case "ledger": {
        expectSub(command, sub, "verify");
        const report = (await run(config, "ledger.verify", {})) as {
          ok: boolean;
          counts: { accounts: number; transfers: number; entries: number };
          checks: Array<{ code: string; description: string; violations: number }>;
          violations: Array<{ code: string; agencyId: string; ref: string; detail: string }>;
        };
        const lines = [
          `${report.counts.accounts} accounts, ${report.counts.transfers} transfers, ${report.counts.entries} entries`,
          ...report.checks.map(
            (c) => `${c.violations === 0 ? "ok  " : "FAIL"} ${c.description}${c.violations ? ` (${c.violations})` : ""}`,
          ),
          ...report.violations.map((v) => `  ${v.code}: agency ${v.agencyId} ${v.ref} ${v.detail}`),
          report.ok ? "ledger verified" : "LEDGER VIOLATIONS FOUND",
        ];
        print(report, lines.join("\n"));
        return report.ok ? 0 : 1;
      }
      case "vault": {
        expectSub(command, sub, "rotate-key");
        const report = (await run(config, "vault.rotate_key", {})) as {
          currentVersion: string;
          rewrapped: number;
          keysByVersion: Record<string, number>;
        };
        const versions = Object.entries(report.keysByVersion).map(([version, n]) => `${version}: ${n}`);
        print(
          report,
          `re-wrapped ${report.rewrapped} keys under ${report.currentVersion}\nkeys by version: ${versions.join(", ") || "none yet"}`,
        );
        return 0;
      }
      case "demo": {
        const demo = (await run(config, "demo", {})) as { api_key: string; publishable_key: string; agency_id: string };
        print(demo, `agency ${demo.agency_id}\nAPI key ${demo.api_key}\npublishable key ${demo.publishable_key}`);
        return 0;
      }
      case "ach": {
        const path = positionals[2];
        if (sub === "validate" || sub === "parse") {
          if (!path) throw new UsageError(`ach ${sub} needs a file`);
          if (sub === "parse") {
            out.write(`${JSON.stringify(await parseNacha(createReadStream(path)), null, 2)}\n`);
            return 0;
          }
          const check = await checkNachaFile(createReadStream(path));
          const summary = `${check.valid ? "valid" : "INVALID"}: ${check.batches} batches, ${check.entries} entries, ${check.addenda} addenda, debits ${check.total_debit_cents} ¢, credits ${check.total_credit_cents} ¢`;
          print(check, [summary, ...check.errors.map((e) => `  line ${e.line}: ${e.code}: ${e.message}`)].join("\n"));
          return check.valid ? 0 : 1;
        }
        if (sub === "import") {
          if (!path) throw new UsageError("ach import needs a file");
          const report = (await run(config, "ach.import", { path: resolve(path), agencyId: values.agency })) as {
            returns: number;
            notices: number;
            unmatched: Array<{ trace_number: string; code: string; reason: string }>;
            already_imported: boolean;
          };
          const summary = report.already_imported
            ? "already imported: nothing changed"
            : `${report.returns} returns, ${report.notices} notices of change, ${report.unmatched.length} unmatched`;
          print(report, [summary, ...report.unmatched.map((u) => `  trace ${u.trace_number} ${u.code}: ${u.reason}`)].join("\n"));
          return 0;
        }
        expectSub(command, sub, "write");
        const structure = JSON.parse(await readFile(required(values.from, "--from"), "utf8")) as NachaFile;
        const text = writeNacha(structure);
        if (values.out) await writeFile(values.out, text);
        else out.write(text);
        return 0;
      }
      case "calendar": {
        expectSub(command, sub, "fedach");
        const year = integer(values.year, "--year");
        if (year < 1900 || year > 2200) throw new UsageError(`--year must be between 1900 and 2200, got ${year}`);
        const closed = fedachClosedDays(year);
        print({ closed }, closed.join("\n"));
        return 0;
      }
      case "pni": {
        expectSub(command, sub, "quote");
        const q = quote({
          rules: required(values.rules, "--rules") as (typeof ruleSetIds)[number],
          amountCents: integer(values.amount, "--amount"),
          taxYear: integer(values["tax-year"], "--tax-year"),
          ...(values.installment === undefined ? {} : { installment: integer(values.installment, "--installment") }),
          ...(values["property-class"] === undefined
            ? {}
            : { propertyClass: values["property-class"] as "residential" | "nonresidential" }),
          asOf: required(values["as-of"], "--as-of"),
        });
        const c = q.components;
        const json = {
          total: q.totalCents,
          components: { tax: c.taxCents, penalty: c.penaltyCents, interest: c.interestCents, fees: c.feesCents, discount: c.discountCents },
          delinquent: q.delinquent,
          due_date: q.dueDate,
        };
        const dollars = (cents: number) => (cents / 100).toFixed(2);
        print(
          json,
          [
            `tax       ${dollars(c.taxCents)}`,
            `penalty   ${dollars(c.penaltyCents)}`,
            `interest  ${dollars(c.interestCents)}`,
            `fees      ${dollars(c.feesCents)}`,
            `discount -${dollars(c.discountCents)}`,
            `total     ${dollars(q.totalCents)}  (due ${q.dueDate}${q.delinquent ? ", delinquent" : ""})`,
          ].join("\n"),
        );
        return 0;
      }
      default:
        throw new UsageError(`Unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      err.write(`${error.message}\n\n${usage}`);
      return 2;
    }
    const code = error instanceof RemitError ? error.code : (error as { code?: string }).code;
    err.write(`error${code ? ` (${code})` : ""}: ${(error as Error).message}\n`);
    return 1;
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "v" },
      role: { type: "string" },
      demo: { type: "boolean" },
      name: { type: "string" },
      "time-zone": { type: "string" },
      origin: { type: "string", multiple: true },
      agency: { type: "string" },
      live: { type: "boolean" },
      publishable: { type: "boolean" },
      rules: { type: "string" },
      amount: { type: "string" },
      "tax-year": { type: "string" },
      installment: { type: "string" },
      "property-class": { type: "string" },
      "as-of": { type: "string" },
      from: { type: "string" },
      year: { type: "string" },
      out: { type: "string" },
    },
  });
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined) throw new UsageError(`${flag} is required`);
  return value;
}

function integer(value: string | undefined, flag: string): number {
  const text = required(value, flag);
  if (!/^-?\d+$/.test(text)) throw new UsageError(`${flag} must be a whole number, got "${text}"`);
  return Number(text);
}

function expectSub(command: string, sub: string | undefined, expected: string): void {
  if (sub !== expected) throw new UsageError(`Did you mean "remit ${command} ${expected}"?`);
}

/**
 * Runs an admin command where the database is: on PostgreSQL directly; on the embedded
 * database, through the running hub when one holds the folder, else by opening it here.
 */
async function run(config: Config, name: string, args: Record<string, unknown>): Promise<unknown> {
  if (!isAdminCommand(name)) throw new Error(`no admin command ${name}`);
  const deadline = Date.now() + 30_000;
  while (!config.databaseUrl) {
    const lock = await lockDataFolder(config.dataDir, "command");
    if (isFolderLock(lock)) {
      await lock.release();
      break;
    }
    if (lock.owner === "hub") return callControlSocket(controlSocketPath(config.dataDir), name, args);
    // Another command holds the folder for a moment; wait for it.
    if (Date.now() > deadline) throw new Error(`The data folder ${config.dataDir} is held by process ${lock.pid}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const { db, release } = await openHubDatabase(config, "command");
  const demoCounty = name === "demo" ? await openDemoCounty(config, createLogger({ level: "warn" })) : undefined;
  try {
    return await runAdminCommand({ db, demoCounty }, name, args);
  } finally {
    await demoCounty?.close();
    await db.close();
    await release();
  }
}

async function start(config: Config, roleList: string, demo: boolean): Promise<number> {
  const logger = createLogger({ level: config.logLevel });
  const roles = parseRoles(roleList);
  const hub = await startHub({ config, roles, logger, version, demo });
  // The county starts after the hub answers: seeding it on first start takes a few seconds.
  const demoCounty = demo
    ? await startDemoCounty(config, logger).catch(async (error) => {
        await hub.close();
        throw error;
      })
    : undefined;
  if (demoCounty) {
    await hub.connectDemoCounty(demoCounty);
    logger.info({ sorUrl: demoCounty.sorUrl }, "demo county connected");
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, "shutting down: draining requests");
      const force = setTimeout(() => {
        logger.error("shutdown took too long; exiting");
        process.exit(1);
      }, config.shutdownGraceMs);
      force.unref();
      hub
        .close()
        .then(() => demoCounty?.close())
        .then(resolve, (error) => {
          logger.error({ err: error }, "shutdown failed");
          process.exit(1);
        });
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
  logger.info("stopped");
  return 0;
}
