import { Type } from "typebox";
import { type CounterPayment, getCounterPayment, recordCounterPayment, voidCounterPayment } from "../../counter/index.ts";
import { amountCentsMax } from "../../ledger/index.ts";
import type { Database, HttpServer } from "../../platform/index.ts";
import { getPosting, type Posting, publicPostingStatus } from "../../posting/index.ts";
import { IdempotencyHeader, IdParams, ProblemSchema, problemResponses, StringEnum } from "../schemas.ts";

export const PostingSchema = Type.Union([
  Type.Null(),
  Type.Object({
    status: StringEnum(["pending", "posted", "failed", "reversed"]),
    posted_at: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
    sor_reference: Type.Union([Type.String(), Type.Null()]),
  }),
]);

export const AccountRefSchema = Type.Object({
  system: Type.String({ pattern: "^[a-z0-9_]{1,64}$", description: "The agency's system of record, e.g. property_tax" }),
  ref: Type.String({ minLength: 1, maxLength: 64, description: "The account in that system, e.g. a parcel number" }),
});

const CounterPaymentSchema = Type.Object({
  id: Type.String(),
  object: Type.Literal("counter_payment"),
  method: Type.Union([Type.Literal("cash"), Type.Literal("check")]),
  check_number: Type.Union([Type.String(), Type.Null()]),
  amount: Type.Integer(),
  currency: Type.Literal("usd"),
  status: Type.Union([Type.Literal("accepted"), Type.Literal("voided")]),
  account: AccountRefSchema,
  agency_tracking_id: Type.Union([Type.String(), Type.Null()]),
  posting: PostingSchema,
  created_at: Type.String({ format: "date-time" }),
  voided_at: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
});

const NewCounterPaymentSchema = Type.Object(
  {
    method: Type.Union([Type.Literal("cash"), Type.Literal("check")]),
    check_number: Type.Optional(Type.String({ pattern: "^[0-9]{1,15}$" })),
    amount: Type.Integer({ minimum: 1, maximum: amountCentsMax, description: "In cents" }),
    currency: Type.Optional(Type.Literal("usd")),
    account: AccountRefSchema,
    agency_tracking_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  },
  { additionalProperties: false },
);

export function postingJson(posting: Posting | undefined) {
  if (!posting) return null;
  return {
    status: publicPostingStatus(posting.status),
    posted_at: posting.postedAt?.toISOString() ?? null,
    sor_reference: posting.sorReference,
  };
}

function counterPaymentJson(p: CounterPayment, posting: Posting | undefined) {
  return {
    id: p.id,
    object: "counter_payment" as const,
    method: p.method,
    check_number: p.checkNumber,
    amount: p.amountCents,
    currency: "usd" as const,
    status: p.status,
    account: { system: p.system, ref: p.ref },
    agency_tracking_id: p.agencyTrackingId,
    posting: postingJson(posting),
    created_at: p.receivedAt.toISOString(),
    voided_at: p.voidedAt?.toISOString() ?? null,
  };
}

export function counterPaymentRoutes(app: HttpServer, deps: { db: Database; clock: () => Date }): void {
  const tags = ["counter payments"];
  const security = [{ apiKey: [] }];
  const withPosting = async (agencyId: string, p: CounterPayment) => counterPaymentJson(p, await getPosting(deps.db, agencyId, p.id));

  app.post(
    "/v1/counter-payments",
    {
      schema: {
        tags,
        security,
        summary: "Record a cash or check payment taken at the counter, and post it to the account's system of record",
        headers: IdempotencyHeader,
        body: NewCounterPaymentSchema,
        response: { 201: CounterPaymentSchema, ...problemResponses, 409: ProblemSchema, 422: ProblemSchema },
      },
    },
    async (request, reply) => {
      const { agencyId } = request.caller;
      const body = request.body;
      const payment = await recordCounterPayment(
        deps.db,
        agencyId,
        {
          method: body.method,
          checkNumber: body.check_number,
          amountCents: body.amount,
          account: body.account,
          agencyTrackingId: body.agency_tracking_id,
        },
        deps.clock(),
      );
      return reply.code(201).send(await withPosting(agencyId, payment));
    },
  );

  app.get(
    "/v1/counter-payments/:id",
    {
      schema: {
        tags,
        security,
        summary: "A counter payment with its posting state",
        params: IdParams,
        response: { 200: CounterPaymentSchema, ...problemResponses },
      },
    },
    async (request) => withPosting(request.caller.agencyId, await getCounterPayment(deps.db, request.caller.agencyId, request.params.id)),
  );

  app.post(
    "/v1/counter-payments/:id/void",
    {
      schema: {
        tags,
        security,
        summary: "Void a counter payment: a correcting journal, and the posting reversed in the system of record",
        headers: IdempotencyHeader,
        params: IdParams,
        response: { 200: CounterPaymentSchema, ...problemResponses, 409: ProblemSchema },
      },
    },
    async (request) =>
      withPosting(request.caller.agencyId, await voidCounterPayment(deps.db, request.caller.agencyId, request.params.id, deps.clock())),
  );
}
