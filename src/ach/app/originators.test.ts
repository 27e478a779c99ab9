import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createAgency } from "../../agencies/index.ts";
import { type Database, openTestDatabase, type RemitError } from "../../platform/index.ts";
import { configureOriginator, getDefaultOriginator, type OriginatorInput } from "./originators.ts";

let db: Database;
before(async () => {
  db = await openTestDatabase();
});
after(() => db.close());

const input: OriginatorInput = {
  bankName: "First Test Bank",
  odfiRouting: "011000015",
  companyName: "TEST COUNTY",
  companyId: "1746000123",
  sameDayCutoffs: ["10:00", "14:15", "16:30"],
};

const rejectsWith = (param: string) => (error: RemitError) => {
  assert.equal(error.code, "invalid_request", error.message);
  assert.equal(error.param, param);
  return true;
};

test("configuring twice updates the agency's one default originator, keeping its id", async () => {
  const agencyId = (await createAgency(db, { name: "Originator County" })).id;
  await assert.rejects(getDefaultOriginator(db, agencyId), (error: RemitError) => error.code === "ach_originator_not_configured");
  const first = await configureOriginator(db, agencyId, input);
  assert.deepEqual(
    [first.immediateDestination, first.immediateOrigin, first.nextDayCutoff, first.prenoteDays, first.postingPolicy],
    ["011000015", "1746000123", "17:00", 3, "on_submission"],
  );
  const second = await configureOriginator(db, agencyId, {
    ...input,
    requiresPrenote: true,
    sameDayCutoffs: [],
    returnedPaymentFeeCents: 2_500,
  });
  assert.equal(second.id, first.id);
  const read = await getDefaultOriginator(db, agencyId);
  assert.deepEqual([read.requiresPrenote, read.sameDayCutoffs, read.returnedPaymentFeeCents], [true, [], 2_500]);
  const rows = await db.query("SELECT 1 FROM ach_originators WHERE agency_id = $1", [agencyId]);
  assert.equal(rows.length, 1);
});

test("routing check digits, the company id, cutoffs and the same-day windows are checked", async () => {
  const agencyId = (await createAgency(db, { name: "Strict County" })).id;
  const refused: Array<[Partial<OriginatorInput>, string]> = [
    [{ odfiRouting: "011000016" }, "odfi_routing"],
    [{ immediateDestination: "12345678" }, "immediate_destination"],
    [{ companyId: "123456789" }, "company_id"],
    [{ companyName: "A NAME LONGER THAN 16" }, "company_name"],
    [{ nextDayCutoff: "25:00" }, "next_day_cutoff"],
    [{ sameDayCutoffs: ["16:45"] }, "same_day_cutoffs[0]"],
    [{ sameDayCutoffs: ["09:00", "10:00"] }, "same_day_cutoffs[1]"],
    [{ sameDayCutoffs: ["14:00", "10:00"] }, "same_day_cutoffs[1]"],
    [{ prenoteDays: 11 }, "prenote_days"],
    [{ returnedPaymentFeeCents: -1 }, "returned_payment_fee_cents"],
  ];
  for (const [change, param] of refused) {
    await assert.rejects(configureOriginator(db, agencyId, { ...input, ...change }), rejectsWith(param), param);
  }
  // 10:45 is past the first window's deadline but feeds the second one.
  const twoWindows = await configureOriginator(db, agencyId, { ...input, sameDayCutoffs: ["10:45", "16:00"] });
  assert.deepEqual(twoWindows.sameDayCutoffs, ["10:45", "16:00"]);
});
