import { platformError, type Sql } from "../../platform/index.ts";
import * as store from "../adapters/card-store.ts";
import { type CardTransaction, type CardTransactionType, type PublicCardStatus, storedStatusesOf } from "../domain/card-transaction.ts";

export interface TransactionQuery {
  readonly agencyTrackingId?: string | undefined;
  readonly status?: PublicCardStatus | undefined;
  readonly type?: CardTransactionType | undefined;
  readonly createdFrom?: Date | undefined;
  readonly createdBefore?: Date | undefined;
  /** The id of the last transaction of the previous page. */
  readonly startingAfter?: string | undefined;
  readonly limit: number;
}

/**
 * A page of the agency's card transactions, newest first. The cursor is a transaction id; paging
 * is by (created_at, id), so rows added meanwhile neither repeat nor shift a page. A cursor that
 * is not one of the agency's transactions is refused.
 */
export async function listCardTransactions(
  sql: Sql,
  agencyId: string,
  query: TransactionQuery,
): Promise<{ data: CardTransaction[]; hasMore: boolean }> {
  let after: { createdAt: Date; id: string } | undefined;
  if (query.startingAfter !== undefined) {
    const cursor = await store.findTransaction(sql, agencyId, query.startingAfter);
    if (!cursor) throw platformError("invalid_request", `starting_after: no transaction ${query.startingAfter}`, "starting_after");
    after = { createdAt: cursor.createdAt, id: cursor.id };
  }
  const rows = await store.listTransactions(sql, agencyId, {
    agencyTrackingId: query.agencyTrackingId,
    statuses: query.status === undefined ? undefined : storedStatusesOf(query.status),
    type: query.type,
    createdFrom: query.createdFrom,
    createdBefore: query.createdBefore,
    after,
    limit: query.limit + 1,
  });
  return { data: rows.slice(0, query.limit), hasMore: rows.length > query.limit };
}
