import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { type Database, newId, openTestDatabase } from "../../platform/index.ts";
import type { AuthorizeResult, CardData, CardProcessor, DeclineCode, OperationResult } from "./port.ts";
import { createCardProcessorSimulator, createRawSimulator } from "./simulator.ts";

let db: Database;
let clock: Date;
let processor: CardProcessor;
/** Long enough for any ordinary call on a busy machine; the no-answer cards wait it out. */
const timeoutMs = 1_000;

before(async () => {
  db = await openTestDatabase();
});
after(() => db.close());
beforeEach(() => {
  clock = new Date("2026-11-16T15:00:00Z"); // 10:00 in New York, a Monday
  processor = createCardProcessorSimulator({ db, now: () => clock, timeoutMs });
});

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;
const later = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};
const card = (number = "4242424242424242"): CardData => ({ number, expMonth: 12, expYear: 2030, cvc: "123", postalCode: "12345" });
const ref = () => newId("ctx");

function approvedId(result: AuthorizeResult): string {
  assert.equal(result.outcome, "approved", JSON.stringify(result));
  return (result as { processorId: string }).processorId;
}
async function authorize(amountCents: number, capture = false, number = "4242424242424242"): Promise<string> {
  return approvedId(await processor.authorize({ reference: ref(), amountCents, card: card(number), capture }));
}
function refused(result: OperationResult, code: string): void {
  assert.equal(result.outcome, "refused", JSON.stringify(result));
  assert.equal((result as { code: string }).code, code);
}
function done(result: OperationResult): string {
  assert.equal(result.outcome, "done", JSON.stringify(result));
  return (result as { processorId: string }).processorId;
}
const capture = (processorId: string, amountCents: number) => processor.capture({ reference: newId("cap"), processorId, amountCents });
const refund = (processorId: string, amountCents: number) => processor.refund({ reference: newId("rf"), processorId, amountCents });
const voidIt = (processorId: string) => processor.void({ reference: newId("void"), processorId });

describe("card processor simulator: test cards", () => {
  for (const number of ["4242424242424242", "5555555555554444", "378282246310005", "6011111111111117"]) {
    test(`${number} is approved with an approval code`, async () => {
      const result = await processor.authorize({ reference: ref(), amountCents: 1_000, card: card(number), capture: false });
      assert.equal(result.outcome, "approved");
      assert.match((result as { approvalCode: string }).approvalCode, /^[0-9A-Z]{6}$/);
    });
  }

  const declines: Array<[string, DeclineCode]> = [
    ["4000000000000002", "card_declined"],
    ["4000000000009995", "insufficient_funds"],
    ["4000000000000069", "expired_card"],
    ["4000000000000127", "incorrect_cvc"],
    ["4000000000000119", "processing_error"],
  ];
  for (const [number, declineCode] of declines) {
    test(`${number} is declined with ${declineCode}, and an inquiry finds the decline`, async () => {
      const reference = ref();
      const result = await processor.authorize({ reference, amountCents: 1_000, card: card(number), capture: true });
      assert.equal(result.outcome, "declined");
      assert.equal((result as { declineCode: string }).declineCode, declineCode);
      const inquiry = await processor.inquire(reference);
      assert.equal(inquiry.found && inquiry.outcome, "declined");
      assert.equal(inquiry.found && inquiry.outcome === "declined" && inquiry.declineCode, declineCode);
    });
  }

  test("an unlisted Luhn-valid number is approved, and one that fails the Luhn check is declined", async () => {
    approvedId(await processor.authorize({ reference: ref(), amountCents: 500, card: card("4012888888881881"), capture: false }));
    const invalid = await processor.authorize({ reference: ref(), amountCents: 500, card: card("4012888888881882"), capture: false });
    assert.equal(invalid.outcome === "declined" && invalid.declineCode, "card_declined");
  });

  test("a card whose expiry month has passed is declined as expired", async () => {
    const result = await processor.authorize({
      reference: ref(),
      amountCents: 500,
      card: { ...card(), expMonth: 10, expYear: 2026 },
      capture: false,
    });
    assert.equal(result.outcome === "declined" && result.declineCode, "expired_card");
  });

  test("4000000000000408 does not answer in time, and an inquiry later finds it approved", async () => {
    const reference = ref();
    const result = await processor.authorize({ reference, amountCents: 2_500, card: card("4000000000000408"), capture: true });
    assert.deepEqual(result, { outcome: "unknown", reason: "timeout" });
    const inquiry = await processor.inquire(reference);
    assert.equal(inquiry.found && inquiry.outcome, "approved");
    assert.equal(inquiry.found && inquiry.outcome === "approved" && inquiry.capturedCents, 2_500);
    // A retry under the same reference gets the recorded answer at once.
    const retry = await processor.authorize({ reference, amountCents: 2_500, card: card("4000000000000408"), capture: true });
    assert.equal(approvedId(retry), inquiry.found ? inquiry.processorId : "");
  });

  test("4000000000000416 does not answer in time, and an inquiry later finds it never processed", async () => {
    const reference = ref();
    const result = await processor.authorize({ reference, amountCents: 2_500, card: card("4000000000000416"), capture: false });
    assert.deepEqual(result, { outcome: "unknown", reason: "timeout" });
    assert.deepEqual(await processor.inquire(reference), { found: false });
  });

  test("without the connector's timeout, the no-answer cards answer late: approved, or a dropped connection", async () => {
    const raw = createRawSimulator({ db, now: () => clock, hangMs: 10 });
    const late = await raw.authorize({ reference: ref(), amountCents: 100, card: card("4000000000000408"), capture: false });
    assert.equal(late.outcome, "approved");
    const lost = await raw.authorize({ reference: ref(), amountCents: 100, card: card("4000000000000416"), capture: false });
    assert.deepEqual(lost, { outcome: "unknown", reason: "connection_reset" });
  });

  test("a card number that is not a number is declined and still recorded without it", async () => {
    const reference = ref();
    const result = await processor.authorize({ reference, amountCents: 100, card: card("not a card"), capture: false });
    assert.equal(result.outcome === "declined" && result.declineCode, "card_declined");
    const [row] = await db.query<{ card_last4: string }>("SELECT card_last4 FROM processor_sim_transactions WHERE reference = $1", [
      reference,
    ]);
    assert.equal(row?.card_last4, "0000");
  });

  test("an inquiry about a reference never sent finds nothing", async () => {
    assert.deepEqual(await processor.inquire(ref()), { found: false });
  });
});

