import { Type } from "typebox";
import {
  type AchDeps,
  type AchSchedule,
  type AchStatus,
  achAmountCentsMax,
  achTransitions,
  cancelEntry,
  cancelSchedule,
  createDebit,
  createPrenote,
  createSchedule,
  type EntryRecord,
  getAchDebit,
  getAchPrenote,
  getSchedule,
  listScheduleDebits,
  nonBusinessDayRules,
  scheduleDebitsMax,
  scheduleFrequencies,
  secCodes,
} from "../../ach/index.ts";
import type { Database, HttpServer } from "../../platform/index.ts";
import { getPosting, getPostings, type Posting } from "../../posting/index.ts";
import { IdempotencyHeader, IdParams, ProblemSchema, problemResponses, StringEnum } from "../schemas.ts";
import { AccountRefSchema, PostingSchema, postingJson } from "./counter-payments.ts";

export const achStatuses = Object.keys(achTransitions) as AchStatus[];

const DateSchema = (description?: string) => Type.String({ format: "date", ...(description ? { description } : {}) });
const Timestamp = Type.Union([Type.String({ format: "date-time" }), Type.Null()]);
const NullableString = Type.Union([Type.String(), Type.Null()]);

const BankAccountSchema = Type.Object({
  routing_number: Type.String(),
  last4: Type.String(),
  account_type: StringEnum(["checking", "savings"]),
});

const statusDescription =
  "created: held until the bank account's prenote period has passed; scheduled: deferred to its effective date; pending_submission: in the next file to the bank; submitted: sent; settled; returned (see return_code); canceled (see cancel_reason)";

export const AchDebitSchema = Type.Object({
  id: Type.String(),
  object: Type.Literal("ach_debit"),
  status: StringEnum(achStatuses, { description: statusDescription }),
  amount: Type.Integer({ description: "In cents" }),
  currency: Type.Literal("usd"),
  sec_code: StringEnum(secCodes),
  effective_date: DateSchema("The day the payer asked to be debited; it settles then or on the next FedACH business day"),
  same_day: Type.Boolean(),
  bank_account: BankAccountSchema,
  individual_name: Type.String({ description: "The payer's name as the bank receives it" }),
  account: Type.Union([AccountRefSchema, Type.Null()]),
  agency_tracking_id: NullableString,
  description: NullableString,
  schedule_id: NullableString,
  trace_number: Type.Union([Type.String(), Type.Null()], { description: "Set once the debit is in a file sent to the bank" }),
  return_code: Type.Union([Type.String(), Type.Null()], { description: "The bank's R-code when returned, e.g. R01 (insufficient funds)" }),
  return_reason: NullableString,
  cancel_reason: NullableString,
  posting: PostingSchema,
  created_at: Type.String({ format: "date-time" }),
  submitted_at: Timestamp,
  settled_at: Timestamp,
  returned_at: Timestamp,
  canceled_at: Timestamp,
});

const AchPrenoteSchema = Type.Object({
  id: Type.String(),
  object: Type.Literal("ach_prenote"),
  status: StringEnum(achStatuses),
  sec_code: StringEnum(secCodes),
  effective_date: DateSchema(),
  bank_account: BankAccountSchema,
  individual_name: Type.String(),
  trace_number: NullableString,
  return_code: Type.Union([Type.String(), Type.Null()], {
    description: "Set when the bank returned the prenote: the account cannot be debited",
  }),
  return_reason: NullableString,
  cancel_reason: NullableString,
  created_at: Type.String({ format: "date-time" }),
  submitted_at: Timestamp,
  returned_at: Timestamp,
  canceled_at: Timestamp,
});

const AchScheduleSchema = Type.Object({
  id: Type.String(),
  object: Type.Literal("ach_schedule"),
  status: StringEnum(["active", "completed", "canceled"], { description: "completed: every date has its debit" }),
  amount: Type.Integer({ description: "In cents, for each debit" }),
  currency: Type.Literal("usd"),
  sec_code: StringEnum(secCodes),
  frequency: StringEnum(scheduleFrequencies),
  start_date: DateSchema(),
  end_date: Type.Union([DateSchema(), Type.Null()]),
  count: Type.Union([Type.Integer(), Type.Null()]),
  dates: Type.Array(DateSchema(), { description: "An installment plan's dates (frequency dates)" }),
  non_business_day: StringEnum(nonBusinessDayRules),
  bank_account: BankAccountSchema,
  account: Type.Union([AccountRefSchema, Type.Null()]),
  agency_tracking_id: NullableString,
  debits_created: Type.Integer({ description: "How many of the dates have their debit (made a few business days ahead)" }),
  next_date: Type.Union([DateSchema(), Type.Null()], { description: "The next date without its debit yet" }),
  created_at: Type.String({ format: "date-time" }),
  canceled_at: Timestamp,
});

