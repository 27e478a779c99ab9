import { Type } from "typebox";
import { createHttpServer, type HttpServer, type Logger, type Metrics } from "../platform/index.ts";

/**
 * The vault's own listener, on its own port and origin: the only place card and bank-account
 * numbers will ever arrive. It has no route that returns them.
 */
export async function buildVaultServer(deps: { logger: Logger; metrics: Metrics }): Promise<HttpServer> {
  const app = createHttpServer({ name: "vault", logger: deps.logger, metrics: deps.metrics });
  app.get("/healthz", { schema: { response: { 200: Type.Object({ status: Type.Literal("ok") }) } } }, async () => ({
    status: "ok" as const,
  }));
  return app;
}
