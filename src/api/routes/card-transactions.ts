import { Type } from "typebox";
import {
  amountCapturable,
  type CardDeps,
  type CardRefund,
  type CardTransaction,
  captureCardTransaction,
  cardErrors,
  createCardTransaction,
  type DeclineCode,
  getCardTransaction,
  isInDoubt,
  listCardRefunds,
  publicCardStatus,
  publicCardStatuses,
  refundCardTransaction,
  resolveOne,
  voidCardTransaction,
} from "../../cards/index.ts";
import { amountCentsMax } from "../../ledger/index.ts";
import { type Database, type HttpServer, RemitError } from "../../platform/index.ts";
import { getPosting, type Posting } from "../../posting/index.ts";
import { IdempotencyHeader, IdParams, ProblemSchema, problemResponses, StringEnum } from "../schemas.ts";
import { AccountRefSchema, PostingSchema, postingJson } from "./counter-payments.ts";

export const CardTransactionSchema = Type.Object({
  id: Type.String(),
  object: Type.Literal("card_transaction"),
  type: StringEnum(["sale", "authorization", "force"]),
  status: StringEnum(publicCardStatuses, {
    description: "unknown: the processor's answer has not come yet; Remit asks it and the status changes on its own",
  }),
  amount: Type.Integer({ description: "Authorized or charged, in cents" }),
  amount_capturable: Type.Integer(),
  amount_captured: Type.Integer(),
  amount_refunded: Type.Integer(),
  currency: Type.Literal("usd"),
  card: Type.Object({ brand: Type.String(), last4: Type.String(), exp_month: Type.Integer(), exp_year: Type.Integer() }),
  account: Type.Union([AccountRefSchema, Type.Null()]),
  agency_tracking_id: Type.Union([Type.String(), Type.Null()]),
  description: Type.Union([Type.String(), Type.Null()]),
  metadata: Type.Record(Type.String(), Type.String()),
  approval_code: Type.Union([Type.String(), Type.Null()]),
  decline_code: Type.Union([Type.String(), Type.Null()]),
  decline_message: Type.Union([Type.String(), Type.Null()]),
  posting: PostingSchema,
  created_at: Type.String({ format: "date-time" }),
  authorized_at: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  captured_at: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  voided_at: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  settled_at: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  expires_at: Type.Union([Type.String({ format: "date-time", description: "An uncaptured authorization lapses then" }), Type.Null()]),
});

const RefundSchema = Type.Object({
  id: Type.String(),
  object: Type.Literal("refund"),
  transaction_id: Type.String(),
  amount: Type.Integer(),
  currency: Type.Literal("usd"),
  status: StringEnum(["pending", "succeeded", "failed"], { description: "pending: the processor's answer has not come yet" }),
  reason: Type.Union([Type.String(), Type.Null()]),
  failure_message: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String({ format: "date-time" }),
  completed_at: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
});

const Amount = Type.Integer({ minimum: 1, maximum: amountCentsMax, description: "In cents" });

const NewCardTransactionSchema = Type.Object(
  {
    type: StringEnum(["sale", "authorization", "force"], {
      description: "sale: charge now; authorization: hold, capture later; force: charge with an approval code the issuer gave by phone",
    }),
    card_token: Type.String({ pattern: "^tok_[0-9A-Za-z]{1,64}$", description: "From the hosted card fields (remit.js)" }),
    amount: Amount,
    currency: Type.Optional(Type.Literal("usd")),
    account: Type.Optional(AccountRefSchema),
    agency_tracking_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    approval_code: Type.Optional(Type.String({ pattern: "^[0-9A-Za-z]{1,12}$", description: "For type force only" })),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    metadata: Type.Optional(
      Type.Record(Type.String({ pattern: "^[A-Za-z0-9_.-]{1,40}$" }), Type.String({ maxLength: 500 }), { maxProperties: 20 }),
    ),
    allow_duplicate: Type.Optional(
      Type.Boolean({ description: "Charge even if the same card paid the same amount for the same account moments ago" }),
    ),
  },
  { additionalProperties: false },
);

const iso = (d: Date | null) => d?.toISOString() ?? null;

function refundJson(r: CardRefund) {
  return {
    id: r.id,
    object: "refund" as const,
    transaction_id: r.transactionId,
    amount: r.amountCents,
    currency: "usd" as const,
    status: r.status,
    reason: r.reason,
    failure_message: r.failureMessage,
    created_at: r.createdAt.toISOString(),
    completed_at: iso(r.completedAt),
  };
}

/** A card transaction as the API shows it, with its posting's state (from `postings` when a list read them at once). */
export async function cardTransactionJson(db: Database, t: CardTransaction, postings?: ReadonlyMap<string, Posting>) {
  const id = t.postingPaymentId;
  const posting = id === null ? undefined : postings ? postings.get(id) : await getPosting(db, t.agencyId, id);
  return {
    id: t.id,
    object: "card_transaction" as const,
    type: t.type,
    status: publicCardStatus(t.status),
    amount: t.amountCents,
    amount_capturable: amountCapturable(t),
    amount_captured: t.amountCapturedCents,
    amount_refunded: t.amountRefundedCents,
    currency: "usd" as const,
    card: { brand: t.card.brand, last4: t.card.last4, exp_month: t.card.expMonth, exp_year: t.card.expYear },
    account: t.account,
    agency_tracking_id: t.agencyTrackingId,
    description: t.description,
    metadata: { ...t.metadata },
    approval_code: t.approvalCode,
    decline_code: t.declineCode,
    decline_message: t.declineMessage,
    posting: postingJson(posting),
    created_at: t.createdAt.toISOString(),
    authorized_at: iso(t.authorizedAt),
    captured_at: iso(t.capturedAt),
    voided_at: iso(t.voidedAt),
    settled_at: iso(t.settledAt),
    expires_at: iso(t.expiresAt),
  };
}

