import { authenticateApiKey, type Caller, type KeyKind } from "../agencies/index.ts";
import { type Database, type HttpServer, platformError } from "../platform/index.ts";

declare module "fastify" {
  interface FastifyRequest {
    caller: Caller;
  }
}

/**
 * Adds bearer-key authentication to every route of `app` (an encapsulated plugin scope):
 * a missing, malformed, unknown or revoked key is answered 401 before any handler runs. A key
 * revoked by another process may still pass here for `apiKeyCacheTtlMs` (see `authenticateApiKey`).
 */
export function requireApiKey(app: HttpServer, db: Database, kind: KeyKind): void {
  app.decorateRequest("caller", undefined as unknown as Caller);
  app.addHook("onRequest", async (request) => {
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer (\S+)$/i.exec(header);
    if (!match?.[1]) {
      throw platformError("authentication_required", "Send your API key as Authorization: Bearer rk_…");
    }
    const result = await authenticateApiKey(db, match[1]);
    if (!result.ok) {
      throw platformError(
        result.code,
        result.code === "api_key_revoked" ? "This API key was revoked; use a current key" : "This API key is not valid",
      );
    }
    if (result.caller.kind !== kind) {
      throw platformError(
        "wrong_key_kind",
        kind === "secret" ? "Use a secret key (rk_…) for the API" : "Use a publishable key (pk_…) here",
      );
    }
    request.caller = result.caller;
  });
}
