import { Type } from "typebox";
import { type AgencyEvent, listEvents } from "../../ach/index.ts";
import type { Database, HttpServer } from "../../platform/index.ts";
import { problemResponses } from "../schemas.ts";

const EventSchema = Type.Object({
  id: Type.String(),
  object: Type.Literal("event"),
  type: Type.String({ description: "What happened, e.g. ach_debit.returned" }),
  data: Type.Record(Type.String(), Type.Unknown(), { description: "The object the event is about, as it was then" }),
  created_at: Type.String({ format: "date-time" }),
});

const ListEventsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10 })),
    starting_after: Type.Optional(Type.String({ maxLength: 64, description: "The last id of the previous page" })),
    type: Type.Optional(Type.String({ maxLength: 64, description: "Only events of this type" })),
  },
  { additionalProperties: false },
);

const eventJson = (e: AgencyEvent) => ({
  id: e.id,
  object: "event" as const,
  type: e.type,
  data: e.data,
  created_at: e.createdAt.toISOString(),
});

/** What happened to the agency's payments (an ACH debit returned, …), newest first. */
export function eventRoutes(app: HttpServer, deps: { db: Database }): void {
  app.get(
    "/v1/events",
    {
      schema: {
        tags: ["events"],
        security: [{ apiKey: [] }],
        summary: "The agency's events, newest first, paged by cursor",
        querystring: ListEventsQuery,
        response: {
          200: Type.Object({
            data: Type.Array(EventSchema),
            has_more: Type.Boolean(),
            next_cursor: Type.Union([Type.String(), Type.Null()], { description: "Pass as starting_after for the next page" }),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await listEvents(deps.db, request.caller.agencyId, {
        limit: q.limit ?? 10,
        startingAfter: q.starting_after,
        type: q.type,
      });
      const data = page.data.map(eventJson);
      return { data, has_more: page.hasMore, next_cursor: page.hasMore ? (data.at(-1)?.id ?? null) : null };
    },
  );
}
