export { processorError, processorErrors } from "./errors.ts";
export type {
  AuthorizeResult,
  CallOptions,
  CardBrand,
  CardData,
  CardProcessor,
  DeclineCode,
  InquiryResult,
  OperationResult,
  ProcessorTransactionStatus,
  RefusalCode,
  SettlementLine,
  SettlementReport,
  SettlementTotals,
} from "./port.ts";
export { refusalCodes } from "./port.ts";
export { cutoffInstantOf, settlementCutoff, settlementDateOf } from "./settlement-day.ts";
export { createCardProcessorSimulator, type SimulatorOptions } from "./simulator.ts";
export { cardBrand, isLuhnValid, simulatorTestCards, type TestCardBehaviour } from "./test-cards.ts";
export { type ConnectorOptions, withTimeout } from "./with-timeout.ts";
