import { Type } from "typebox";
import type { HttpServer } from "../../src/platform/index.ts";
import type { Faults } from "../faults.ts";
import { DemoRefSchema, FaultsSchema } from "../schemas.ts";
import { queryDemoRefs } from "../store.ts";
import { asOfDate, type RouteDeps } from "./accounts.ts";

/**
 * Test controls, never touched by fault injection. Unauthenticated: the reference SOR is a demo
 * and test double, bound to 127.0.0.1 unless HOST says otherwise.
 */
export function adminRoutes(app: HttpServer, deps: RouteDeps & { faults: Faults }): void {
  const tags = ["admin"];
  const faultsJson = () => ({
    latency_ms: deps.faults.latencyMs,
    error_rate: deps.faults.errorRate,
    down: deps.faults.down,
    down_mode: deps.faults.downMode,
  });

  app.get("/admin/faults", { schema: { tags, summary: "The faults in force", response: { 200: FaultsSchema } } }, async () => faultsJson());

  app.put(
    "/admin/faults",
    {
      schema: {
        tags,
        summary: "Set faults on /v1: added latency, a share of 503 answers, or down",
        description: "Fields left out keep their value; PUT {} changes nothing, PUT {latency_ms:0,error_rate:0,down:false} clears all.",
        body: Type.Partial(FaultsSchema, { additionalProperties: false }),
        response: { 200: FaultsSchema },
      },
    },
    async (request) => {
      const body = request.body;
      if (body.latency_ms !== undefined) deps.faults.latencyMs = body.latency_ms;
      if (body.error_rate !== undefined) deps.faults.errorRate = body.error_rate;
      if (body.down !== undefined) deps.faults.down = body.down;
      if (body.down_mode !== undefined) deps.faults.downMode = body.down_mode;
      request.log.warn({ faults: faultsJson() }, "faults changed");
      return faultsJson();
    },
  );

  app.get(
    "/admin/demo-refs",
    {
      schema: {
        tags,
        summary: "A few accounts of each kind to try: current, delinquent, past due, disconnected, pending",
        querystring: Type.Object({ as_of: Type.Optional(Type.String({ format: "date" })) }),
        response: { 200: Type.Object({ data: Type.Array(DemoRefSchema) }) },
      },
    },
    async (request) => {
      const refs = await queryDemoRefs(deps.db, { asOf: asOfDate(request.query.as_of, deps.today) });
      return {
        data: refs.map((r) => ({ kind: r.kind, ref: r.ref, name: r.name, status: r.status, amount_due_cents: r.amountDueCents })),
      };
    },
  );
}