describe("card processor simulator: idempotency", () => {
  test("an authorization retried with the same reference returns the first result", async () => {
    const reference = ref();
    const first = await processor.authorize({ reference, amountCents: 1_200, card: card(), capture: false });
    const again = await processor.authorize({ reference, amountCents: 1_200, card: card(), capture: false });
    assert.deepEqual(again, first);
    const declinedReference = ref();
    const declined = await processor.authorize({
      reference: declinedReference,
      amountCents: 1_200,
      card: card("4000000000000002"),
      capture: false,
    });
    assert.deepEqual(
      await processor.authorize({ reference: declinedReference, amountCents: 1_200, card: card("4000000000000002"), capture: false }),
      declined,
    );
  });

  test("a reference reused for a different amount is refused loudly as the caller's bug", async () => {
    const reference = ref();
    await processor.authorize({ reference, amountCents: 1_200, card: card(), capture: false });
    await assert.rejects(processor.authorize({ reference, amountCents: 1_300, card: card(), capture: false }), /first used/);
  });

  test("a capture, void or refund retried with the same reference returns the first result and acts once", async () => {
    const processorId = await authorize(5_000);
    const captureRequest = { reference: newId("cap"), processorId, amountCents: 5_000 };
    const captured = done(await processor.capture(captureRequest));
    assert.equal(done(await processor.capture(captureRequest)), captured);
    const refundRequest = { reference: newId("rf"), processorId, amountCents: 2_000 };
    const refunded = done(await processor.refund(refundRequest));
    assert.equal(done(await processor.refund(refundRequest)), refunded);
    const inquiry = await processor.inquire((await findReference(processorId)) as string);
    assert.equal(inquiry.found && inquiry.outcome === "approved" && inquiry.refundedCents, 2_000);
  });

  test("a refusal is remembered under its reference too", async () => {
    const request = { reference: newId("cap"), processorId: "sim_txn_doesnotexist", amountCents: 100 };
    refused(await processor.capture(request), "transaction_not_found");
    refused(await processor.capture(request), "transaction_not_found");
  });

  test("concurrent captures of one authorization: the same reference acts once, and only one reference wins", async () => {
    const processorId = await authorize(4_000);
    const sameReference = { reference: newId("cap"), processorId, amountCents: 4_000 };
    const same = await Promise.all(Array.from({ length: 4 }, () => processor.capture(sameReference)));
    assert.equal(new Set(same.map(done)).size, 1);

    const other = await authorize(4_000);
    const racing = await Promise.all(Array.from({ length: 4 }, () => capture(other, 4_000)));
    assert.equal(racing.filter((r) => r.outcome === "done").length, 1);
    for (const r of racing.filter((r) => r.outcome !== "done")) refused(r, "already_captured");
  });
});