const BankAccountToken = Type.String({
  pattern: "^btok_[0-9A-Za-z]{1,64}$",
  description: "From the hosted bank-account fields (remit.js)",
});
const SecCode = StringEnum(secCodes, {
  description: "WEB: authorized online; TEL: by phone; PPD: a consumer's signed authorization; CCD: a company's",
});
const AuthorizationText = Type.String({
  maxLength: 2000,
  description:
    "The payer's authorization, as the SEC code requires: WEB the online consent, TEL the oral authorization's confirmation, PPD/CCD the signed agreement's reference",
});
const Amount = Type.Integer({ minimum: 1, maximum: achAmountCentsMax, description: "In cents" });

const NewPrenoteSchema = Type.Object(
  {
    bank_account_token: BankAccountToken,
    sec_code: SecCode,
    individual_name: Type.Optional(Type.String({ maxLength: 100, description: "The account holder's name, if the token has none" })),
  },
  { additionalProperties: false },
);

const NewDebitSchema = Type.Object(
  {
    bank_account_token: BankAccountToken,
    amount: Amount,
    currency: Type.Optional(Type.Literal("usd")),
    sec_code: SecCode,
    authorization_text: Type.Optional(AuthorizationText),
    effective_date: Type.Optional(
      DateSchema("Deferred when later than the next FedACH business day; absent: the first date the next file can carry"),
    ),
    same_day: Type.Optional(
      Type.Boolean({ description: "Same Day ACH: effective today, at most $1,000,000, if the agency's bank offers it" }),
    ),
    account: Type.Optional(AccountRefSchema),
    agency_tracking_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    allow_duplicate: Type.Optional(
      Type.Boolean({ description: "Debit even if the same bank account paid the same amount for the same account moments ago" }),
    ),
  },
  { additionalProperties: false },
);

const NewScheduleSchema = Type.Object(
  {
    bank_account_token: BankAccountToken,
    amount: Amount,
    currency: Type.Optional(Type.Literal("usd")),
    sec_code: SecCode,
    authorization_text: Type.Optional(AuthorizationText),
    frequency: StringEnum(scheduleFrequencies, { description: "dates: an installment plan, debited on each of `dates`" }),
    start_date: Type.Optional(DateSchema("The first date (weekly, monthly, quarterly); monthly on the 31st means each month's last day")),
    end_date: Type.Optional(DateSchema("No debit after this date")),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: scheduleDebitsMax, description: "How many debits in all" })),
    dates: Type.Optional(Type.Array(DateSchema(), { minItems: 1, maxItems: scheduleDebitsMax, description: "For frequency dates" })),
    non_business_day: Type.Optional(
      StringEnum(nonBusinessDayRules, { description: "A date FedACH is closed: debit on the next business day (default) or skip it" }),
    ),
    account: Type.Optional(AccountRefSchema),
    agency_tracking_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  },
  { additionalProperties: false },
);

const iso = (d: Date | null) => d?.toISOString() ?? null;

const bankAccountJson = (e: { routingNumber: string; accountLast4: string; accountType: "checking" | "savings" }) => ({
  routing_number: e.routingNumber,
  last4: e.accountLast4,
  account_type: e.accountType,
});

