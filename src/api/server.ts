import swagger from "@fastify/swagger";
import type { ConnectorRegistry } from "../accounts/index.ts";
import { createHttpServer, type Database, type HttpServer, type Logger, type Metrics, operationsRoutes } from "../platform/index.ts";
import { requireApiKey } from "./auth.ts";
import { requireIdempotencyKey } from "./idempotency.ts";
import { accountRoutes } from "./routes/accounts.ts";
import { agencyRoutes } from "./routes/agency.ts";
import { counterPaymentRoutes } from "./routes/counter-payments.ts";
import { deadLetterRoutes } from "./routes/dead-letters.ts";
import { ledgerRoutes } from "./routes/ledger.ts";

export interface ApiDeps {
  readonly db: Database;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly version: string;
  /** Connectors to the agencies' systems of record, shared with the worker so limits hold across both. */
  readonly registry: ConnectorRegistry;
  readonly clock?: () => Date;
  /** True once shutdown has begun: readiness fails so load balancers stop sending traffic. */
  readonly isDraining?: () => boolean;
}

/** The Collections API listener: operations endpoints and the authenticated `/v1` routes. */
export async function buildApiServer(deps: ApiDeps): Promise<HttpServer> {
  const app = createHttpServer({ name: "api", logger: deps.logger, metrics: deps.metrics });
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Remit Collections API",
        version: deps.version,
        description: "Card and ACH payments for government agencies, posted live to their systems of record.",
        license: { name: "Apache-2.0", identifier: "Apache-2.0" },
      },
      servers: [{ url: "http://localhost:8080" }],
      components: {
        securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "A secret key: rk_test_… or rk_live_…" } },
      },
    },
  });

  operationsRoutes(app, { db: deps.db, metrics: deps.metrics, isDraining: deps.isDraining ?? (() => false) });
  const routeDeps = { ...deps, clock: deps.clock ?? (() => new Date()) };
  await app.register(async (v1) => {
    requireApiKey(v1, deps.db, "secret");
    requireIdempotencyKey(v1, deps.db);
    agencyRoutes(v1, routeDeps);
    ledgerRoutes(v1, routeDeps);
    accountRoutes(v1, routeDeps);
    counterPaymentRoutes(v1, routeDeps);
    deadLetterRoutes(v1, routeDeps);
  });
  return app;
}
