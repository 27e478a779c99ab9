import swagger from "@fastify/swagger";
import type { ConnectorRegistry } from "../accounts/index.ts";
import type { CardProcessor } from "../cards/index.ts";
import { createHttpServer, type Database, type HttpServer, type Logger, type Metrics, operationsRoutes } from "../platform/index.ts";
import type { VaultKeys } from "../vault/index.ts";
import { requireApiKey } from "./auth.ts";
import { renderDocsPage } from "./docs-page.ts";
import { requireIdempotencyKey } from "./idempotency.ts";
import { operationIdOf, shareProblemSchema } from "./openapi.ts";
import { accountRoutes } from "./routes/accounts.ts";
import { achRoutes } from "./routes/ach.ts";
import { agencyRoutes } from "./routes/agency.ts";
import { cardTransactionRoutes } from "./routes/card-transactions.ts";
import { counterPaymentRoutes } from "./routes/counter-payments.ts";
import { deadLetterRoutes } from "./routes/dead-letters.ts";
import { eventRoutes } from "./routes/events.ts";
import { ledgerRoutes } from "./routes/ledger.ts";
import { transactionRoutes } from "./routes/transactions.ts";
import { errorCatalogs } from "./schemas.ts";

export interface ApiDeps {
  readonly db: Database;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly version: string;
  /** Connectors to the agencies' systems of record, shared with the worker so limits hold across both. */
  readonly registry: ConnectorRegistry;
  readonly cards: {
    readonly processor: CardProcessor;
    readonly vaultKeys: VaultKeys;
    /** How long an unanswered processor call is left before a read asks the processor what happened. */
    readonly inDoubtAfterMs: number;
  };
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
      servers: [{ url: "/", description: "The Remit server that serves this document" }],
      components: {
        securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "A secret key: rk_test_… or rk_live_…" } },
      },
    },
    transform: ({ schema, url, route }) => ({
      schema: { ...schema, operationId: operationIdOf(String(route.method), url) } as typeof schema,
      url,
    }),
    transformObject: (documents) => shareProblemSchema((documents as { openapiObject: object }).openapiObject),
  });

  operationsRoutes(app, { db: deps.db, metrics: deps.metrics, isDraining: deps.isDraining ?? (() => false) });
  let docsPage: string | undefined;
  app.get("/docs", { schema: { hide: true } }, async (_request, reply) => {
    docsPage ??= renderDocsPage(app.swagger() as unknown as Parameters<typeof renderDocsPage>[0], errorCatalogs);
    return reply
      .type("text/html; charset=utf-8")
      .header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'")
      .send(docsPage);
  });
  const routeDeps = { ...deps, clock: deps.clock ?? (() => new Date()) };
  await app.register(async (v1) => {
    requireApiKey(v1, deps.db, "secret");
    requireIdempotencyKey(v1, deps.db);
    agencyRoutes(v1, routeDeps);
    ledgerRoutes(v1, routeDeps);
    accountRoutes(v1, routeDeps);
    counterPaymentRoutes(v1, routeDeps);
    cardTransactionRoutes(v1, { db: deps.db, clock: routeDeps.clock, ...deps.cards });
    achRoutes(v1, routeDeps);
    transactionRoutes(v1, routeDeps);
    deadLetterRoutes(v1, routeDeps);
    eventRoutes(v1, routeDeps);
  });
  return app;
}
