import type { AddressInfo } from "node:net";
import { Type } from "typebox";
import { createHttpServer, type Database, type HttpServer, type Logger, type Metrics } from "../platform/index.ts";
import { defaultVaultRateLimits, tokenRoutes, type VaultRateLimits } from "./adapters/token-routes.ts";
import type { VaultKeys } from "./domain/envelope.ts";
import { hostedFieldRoutes } from "./hosted-fields/index.ts";

export interface VaultServerDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly db: Database;
  readonly keys: VaultKeys;
  /**
   * The vault's origin as browsers see it (`Config.vaultPublicUrl`); tokenize requests must carry
   * it in `Origin`. Absent: the address this listener is bound to, once it listens.
   */
  readonly origin?: string | undefined;
  readonly clock?: () => Date;
  readonly rateLimits?: Partial<VaultRateLimits>;
}

/**
 * The vault's own listener, on its own port and origin: the only place card and bank-account
 * numbers ever arrive. It issues tokens for them and has no route that returns them.
 */
export async function buildVaultServer(deps: VaultServerDeps): Promise<HttpServer> {
  const app = createHttpServer({ name: "vault", logger: deps.logger, metrics: deps.metrics });
  app.get("/healthz", { schema: { response: { 200: Type.Object({ status: Type.Literal("ok") }) } } }, async () => ({
    status: "ok" as const,
  }));
  await tokenRoutes(app, {
    db: deps.db,
    keys: deps.keys,
    clock: deps.clock ?? (() => new Date()),
    origin: () => deps.origin ?? listeningOrigin(app),
    rateLimits: { ...defaultVaultRateLimits, ...deps.rateLimits },
  });
  hostedFieldRoutes(app, { db: deps.db, vaultOrigin: () => deps.origin ?? listeningOrigin(app) ?? "" });
  return app;
}

function listeningOrigin(app: HttpServer): string | undefined {
  const address = app.server.address() as AddressInfo | null;
  if (!address) return undefined;
  return `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
}
