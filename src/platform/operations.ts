import { Type } from "typebox";
import type { Database } from "./db/database.ts";
import { platformError } from "./errors.ts";
import { GenericProblemSchema, type HttpServer, type Metrics } from "./http.ts";

/**
 * Liveness, readiness, metrics and the OpenAPI document: unauthenticated, for operators. Every
 * listener with a database serves the same four (the API, the reference system of record).
 */
export function operationsRoutes(app: HttpServer, deps: { db: Database; metrics: Metrics; isDraining?: () => boolean }): void {
  const tags = ["operations"];
  // Open to anyone, by design: load balancers and orchestrators probe them without a key.
  const security: [] = [];
  app.get(
    "/healthz",
    {
      schema: { tags, security, summary: "Liveness: the process answers", response: { 200: Type.Object({ status: Type.Literal("ok") }) } },
    },
    async () => ({
      status: "ok" as const,
    }),
  );

  app.get(
    "/readyz",
    {
      schema: {
        tags,
        security,
        summary: "Readiness: the database answers and the process is not shutting down",
        response: { 200: Type.Object({ status: Type.Literal("ready") }), 503: GenericProblemSchema },
      },
    },
    async () => {
      if (deps.isDraining?.()) throw platformError("service_unavailable", "Shutting down");
      if (!(await deps.db.ping())) throw platformError("service_unavailable", "The database does not answer");
      return { status: "ready" as const };
    },
  );

  app.get("/metrics", { schema: { tags, summary: "Prometheus metrics", hide: true } }, async (_request, reply) => {
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });

  app.get("/openapi.json", { schema: { tags, summary: "This OpenAPI 3.1 document", hide: true } }, async () => app.swagger());
}
