import { recordTransfer } from "../../ledger/index.ts";
import type { Database } from "../../platform/index.ts";
import { requestPosting } from "../../posting/index.ts";
import { findEntry, moveEntry } from "../adapters/entry-store.ts";
import * as store from "../adapters/file-store.ts";
import { findOriginator } from "../adapters/originator-store.ts";
import { type AchOriginator, nextAchStatus } from "../domain/ach-entry.ts";
import { bankingDateOf } from "../domain/schedule.ts";
import { settlementInstant } from "./file-cuts.ts";

/** Entries settled per run at most; the job runs again at once while it finds work. */
const settlementsPerRunMax = 500;

/**
 * The worker job: submitted entries whose settlement time has passed (08:30 New York time on
 * their date for next-day files; the window's settlement time for same-day ones) are settled.
 * A debit's pending journal is posted, and an agency that posts on settlement has the payment
 * posted to its system of record now. A return that comes later reverses it (see returns.ts).
 * Returns how many entries settled.
 */
export async function settleEntries(deps: { readonly db: Database }, now: Date): Promise<number> {
  const candidates = await store.listSubmittedThrough(deps.db, bankingDateOf(now), settlementsPerRunMax);
  const originators = new Map<string, AchOriginator | undefined>();
  let settled = 0;
  for (const candidate of candidates) {
    if (settlementInstant(candidate.effectiveDate, candidate.window) > now) continue;
    const done = await deps.db.transaction(async (tx) => {
      const entry = await findEntry(tx, candidate.agencyId, candidate.id, true);
      const to = entry && nextAchStatus(entry.status, "settle");
      if (!entry || !to) return false;
      const key = `${entry.agencyId}|${entry.originatorId}`;
      if (!originators.has(key)) originators.set(key, await findOriginator(tx, entry.agencyId, entry.originatorId));
      const postsNow = originators.get(key)?.postingPolicy === "on_settlement" && entry.kind === "debit" && entry.account !== null;
      if (entry.kind === "debit") {
        await recordTransfer(tx, entry.agencyId, { id: `${entry.id}:settle`, kind: "post_pending", pendingId: entry.id }, now);
      }
      if (postsNow && entry.account) {
        await requestPosting(
          tx,
          {
            agencyId: entry.agencyId,
            paymentId: entry.id,
            account: entry.account,
            amountCents: entry.amountCents,
            method: "ach",
            paidAt: now,
          },
          now,
        );
      }
      await moveEntry(tx, entry.agencyId, entry.id, entry.status, to, now, {
        settledAt: now,
        ...(postsNow ? { postingPaymentId: entry.id } : {}),
      });
      return true;
    });
    if (done) settled++;
  }
  return settled;
}
