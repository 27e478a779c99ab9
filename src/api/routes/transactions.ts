import { Type } from "typebox";
import { type AchStatus, type EntryRecord, getAchDebit, listAchDebits } from "../../ach/index.ts";
import {
  type CardTransaction,
  type CardTransactionType,
  getCardTransaction,
  listCardTransactions,
  type PublicCardStatus,
  publicCardStatuses,
} from "../../cards/index.ts";
import { type Database, type HttpServer, platformError, RemitError } from "../../platform/index.ts";
import { getPostings } from "../../posting/index.ts";
import { problemResponses, StringEnum } from "../schemas.ts";
import { AchDebitSchema, achDebitJson, achStatuses } from "./ach.ts";
import { CardTransactionSchema, cardTransactionJson } from "./card-transactions.ts";

const cardTypes: readonly CardTransactionType[] = ["sale", "authorization", "force"];
const transactionTypes = [...cardTypes, "ach_debit"] as const;
const transactionStatuses = [...new Set<string>([...publicCardStatuses, ...achStatuses])];

const ListTransactionsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10 })),
    starting_after: Type.Optional(Type.String({ maxLength: 64, description: "The last id of the previous page" })),
    agency_tracking_id: Type.Optional(Type.String({ maxLength: 128 })),
    status: Type.Optional(StringEnum(transactionStatuses, { description: "A card transaction's or an ACH debit's status" })),
    type: Type.Optional(StringEnum(transactionTypes, { description: "sale, authorization, force (cards) or ach_debit" })),
    created_from: Type.Optional(Type.String({ format: "date-time", description: "Created at or after" })),
    created_before: Type.Optional(Type.String({ format: "date-time", description: "Created before" })),
  },
  { additionalProperties: false },
);

interface TransactionsQuery {
  readonly limit: number;
  readonly startingAfter?: string | undefined;
  readonly agencyTrackingId?: string | undefined;
  readonly status?: string | undefined;
  readonly type?: (typeof transactionTypes)[number] | undefined;
  readonly createdFrom?: Date | undefined;
  readonly createdBefore?: Date | undefined;
}

type Listed = { kind: "card"; item: CardTransaction } | { kind: "ach"; item: EntryRecord };

const earlier = (a: Date | undefined, b: Date) => (a === undefined || b < a ? b : a);

/**
 * Card transactions and ACH debits together, newest first. Each table pages itself by
 * (created_at, id); the two pages are merged by created_at, and at one instant card
 * transactions come before ACH debits — so a cursor in one table says where the other resumes
 * without comparing ids across tables.
 */
async function listTransactions(db: Database, agencyId: string, q: TransactionsQuery): Promise<{ data: Listed[]; hasMore: boolean }> {
  const wantsCards =
    (q.type === undefined || q.type !== "ach_debit") &&
    (q.status === undefined || publicCardStatuses.includes(q.status as PublicCardStatus));
  const wantsAch =
    (q.type === undefined || q.type === "ach_debit") && (q.status === undefined || achStatuses.includes(q.status as AchStatus));
  const card = { startingAfter: undefined as string | undefined, createdBefore: q.createdBefore };
  const ach = { startingAfter: undefined as string | undefined, createdAtOrBefore: undefined as Date | undefined };
  if (q.startingAfter !== undefined) {
    const cursor = await findCursor(db, agencyId, q.startingAfter);
    if (cursor.kind === "card") {
      card.startingAfter = cursor.item.id;
      ach.createdAtOrBefore = cursor.item.createdAt;
    } else {
      ach.startingAfter = cursor.item.id;
      card.createdBefore = earlier(q.createdBefore, cursor.item.createdAt);
    }
  }
  const common = { agencyTrackingId: q.agencyTrackingId, createdFrom: q.createdFrom, limit: q.limit };
  const [cards, debits] = await Promise.all([
    wantsCards
      ? listCardTransactions(db, agencyId, {
          ...common,
          status: q.status as PublicCardStatus | undefined,
          type: q.type as CardTransactionType | undefined,
          startingAfter: card.startingAfter,
          createdBefore: card.createdBefore,
        })
      : { data: [], hasMore: false },
    wantsAch
      ? listAchDebits(db, agencyId, {
          ...common,
          status: q.status as AchStatus | undefined,
          startingAfter: ach.startingAfter,
          createdBefore: q.createdBefore,
          createdAtOrBefore: ach.createdAtOrBefore,
        })
      : { data: [], hasMore: false },
  ]);
  const merged: Listed[] = [];
  let c = 0;
  let a = 0;
  while (merged.length < q.limit && (c < cards.data.length || a < debits.data.length)) {
    const nextCard = cards.data[c];
    const nextDebit = debits.data[a];
    if (nextCard && (!nextDebit || nextCard.createdAt >= nextDebit.createdAt)) {
      merged.push({ kind: "card", item: nextCard });
      c++;
    } else if (nextDebit) {
      merged.push({ kind: "ach", item: nextDebit });
      a++;
    }
  }
  const hasMore = c < cards.data.length || a < debits.data.length || cards.hasMore || debits.hasMore;
  return { data: merged, hasMore };
}

/** The cursor is one of the agency's card transactions or ACH debits; anything else is refused. */
async function findCursor(db: Database, agencyId: string, id: string): Promise<Listed> {
  const refused = () => platformError("invalid_request", `starting_after: no transaction ${id}`, "starting_after");
  const notFound = (error: unknown) => {
    throw error instanceof RemitError && error.status === 404 ? refused() : error;
  };
  if (id.startsWith("ctx_")) return { kind: "card", item: await getCardTransaction(db, agencyId, id).catch(notFound) };
  if (id.startsWith("ach_")) return { kind: "ach", item: await getAchDebit(db, agencyId, id).catch(notFound) };
  throw refused();
}

/** `GET /v1/transactions`: the agency's card transactions and ACH debits in one list. */
export function transactionRoutes(app: HttpServer, deps: { readonly db: Database }): void {
  app.get(
    "/v1/transactions",
    {
      schema: {
        tags: ["transactions"],
        security: [{ apiKey: [] }],
        summary: "The agency's card transactions and ACH debits, newest first, filtered and paged by cursor",
        description: "Each item's object says what it is: card_transaction or ach_debit.",
        querystring: ListTransactionsQuery,
        response: {
          200: Type.Object({
            data: Type.Array(Type.Union([CardTransactionSchema, AchDebitSchema])),
            has_more: Type.Boolean(),
            next_cursor: Type.Union([Type.String(), Type.Null()], { description: "Pass as starting_after for the next page" }),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await listTransactions(deps.db, request.caller.agencyId, {
        limit: q.limit ?? 10,
        startingAfter: q.starting_after,
        agencyTrackingId: q.agency_tracking_id,
        status: q.status,
        type: q.type,
        createdFrom: q.created_from === undefined ? undefined : new Date(q.created_from),
        createdBefore: q.created_before === undefined ? undefined : new Date(q.created_before),
      });
      const postingIds = page.data.flatMap((listed) => listed.item.postingPaymentId ?? []);
      const postings = await getPostings(deps.db, request.caller.agencyId, postingIds);
      const data = await Promise.all(
        page.data.map((listed) =>
          listed.kind === "card" ? cardTransactionJson(deps.db, listed.item, postings) : achDebitJson(deps.db, listed.item, postings),
        ),
      );
      return { data, has_more: page.hasMore, next_cursor: page.hasMore ? (data.at(-1)?.id ?? null) : null };
    },
  );
}
