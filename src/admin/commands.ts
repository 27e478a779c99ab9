import { type Agency, createAgency, createApiKey, findAgencyByName, type IssuedApiKey } from "../agencies/index.ts";
import { openAccount, verifyLedger } from "../ledger/index.ts";
import { type Database, migrate } from "../platform/index.ts";

/**
 * Operator commands as functions of a database and plain JSON arguments, returning JSON. The
 * CLI runs them against the database it opens, or asks a running hub to run them when the hub
 * holds the embedded database; either way the same code runs.
 */
export const adminCommands = {
  migrate: (db: Database) => migrate(db),

  "agency.create": async (db: Database, args: { name: string; timeZone?: string; origins?: string[] }) =>
    agencyJson(
      await createAgency(db, {
        name: args.name,
        ...(args.timeZone ? { timeZone: args.timeZone } : {}),
        allowedOrigins: args.origins ?? [],
      }),
    ),

  "key.create": async (db: Database, args: { agencyId: string; live?: boolean; publishable?: boolean }) =>
    keyJson(
      await createApiKey(db, {
        agencyId: args.agencyId,
        kind: args.publishable ? "publishable" : "secret",
        mode: args.live ? "live" : "test",
      }),
    ),

  "ledger.verify": (db: Database) => verifyLedger(db),

  demo: async (db: Database) => {
    const agency = await ensureDemoAgency(db);
    const [apiKey, publishableKey] = await Promise.all([
      createApiKey(db, { agencyId: agency.id, kind: "secret", mode: "test" }),
      createApiKey(db, { agencyId: agency.id, kind: "publishable", mode: "test" }),
    ]);
    // Sample accounts come from the reference system of record once it is connected.
    const accounts: Array<{ system: string; ref: string }> = [];
    return { api_key: apiKey.secret, publishable_key: publishableKey.secret, agency_id: agency.id, accounts };
  },
} as const;

export type AdminCommandName = keyof typeof adminCommands;

export function isAdminCommand(name: string): name is AdminCommandName {
  return Object.hasOwn(adminCommands, name);
}

export async function runAdminCommand(db: Database, name: AdminCommandName, args: unknown): Promise<unknown> {
  const command = adminCommands[name] as (db: Database, args: unknown) => Promise<unknown>;
  return command(db, args ?? {});
}

export const demoAgencyName = "Demo County";

/** The demo county agency with its chart of accounts, created on first use. */
export async function ensureDemoAgency(db: Database): Promise<Agency> {
  const agency =
    (await findAgencyByName(db, demoAgencyName)) ??
    (await createAgency(db, { name: demoAgencyName, timeZone: "America/Chicago", allowedOrigins: ["http://localhost:8080"] }));
  for (const account of demoChartOfAccounts) await openAccount(db, agency.id, account);
  return agency;
}

const demoChartOfAccounts = [
  { fund: "general", code: "cash", name: "Cash in bank", normalSide: "debit" },
  { fund: "general", code: "card_clearing", name: "Card settlements in transit", normalSide: "debit" },
  { fund: "general", code: "ach_clearing", name: "ACH settlements in transit", normalSide: "debit" },
  { fund: "property_tax", code: "collections", name: "Property tax collected", normalSide: "credit" },
  { fund: "courts", code: "collections", name: "Court fines and fees collected", normalSide: "credit" },
  { fund: "utilities", code: "collections", name: "Utility payments collected", normalSide: "credit" },
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