/** An ACH debit as the API shows it, with its posting's state (from `postings` when a list read them at once). */
export async function achDebitJson(db: Database, d: EntryRecord, postings?: ReadonlyMap<string, Posting>) {
  const id = d.postingPaymentId;
  const posting = id === null ? undefined : postings ? postings.get(id) : await getPosting(db, d.agencyId, id);
  return {
    id: d.id,
    object: "ach_debit" as const,
    status: d.status,
    amount: d.amountCents,
    currency: "usd" as const,
    sec_code: d.secCode,
    effective_date: d.effectiveDate,
    same_day: d.sameDay,
    bank_account: bankAccountJson(d),
    individual_name: d.individualName,
    account: d.account,
    agency_tracking_id: d.agencyTrackingId,
    description: d.description,
    schedule_id: d.scheduleId,
    trace_number: d.traceNumber,
    return_code: d.returnCode,
    return_reason: d.returnReason,
    cancel_reason: d.cancelReason,
    posting: postingJson(posting),
    created_at: d.createdAt.toISOString(),
    submitted_at: iso(d.submittedAt),
    settled_at: iso(d.settledAt),
    returned_at: iso(d.returnedAt),
    canceled_at: iso(d.canceledAt),
  };
}

function prenoteJson(p: EntryRecord) {
  return {
    id: p.id,
    object: "ach_prenote" as const,
    status: p.status,
    sec_code: p.secCode,
    effective_date: p.effectiveDate,
    bank_account: bankAccountJson(p),
    individual_name: p.individualName,
    trace_number: p.traceNumber,
    return_code: p.returnCode,
    return_reason: p.returnReason,
    cancel_reason: p.cancelReason,
    created_at: p.createdAt.toISOString(),
    submitted_at: iso(p.submittedAt),
    returned_at: iso(p.returnedAt),
    canceled_at: iso(p.canceledAt),
  };
}

function scheduleJson(s: AchSchedule) {
  return {
    id: s.id,
    object: "ach_schedule" as const,
    status: s.status,
    amount: s.amountCents,
    currency: "usd" as const,
    sec_code: s.secCode,
    frequency: s.plan.frequency,
    start_date: s.plan.startDate,
    end_date: s.plan.endDate,
    count: s.plan.count,
    dates: [...s.plan.dates],
    non_business_day: s.plan.nonBusinessDay,
    bank_account: bankAccountJson(s),
    account: s.account,
    agency_tracking_id: s.agencyTrackingId,
    debits_created: s.debitsCreated,
    next_date: s.nextDate,
    created_at: s.createdAt.toISOString(),
    canceled_at: iso(s.canceledAt),
  };
}

