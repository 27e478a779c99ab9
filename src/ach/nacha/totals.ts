/** What a batch adds up to: what its batch control must say, and what the file control sums. */
import { transactionCodes } from "./codes.ts";
import { readNumber } from "./records.ts";
import type { Batch, Entry } from "./types.ts";

/** The entry hash keeps the low-order 10 digits of the sum of the 8-digit RDFI routing numbers. */
export const entryHashModulus = 10_000_000_000;

export interface BatchTotals {
  entries: number;
  addenda: number;
  entryHash: number;
  debitCents: number;
  creditCents: number;
}

export function emptyTotals(): BatchTotals {
  return { entries: 0, addenda: 0, entryHash: 0, debitCents: 0, creditCents: 0 };
}

/** Adds one entry. Codes ending 1–4 are credits, 5–9 debits (ADV: odd credits, even debits); unknown codes count in neither. */
export function addEntry(totals: BatchTotals, entry: Entry): void {
  totals.entries++;
  totals.addenda += entry.addenda.length;
  totals.entryHash = (totals.entryHash + (readNumber(entry.rdfi_identification) ?? 0)) % entryHashModulus;
  const code = transactionCodes.get(entry.transaction_code);
  if (code?.direction === "debit") totals.debitCents += entry.amount_cents;
  else if (code?.direction === "credit") totals.creditCents += entry.amount_cents;
}

export function batchTotals(batch: Batch): BatchTotals {
  const totals = emptyTotals();
  for (const entry of batch.entries) addEntry(totals, entry);
  return totals;
}
