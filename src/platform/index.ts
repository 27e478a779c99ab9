export { findCardNumbers, findCardNumbersInDatabase, passesLuhnCheck } from "./card-numbers.ts";
export { allRoles, type Config, loadConfig, parseRoles, type Role } from "./config.ts";
export { type CsvRecord, csvRecord, parseCsv } from "./csv.ts";
export {
  controlSocketPath,
  type FolderHolder,
  type FolderLock,
  isFolderLock,
  lockDataFolder,
} from "./db/data-folder.ts";
export {
  type Database,
  type Isolation,
  isUniqueViolation,
  type Sql,
  type TransactionOptions,
} from "./db/database.ts";
export { type MigrationReport, migrate } from "./db/migrate.ts";
export { openDatabase } from "./db/open.ts";
export { openPglite } from "./db/pglite.ts";
export { openPostgres } from "./db/postgres.ts";
export { createScratchDatabase, openTestDatabase } from "./db/test-database.ts";
export { type PaymentTwin, refuseDuplicatePayment } from "./duplicates.ts";
export { catalogError, type ErrorCatalog, type ErrorSpec, platformError, platformErrors, RemitError } from "./errors.ts";
export {
  createHttpServer,
  createMetrics,
  GenericProblemSchema,
  type HttpServer,
  type Metrics,
  type Problem,
  problemContentType,
  problemOf,
  sendProblem,
} from "./http.ts";
export { base62, newId } from "./ids.ts";
export { createLogger, type Logger, maskSensitiveText } from "./logger.ts";
export { operationsRoutes } from "./operations.ts";
export { CircuitBreaker, type CircuitBreakerOptions, ConcurrencyLimit } from "./resilience.ts";
