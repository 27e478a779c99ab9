/**
 * Fixtures for the tests of file cuts, settlement, returns and the bank simulator: an agency with
 * an originator, and entries inserted as they stand when they wait for a file, with their bank
 * accounts in the vault. Plain SQL, so these tests depend on no other use case. Not part of the app.
 */
import { configureTestSystem } from "../../accounts/index.ts";
import { createAgency } from "../../agencies/index.ts";
import { type Database, newId, type Sql } from "../../platform/index.ts";
import { newMasterKeyText, parseMasterKeys, redeemBankAccountToken, tokenizeBankAccount } from "../../vault/index.ts";
import type { PostingPolicy } from "../domain/ach-entry.ts";

export const testKeys = parseMasterKeys(newMasterKeyText("v1"));

/** The originating bank (ODFI) and the payers' bank (RDFI): real-format routing numbers whose check digits pass. */
export const odfiRouting = "121042882";
export const rdfiRouting = "231380104";

/** The bank simulator's test accounts: R01, R03, a NOC C01, and one that settles. */
export const testAccounts = { r01: "123450001", r03: "123450003", c01: "123450101", good: "987654320" } as const;

export interface TestAgency {
  readonly agencyId: string;
  readonly originatorId: string;
}

export async function setUpAgency(
  db: Database,
  options: {
    name?: string;
    postingPolicy?: PostingPolicy;
    feeCents?: number;
    nextDayCutoff?: string;
    sameDayCutoffs?: readonly string[];
    companyId?: string;
  } = {},
): Promise<TestAgency> {
  const agency = await createAgency(db, { name: options.name ?? `ACH County ${newId("t")}` });
  await configureTestSystem(db, agency.id);
  const originatorId = newId("odfi");
  await db.query(
    `INSERT INTO ach_originators (agency_id, id, bank_name, odfi_routing, immediate_destination, immediate_origin, company_name,
       company_id, next_day_cutoff, same_day_cutoffs, posting_policy, returned_payment_fee_cents)
     VALUES ($1, $2, 'FIRST TEST BANK', $3, $3, $4, 'ACH COUNTY', $4, $5::time, $6::time[], $7, $8)`,
    [
      agency.id,
      originatorId,
      odfiRouting,
      options.companyId ?? `1${String(Math.floor(Math.random() * 1e9)).padStart(9, "0")}`,
      options.nextDayCutoff ?? "17:00",
      options.sameDayCutoffs ?? [],
      options.postingPolicy ?? "on_submission",
      options.feeCents ?? 0,
    ],
  );
  return { agencyId: agency.id, originatorId };
}

export interface TestEntry {
  readonly accountNumber: string;
  readonly amountCents?: number;
  readonly kind?: "debit" | "prenote";
  readonly accountType?: "checking" | "savings";
  readonly secCode?: "WEB" | "PPD" | "CCD" | "TEL";
  readonly effectiveDate: string;
  readonly sameDay?: boolean;
  /** Defaults to a property tax parcel for a debit; null for none. */
  readonly account?: { system: string; ref: string } | null;
  readonly status?: "pending_submission" | "scheduled" | "created";
  readonly scheduleId?: string;
}

/** Tokenizes the bank account in the vault and inserts the entry; returns its id and the vault's bank account id. */
export async function insertTestEntry(
  db: Database,
  a: TestAgency,
  e: TestEntry,
  now: Date,
): Promise<{ id: string; bankAccountId: string }> {
  const token = await tokenizeBankAccount(
    db,
    testKeys,
    a.agencyId,
    {
      routingNumber: rdfiRouting,
      accountNumber: e.accountNumber,
      accountType: e.accountType ?? "checking",
      accountHolderName: "Jane Taxpayer",
    },
    now,
  );
  const bank = await redeemBankAccountToken(db, a.agencyId, token.id, now);
  const kind = e.kind ?? "debit";
  const account = kind === "prenote" ? null : e.account === undefined ? { system: "property_tax", ref: "R000123" } : e.account;
  const id = newId(kind === "prenote" ? "pre" : "ach");
  await insertEntryRow(db, {
    agencyId: a.agencyId,
    id,
    kind,
    originatorId: a.originatorId,
    bankAccountId: bank.bankAccountId,
    fingerprint: bank.fingerprint,
    last4: bank.last4,
    accountType: bank.accountType,
    amountCents: kind === "prenote" ? 0 : (e.amountCents ?? 12_500),
    secCode: e.secCode ?? "WEB",
    effectiveDate: e.effectiveDate,
    sameDay: e.sameDay ?? false,
    account,
    status: e.status ?? "pending_submission",
    scheduleId: e.scheduleId ?? null,
    now,
  });
  return { id, bankAccountId: bank.bankAccountId };
}

async function insertEntryRow(
  sql: Sql,
  r: {
    agencyId: string;
    id: string;
    kind: string;
    originatorId: string;
    bankAccountId: string;
    fingerprint: string;
    last4: string;
    accountType: string;
    amountCents: number;
    secCode: string;
    effectiveDate: string;
    sameDay: boolean;
    account: { system: string; ref: string } | null;
    status: string;
    scheduleId: string | null;
    now: Date;
  },
): Promise<void> {
  await sql.query(
    `INSERT INTO ach_entries (agency_id, id, kind, originator_id, schedule_id, bank_account_id, bank_fingerprint, routing_number,
       account_last4, account_type, amount_cents, sec_code, authorization_text, individual_name, status, effective_date, same_day,
       system, ref, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'Agreed online', 'JANE TAXPAYER', $13, $14, $15, $16, $17, $18, $18)`,
    [
      r.agencyId,
      r.id,
      r.kind,
      r.originatorId,
      r.scheduleId,
      r.bankAccountId,
      r.fingerprint,
      rdfiRouting,
      r.last4,
      r.accountType,
      r.amountCents,
      r.secCode,
      r.status,
      r.effectiveDate,
      r.sameDay,
      r.account?.system ?? null,
      r.account?.ref ?? null,
      r.now,
    ],
  );
}

/**
 * Every row of every table, as text: where a test looks for bank account numbers, which only the
 * vault may hold, and only encrypted (its ciphertext reads as hex here).
 */
export async function databaseText(sql: Sql): Promise<string> {
  const tables = await sql.query<{ table_schema: string; table_name: string }>(
    `SELECT table_schema, table_name FROM information_schema.tables
      WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'`,
  );
  const texts: string[] = [];
  for (const t of tables) {
    const rows = await sql.query<{ row: string }>(`SELECT r::text AS row FROM "${t.table_schema}"."${t.table_name}" r`);
    for (const { row } of rows) texts.push(`${t.table_name}: ${row}`);
  }
  return texts.join("\n");
}
