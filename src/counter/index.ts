export { getCounterPayment, type NewCounterPayment, recordCounterPayment, voidCounterPayment } from "./app/counter-payments.ts";
export {
  type CounterMethod,
  type CounterPayment,
  type CounterStatus,
  counterErrors,
  counterTransitions,
} from "./domain/counter-payment.ts";
