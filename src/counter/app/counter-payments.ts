import { getSystem } from "../../accounts/index.ts";
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

/** Cash and checks are held in the general fund's cash account; the system's fund earns the revenue. */
async function ledgerAccountsFor(tx: Sql, agencyId: string, system: string) {
  const config = await getSystem(tx, agencyId, system);
  const cash = await openAccount(tx, agencyId, { fund: "general", code: "cash", name: "Cash in bank", normalSide: "debit" });
  const collections = await openAccount(tx, agencyId, {
    fund: config.fund,
    code: "collections",
    name: `${config.name} collected`,
    normalSide: "credit",
  });
  return { cash: cash.id, collections: collections.id };
}

/**
 * Records a payment taken at the counter: the payment, its ledger journal and the request to
 * post it to the system of record commit together.
 */
export async function recordCounterPayment(db: Database, agencyId: string, input: NewCounterPayment, now: Date): Promise<CounterPayment> {
  validateCounterInput(input);
  return db.transaction(async (tx) => {
    const accounts = await ledgerAccountsFor(tx, agencyId, input.account.system);
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
    const accounts = await ledgerAccountsFor(tx, agencyId, payment.system);
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
