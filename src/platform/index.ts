export { allRoles, type Config, loadConfig, parseRoles, type Role } from "./config.ts";
export {
  type Database,
  type Isolation,
  isUniqueViolation,
  type Sql,
  type TransactionOptions,
} from "./db/database.ts";
export { openDatabase } from "./db/open.ts";
export { openTestDatabase } from "./db/test-database.ts";
export { openPglite } from "./db/pglite.ts";
export { openPostgres } from "./db/postgres.ts";
export { type MigrationReport, migrate } from "./db/migrate.ts";
export { catalogError, type ErrorCatalog, type ErrorSpec, platformError, platformErrors, RemitError } from "./errors.ts";
export { base62, newId } from "./ids.ts";
export { createLogger, type Logger, maskSensitiveText } from "./logger.ts";
