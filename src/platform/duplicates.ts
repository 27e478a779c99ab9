import type { Sql } from "./db/database.ts";
import { platformError } from "./errors.ts";

/** What makes two payments twins: the same card or bank account, amount and account paid. */
export interface PaymentTwin {
  readonly fingerprint: string;
  readonly amountCents: number;
  readonly account?: { readonly system: string; readonly ref: string } | undefined;
}

/**
 * Refuses a payment whose twin was made within the agency's window (`duplicate_transaction`,
 * naming the earlier one), inside the caller's transaction. An advisory lock on the twin's key
 * makes racing twins take turns, so exactly one passes; the lock ends with the transaction.
 */
export async function refuseDuplicatePayment<Earlier extends { readonly id: string; readonly createdAt: Date }>(
  tx: Sql,
  options: {
    readonly kind: string;
    readonly agencyId: string;
    readonly twin: PaymentTwin;
    readonly windowSeconds: number;
    readonly now: Date;
    readonly findTwin: (since: Date) => Promise<Earlier | undefined>;
    /** What the earlier payment did, for the error: "Transaction ctx_… charged this card 100 cents". */
    readonly describe: (earlier: Earlier) => string;
  },
): Promise<void> {
  const { twin } = options;
  const key = [options.kind, options.agencyId, twin.fingerprint, twin.amountCents, twin.account?.system ?? "", twin.account?.ref ?? ""];
  await tx.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [key.join("|")]);
  const earlier = await options.findTwin(new Date(options.now.getTime() - options.windowSeconds * 1000));
  if (!earlier) return;
  throw platformError(
    "duplicate_transaction",
    `${options.describe(earlier)}${twin.account ? ` for ${twin.account.system} ${twin.account.ref}` : ""} at ${earlier.createdAt.toISOString()}; send allow_duplicate: true if this one is meant too`,
    "allow_duplicate",
    earlier.id,
  );
}
