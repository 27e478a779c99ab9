export { canonicalJson, idempotencyKeyTtlMs, purgeIdempotencyKeys } from "./idempotency.ts";
export { errorCatalogs, errorCodes } from "./schemas.ts";
export { type ApiDeps, buildApiServer } from "./server.ts";