describe("card processor simulator: capture, void and refund", () => {
  test("a partial capture takes less than authorized and releases the rest", async () => {
    const processorId = await authorize(10_000);
    done(await capture(processorId, 6_000));
    const inquiry = await processor.inquire((await findReference(processorId)) as string);
    assert.equal(inquiry.found && inquiry.outcome === "approved" && inquiry.status, "captured");
    assert.equal(inquiry.found && inquiry.outcome === "approved" && inquiry.capturedCents, 6_000);
    // The released 4,000 cents cannot be refunded: only what was captured can.
    refused(await refund(processorId, 6_001), "amount_exceeds_captured");
  });

  test("a second capture of the same authorization is refused", async () => {
    const processorId = await authorize(10_000);
    done(await capture(processorId, 4_000));
    refused(await capture(processorId, 4_000), "already_captured");
  });

  test("a capture of more than authorized is refused", async () => {
    const processorId = await authorize(10_000);
    refused(await capture(processorId, 10_001), "amount_exceeds_authorized");
    done(await capture(processorId, 10_000));
  });

  test("a sale is captured as it is approved, so a later capture is refused", async () => {
    const processorId = await authorize(3_000, true);
    refused(await capture(processorId, 3_000), "already_captured");
  });

  test("a voided authorization cannot be captured or refunded", async () => {
    const processorId = await authorize(10_000);
    done(await voidIt(processorId));
    refused(await capture(processorId, 10_000), "already_voided");
    refused(await refund(processorId, 100), "already_voided");
    refused(await voidIt(processorId), "already_voided");
    const inquiry = await processor.inquire((await findReference(processorId)) as string);
    assert.equal(inquiry.found && inquiry.outcome === "approved" && inquiry.status, "voided");
  });

  test("a capture can be voided before the cutoff and not after its batch settled", async () => {
    clock = new Date("2026-11-17T15:00:00Z"); // 10:00 New York
    const early = await authorize(2_000, true);
    const settling = await authorize(2_000, true);
    clock = new Date("2026-11-18T01:59:00Z"); // 20:59 New York
    done(await voidIt(early));
    clock = new Date("2026-11-18T02:00:00Z"); // 21:00 New York: the batch of the 17th closed
    refused(await voidIt(settling), "already_settled");
    const inquiry = await processor.inquire((await findReference(settling)) as string);
    assert.equal(inquiry.found && inquiry.outcome === "approved" && inquiry.status, "settled");
    done(await refund(settling, 2_000));
  });

  test("refunds may be partial and repeated, never more than captured", async () => {
    const processorId = await authorize(10_000, true);
    done(await refund(processorId, 3_000));
    done(await refund(processorId, 3_000));
    refused(await refund(processorId, 4_001), "amount_exceeds_captured");
    done(await refund(processorId, 4_000));
    refused(await refund(processorId, 1), "amount_exceeds_captured");
    const inquiry = await processor.inquire((await findReference(processorId)) as string);
    assert.equal(inquiry.found && inquiry.outcome === "approved" && inquiry.refundedCents, 10_000);
  });

  test("an authorization that was not captured cannot be refunded", async () => {
    refused(await refund(await authorize(1_000), 500), "not_captured");
  });

  test("a capture that has refunds is not voided", async () => {
    const processorId = await authorize(1_000, true);
    done(await refund(processorId, 100));
    refused(await voidIt(processorId), "refunds_exist");
  });

  test("a declined transaction cannot be captured", async () => {
    const result = await processor.authorize({ reference: ref(), amountCents: 1_000, card: card("4000000000000002"), capture: false });
    assert.equal(result.outcome, "declined");
    refused(await capture((result as { processorId: string }).processorId, 1_000), "transaction_declined");
  });

  test("an authorization expires after 7 days unless captured", async () => {
    const reference = ref();
    const expiring = approvedId(await processor.authorize({ reference, amountCents: 1_000, card: card(), capture: false }));
    const capturedInTime = await authorize(1_000);
    later(7 * dayMs - 1);
    done(await capture(capturedInTime, 1_000));
    later(1);
    refused(await capture(expiring, 1_000), "authorization_expired");
    refused(await voidIt(expiring), "authorization_expired");
    const inquiry = await processor.inquire(reference);
    assert.equal(inquiry.found && inquiry.outcome === "approved" && inquiry.status, "expired");
    const [row] = await db.query<{ status: string }>("SELECT status FROM processor_sim_transactions WHERE processor_id = $1", [expiring]);
    assert.equal(row?.status, "expired");
  });

  test("a force of an offline approval code is captured with that code, whatever the issuer would say now", async () => {
    const reference = ref();
    const result = await processor.forceOffline({ reference, amountCents: 7_500, card: card("4000000000009995"), approvalCode: "ab12cd" });
    assert.equal(result.outcome === "approved" && result.approvalCode, "AB12CD");
    const inquiry = await processor.inquire(reference);
    assert.equal(inquiry.found && inquiry.outcome === "approved" && inquiry.capturedCents, 7_500);
    const badCode = await processor.forceOffline({ reference: ref(), amountCents: 7_500, card: card(), approvalCode: "12" });
    assert.equal(badCode.outcome === "declined" && badCode.declineCode, "card_declined");
  });
});

