import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { configureSystem, type NewSystemConfig } from "../accounts/index.ts";
import { configureOriginator, findAgencyOfReturnFile, findDefaultOriginator, importReturnFile } from "../ach/index.ts";
import { type Agency, createAgency, createApiKey, findAgencyByName, type IssuedApiKey } from "../agencies/index.ts";
import { openAccount, verifyLedger } from "../ledger/index.ts";
import { createLogger, type Database, loadConfig, migrate } from "../platform/index.ts";
import { loadVaultKeys, rotateVaultKeys } from "../vault/index.ts";

/**
 * The demo county's system of record, when one runs beside the hub: where it answers, and a few
 * of its accounts worth trying.
 */
export interface DemoCounty {
  /** Where its system of record answers; absent when only its data is open (no hub running). */
  readonly sorUrl?: string;
  accounts(): Promise<Array<{ system: string; ref: string }>>;
}

export interface AdminContext {
  readonly db: Database;
  readonly demoCounty?: DemoCounty | undefined;
}

/**
 * Operator commands as functions of a context (the database, and the demo county when it runs)
 * and plain JSON arguments, returning JSON. The CLI runs them against the database it opens, or
 * asks a running hub to run them when the hub holds the embedded database; either way the same
 * code runs.
 */
export const adminCommands = {
  migrate: ({ db }: AdminContext) => migrate(db),

  "agency.create": async ({ db }: AdminContext, args: { name: string; timeZone?: string; origins?: string[] }) =>
    agencyJson(
      await createAgency(db, {
        name: args.name,
        ...(args.timeZone ? { timeZone: args.timeZone } : {}),
        allowedOrigins: args.origins ?? [],
      }),
    ),

  "key.create": async ({ db }: AdminContext, args: { agencyId: string; live?: boolean; publishable?: boolean }) =>
    keyJson(
      await createApiKey(db, {
        agencyId: args.agencyId,
        kind: args.publishable ? "publishable" : "secret",
        mode: args.live ? "live" : "test",
      }),
    ),

  "ledger.verify": ({ db }: AdminContext) => verifyLedger(db),

  // The keys come from the environment of the process that runs this: the hub's when it holds the embedded database.
  "vault.rotate_key": async ({ db }: AdminContext) =>
    rotateVaultKeys(
      db,
      await loadVaultKeys(loadConfig(), createLogger({ level: "warn", destination: (line) => process.stderr.write(line) })),
    ),

  // `path` is absolute: the hub that runs this may have another working folder than the caller.
  "ach.import": async ({ db }: AdminContext, args: { path: string; agencyId?: string }) => {
    const bytes = await readFile(args.path);
    const vaultKeys = await loadVaultKeys(loadConfig(), createLogger({ level: "warn", destination: (line) => process.stderr.write(line) }));
    const agencyId = args.agencyId ?? (await findAgencyOfReturnFile(db, bytes));
    const report = await importReturnFile({ db, vaultKeys }, agencyId, basename(args.path), bytes, new Date());
    return {
      agency_id: agencyId,
      returns: report.returns,
      notices: report.notices,
      unmatched: report.unmatched.map((u) => ({ trace_number: u.traceNumber, code: u.code, reason: u.reason })),
      already_imported: report.alreadyImported,
    };
  },

  demo: async ({ db, demoCounty }: AdminContext) => {
    const agency = await ensureDemoAgency(db, demoCounty);
    const [apiKey, publishableKey] = await Promise.all([
      createApiKey(db, { agencyId: agency.id, kind: "secret", mode: "test" }),
      createApiKey(db, { agencyId: agency.id, kind: "publishable", mode: "test" }),
    ]);
    const accounts = (await demoCounty?.accounts()) ?? [];
    return { api_key: apiKey.secret, publishable_key: publishableKey.secret, agency_id: agency.id, accounts };
  },
} as const;

export type AdminCommandName = keyof typeof adminCommands;

export function isAdminCommand(name: string): name is AdminCommandName {
  return Object.hasOwn(adminCommands, name);
}

export async function runAdminCommand(context: AdminContext, name: AdminCommandName, args: unknown): Promise<unknown> {
  const command = adminCommands[name] as (context: AdminContext, args: unknown) => Promise<unknown>;
  return command(context, args ?? {});
}

