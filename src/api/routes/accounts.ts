import { Temporal } from "temporal-polyfill";
import { Type } from "typebox";
import { amountDueCents, type ConnectorRegistry, readBalance } from "../../accounts/index.ts";
import { getAgency } from "../../agencies/index.ts";
import type { Database, HttpServer } from "../../platform/index.ts";
import { unpostedCents } from "../../posting/index.ts";
import { ProblemSchema, problemResponses, StringEnum } from "../schemas.ts";

const ComponentSchema = StringEnum(["tax", "penalty", "interest", "fees", "discount", "principal"]);

export const AccountBalanceSchema = Type.Object({
  system: Type.String(),
  ref: Type.String(),
  name: Type.String(),
  status: Type.String({ description: "The account's status in its system of record (e.g. current, delinquent)" }),
  amount_due: Type.Integer({
    description: "What the payer owes today, in cents: the system's balance less payments accepted but not yet posted",
  }),
  currency: Type.Literal("usd"),
  system_balance: Type.Integer({ description: "The balance the system of record reports, in cents" }),
  pending_payments: Type.Integer({ description: "Payments Remit accepted that the system does not show yet, in cents" }),
  breakdown: Type.Array(
    Type.Object({ label: Type.String(), component: ComponentSchema, tax_year: Type.Optional(Type.Integer()), amount: Type.Integer() }),
  ),
  freshness: Type.Object({
    source: Type.Union([Type.Literal("live"), Type.Literal("snapshot")]),
    as_of: Type.String({ format: "date", description: "The day the balance is computed for, in the agency's time zone" }),
    read_at: Type.String({ format: "date-time", description: "When Remit read it" }),
  }),
});

export function accountRoutes(app: HttpServer, deps: { db: Database; registry: ConnectorRegistry; clock: () => Date }): void {
  app.get(
    "/v1/accounts/:system/:ref",
    {
      schema: {
        tags: ["accounts"],
        security: [{ apiKey: [] }],
        summary: "An account's amount due today, read live from its system of record",
        params: Type.Object({ system: Type.String({ pattern: "^[a-z0-9_]{1,64}$" }), ref: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: AccountBalanceSchema, ...problemResponses, 502: ProblemSchema, 503: ProblemSchema, 504: ProblemSchema },
      },
    },
    async (request) => {
      const { agencyId } = request.caller;
      const account = { system: request.params.system, ref: request.params.ref };
      const agency = await getAgency(deps.db, agencyId);
      const today = Temporal.Instant.fromEpochMilliseconds(deps.clock().getTime())
        .toZonedDateTimeISO(agency.timeZone)
        .toPlainDate()
        .toString();
      const [balance, pending] = await Promise.all([
        readBalance(deps.db, deps.registry, agencyId, account, today),
        unpostedCents(deps.db, agencyId, account),
      ]);
      return {
        system: account.system,
        ref: balance.ref,
        name: balance.name,
        status: balance.status,
        amount_due: amountDueCents(balance, pending),
        currency: "usd" as const,
        system_balance: balance.amountDueCents,
        pending_payments: pending,
        breakdown: balance.breakdown.map((line) => ({
          label: line.label,
          component: line.component,
          ...(line.taxYear === undefined ? {} : { tax_year: line.taxYear }),
          amount: line.amountCents,
        })),
        freshness: { source: balance.source, as_of: balance.asOf, read_at: balance.readAt.toISOString() },
      };
    },
  );
}
