import { Type } from "typebox";
import type { HttpServer } from "../../src/platform/index.ts";
import { sorError } from "../errors.ts";
import { PaymentRequestSchema, PaymentSchema, ProblemSchema, ReversalRequestSchema, ReversalSchema } from "../schemas.ts";
import { findPayment, type PaymentRecord, postPayment, reversePayment } from "../store.ts";
import type { RouteDeps } from "./accounts.ts";

/** Posting and reversing payments, idempotent on the caller's payment_id. */
export function paymentRoutes(app: HttpServer, deps: RouteDeps): void {
  const tags = ["payments"];
  const params = Type.Object({ payment_id: Type.String({ maxLength: 64 }) });

  app.post(
    "/v1/payments",
    {
      schema: {
        tags,
        summary: "Post a payment to an account",
        description:
          "Applied at once: parcels oldest tax year first, within a bill fees → interest → penalty → tax with P&I as of the county date of paid_at; court cases by the waterfall in force on each assessment's date; utilities oldest bill first, its late fee before the bill; permits are issued when the fee is paid in full. Money left over is held as a credit. Idempotent on payment_id: the same payment_id with the same fields answers 200 with the first receipt and changes nothing; with other fields, 409 payment_id_reused.",
        body: PaymentRequestSchema,
        response: {
          201: PaymentSchema,
          200: PaymentSchema,
          400: ProblemSchema,
          404: ProblemSchema,
          409: ProblemSchema,
          503: ProblemSchema,
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const result = await postPayment(
        deps.db,
        {
          paymentId: body.payment_id,
          kind: body.kind,
          ref: body.ref.toUpperCase(),
          amountCents: body.amount_cents,
          paidAt: new Date(body.paid_at),
          method: body.method,
        },
        "api",
      );
      reply.code(result.outcome === "created" ? 201 : 200);
      return paymentJson(result.payment);
    },
  );

  app.get(
    "/v1/payments/:payment_id",
    {
      schema: {
        tags,
        summary: "A payment with its receipt and reversal state (did a post that timed out land?)",
        params,
        response: { 200: PaymentSchema, 404: ProblemSchema, 503: ProblemSchema },
      },
    },
    async (request) => {
      const payment = await findPayment(deps.db, request.params.payment_id);
      if (!payment) throw sorError("payment_not_found", `No payment ${request.params.payment_id}`, "payment_id");
      return paymentJson(payment);
    },
  );

  app.post(
    "/v1/payments/:payment_id/reversal",
    {
      schema: {
        tags,
        summary: "Reverse a payment (a return, an NSF, a void)",
        description:
          "The payment stops counting: the account's balance is as if it had never landed. A utility account it had made reconnect-eligible is flagged again; a permit it had issued goes back to pending_payment. Idempotent: a second reversal answers the first.",
        params,
        body: ReversalRequestSchema,
        response: { 200: ReversalSchema, 400: ProblemSchema, 404: ProblemSchema, 503: ProblemSchema },
      },
    },
    async (request) => {
      const payment = await reversePayment(deps.db, request.params.payment_id, request.body.reason);
      if (payment.status !== "reversed" || !payment.reversedAt) throw new Error(`Payment ${payment.paymentId} did not reverse`);
      return {
        payment_id: payment.paymentId,
        reversed: true as const,
        receipt_number: payment.receiptNumber,
        reversed_at: payment.reversedAt.toISOString(),
        reason: payment.reversalReason ?? "",
      };
    },
  );
}

export function paymentJson(p: PaymentRecord) {
  return {
    payment_id: p.paymentId,
    receipt_number: p.receiptNumber,
    kind: p.kind,
    ref: p.ref,
    amount_cents: p.amountCents,
    paid_at: p.paidAt.toISOString(),
    method: p.method,
    status: p.status,
    applied: p.applied.map((l) => ({
      label: l.label,
      charge_id: l.chargeId,
      ...(l.taxYear !== null ? { tax_year: l.taxYear } : {}),
      ...(l.installment !== null ? { installment: l.installment } : {}),
      component: l.component,
      amount_cents: l.amountCents,
    })),
    credit_cents: p.applied.filter((l) => l.component === "credit").reduce((a, l) => a + l.amountCents, 0),
    amount_due_after_cents: p.amountDueAfterCents,
    source: p.source,
    recorded_at: p.recordedAt.toISOString(),
    reversed: p.status === "reversed",
    reversed_at: p.reversedAt?.toISOString() ?? null,
    reversal_reason: p.reversalReason,
  };
}
