import type { Sql } from "../../platform/index.ts";
import type { Account, Balances, Entry, Side, Transfer, TransferKind } from "../domain/ledger.ts";

interface AccountRow {
  agency_id: string;
  id: string;
  fund: string;
  code: string;
  name: string;
  normal_side: Side;
  created_at: Date;
}

interface TransferRow {
  agency_id: string;
  id: string;
  kind: TransferKind;
  debit_account_id: string;
  credit_account_id: string;
  amount_cents: number;
  pending_id: string | null;
  expires_at: Date | null;
  description: string;
  created_at: Date;
}

const toAccount = (r: AccountRow): Account => ({
  agencyId: r.agency_id,
  id: r.id,
  fund: r.fund,
  code: r.code,
  name: r.name,
  normalSide: r.normal_side,
  createdAt: r.created_at,
});

const toTransfer = (r: TransferRow): Transfer => ({
  agencyId: r.agency_id,
  id: r.id,
  kind: r.kind,
  debitAccountId: r.debit_account_id,
  creditAccountId: r.credit_account_id,
  amountCents: r.amount_cents,
  pendingId: r.pending_id,
  expiresAt: r.expires_at,
  description: r.description,
  createdAt: r.created_at,
});

/**
 * The account with this fund and code, inserted first if there is none. One statement either way:
 * the usual case (it exists) reads it; a concurrent insert is caught by the unique key and read.
 */
export async function insertAccountOnce(sql: Sql, a: Omit<Account, "createdAt">): Promise<Account> {
  const [row] = await sql.query<AccountRow>(
    `WITH existing AS (
       SELECT * FROM ledger_accounts WHERE agency_id = $1 AND fund = $3 AND code = $4
     ), inserted AS (
       INSERT INTO ledger_accounts (agency_id, id, fund, code, name, normal_side)
       SELECT $1, $2, $3, $4, $5, $6 WHERE NOT EXISTS (SELECT 1 FROM existing)
       ON CONFLICT (agency_id, fund, code) DO NOTHING RETURNING *
     )
     SELECT * FROM existing UNION ALL SELECT * FROM inserted`,
    [a.agencyId, a.id, a.fund, a.code, a.name, a.normalSide],
  );
  if (row) return toAccount(row);
  // Inserted by a concurrent transaction after this statement's snapshot: read it now.
  const [raced] = await sql.query<AccountRow>("SELECT * FROM ledger_accounts WHERE agency_id = $1 AND fund = $2 AND code = $3", [
    a.agencyId,
    a.fund,
    a.code,
  ]);
  return toAccount(raced as AccountRow);
}

export async function findAccount(sql: Sql, agencyId: string, accountId: string): Promise<Account | undefined> {
  const [row] = await sql.query<AccountRow>("SELECT * FROM ledger_accounts WHERE agency_id = $1 AND id = $2", [agencyId, accountId]);
  return row && toAccount(row);
}

export async function listAccounts(sql: Sql, agencyId: string, limit: number, startingAfter?: string): Promise<Account[]> {
  const rows = await sql.query<AccountRow>(
    `SELECT * FROM ledger_accounts WHERE agency_id = $1 AND ($2::text IS NULL OR id > $2) ORDER BY id LIMIT $3`,
    [agencyId, startingAfter ?? null, limit],
  );
  return rows.map(toAccount);
}

export async function findTransfer(sql: Sql, agencyId: string, id: string, lock = false): Promise<Transfer | undefined> {
  const [row] = await sql.query<TransferRow>(
    `SELECT * FROM ledger_transfers WHERE agency_id = $1 AND id = $2${lock ? " FOR UPDATE" : ""}`,
    [agencyId, id],
  );
  return row && toTransfer(row);
}

/** The post or void that resolved a pending transfer, if any. */
export async function findResolution(sql: Sql, agencyId: string, pendingId: string): Promise<Transfer | undefined> {
  const [row] = await sql.query<TransferRow>("SELECT * FROM ledger_transfers WHERE agency_id = $1 AND pending_id = $2", [
    agencyId,
    pendingId,
  ]);
  return row && toTransfer(row);
}

/**
 * Inserts the transfer and its entries. Returns undefined, writing nothing, when a transfer with
 * this id already exists (a retry, or a concurrent request that committed first).
 */
/**
 * Inserts the transfer and its entries in one statement (one round trip, atomic even outside an
 * explicit transaction). Returns undefined, writing nothing, when a transfer with this id already
 * exists (a retry, or a concurrent request that committed first).
 */
export async function insertTransfer(sql: Sql, t: Omit<Transfer, "createdAt">, entries: readonly Entry[]): Promise<Transfer | undefined> {
  const [row] = await sql.query<TransferRow>(
    `WITH transfer AS (
       INSERT INTO ledger_transfers
         (agency_id, id, kind, debit_account_id, credit_account_id, amount_cents, pending_id, expires_at, description)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (agency_id, id) DO NOTHING RETURNING *
     ), entries AS (
       INSERT INTO ledger_entries (agency_id, transfer_id, account_id, side, layer, amount_cents)
       SELECT transfer.agency_id, transfer.id, e.account_id, e.side, e.layer, e.amount_cents
         FROM transfer, unnest($10::text[], $11::text[], $12::text[], $13::bigint[]) AS e (account_id, side, layer, amount_cents)
     )
     SELECT * FROM transfer`,
    [
      t.agencyId,
      t.id,
      t.kind,
      t.debitAccountId,
      t.creditAccountId,
      t.amountCents,
      t.pendingId,
      t.expiresAt,
      t.description,
      entries.map((e) => e.accountId),
      entries.map((e) => e.side),
      entries.map((e) => e.layer),
      entries.map((e) => e.amountCents),
    ],
  );
  return row && toTransfer(row);
}

export async function sumBalances(sql: Sql, agencyId: string, accountId: string): Promise<Balances> {
  const [row] = await sql.query<Record<string, number>>(
    `SELECT
       coalesce(sum(amount_cents) FILTER (WHERE side = 'debit' AND layer = 'pending'), 0)::bigint AS debits_pending,
       coalesce(sum(amount_cents) FILTER (WHERE side = 'credit' AND layer = 'pending'), 0)::bigint AS credits_pending,
       coalesce(sum(amount_cents) FILTER (WHERE side = 'debit' AND layer = 'posted'), 0)::bigint AS debits_posted,
       coalesce(sum(amount_cents) FILTER (WHERE side = 'credit' AND layer = 'posted'), 0)::bigint AS credits_posted
     FROM ledger_entries WHERE agency_id = $1 AND account_id = $2`,
    [agencyId, accountId],
  );
  return {
    debitsPendingCents: row?.debits_pending ?? 0,
    creditsPendingCents: row?.credits_pending ?? 0,
    debitsPostedCents: row?.debits_posted ?? 0,
    creditsPostedCents: row?.credits_posted ?? 0,
  };
}

/** Unresolved pending transfers past their expiry, locked and skipped by other workers. */
export async function claimExpiredPending(sql: Sql, now: Date, limit: number): Promise<Transfer[]> {
  const rows = await sql.query<TransferRow>(
    `SELECT t.* FROM ledger_transfers t
      WHERE t.kind = 'pending' AND t.expires_at <= $1
        AND NOT EXISTS (SELECT 1 FROM ledger_transfers r WHERE r.agency_id = t.agency_id AND r.pending_id = t.id)
      ORDER BY t.expires_at
      LIMIT $2
      FOR UPDATE SKIP LOCKED`,
    [now, limit],
  );
  return rows.map(toTransfer);
}