export interface CardRouteDeps extends CardDeps {
  /** A transaction read while its processor call has gone unanswered this long is looked up on the spot. */
  readonly inDoubtAfterMs: number;
}

/** Card transactions: sale, authorization, force, capture, void, refunds, and inquiry (the list is in transactions.ts). */
export function cardTransactionRoutes(app: HttpServer, deps: CardRouteDeps): void {
  const tags = ["card transactions"];
  const security = [{ apiKey: [] }];
  const transactionJson = (t: CardTransaction) => cardTransactionJson(deps.db, t);
  /** 201 when the processor answered, 202 while its answer is unknown; a decline is a 402 problem naming the transaction. */
  const answer = async (reply: { code(n: number): unknown }, t: CardTransaction, okStatus = 200) => {
    if (t.status === "declined") {
      const code = (t.declineCode ?? "card_declined") as DeclineCode;
      throw new RemitError(code, cardErrors[code], t.declineMessage ?? "The card was declined", undefined, t.id);
    }
    reply.code(isInDoubt(t.status) ? 202 : okStatus);
    return transactionJson(t);
  };
  const TransactionResponses = {
    200: CardTransactionSchema,
    201: CardTransactionSchema,
    202: CardTransactionSchema,
    ...problemResponses,
    402: ProblemSchema,
    409: ProblemSchema,
    422: ProblemSchema,
  };

  app.post(
    "/v1/card-transactions",
    {
      schema: {
        tags,
        security,
        summary: "A card sale, authorization, or force with an offline approval code",
        description:
          "201 with the transaction when the processor answered; 202 with status unknown when it did not answer in time (Remit asks it and the status changes on its own); 402 when the card was declined.",
        headers: IdempotencyHeader,
        body: NewCardTransactionSchema,
        response: {
          201: CardTransactionSchema,
          202: CardTransactionSchema,
          ...problemResponses,
          402: ProblemSchema,
          409: ProblemSchema,
          410: ProblemSchema,
          422: ProblemSchema,
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const t = await createCardTransaction(deps, request.caller.agencyId, {
        type: body.type,
        cardToken: body.card_token,
        amountCents: body.amount,
        account: body.account,
        agencyTrackingId: body.agency_tracking_id,
        approvalCode: body.approval_code,
        description: body.description,
        metadata: body.metadata,
        allowDuplicate: body.allow_duplicate,
      });
      return answer(reply, t, 201);
    },
  );

  app.get(
    "/v1/card-transactions/:id",
    {
      schema: {
        tags,
        security,
        summary: "A card transaction",
        params: IdParams,
        response: { 200: CardTransactionSchema, ...problemResponses },
      },
    },
    async (request) => {
      let t = await getCardTransaction(deps.db, request.caller.agencyId, request.params.id);
      // A read of a transaction in doubt asks the processor, once the call it waits on has surely ended.
      if (isInDoubt(t.status) && deps.clock().getTime() - t.updatedAt.getTime() >= deps.inDoubtAfterMs) {
        t = await resolveOne(deps, t).catch(() => t);
      }
      return transactionJson(t);
    },
  );

  app.post(
    "/v1/card-transactions/:id/capture",
    {
      schema: {
        tags,
        security,
        summary: "Force (capture) an authorization, all of it or less; less releases the rest",
        headers: IdempotencyHeader,
        params: IdParams,
        body: Type.Union([Type.Object({ amount: Type.Optional(Amount) }, { additionalProperties: false }), Type.Null()]),
        response: TransactionResponses,
      },
    },
    async (request, reply) =>
      answer(reply, await captureCardTransaction(deps, request.caller.agencyId, request.params.id, request.body?.amount)),
  );

  app.post(
    "/v1/card-transactions/:id/void",
    {
      schema: {
        tags,
        security,
        summary: "Void before settlement: the hold is released, or the capture reversed and its posting taken back",
        headers: IdempotencyHeader,
        params: IdParams,
        response: TransactionResponses,
      },
    },
    async (request, reply) => answer(reply, await voidCardTransaction(deps, request.caller.agencyId, request.params.id)),
  );

  app.post(
    "/v1/card-transactions/:id/refunds",
    {
      schema: {
        tags,
        security,
        summary: "Refund captured money, all or part, more than once; never more than captured",
        headers: IdempotencyHeader,
        params: IdParams,
        body: Type.Union([
          Type.Object(
            { amount: Type.Optional(Amount), reason: Type.Optional(Type.String({ maxLength: 500 })) },
            { additionalProperties: false },
          ),
          Type.Null(),
        ]),
        response: { 201: RefundSchema, 202: RefundSchema, ...problemResponses, 409: ProblemSchema, 422: ProblemSchema },
      },
    },
    async (request, reply) => {
      const refund = await refundCardTransaction(deps, request.caller.agencyId, request.params.id, {
        amountCents: request.body?.amount,
        reason: request.body?.reason,
      });
      reply.code(refund.status === "pending" ? 202 : 201);
      return refundJson(refund);
    },
  );

  app.get(
    "/v1/card-transactions/:id/refunds",
    {
      schema: {
        tags,
        security,
        summary: "The refunds of a card transaction, oldest first",
        params: IdParams,
        response: { 200: Type.Object({ data: Type.Array(RefundSchema) }), ...problemResponses },
      },
    },
    async (request) => {
      const t = await getCardTransaction(deps.db, request.caller.agencyId, request.params.id);
      return { data: (await listCardRefunds(deps.db, t.agencyId, t.id)).map(refundJson) };
    },
  );
}
