import { Type } from "typebox";
import { type Database, type HttpServer, platformError } from "../../src/platform/index.ts";
import { type BreakdownLine, courtBalance, parcelBalance, permitBalance, utilityBalance } from "../allocation.ts";
import { type IsoDate, isIsoDate } from "../dates.ts";
import { sorError } from "../errors.ts";
import { AccountSchema, AsOfQuery, EventSchema, KindSchema, ProblemSchema } from "../schemas.ts";
import { type AccountView, findAccountKind, listEvents, readAccount } from "../store.ts";

export interface RouteDeps {
  readonly db: Database;
  /** Today in the county (America/Chicago), for as_of defaults. */
  readonly today: () => IsoDate;
}

/** Balance reads: what an account owes on a date, with its breakdown. */
export function accountRoutes(app: HttpServer, deps: RouteDeps): void {
  const tags = ["accounts"];
  const params = Type.Object({ kind: KindSchema, ref: Type.String({ maxLength: 32 }) });

  app.get(
    "/v1/accounts/:kind/:ref",
    {
      schema: {
        tags,
        summary: "An account's amount due on a date, with its breakdown",
        description:
          "Parcels: one group of lines per open tax bill, penalty and interest from the county's rule set as of `as_of`. Court cases: one line per assessment with a balance. Utilities: each open bill and its late fee. Permits: the unpaid fee.",
        params,
        querystring: AsOfQuery,
        response: { 200: AccountSchema, 400: ProblemSchema, 404: ProblemSchema, 503: ProblemSchema },
      },
    },
    async (request) => {
      const asOf = asOfDate(request.query.as_of, deps.today);
      const view = await readAccount(deps.db, request.params.kind, request.params.ref.toUpperCase(), asOf);
      if (!view) throw sorError("account_not_found", `No ${request.params.kind.replace("_", " ")} account ${request.params.ref}`, "ref");
      return accountJson(view);
    },
  );

  app.get(
    "/v1/accounts/:kind/:ref/events",
    {
      schema: {
        tags,
        summary: "Workflow events of an account, newest first (reconnect eligibility, permit issue)",
        params,
        response: { 200: Type.Object({ data: Type.Array(EventSchema) }), 404: ProblemSchema, 503: ProblemSchema },
      },
    },
    async (request) => {
      const ref = request.params.ref.toUpperCase();
      if ((await findAccountKind(deps.db, ref)) !== request.params.kind)
        throw sorError("account_not_found", `No ${request.params.kind.replace("_", " ")} account ${ref}`, "ref");
      const events = await listEvents(deps.db, ref);
      return {
        data: events.map((e) => ({
          event_id: e.eventId,
          ref: e.ref,
          type: e.type,
          payment_id: e.paymentId,
          created_at: e.createdAt.toISOString(),
        })),
      };
    },
  );
}

/** as_of from the query, or today; dates the rules hold no law for are refused. */
export function asOfDate(text: string | undefined, today: () => IsoDate): IsoDate {
  if (text === undefined) return today();
  if (!isIsoDate(text) || text < "1990-01-01" || text > "2199-12-31") {
    throw platformError("invalid_request", `as_of must be a real date written YYYY-MM-DD, from 1990 to 2199; got "${text}"`, "as_of");
  }
  return text;
}

export function breakdownJson(line: BreakdownLine) {
  return {
    label: line.label,
    ...(line.taxYear !== null ? { tax_year: line.taxYear } : {}),
    ...(line.installment !== null ? { installment: line.installment } : {}),
    component: line.component,
    amount_cents: line.amountCents,
  };
}

export function accountJson(view: AccountView) {
  const base = { ref: view.ref, name: view.name, as_of: view.asOf };
  switch (view.kind) {
    case "parcel": {
      const balance = parcelBalance(view.state, view.asOf);
      const years = [...new Set(view.state.bills.map((b) => b.taxYear))].sort((a, b) => a - b);
      return {
        kind: "parcel" as const,
        ...base,
        status: balance.status,
        amount_due_cents: balance.amountDueCents,
        credit_cents: balance.creditCents,
        breakdown: balance.breakdown.map(breakdownJson),
        situs_address: view.situsAddress,
        property_class: view.state.propertyClass,
        rule_set: view.state.ruleSet,
        tax_years: years.map((taxYear) => ({
          tax_year: taxYear,
          base_tax_cents: view.state.bills.filter((b) => b.taxYear === taxYear).reduce((a, b) => a + b.taxCents, 0),
          taxing_units: view.levies
            .filter((l) => l.taxYear === taxYear)
            .map((l) => ({ code: l.unitCode, name: l.unitName, taxable_value_cents: l.taxableValueCents, tax_cents: l.taxCents })),
          bills: balance.bills
            .filter((d) => d.bill.taxYear === taxYear)
            .map((d) => ({
              bill_id: d.bill.billId,
              ...(d.bill.installment > 0 ? { installment: d.bill.installment } : {}),
              billed_on: d.bill.billedOn,
              due_date: d.dueDate,
              delinquent: d.delinquent,
              tax_cents: d.bill.taxCents,
              amount_due_cents: d.totalCents,
            })),
        })),
      };
    }
    case "court_case": {
      const balance = courtBalance(view.state);
      return {
        kind: "court_case" as const,
        ...base,
        status: balance.status,
        amount_due_cents: balance.amountDueCents,
        credit_cents: balance.creditCents,
        breakdown: balance.breakdown.map(breakdownJson),
        defendant: view.name,
        court: view.court,
        offense: view.offense,
        filed_on: view.filedOn,
        assessments: balance.assessments.map((a) => ({
          assessment_id: a.assessment.assessmentId,
          category: a.assessment.category,
          description: a.assessment.description,
          assessed_on: a.assessment.assessedOn,
          amount_cents: a.assessment.amountCents,
          paid_cents: a.paidCents,
          balance_cents: a.balanceCents,
          waterfall_version: a.waterfallVersion,
          waterfall_rank: a.rank,
        })),
      };
    }
    case "utility": {
      const balance = utilityBalance(view.state, view.asOf);
      return {
        kind: "utility" as const,
        ...base,
        status: balance.status,
        amount_due_cents: balance.amountDueCents,
        credit_cents: balance.creditCents,
        breakdown: balance.breakdown.map(breakdownJson),
        service_address: view.serviceAddress,
        service_status: view.state.serviceStatus,
        disconnected_on: view.disconnectedOn,
        disconnect_amount_cents: view.disconnectAmountCents,
        reconnect_eligible: view.state.reconnectEligible,
        bills: balance.bills.map((d) => ({
          bill_id: d.bill.billId,
          description: d.bill.description,
          bill_date: d.bill.billDate,
          due_date: d.bill.dueDate,
          amount_cents: d.bill.amountCents,
          late_fee_cents: d.lateFeeCents,
          paid_cents: d.principalPaidCents,
          balance_cents: d.principalDueCents + d.feesDueCents,
        })),
      };
    }
    case "permit": {
      const balance = permitBalance(view.state);
      return {
        kind: "permit" as const,
        ...base,
        status: view.state.status,
        amount_due_cents: balance.amountDueCents,
        credit_cents: balance.creditCents,
        breakdown: balance.breakdown.map(breakdownJson),
        permit_type: view.state.permitType,
        site_address: view.siteAddress,
        applied_on: view.appliedOn,
        fee_cents: view.state.feeCents,
        paid_cents: balance.paidCents,
        issued_at: view.issuedAt?.toISOString() ?? null,
      };
    }
  }
}
