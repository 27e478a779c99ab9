export { errorCatalogs, errorCodes } from "./schemas.ts";
export { type ApiDeps, buildApiServer } from "./server.ts";
