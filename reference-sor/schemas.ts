import { Type } from "typebox";
import { accountKinds, breakdownComponents } from "./allocation.ts";
import { postingRowCodes, sorErrorCodes } from "./errors.ts";
import { assessmentCategories } from "./waterfalls.ts";

/** Wire schemas of the reference SOR's protocol: JSON, snake_case, amounts in integer cents. */

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String({ description: "What went wrong, for a person" }),
    code: Type.Unsafe<string>({ type: "string", enum: sorErrorCodes, description: "Stable error code: match on this" }),
    param: Type.Optional(Type.String()),
    request_id: Type.String(),
  },
  { description: "RFC 9457 problem details (application/problem+json) with a stable code" },
);

export const Cents = (description?: string) => Type.Integer(description ? { description } : {});
const NullableDate = Type.Union([Type.String({ format: "date" }), Type.Null()]);
const NullableDateTime = Type.Union([Type.String({ format: "date-time" }), Type.Null()]);

export const KindSchema = Type.Enum(accountKinds, { description: "parcel (property tax), court_case, utility, permit" });

export const BreakdownLineSchema = Type.Object({
  label: Type.String(),
  tax_year: Type.Optional(Type.Integer()),
  installment: Type.Optional(Type.Integer()),
  component: Type.Enum(breakdownComponents),
  amount_cents: Cents("Owed now; a discount line is negative"),
});

export const AppliedLineSchema = Type.Object({
  label: Type.String(),
  charge_id: Type.Union([Type.String(), Type.Null()], { description: "The bill, assessment or permit paid; null for a credit" }),
  tax_year: Type.Optional(Type.Integer()),
  installment: Type.Optional(Type.Integer()),
  component: Type.Enum([...breakdownComponents, "credit"] as const),
  amount_cents: Cents("Money applied; a discount line is negative (tax forgiven)"),
});

const common = {
  ref: Type.String(),
  name: Type.String(),
  status: Type.String(),
  as_of: Type.String({ format: "date" }),
  amount_due_cents: Cents("The sum of the breakdown"),
  credit_cents: Cents("Overpayments held on the account; not netted from amount_due_cents"),
  breakdown: Type.Array(BreakdownLineSchema),
};

export const ParcelAccountSchema = Type.Object({
  kind: Type.Literal("parcel"),
  ...common,
  status: Type.Union([Type.Literal("current"), Type.Literal("delinquent"), Type.Literal("paid")]),
  situs_address: Type.String(),
  property_class: Type.Union([Type.Literal("residential"), Type.Literal("nonresidential")]),
  rule_set: Type.String(),
  tax_years: Type.Array(
    Type.Object({
      tax_year: Type.Integer(),
      base_tax_cents: Cents(),
      taxing_units: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), taxable_value_cents: Cents(), tax_cents: Cents() })),
      bills: Type.Array(
        Type.Object({
          bill_id: Type.String(),
          installment: Type.Optional(Type.Integer()),
          billed_on: Type.String({ format: "date" }),
          due_date: Type.String({ format: "date" }),
          delinquent: Type.Boolean(),
          tax_cents: Cents("Base tax of this bill"),
          amount_due_cents: Cents(),
        }),
      ),
    }),
  ),
});

export const CourtAccountSchema = Type.Object({
  kind: Type.Literal("court_case"),
  ...common,
  status: Type.Union([Type.Literal("open"), Type.Literal("paid")]),
  defendant: Type.String(),
  court: Type.String(),
  offense: Type.String(),
  filed_on: Type.String({ format: "date" }),
  assessments: Type.Array(
    Type.Object({
      assessment_id: Type.String(),
      category: Type.Enum(assessmentCategories),
      description: Type.String(),
      assessed_on: Type.String({ format: "date" }),
      amount_cents: Cents(),
      paid_cents: Cents(),
      balance_cents: Cents(),
      waterfall_version: Type.String(),
      waterfall_rank: Type.Integer({ description: "Tier of the waterfall: lower ranks are paid first" }),
    }),
  ),
});

export const UtilityAccountSchema = Type.Object({
  kind: Type.Literal("utility"),
  ...common,
  status: Type.Enum(["current", "past_due", "paid", "disconnected", "reconnect_eligible"]),
  service_address: Type.String(),
  service_status: Type.Union([Type.Literal("active"), Type.Literal("disconnected")]),
  disconnected_on: NullableDate,
  disconnect_amount_cents: Cents("What must be paid since disconnection to be reconnected"),
  reconnect_eligible: Type.Boolean(),
  bills: Type.Array(
    Type.Object({
      bill_id: Type.String(),
      description: Type.String(),
      bill_date: Type.String({ format: "date" }),
      due_date: Type.String({ format: "date" }),
      amount_cents: Cents(),
      late_fee_cents: Cents("10% of the first $3 plus 3% of the excess unpaid 10 days after the due date"),
      paid_cents: Cents(),
      balance_cents: Cents(),
    }),
  ),
});