/** ACH: prenotes, debits (next-day, same-day, deferred), recurring schedules, cancel and inquiry. */
export function achRoutes(app: HttpServer, deps: AchDeps): void {
  const security = [{ apiKey: [] }];
  /** 409: duplicate, token used, no originating bank, not cancelable; 410: token expired; 422: idempotency key reused. */
  const creationProblems = { ...problemResponses, 409: ProblemSchema, 410: ProblemSchema, 422: ProblemSchema };

  app.post(
    "/v1/ach-prenotes",
    {
      schema: {
        tags: ["ACH prenotes"],
        security,
        summary: "A prenotification: a $0 entry proving the bank account before live debits",
        description: "Sent in the next file to the bank. If the bank returns it, debits to the account are refused (or canceled, if held).",
        headers: IdempotencyHeader,
        body: NewPrenoteSchema,
        response: { 201: AchPrenoteSchema, ...creationProblems },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const prenote = await createPrenote(deps, request.caller.agencyId, {
        bankAccountToken: body.bank_account_token,
        secCode: body.sec_code,
        individualName: body.individual_name,
      });
      reply.code(201);
      return prenoteJson(prenote);
    },
  );

  app.get(
    "/v1/ach-prenotes/:id",
    {
      schema: {
        tags: ["ACH prenotes"],
        security,
        summary: "An ACH prenote",
        params: IdParams,
        response: { 200: AchPrenoteSchema, ...problemResponses },
      },
    },
    async (request) => prenoteJson(await getAchPrenote(deps.db, request.caller.agencyId, request.params.id)),
  );

  app.post(
    "/v1/ach-debits",
    {
      schema: {
        tags: ["ACH debits"],
        security,
        summary: "An ACH debit: next-day, same-day, or deferred to a later effective date",
        description:
          "201 with the debit: pending_submission when it goes in the next file, scheduled when its effective date is later than the next FedACH business day, created (held) while the bank account's prenote period runs when the agency's bank requires prenotes. 409 duplicate_transaction when the same bank account paid the same amount for the same account within the agency's window.",
        headers: IdempotencyHeader,
        body: NewDebitSchema,
        response: { 201: AchDebitSchema, ...creationProblems },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const debit = await createDebit(deps, request.caller.agencyId, {
        bankAccountToken: body.bank_account_token,
        amountCents: body.amount,
        secCode: body.sec_code,
        authorizationText: body.authorization_text,
        effectiveDate: body.effective_date,
        sameDay: body.same_day,
        account: body.account,
        agencyTrackingId: body.agency_tracking_id,
        description: body.description,
        allowDuplicate: body.allow_duplicate,
      });
      reply.code(201);
      return achDebitJson(deps.db, debit);
    },
  );

  app.get(
    "/v1/ach-debits/:id",
    {
      schema: {
        tags: ["ACH debits"],
        security,
        summary: "An ACH debit",
        params: IdParams,
        response: { 200: AchDebitSchema, ...problemResponses },
      },
    },
    async (request) => achDebitJson(deps.db, await getAchDebit(deps.db, request.caller.agencyId, request.params.id)),
  );

  app.post(
    "/v1/ach-debits/:id/cancel",
    {
      schema: {
        tags: ["ACH debits"],
        security,
        summary: "Cancel an ACH debit before it is sent to the bank",
        description: "Held, scheduled and pending debits can be canceled; once in a file sent to the bank, 409 ach_not_cancelable.",
        headers: IdempotencyHeader,
        params: IdParams,
        response: { 200: AchDebitSchema, ...problemResponses, 409: ProblemSchema, 422: ProblemSchema },
      },
    },
    async (request) => {
      const debit = await getAchDebit(deps.db, request.caller.agencyId, request.params.id);
      return achDebitJson(deps.db, await cancelEntry(deps, debit.agencyId, debit.id));
    },
  );

  app.post(
    "/v1/ach-schedules",
    {
      schema: {
        tags: ["ACH schedules"],
        security,
        summary: "A recurring ACH debit: weekly, monthly, quarterly, or an installment plan's dates",
        description: `Give start_date with end_date or count (or neither: until canceled, at most ${scheduleDebitsMax} debits), or frequency dates with dates. Each debit is made a few business days before its date and follows the rules of any debit.`,
        headers: IdempotencyHeader,
        body: NewScheduleSchema,
        response: { 201: AchScheduleSchema, ...creationProblems },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const schedule = await createSchedule(deps, request.caller.agencyId, {
        bankAccountToken: body.bank_account_token,
        amountCents: body.amount,
        secCode: body.sec_code,
        authorizationText: body.authorization_text,
        frequency: body.frequency,
        startDate: body.start_date,
        endDate: body.end_date,
        count: body.count,
        dates: body.dates,
        nonBusinessDay: body.non_business_day,
        account: body.account,
        agencyTrackingId: body.agency_tracking_id,
      });
      reply.code(201);
      return scheduleJson(schedule);
    },
  );

  app.get(
    "/v1/ach-schedules/:id",
    {
      schema: {
        tags: ["ACH schedules"],
        security,
        summary: "An ACH schedule",
        params: IdParams,
        response: { 200: AchScheduleSchema, ...problemResponses },
      },
    },
    async (request) => scheduleJson(await getSchedule(deps.db, request.caller.agencyId, request.params.id)),
  );

  app.get(
    "/v1/ach-schedules/:id/debits",
    {
      schema: {
        tags: ["ACH schedules"],
        security,
        summary: "The debits a schedule has made so far, newest first (at most 100)",
        params: IdParams,
        response: { 200: Type.Object({ data: Type.Array(AchDebitSchema) }), ...problemResponses },
      },
    },
    async (request) => {
      const debits = await listScheduleDebits(deps.db, request.caller.agencyId, request.params.id);
      const postings = await getPostings(
        deps.db,
        request.caller.agencyId,
        debits.flatMap((d) => d.postingPaymentId ?? []),
      );
      return { data: await Promise.all(debits.map((d) => achDebitJson(deps.db, d, postings))) };
    },
  );

  app.post(
    "/v1/ach-schedules/:id/cancel",
    {
      schema: {
        tags: ["ACH schedules"],
        security,
        summary: "Cancel a schedule and its debits not yet sent to the bank",
        headers: IdempotencyHeader,
        params: IdParams,
        response: { 200: AchScheduleSchema, ...problemResponses, 422: ProblemSchema },
      },
    },
    async (request) => scheduleJson(await cancelSchedule(deps, request.caller.agencyId, request.params.id)),
  );
}
