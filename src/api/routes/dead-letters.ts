import { Type } from "typebox";
import { listDeadLetters, replayDeadLetter } from "../../outbox/index.ts";
import type { Database, HttpServer } from "../../platform/index.ts";
import { IdempotencyHeader, problemResponses } from "../schemas.ts";

const DeadLetterSchema = Type.Object({
  id: Type.String(),
  topic: Type.String(),
  attempts: Type.Integer(),
  last_error: Type.Union([Type.String(), Type.Null()]),
  payload: Type.Unknown(),
  created_at: Type.String({ format: "date-time" }),
  dead_at: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
});

/** Effects that could not be carried out (a posting the system refused, retries exhausted), for staff to fix and replay. */
export function deadLetterRoutes(app: HttpServer, deps: { db: Database; clock: () => Date }): void {
  const tags = ["dead letters"];
  const security = [{ apiKey: [] }];
  app.get(
    "/v1/dead-letters",
    {
      schema: {
        tags,
        security,
        summary: "The agency's dead letters, newest first",
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 100 })) }),
        response: {
          200: Type.Object({ data: Type.Array(DeadLetterSchema), has_more: Type.Boolean(), next_cursor: Type.Null() }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 100;
      const letters = await listDeadLetters(deps.db, request.caller.agencyId, limit);
      return {
        data: letters.map((m) => ({
          id: m.id,
          topic: m.topic,
          attempts: m.attempts,
          last_error: m.lastError,
          payload: m.payload,
          created_at: m.createdAt.toISOString(),
          dead_at: m.completedAt?.toISOString() ?? null,
        })),
        has_more: letters.length === limit,
        next_cursor: null,
      };
    },
  );

  app.post(
    "/v1/dead-letters/:id/replay",
    {
      schema: {
        tags,
        security,
        summary: "Put a dead letter back in the queue with a fresh attempt budget",
        headers: IdempotencyHeader,
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 202: Type.Object({ id: Type.String(), status: Type.Literal("pending") }), ...problemResponses },
      },
    },
    async (request, reply) => {
      await replayDeadLetter(deps.db, request.caller.agencyId, request.params.id, deps.clock());
      return reply.code(202).send({ id: request.params.id, status: "pending" as const });
    },
  );
}
