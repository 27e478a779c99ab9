import swagger from "@fastify/swagger";
import { createHttpServer, type Database, type HttpServer, type Logger, type Metrics, operationsRoutes } from "../src/platform/index.ts";
import { countyDate, type IsoDate } from "./dates.ts";
import { type Faults, injectFaults } from "./faults.ts";
import { accountRoutes } from "./routes/accounts.ts";
import { adminRoutes } from "./routes/admin.ts";
import { fileRoutes } from "./routes/files.ts";
import { paymentRoutes } from "./routes/payments.ts";
import { defaultCounty } from "./store.ts";

export interface SorServerDeps {
  readonly db: Database;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Mutable: /admin/faults changes it in place. */
  readonly faults: Faults;
  /** The clock, for as_of defaults; a test passes a fixed one. */
  readonly now?: () => Date;
  readonly version?: string;
  readonly isDraining?: () => boolean;
}

/** The reference system of record's listener: its REST protocol, files, admin and OpenAPI document. */
export async function buildReferenceSorServer(deps: SorServerDeps): Promise<HttpServer> {
  const app = createHttpServer({ name: "reference-sor", logger: deps.logger, metrics: deps.metrics });
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Demo County system of record",
        version: deps.version ?? "0.1.0",
        description:
          "Remit's reference system of record: Demo County's property tax, court, utility and permit accounts. JSON with snake_case fields, amounts in integer cents, errors as problem+json with a stable `code` and a `detail`.",
        license: { name: "Apache-2.0", identifier: "Apache-2.0" },
      },
      servers: [{ url: "http://localhost:8090" }],
    },
  });
  const now = deps.now ?? (() => new Date());
  const today = (): IsoDate => countyDate(now(), defaultCounty.timeZone);
  injectFaults(app, deps.faults);

  operationsRoutes(app, { db: deps.db, metrics: deps.metrics, ...(deps.isDraining ? { isDraining: deps.isDraining } : {}) });

  const routeDeps = { db: deps.db, today };
  accountRoutes(app, routeDeps);
  paymentRoutes(app, routeDeps);
  fileRoutes(app, routeDeps);
  adminRoutes(app, { ...routeDeps, faults: deps.faults });
  return app;
}
