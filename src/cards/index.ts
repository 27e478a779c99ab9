export {
  type CardDeps,
  captureCardTransaction,
  createCardTransaction,
  expireAuthorizations,
  getCardTransaction,
  getRefund,
  listCardRefunds,
  type NewCardTransaction,
  refundCardTransaction,
  resolveInDoubt,
  resolveOne,
  settleCardTransactions,
  voidCardTransaction,
} from "./app/card-transactions.ts";
export { listCardTransactions, type TransactionQuery } from "./app/inquiry.ts";
export {
  amountCapturable,
  type CardRefund,
  type CardStatus,
  type CardTransaction,
  type CardTransactionType,
  cardErrors,
  cardTransitions,
  type DeclineCode,
  isInDoubt,
  type PublicCardStatus,
  publicCardStatus,
  publicCardStatuses,
} from "./domain/card-transaction.ts";
export {
  type CardData,
  type CardProcessor,
  createCardProcessorSimulator,
  processorErrors,
  type SettlementReport,
  settlementDateOf,
} from "./processor/index.ts";
