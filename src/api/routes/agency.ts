import { Type } from "typebox";
import { getAgency } from "../../agencies/index.ts";
import type { Database, HttpServer } from "../../platform/index.ts";
import { problemResponses } from "../schemas.ts";

const AgencySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  time_zone: Type.String(),
  allowed_origins: Type.Array(Type.String()),
  duplicate_window_seconds: Type.Integer({
    description: "The same card or bank account, account and amount again within this window is refused as a duplicate",
  }),
  livemode: Type.Boolean({ description: "True when the key used is a live key" }),
  created_at: Type.String({ format: "date-time" }),
});

export function agencyRoutes(app: HttpServer, deps: { db: Database }): void {
  app.get(
    "/v1/agency",
    {
      schema: {
        tags: ["agency"],
        summary: "The agency that owns the API key",
        security: [{ apiKey: [] }],
        response: { 200: AgencySchema, ...problemResponses },
      },
    },
    async (request) => {
      const agency = await getAgency(deps.db, request.caller.agencyId);
      return {
        id: agency.id,
        name: agency.name,
        time_zone: agency.timeZone,
        allowed_origins: [...agency.allowedOrigins],
        duplicate_window_seconds: agency.duplicateWindowSeconds,
        livemode: request.caller.mode === "live",
        created_at: agency.createdAt.toISOString(),
      };
    },
  );
}
