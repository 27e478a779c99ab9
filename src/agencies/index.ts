export {
  type Authentication,
  agencyCacheTtlMs,
  apiKeyCacheTtlMs,
  authenticateApiKey,
  type Caller,
  createAgency,
  createApiKey,
  defaultTimeZone,
  findAgencyByName,
  getAgency,
  getAgencyCached,
  type IssuedApiKey,
  type NewAgency,
  revokeApiKey,
} from "./app/agencies.ts";
export { type Agency, agencyErrors } from "./domain/agency.ts";
export { type KeyKind, type KeyMode, parseApiKey } from "./domain/api-key.ts";