export const demoAgencyName = "Demo County";

/**
 * The demo county agency with its chart of accounts, created on first use, and connected to the
 * demo county's system of record when it runs: property tax, courts and permits live, utilities
 * through bill and posting files, so both models can be seen working.
 */
export async function ensureDemoAgency(db: Database, demoCounty?: DemoCounty): Promise<Agency> {
  const agency =
    (await findAgencyByName(db, demoAgencyName)) ??
    (await createAgency(db, { name: demoAgencyName, timeZone: "America/Chicago", allowedOrigins: ["http://localhost:8080"] }));
  for (const account of demoChartOfAccounts) await openAccount(db, agency.id, account);
  if (demoCounty?.sorUrl) for (const system of demoSystems(agency.id, demoCounty.sorUrl)) await configureSystem(db, system);
  // Set once: an operator's later changes to the demo bank are kept across restarts.
  if (!(await findDefaultOriginator(db, agency.id))) await configureOriginator(db, agency.id, demoOriginator);
  return agency;
}

/** The demo agency's originating bank: made up, with a routing number whose check digit holds. */
export const demoOriginator = {
  bankName: "Demo Community Bank",
  odfiRouting: "071999991",
  companyName: "DEMO COUNTY",
  companyId: "1990000001",
  nextDayCutoff: "17:00",
  sameDayCutoffs: ["10:00", "14:15", "16:15"],
  requiresPrenote: false,
  prenoteDays: 3,
  returnedPaymentFeeCents: 2_500,
} as const;

/** The demo agency's systems of record, all served by the reference county at `sorUrl`. */
export function demoSystems(agencyId: string, sorUrl: string): NewSystemConfig[] {
  const live = (system: string, name: string, accountKind: string, fund: string): NewSystemConfig => ({
    agencyId,
    system,
    name,
    connector: "live",
    accountKind,
    baseUrl: sorUrl,
    fund,
    callLimit: 16,
    timeoutMs: 2_000,
  });
  return [
    live("property_tax", "Demo County tax office", "parcel", "property_tax"),
    live("courts", "Demo County clerk of court", "court_case", "courts"),
    live("permits", "Demo County permits office", "permit", "permits"),
    {
      agencyId,
      system: "utilities",
      name: "Demo County water and sewer",
      connector: "presentment",
      accountKind: "utility",
      baseUrl: null,
      fund: "utilities",
      callLimit: 4,
      timeoutMs: 30_000,
      billFileUrl: `${sorUrl}/v1/exports/bills.csv?kind=utility`,
      postingFileUrl: `${sorUrl}/v1/imports/postings`,
      fileIntervalMs: 30_000,
    },
  ];
}

/** The system each kind of reference-county account belongs to in the demo agency. */
export const demoSystemByKind: Readonly<Record<string, string>> = {
  parcel: "property_tax",
  court_case: "courts",
  permit: "permits",
  utility: "utilities",
};

const demoChartOfAccounts = [
  { fund: "general", code: "cash", name: "Cash in bank", normalSide: "debit" },
  { fund: "general", code: "card_clearing", name: "Card settlements in transit", normalSide: "debit" },
  { fund: "general", code: "ach_clearing", name: "ACH settlements in transit", normalSide: "debit" },
  { fund: "property_tax", code: "collections", name: "Property tax collected", normalSide: "credit" },
  { fund: "courts", code: "collections", name: "Court fines and fees collected", normalSide: "credit" },
  { fund: "utilities", code: "collections", name: "Utility payments collected", normalSide: "credit" },
  { fund: "permits", code: "collections", name: "Permit fees collected", normalSide: "credit" },
] as const;

function agencyJson(a: Agency) {
  return { id: a.id, name: a.name, time_zone: a.timeZone, allowed_origins: a.allowedOrigins, created_at: a.createdAt.toISOString() };
}

function keyJson(k: IssuedApiKey) {
  return {
    id: k.id,
    agency_id: k.agencyId,
    kind: k.kind,
    mode: k.mode,
    last4: k.last4,
    created_at: k.createdAt.toISOString(),
    secret: k.secret,
  };
}
