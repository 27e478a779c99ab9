import { processorError } from "./errors.ts";
import type { CallOptions, CardProcessor } from "./port.ts";

export interface ConnectorOptions {
  /** How long a call may take before its outcome is reported unknown: about 10 s in production, a few ms in tests. */
  readonly timeoutMs: number;
}

const timedOut = Symbol("timed out");

/**
 * Runs `call` with a deadline. When the deadline passes first, the call's signal is aborted so the
 * processor lets go of its timers and sockets, and `onTimeout` answers instead; a late answer is
 * dropped. The deadline's own timer is cleared however the call ends, so nothing keeps the
 * process alive. A call that fails before the deadline fails as it did.
 */
async function within<T>(timeoutMs: number, call: (signal: AbortSignal) => Promise<T>, onTimeout: () => T): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  try {
    const answer = call(controller.signal);
    const deadline = new Promise<typeof timedOut>((resolve) => {
      timer = setTimeout(() => resolve(timedOut), timeoutMs);
    });
    const first = await Promise.race([answer, deadline]);
    if (first !== timedOut) return first;
    // The race already handles the abandoned call's rejection (usually an AbortError).
    controller.abort();
    return onTimeout();
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The connector's timeout around any processor. A charge, capture, void or refund that does not
 * answer in time is `unknown` (it may have happened): resolve an authorization with `inquire`, and
 * an operation by retrying it with the same reference. An inquiry or a report that does not answer
 * has changed nothing, so it throws `processor_timeout` for the caller to try again later.
 */
export function withTimeout(processor: CardProcessor, options: ConnectorOptions): CardProcessor {
  const { timeoutMs } = options;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new RangeError(`timeoutMs must be a positive integer, not ${timeoutMs}`);
  const unknown = () => ({ outcome: "unknown", reason: "timeout" }) as const;
  const noAnswer = (what: string) => () => {
    throw processorError("processor_timeout", `The card processor did not answer the ${what} within ${timeoutMs} ms; try again`);
  };
  // The caller's own signal, when given, aborts the call as well.
  const linked = (signal: AbortSignal, options: CallOptions | undefined): CallOptions => ({
    signal: options?.signal ? AbortSignal.any([signal, options.signal]) : signal,
  });
  return {
    authorize: (req, options) => within(timeoutMs, (signal) => processor.authorize(req, linked(signal, options)), unknown),
    forceOffline: (req, options) => within(timeoutMs, (signal) => processor.forceOffline(req, linked(signal, options)), unknown),
    capture: (req, options) => within(timeoutMs, (signal) => processor.capture(req, linked(signal, options)), unknown),
    void: (req, options) => within(timeoutMs, (signal) => processor.void(req, linked(signal, options)), unknown),
    refund: (req, options) => within(timeoutMs, (signal) => processor.refund(req, linked(signal, options)), unknown),
    inquire: (reference, options) =>
      within(timeoutMs, (signal) => processor.inquire(reference, linked(signal, options)), noAnswer("inquiry")),
    settlementReport: (date, options) =>
      within(timeoutMs, (signal) => processor.settlementReport(date, linked(signal, options)), noAnswer("settlement report request")),
  };
}
