import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import fc from "fast-check";
import { type Database, newId, openTestDatabase } from "../../platform/index.ts";
import type { OperationResult, RefusalCode } from "./port.ts";
import { settlementDateOf } from "./settlement-day.ts";
import { createCardProcessorSimulator } from "./simulator.ts";
import { authorizationLifetimeMs } from "./simulator-rules.ts";

/**
 * Model-based test of the simulator's books: random sequences of captures, voids and refunds, with
 * the clock moving across cutoffs and past expiry, run against the simulator and a plain model.
 * Every outcome must match the model, refunded ≤ captured ≤ authorized must hold in its tables
 * after every step, and the settlement reports must add up to what the model captured and refunded.
 * PROCESSOR_PROPERTY_RUNS overrides the number of sequences.
 */
const numRuns = Number(process.env.PROCESSOR_PROPERTY_RUNS ?? 40);

let db: Database;
before(async () => {
  db = await openTestDatabase();
});
after(() => db.close());

const hourMs = 3_600_000;
/** Each run has its own fortnight, so its settlement days hold only its own lines. */
const runSpacingMs = 15 * 24 * hourMs;
const firstRunStart = Date.parse("2027-01-04T14:00:00Z");
let runsStarted = 0;

type Command = { readonly kind: "capture" | "refund" | "void"; readonly percent: number; readonly advanceHours: number };

const command = fc.record({
  kind: fc.constantFrom("capture" as const, "refund" as const, "void" as const),
  percent: fc.integer({ min: 1, max: 120 }),
  advanceHours: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 })),
});

interface Model {
  status: "authorized" | "captured" | "voided";
  readonly authorizedCents: number;
  readonly authorizedAt: number;
  capturedCents: number;
  refundedCents: number;
  captureDate: string | null;
}

/** What the processor should answer, by the rules as the issue states them. */
function expected(model: Model, kind: Command["kind"], amountCents: number, now: Date): RefusalCode | null {
  const expired = model.status === "authorized" && now.getTime() >= model.authorizedAt + authorizationLifetimeMs;
  if (model.status === "voided") return "already_voided";
  if (kind === "capture") {
    if (expired) return "authorization_expired";
    if (model.status === "captured") return "already_captured";
    return amountCents > model.authorizedCents ? "amount_exceeds_authorized" : null;
  }
  if (kind === "void") {
    if (expired) return "authorization_expired";
    if (model.captureDate !== null && model.captureDate < settlementDateOf(now)) return "already_settled";
    return model.refundedCents > 0 ? "refunds_exist" : null;
  }
  if (model.status !== "captured") return "not_captured";
  return amountCents > model.capturedCents - model.refundedCents ? "amount_exceeds_captured" : null;
}

function apply(model: Model, kind: Command["kind"], amountCents: number, now: Date): void {
  if (kind === "capture") Object.assign(model, { status: "captured", capturedCents: amountCents, captureDate: settlementDateOf(now) });
  if (kind === "void") Object.assign(model, { status: "voided", capturedCents: 0 });
  if (kind === "refund") model.refundedCents += amountCents;
}

const outcomeCode = (result: OperationResult) => (result.outcome === "refused" ? result.code : result.outcome);

test("refunded ≤ captured ≤ authorized holds in the simulator's books and reports, whatever the sequence", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 20_000 }),
      fc.boolean(),
      fc.array(command, { minLength: 1, maxLength: 8 }),
      async (authorizedCents, sale, commands) => {
        let clock = new Date(firstRunStart + runsStarted++ * runSpacingMs);
        const processor = createCardProcessorSimulator({ db, now: () => clock, timeoutMs: 5_000 });
        const reference = newId("ctx");
        const authorized = await processor.authorize({
          reference,
          amountCents: authorizedCents,
          card: { number: "4242424242424242", expMonth: 12, expYear: 2040, cvc: "123", postalCode: null },
          capture: sale,
        });
        assert.equal(authorized.outcome, "approved");
        const processorId = (authorized as { processorId: string }).processorId;
        const model: Model = {
          status: sale ? "captured" : "authorized",
          authorizedCents,
          authorizedAt: clock.getTime(),
          capturedCents: sale ? authorizedCents : 0,
          refundedCents: 0,
          captureDate: sale ? settlementDateOf(clock) : null,
        };
        const days = new Set([settlementDateOf(clock)]);

        for (const step of commands) {
          clock = new Date(clock.getTime() + step.advanceHours * hourMs);
          days.add(settlementDateOf(clock));
          const amountCents = Math.max(1, Math.round((authorizedCents * step.percent) / 100));
          const request = { reference: newId(step.kind), processorId, amountCents };
          const result =
            step.kind === "capture"
              ? await processor.capture(request)
              : step.kind === "refund"
                ? await processor.refund(request)
                : await processor.void(request);
          const refusal = expected(model, step.kind, amountCents, clock);
          assert.equal(outcomeCode(result), refusal ?? "done", `${step.kind} of ${amountCents} cents`);
          if (refusal === null) apply(model, step.kind, amountCents, clock);

          const [row] = await db.query<{ amount_cents: number; captured_cents: number; refunded_cents: number }>(
            "SELECT amount_cents, captured_cents, refunded_cents FROM processor_sim_transactions WHERE processor_id = $1",
            [processorId],
          );
          assert.ok(row);
          assert.ok(row.refunded_cents <= row.captured_cents && row.captured_cents <= row.amount_cents, JSON.stringify(row));
          assert.deepEqual([row.captured_cents, row.refunded_cents], [model.capturedCents, model.refundedCents]);
        }

        let reportedCaptureCents = 0;
        let reportedRefundCents = 0;
        for (const day of [...days].sort()) {
          const report = await processor.settlementReport(day);
          for (const line of report.lines) assert.equal(line.transactionProcessorId, processorId);
          reportedCaptureCents += report.totals.captureCents;
          reportedRefundCents += report.totals.refundCents;
          assert.ok(reportedRefundCents <= reportedCaptureCents, `refunds outrun captures by ${day}`);
          assert.ok(reportedCaptureCents <= authorizedCents);
        }
        assert.deepEqual([reportedCaptureCents, reportedRefundCents], [model.capturedCents, model.refundedCents]);
      },
    ),
    { numRuns },
  );
});
