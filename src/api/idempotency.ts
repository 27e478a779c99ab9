import { createHash } from "node:crypto";
import { type Database, type HttpServer, platformError, problemContentType } from "../platform/index.ts";

declare module "fastify" {
  interface FastifyRequest {
    idempotencyKey: string | undefined;
  }
}

const keyPattern = /^[\x21-\x7e]{1,255}$/;

/** Keys are kept at least this long; the worker purges older ones. */
export const idempotencyKeyTtlMs = 48 * 60 * 60 * 1000;

/**
 * Idempotency-Key on every POST in the scope, per the IETF draft: a missing key is 400; the first
 * request runs and its response (unless a 5xx, which may be retried) is kept; a retry with the
 * same key and request gets that response again with `Idempotent-Replayed: true`; the same key
 * with a different request is 422; a retry while the first still runs is 409. Keys are scoped to
 * the calling agency. The key is claimed by an insert before the handler runs, so two concurrent
 * requests cannot both run.
 */
export function requireIdempotencyKey(app: HttpServer, db: Database): void {
  app.decorateRequest("idempotencyKey", undefined);

  // Checked before the body is validated, so a missing key is reported as such.
  app.addHook("preValidation", async (request) => {
    if (request.method !== "POST") return;
    const key = keyOf(request.headers["idempotency-key"]);
    if (!key)
      throw platformError("idempotency_key_missing", "Send an Idempotency-Key header (a unique value per operation, such as a UUID)");
    if (!keyPattern.test(key))
      throw platformError("invalid_request", "An Idempotency-Key has 1 to 255 printable ASCII characters", "Idempotency-Key");
  });

  app.addHook("preHandler", async (request, reply) => {
    if (request.method !== "POST") return;
    const key = keyOf(request.headers["idempotency-key"]) as string;

    const { agencyId } = request.caller;
    const digest = createHash("sha256")
      .update(`${request.method} ${request.url}\n${canonicalJson(request.body ?? null)}`)
      .digest();
    const claimed = await db.query(
      `INSERT INTO idempotency_keys (agency_id, key, request_digest, status, created_at) VALUES ($1, $2, $3, 'in_flight', $4)
       ON CONFLICT (agency_id, key) DO NOTHING RETURNING key`,
      [agencyId, key, digest, new Date()],
    );
    if (claimed.length === 1) {
      request.idempotencyKey = key;
      return;
    }
    const [first] = await db.query<{
      request_digest: Uint8Array;
      status: string;
      response_status: number | null;
      response_body: string | null;
    }>("SELECT request_digest, status, response_status, response_body FROM idempotency_keys WHERE agency_id = $1 AND key = $2", [
      agencyId,
      key,
    ]);
    if (!first) throw platformError("idempotency_key_in_flight", "The first request with this key is finishing; retry shortly");
    if (!Buffer.from(first.request_digest).equals(digest)) {
      throw platformError(
        "idempotency_key_reused",
        "This Idempotency-Key was already used for a different request; use a new key",
        "Idempotency-Key",
      );
    }
    if (first.status !== "done")
      throw platformError("idempotency_key_in_flight", "The first request with this key is still running; retry shortly");
    const status = first.response_status ?? 200;
    return reply
      .code(status)
      .header("idempotent-replayed", "true")
      .type(status >= 400 ? problemContentType : "application/json; charset=utf-8")
      .serializer((body: unknown) => String(body))
      .send(first.response_body);
  });

  app.addHook("onSend", async (request, reply, payload) => {
    const key = request.idempotencyKey;
    if (!key) return payload;
    request.idempotencyKey = undefined;
    if (reply.statusCode >= 500) {
      // Our fault, not the request's: let the client retry with the same key.
      await db.query("DELETE FROM idempotency_keys WHERE agency_id = $1 AND key = $2", [request.caller.agencyId, key]);
    } else {
      await db.query(
        "UPDATE idempotency_keys SET status = 'done', response_status = $3, response_body = $4 WHERE agency_id = $1 AND key = $2",
        [request.caller.agencyId, key, reply.statusCode, typeof payload === "string" ? payload : String(payload)],
      );
    }
    return payload;
  });
}

/** The draft sends the key as a structured-field string ("…"); a bare token is accepted too. */
function keyOf(header: string | string[] | undefined): string | undefined {
  return typeof header === "string" ? header.replace(/^"(.*)"$/, "$1") : undefined;
}

/** JSON with object keys sorted, so the same body in another key order is the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Forgets keys older than the retention period; returns how many. */
export async function purgeIdempotencyKeys(db: Database, now: Date): Promise<number> {
  const rows = await db.query(
    `DELETE FROM idempotency_keys WHERE (agency_id, key) IN (
       SELECT agency_id, key FROM idempotency_keys WHERE created_at < $1 LIMIT 1000) RETURNING key`,
    [new Date(now.getTime() - idempotencyKeyTtlMs)],
  );
  return rows.length;
}
