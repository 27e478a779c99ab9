export { hostedFieldErrors } from "./errors.ts";
export { type HostedFieldDeps, hostedFieldRoutes } from "./routes.ts";