export const PermitAccountSchema = Type.Object({
  kind: Type.Literal("permit"),
  ...common,
  status: Type.Union([Type.Literal("pending_payment"), Type.Literal("issued")]),
  permit_type: Type.String(),
  site_address: Type.String(),
  applied_on: Type.String({ format: "date" }),
  fee_cents: Cents(),
  paid_cents: Cents(),
  issued_at: NullableDateTime,
});

export const AccountSchema = Type.Union([ParcelAccountSchema, CourtAccountSchema, UtilityAccountSchema, PermitAccountSchema]);

export const EventSchema = Type.Object({
  event_id: Type.String(),
  ref: Type.String(),
  type: Type.Enum(["reconnect_eligible", "reconnect_eligibility_revoked", "permit_issued", "permit_issue_revoked"]),
  payment_id: Type.String(),
  created_at: Type.String({ format: "date-time" }),
});

export const PaymentRequestSchema = Type.Object(
  {
    payment_id: Type.String({ pattern: "^[A-Za-z0-9_.:-]{1,64}$", description: "The caller's id for this payment: the idempotency key" }),
    kind: KindSchema,
    ref: Type.String({ pattern: "^[A-Za-z0-9-]{4,32}$", description: "The account number; letters are read as capitals" }),
    amount_cents: Type.Integer({ minimum: 1, maximum: 10_000_000_000 }),
    paid_at: Type.String({ format: "date-time", description: "When the payer paid; P&I is figured as of its county date" }),
    method: Type.String({ pattern: "^[a-z][a-z0-9_]{0,31}$", description: "card, ach, check, cash, wire, …" }),
  },
  { additionalProperties: false },
);

export const PaymentSchema = Type.Object({
  payment_id: Type.String(),
  receipt_number: Type.String(),
  kind: KindSchema,
  ref: Type.String(),
  amount_cents: Cents(),
  paid_at: Type.String({ format: "date-time" }),
  method: Type.String(),
  status: Type.Union([Type.Literal("applied"), Type.Literal("reversed")]),
  applied: Type.Array(AppliedLineSchema),
  credit_cents: Cents("The part of this payment held as a credit (overpayment)"),
  amount_due_after_cents: Cents("The account's amount due right after this payment, as of its paid date"),
  source: Type.Union([Type.Literal("api"), Type.Literal("posting_file"), Type.Literal("seed")]),
  recorded_at: Type.String({ format: "date-time" }),
  reversed: Type.Boolean(),
  reversed_at: NullableDateTime,
  reversal_reason: Type.Union([Type.String(), Type.Null()]),
});

export const ReversalRequestSchema = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);

export const ReversalSchema = Type.Object({
  payment_id: Type.String(),
  reversed: Type.Literal(true),
  receipt_number: Type.String(),
  reversed_at: Type.String({ format: "date-time" }),
  reason: Type.String(),
});

export const PostingReportSchema = Type.Object({
  accepted: Type.Integer({ description: "Rows applied now" }),
  duplicates: Type.Integer({ description: "Rows whose payment_id had landed before with the same fields: nothing done" }),
  rejected: Type.Array(
    Type.Object({
      line: Type.Integer({ description: "Line in the file; the header is line 1" }),
      code: Type.Enum(postingRowCodes),
      detail: Type.String(),
    }),
  ),
  receipts: Type.Array(Type.Object({ line: Type.Integer(), payment_id: Type.String(), receipt_number: Type.String() })),
});

export const FaultsSchema = Type.Object({
  latency_ms: Type.Integer({ minimum: 0, maximum: 60_000 }),
  error_rate: Type.Number({ minimum: 0, maximum: 1 }),
  down: Type.Boolean(),
  down_mode: Type.Union([Type.Literal("unavailable"), Type.Literal("reset")]),
});

export const AsOfQuery = Type.Object({
  as_of: Type.Optional(Type.String({ format: "date", description: "YYYY-MM-DD; default today in America/Chicago" })),
});

export const DemoRefSchema = Type.Object({
  kind: KindSchema,
  ref: Type.String(),
  name: Type.String(),
  status: Type.String(),
  amount_due_cents: Cents(),
});
