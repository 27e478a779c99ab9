import { getSystem, getSystemCached, type SystemConfig } from "../../accounts/index.ts";
import { openAccount, recordTransfer } from "../../ledger/index.ts";
import { type Database, newId, type Sql } from "../../platform/index.ts";
import { requestPosting, requestReversal } from "../../posting/index.ts";
import * as store from "../adapters/counter-store.ts";
import {
  type CounterMethod,
  type CounterPayment,
  counterError,
  counterTransitions,
  validateCounterInput,
} from "../domain/counter-payment.ts";

export interface NewCounterPayment {
  readonly method: CounterMethod;
  readonly checkNumber?: string | undefined;
  readonly amountCents: number;
  readonly account: { readonly system: string; readonly ref: string };
  readonly agencyTrackingId?: string | undefined;
}

/**
 * Ledger account ids by database, agency, fund and code, as committed. Ledger accounts are
 * append-only (never changed or removed), so an id once committed stays right; opening the two
 * accounts was two database round trips in every payment.
 */
const accountIdCaches = new WeakMap<Database, Map<string, string>>();
const accountIdCacheEntriesMax = 10_000;

interface LedgerAccounts {
  readonly cash: string;
  readonly collections: string;
}

/** Cash and checks are held in the general fund's cash account; the system's fund earns the revenue. */
async function ledgerAccountsFor(tx: Sql, agencyId: string, config: SystemConfig): Promise<LedgerAccounts> {
  const cash = await openAccount(tx, agencyId, { fund: "general", code: "cash", name: "Cash in bank", normalSide: "debit" });
  const collections = await openAccount(tx, agencyId, {
    fund: config.fund,
    code: "collections",
    name: `${config.name} collected`,
    normalSide: "credit",
  });
  return { cash: cash.id, collections: collections.id };
}

const accountsKey = (agencyId: string, config: SystemConfig) => `${agencyId}/${config.fund}`;

function cachedLedgerAccounts(db: Database, agencyId: string, config: SystemConfig): LedgerAccounts | undefined {
  const cache = accountIdCaches.get(db);
  const key = accountsKey(agencyId, config);
  const cash = cache?.get(`${key}/cash`);
  const collections = cache?.get(`${key}/collections`);
  return cash && collections ? { cash, collections } : undefined;
}

/** Called once the transaction that opened (or found) the accounts has committed. */
function rememberLedgerAccounts(db: Database, agencyId: string, config: SystemConfig, accounts: LedgerAccounts): void {
  let cache = accountIdCaches.get(db);
  if (!cache) {
    cache = new Map();
    accountIdCaches.set(db, cache);
  }
  if (cache.size >= accountIdCacheEntriesMax) cache.clear();
  const key = accountsKey(agencyId, config);
  cache.set(`${key}/cash`, accounts.cash);
  cache.set(`${key}/collections`, accounts.collections);
}

/**
 * Records a payment taken at the counter: the payment, its ledger journal and the request to
 * post it to the system of record commit together.
 */
export async function recordCounterPayment(db: Database, agencyId: string, input: NewCounterPayment, now: Date): Promise<CounterPayment> {
  validateCounterInput(input);
  const config = await getSystemCached(db, agencyId, input.account.system);
  const known = cachedLedgerAccounts(db, agencyId, config);
  let opened: LedgerAccounts | undefined;
  const recorded = await db.transaction(async (tx) => {
    opened = known ? undefined : await ledgerAccountsFor(tx, agencyId, config);
    const accounts = known ?? (opened as LedgerAccounts);
    const payment = await store.insertCounterPayment(tx, {
      agencyId,
      id: newId("cpy"),
      method: input.method,
      checkNumber: input.checkNumber ?? null,
      amountCents: input.amountCents,
      system: input.account.system,
      ref: input.account.ref,
      agencyTrackingId: input.agencyTrackingId ?? null,
      status: "accepted",
      receivedAt: now,
      voidedAt: null,
    });
    await recordTransfer(
      tx,
      agencyId,
      {
        id: payment.id,
        kind: "posted",
        debitAccountId: accounts.cash,
        creditAccountId: accounts.collections,
        amountCents: payment.amountCents,
        description: `${payment.method} payment`,
      },
      now,
    );
    await requestPosting(
      tx,
      { agencyId, paymentId: payment.id, account: input.account, amountCents: payment.amountCents, method: payment.method, paidAt: now },
      now,
    );
    return payment;
  });
  if (opened) rememberLedgerAccounts(db, agencyId, config, opened);
  return recorded;
}

export async function getCounterPayment(sql: Sql, agencyId: string, id: string): Promise<CounterPayment> {
  const payment = await store.findCounterPayment(sql, agencyId, id);
  if (!payment) throw counterError("counter_payment_not_found", `No counter payment ${id}`, "id");
  return payment;
}

/** Voids a counter payment: a correcting journal, and the posting reversed in the system of record. */
export async function voidCounterPayment(db: Database, agencyId: string, id: string, now: Date): Promise<CounterPayment> {
  return db.transaction(async (tx) => {
    const payment = await store.findCounterPayment(tx, agencyId, id, true);
    if (!payment) throw counterError("counter_payment_not_found", `No counter payment ${id}`, "id");
    if (!(counterTransitions[payment.status] as { void?: string }).void) {
      throw counterError("counter_payment_already_voided", `Counter payment ${id} was voided at ${payment.voidedAt?.toISOString()}`, "id");
    }
    const accounts = await ledgerAccountsFor(tx, agencyId, await getSystem(tx, agencyId, payment.system));
    await recordTransfer(
      tx,
      agencyId,
      {
        id: `${payment.id}:void`,
        kind: "posted",
        debitAccountId: accounts.collections,
        creditAccountId: accounts.cash,
        amountCents: payment.amountCents,
        description: "void",
      },
      now,
    );
    await requestReversal(tx, agencyId, payment.id, "voided at the counter", now);
    return store.markVoided(tx, agencyId, id, now);
  });
}