describe("card processor simulator: settlement", () => {
  test("the settlement report lists the day's captures and refunds with their totals, and reads the same every time", async () => {
    clock = new Date("2026-11-19T14:00:00Z"); // 09:00 New York
    const sale = await authorize(10_000, true, "378282246310005");
    const auth = await authorize(5_000, false, "5555555555554444");
    later(hourMs);
    const captureId = done(await capture(auth, 3_000));
    const voided = await authorize(900, true);
    done(await voidIt(voided));
    later(60_000);
    const refundOfSale = done(await refund(sale, 2_000));
    later(60_000);
    const refundOfCapture = done(await refund(auth, 500));
    later(60_000);
    const forceReference = ref();
    const force = approvedId(
      await processor.forceOffline({ reference: forceReference, amountCents: 1_100, card: card(), approvalCode: "ZZ9999" }),
    );
    clock = new Date("2026-11-20T02:30:00Z"); // 21:30 New York: after the cutoff, so the next day's batch
    const nextDay = await authorize(4_400, true);

    const day = await processor.settlementReport("2026-11-19");
    assert.equal(day.closed, true);
    assert.equal(day.cutoffAt, "2026-11-20T02:00:00.000Z");
    assert.deepEqual(
      day.lines.map((l) => [l.kind, l.amountCents, l.cardBrand, l.cardLast4]),
      [
        ["capture", 10_000, "amex", "0005"],
        ["capture", 3_000, "mastercard", "4444"],
        ["refund", 2_000, "amex", "0005"],
        ["refund", 500, "mastercard", "4444"],
        ["capture", 1_100, "visa", "4242"],
      ],
    );
    assert.deepEqual(
      day.lines.map((l) => [l.processorId, l.transactionProcessorId]),
      [
        [sale, sale],
        [captureId, auth],
        [refundOfSale, sale],
        [refundOfCapture, auth],
        [force, force],
      ],
    );
    assert.equal(day.lines[4]?.reference, forceReference);
    assert.deepEqual(day.totals, { captureCount: 3, captureCents: 14_100, refundCount: 2, refundCents: 2_500, netCents: 11_600 });
    assert.deepEqual(await processor.settlementReport("2026-11-19"), day);

    const next = await processor.settlementReport("2026-11-20");
    assert.equal(next.closed, false);
    assert.deepEqual(
      next.lines.map((l) => l.processorId),
      [nextDay],
    );
  });

  test("a day with nothing settled reports no lines and zero totals", async () => {
    const report = await processor.settlementReport("2020-01-01");
    assert.deepEqual(report.lines, []);
    assert.deepEqual(report.totals, { captureCount: 0, captureCents: 0, refundCount: 0, refundCents: 0, netCents: 0 });
  });

  test("a settlement date that is not YYYY-MM-DD is refused", async () => {
    await assert.rejects(processor.settlementReport("11/19/2026"), RangeError);
  });

  test("inquiries and reports survive a restart of the simulator", async () => {
    clock = new Date("2026-11-21T15:00:00Z");
    const reference = ref();
    approvedId(await processor.authorize({ reference, amountCents: 6_100, card: card(), capture: true }));
    const restarted = createCardProcessorSimulator({ db, now: () => clock, timeoutMs });
    const inquiry = await restarted.inquire(reference);
    assert.equal(inquiry.found && inquiry.outcome === "approved" && inquiry.capturedCents, 6_100);
    const report = await restarted.settlementReport("2026-11-21");
    assert.deepEqual(
      report.lines.map((l) => l.reference),
      [reference],
    );
  });
});

describe("card processor simulator: card data", () => {
  test("no card number is stored in the simulator's tables, only brand and last four", async () => {
    for (const number of ["4242424242424242", "378282246310005", "4000000000000002", "4000000000000408"]) {
      await processor.authorize({ reference: ref(), amountCents: 100, card: card(number), capture: true });
    }
    const rows = await db.query<{ row: string }>(
      `SELECT row_to_json(t)::text AS row FROM processor_sim_transactions t
       UNION ALL SELECT row_to_json(o)::text FROM processor_sim_operations o`,
    );
    assert.ok(rows.length >= 4);
    for (const { row } of rows) assert.doesNotMatch(row, /[0-9]{12,}/, row);
  });
});

async function findReference(processorId: string): Promise<string | undefined> {
  const [row] = await db.query<{ reference: string }>("SELECT reference FROM processor_sim_transactions WHERE processor_id = $1", [
    processorId,
  ]);
  return row?.reference;
}
