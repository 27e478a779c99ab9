export { liveConnector } from "./adapters/live-connector.ts";
export { type ConnectorRegistry, configureSystem, createConnectorRegistry, getSystem, listSystems, readBalance } from "./app/accounts.ts";
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
