import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { RemitError } from "../../platform/index.ts";
import type { CallOptions, CardProcessor, SettlementReport } from "./port.ts";
import { withTimeout } from "./with-timeout.ts";

const card = { number: "4242424242424242", expMonth: 12, expYear: 2030, cvc: "123", postalCode: null };
const report: SettlementReport = {
  date: "2026-11-22",
  cutoffAt: "2026-11-23T02:00:00.000Z",
  closed: true,
  lines: [],
  totals: { captureCount: 0, captureCents: 0, refundCount: 0, refundCents: 0, netCents: 0 },
};

/** A processor that answers after `delayMs`, honouring the caller's signal, and remembers the signals it was given. */
function slowProcessor(delayMs: number) {
  const signals: AbortSignal[] = [];
  const wait = async <T>(value: T, options?: CallOptions): Promise<T> => {
    if (options?.signal) signals.push(options.signal);
    await sleep(delayMs, undefined, { signal: options?.signal });
    return value;
  };
  const processor: CardProcessor = {
    authorize: (_req, o) => wait({ outcome: "approved", processorId: "p_1", approvalCode: "A1B2C3" }, o),
    forceOffline: (_req, o) => wait({ outcome: "approved", processorId: "p_2", approvalCode: "A1B2C3" }, o),
    capture: (_req, o) => wait({ outcome: "done", processorId: "c_1" }, o),
    void: (_req, o) => wait({ outcome: "done", processorId: "v_1" }, o),
    refund: (_req, o) => wait({ outcome: "done", processorId: "r_1" }, o),
    inquire: (_ref, o) => wait({ found: false }, o),
    settlementReport: (_date, o) => wait(report, o),
  };
  return { processor, signals };
}

const activeTimers = () => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;

describe("the connector's timeout", () => {
  test("an answer in time passes through unchanged and leaves no timer behind", async () => {
    const { processor, signals } = slowProcessor(1);
    const connector = withTimeout(processor, { timeoutMs: 5_000 });
    const timersBefore = activeTimers();
    assert.deepEqual(await connector.authorize({ reference: "ctx_1", amountCents: 100, card, capture: false }), {
      outcome: "approved",
      processorId: "p_1",
      approvalCode: "A1B2C3",
    });
    assert.deepEqual(await connector.refund({ reference: "rf_1", processorId: "p_1", amountCents: 100 }), {
      outcome: "done",
      processorId: "r_1",
    });
    assert.deepEqual(await connector.settlementReport("2026-11-22"), report);
    assert.equal(activeTimers(), timersBefore);
    assert.equal(signals.length, 3);
    assert.ok(signals.every((s) => !s.aborted));
  });

  test("a charge or an operation that does not answer in time is unknown, and the processor's wait is aborted", async () => {
    const { processor, signals } = slowProcessor(60_000);
    const connector = withTimeout(processor, { timeoutMs: 20 });
    const timersBefore = activeTimers();
    const unknown = { outcome: "unknown", reason: "timeout" };
    assert.deepEqual(await connector.authorize({ reference: "ctx_1", amountCents: 100, card, capture: true }), unknown);
    assert.deepEqual(await connector.forceOffline({ reference: "ctx_2", amountCents: 100, card, approvalCode: "A1B2C3" }), unknown);
    assert.deepEqual(await connector.capture({ reference: "cap_1", processorId: "p_1", amountCents: 100 }), unknown);
    assert.deepEqual(await connector.void({ reference: "void_1", processorId: "p_1" }), unknown);
    assert.deepEqual(await connector.refund({ reference: "rf_1", processorId: "p_1", amountCents: 100 }), unknown);
    assert.equal(signals.length, 5);
    assert.ok(signals.every((s) => s.aborted));
    // The 60-second waits were cancelled with their signals: nothing keeps the process alive.
    assert.equal(activeTimers(), timersBefore);
  });

  test("an inquiry or a report that does not answer in time is a retryable processor_timeout", async () => {
    const { processor } = slowProcessor(60_000);
    const connector = withTimeout(processor, { timeoutMs: 20 });
    for (const call of [() => connector.inquire("ctx_1"), () => connector.settlementReport("2026-11-22")]) {
      await assert.rejects(call(), (error: unknown) => {
        assert.ok(error instanceof RemitError);
        assert.equal(error.code, "processor_timeout");
        assert.equal(error.retryable, true);
        return true;
      });
    }
  });

  test("a processor that fails before the deadline fails as it did", async () => {
    const { processor } = slowProcessor(1);
    const failing: CardProcessor = {
      ...processor,
      capture: async () => {
        throw new Error("socket hang up");
      },
    };
    await assert.rejects(
      withTimeout(failing, { timeoutMs: 5_000 }).capture({ reference: "cap_1", processorId: "p_1", amountCents: 1 }),
      /socket hang up/,
    );
  });

  test("a timeout that is not a positive whole number of milliseconds is refused", () => {
    const { processor } = slowProcessor(1);
    assert.throws(() => withTimeout(processor, { timeoutMs: 0 }), RangeError);
    assert.throws(() => withTimeout(processor, { timeoutMs: Number.NaN }), RangeError);
  });
});
