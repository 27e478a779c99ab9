export { liveConnector } from "./adapters/live-connector.ts";
export type { NewSystemConfig } from "./adapters/systems-store.ts";
export {
  type ConnectorRegistry,
  configureSystem,
  createConnectorRegistry,
  getSystem,
  getSystemCached,
  listSystems,
  readBalance,
  systemCacheTtlMs,
} from "./app/accounts.ts";
export {
  type BillImportReport,
  type DeliveredFile,
  fetchBillFiles,
  importBillFile,
  presentmentConnector,
  sendPostingFiles,
} from "./app/presentment.ts";
export {
  type AccountRef,
  accountsErrors,
  amountDueCents,
  type BreakdownLine,
  type PostingRequest,
  type SorBalance,
  type SorResult,
  type SystemConfig,
  type SystemOfRecordConnector,
} from "./domain/accounts.ts";
export { type BillFile, fixedWidthBillLayout, parseBillFile } from "./domain/bill-file.ts";
export { configureTestSystem } from "./testing.ts";
