import { Type } from "typebox";
import { type Account, type AccountBalances, getAccount, getBalances, listAccounts } from "../../ledger/index.ts";
import type { Database, HttpServer } from "../../platform/index.ts";
import { ListQuery, problemResponses } from "../schemas.ts";

const AccountSchema = Type.Object({
  id: Type.String(),
  fund: Type.String(),
  code: Type.String(),
  name: Type.String(),
  normal_side: Type.Union([Type.Literal("debit"), Type.Literal("credit")]),
  created_at: Type.String({ format: "date-time" }),
});

const BalancesSchema = Type.Object({
  posted: Type.Integer({ description: "Normal-side balance of posted money, in cents" }),
  available: Type.Integer({ description: "Posted balance less pending outflows, in cents" }),
  debits_pending: Type.Integer(),
  credits_pending: Type.Integer(),
  debits_posted: Type.Integer(),
  credits_posted: Type.Integer(),
  currency: Type.Literal("usd"),
});

const accountJson = (a: Account) => ({
  id: a.id,
  fund: a.fund,
  code: a.code,
  name: a.name,
  normal_side: a.normalSide,
  created_at: a.createdAt.toISOString(),
});

const balancesJson = (b: AccountBalances) => ({
  posted: b.postedCents,
  available: b.availableCents,
  debits_pending: b.debitsPendingCents,
  credits_pending: b.creditsPendingCents,
  debits_posted: b.debitsPostedCents,
  credits_posted: b.creditsPostedCents,
  currency: "usd" as const,
});

export function ledgerRoutes(app: HttpServer, deps: { db: Database }): void {
  const tags = ["ledger"];
  const security = [{ apiKey: [] }];

  app.get(
    "/v1/ledger/accounts",
    {
      schema: {
        tags,
        security,
        summary: "The agency's ledger accounts, by id",
        querystring: ListQuery,
        response: {
          200: Type.Object({
            data: Type.Array(AccountSchema),
            has_more: Type.Boolean(),
            next_cursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const page = await listAccounts(deps.db, request.caller.agencyId, {
        ...(request.query.limit ? { limit: request.query.limit } : {}),
        ...(request.query.starting_after ? { startingAfter: request.query.starting_after } : {}),
      });
      const data = page.accounts.map(accountJson);
      return { data, has_more: page.hasMore, next_cursor: page.hasMore ? (data.at(-1)?.id ?? null) : null };
    },
  );

  app.get(
    "/v1/ledger/accounts/:id",
    {
      schema: {
        tags,
        security,
        summary: "One ledger account with its balances",
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 200: Type.Intersect([AccountSchema, Type.Object({ balances: BalancesSchema })]), ...problemResponses },
      },
    },
    async (request) => {
      const { agencyId } = request.caller;
      const account = await getAccount(deps.db, agencyId, request.params.id);
      return { ...accountJson(account), balances: balancesJson(await getBalances(deps.db, agencyId, account.id)) };
    },
  );
}
