import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { createAgency } from "../../agencies/index.ts";
import { type Database, newId, openTestDatabase, type RemitError } from "../../platform/index.ts";
import { newMasterKeyText, parseMasterKeys, tokenizeBankAccount } from "../../vault/index.ts";
import { type EntryRecord, findEntry, moveEntry } from "../adapters/entry-store.ts";
import type { AchDeps } from "./entries.ts";
import { configureOriginator, type OriginatorInput } from "./originators.ts";
import {
  cancelSchedule,
  createSchedule,
  getSchedule,
  listScheduleDebits,
  materializeSchedules,
  type NewSchedule,
  scheduledDebitId,
} from "./schedules.ts";

let db: Database;
let deps: AchDeps;
let agencyId: string;
let clock: Date;
const keys = parseMasterKeys(newMasterKeyText("ach-schedules"));

const at = (iso: string) => {
  clock = new Date(iso);
};

const originatorInput: OriginatorInput = {
  bankName: "First Test Bank",
  odfiRouting: "011000015",
  companyName: "TEST COUNTY",
  companyId: "1234567890",
};

async function token(accountNumber = "000222333444"): Promise<string> {
  const issued = await tokenizeBankAccount(
    db,
    keys,
    agencyId,
    { routingNumber: "011000015", accountNumber, accountType: "savings", accountHolderName: "Pat Payer" },
    clock,
  );
  return issued.id;
}

async function schedule(input: Partial<NewSchedule> & { frequency: NewSchedule["frequency"] }) {
  return createSchedule(deps, agencyId, {
    bankAccountToken: await token(),
    amountCents: 25_000,
    secCode: "PPD",
    authorizationText: "Signed autopay agreement AP-1029, 2026-11-10",
    ...input,
  });
}

/** The schedule's debits by date. */
async function debitsOf(scheduleId: string): Promise<EntryRecord[]> {
  return (await listScheduleDebits(db, agencyId, scheduleId)).sort((a, b) => a.effectiveDate.localeCompare(b.effectiveDate));
}

const rejectsWith = (code: string, param?: string) => (error: RemitError) => {
  assert.equal(error.code, code, error.message);
  if (param !== undefined) assert.equal(error.param, param);
  return true;
};

before(async () => {
  db = await openTestDatabase();
});
after(() => db.close());
beforeEach(async () => {
  at("2026-11-17T15:30:00Z"); // Tuesday, 10:30 in New York
  deps = { db, clock: () => clock };
  agencyId = (await createAgency(db, { name: "Schedule County" })).id;
  await configureOriginator(db, agencyId, originatorInput);
});

describe("recurring schedules", () => {
  test("a monthly schedule makes each debit a few business days ahead, once, and completes after its count", async () => {
    const s = await schedule({ frequency: "monthly", startDate: "2026-11-18", count: 3 });
    assert.match(s.id, /^sch_/);
    assert.deepEqual([s.status, s.debitsCreated, s.nextDate], ["active", 1, "2026-12-18"]);
    const [first] = await debitsOf(s.id);
    assert.deepEqual([first?.id, first?.status, first?.effectiveDate], [scheduledDebitId(s.id, 1), "pending_submission", "2026-11-18"]);
    assert.equal(first?.scheduleId, s.id);
    assert.equal(first?.individualName, "PAT PAYER");

    at("2026-12-14T15:00:00Z"); // Monday: three business days ahead is Thursday the 17th
    await materializeSchedules(deps, clock);
    assert.equal((await getSchedule(db, agencyId, s.id)).debitsCreated, 1);
    at("2026-12-15T15:00:00Z");
    assert.ok((await materializeSchedules(deps, clock)) >= 1);
    assert.ok((await materializeSchedules(deps, clock)) >= 0);
    const two = await debitsOf(s.id);
    assert.deepEqual(
      two.map((d) => [d.id, d.effectiveDate, d.status]),
      [
        [scheduledDebitId(s.id, 1), "2026-11-18", "pending_submission"],
        [scheduledDebitId(s.id, 2), "2026-12-18", "scheduled"],
      ],
    );

    at("2027-01-14T15:00:00Z"); // January 18 is Martin Luther King Day: the third debit moves to the 19th
    await materializeSchedules(deps, clock);
    const done = await getSchedule(db, agencyId, s.id);
    assert.deepEqual([done.status, done.debitsCreated, done.nextDate], ["completed", 3, null]);
    assert.deepEqual(
      (await debitsOf(s.id)).map((d) => d.effectiveDate),
      ["2026-11-18", "2026-12-18", "2027-01-19"],
    );
  });

  test("two workers at once make each debit once", async () => {
    const s = await schedule({ frequency: "weekly", startDate: "2026-11-24", count: 4 });
    assert.equal(s.debitsCreated, 0);
    at("2026-11-20T15:00:00Z");
    await Promise.all([materializeSchedules(deps, clock), materializeSchedules(deps, clock), materializeSchedules(deps, clock)]);
    assert.deepEqual(
      (await debitsOf(s.id)).map((d) => d.effectiveDate),
      ["2026-11-24"],
    );
  });

  test("a schedule that skips non-business days starts at its first business day", async () => {
    const s = await schedule({ frequency: "monthly", startDate: "2026-11-28", count: 2, nonBusinessDay: "skip" });
    assert.deepEqual([s.debitsCreated, s.nextDate], [0, "2026-12-28"]);
  });

  test("an installment plan makes its due dates' debits; canceling it cancels those not yet sent", async () => {
    const s = await schedule({ frequency: "dates", dates: ["2026-11-17", "2026-11-19", "2026-11-20", "2026-12-01"] });
    const made = await debitsOf(s.id);
    assert.deepEqual(
      made.map((d) => [d.effectiveDate, d.status]),
      [
        ["2026-11-17", "pending_submission"],
        ["2026-11-19", "scheduled"],
        ["2026-11-20", "scheduled"],
      ],
    );
    const sent = made[0] as EntryRecord;
    const fileId = newId("achf");
    await db.query(
      `INSERT INTO ach_files (agency_id, id, originator_id, submission_window, effective_date, file_name, file_id_modifier,
         entry_count, debit_total_cents, created_at) VALUES ($1, $2, $3, 'next_day', $4, $5, 'A', 1, $6, $7)`,
      [agencyId, fileId, sent.originatorId, sent.effectiveDate, `${fileId}.ach`, sent.amountCents, clock],
    );
    await moveEntry(db, agencyId, sent.id, "pending_submission", "submitted", clock, {
      fileId,
      traceNumber: "011000010000001",
      submittedAt: clock,
    });

    const canceled = await cancelSchedule(deps, agencyId, s.id);
    assert.equal(canceled.status, "canceled");
    assert.ok(canceled.canceledAt);
    const after = await debitsOf(s.id);
    assert.deepEqual(
      after.map((d) => d.status),
      ["submitted", "canceled", "canceled"],
    );
    assert.match(after[1]?.cancelReason ?? "", new RegExp(`schedule ${s.id} was canceled`));
    at("2026-11-27T15:00:00Z");
    await materializeSchedules(deps, clock);
    assert.equal((await debitsOf(s.id)).length, 3, "no debit after the cancel");
    assert.equal((await cancelSchedule(deps, agencyId, s.id)).status, "canceled", "canceling again changes nothing");
  });

  test("when the bank wants prenotes, the account's prenote is sent with the schedule and its debits wait for it", async () => {
    await configureOriginator(db, agencyId, { ...originatorInput, requiresPrenote: true });
    const s = await schedule({ frequency: "weekly", startDate: "2026-11-18", count: 2 });
    const [debit] = await debitsOf(s.id);
    assert.equal(debit?.status, "created");
    const prenotes = await db.query<{ status: string }>("SELECT status FROM ach_entries WHERE agency_id = $1 AND kind = 'prenote'", [
      agencyId,
    ]);
    assert.deepEqual(
      prenotes.map((p) => p.status),
      ["pending_submission"],
    );

    const far = await schedule({ frequency: "monthly", startDate: "2027-01-04", count: 2 });
    assert.equal(far.debitsCreated, 0);
    const count = await db.query("SELECT 1 FROM ach_entries WHERE agency_id = $1 AND kind = 'prenote'", [agencyId]);
    assert.equal(count.length, 1, "the account has its prenote already");
  });

  test("the token works once; a bad plan, a missing authorization and another agency's schedule are refused", async () => {
    const bankAccountToken = await token();
    const input = {
      bankAccountToken,
      amountCents: 100,
      secCode: "WEB" as const,
      authorizationText: "ok",
      frequency: "weekly" as const,
      startDate: "2026-11-30",
    };
    await assert.rejects(
      createSchedule(deps, agencyId, { ...input, count: 3, endDate: "2027-01-01" }),
      rejectsWith("invalid_schedule", "count"),
    );
    await assert.rejects(
      createSchedule(deps, agencyId, { ...input, authorizationText: undefined }),
      rejectsWith("authorization_text_required"),
    );
    const s = await createSchedule(deps, agencyId, input);
    assert.deepEqual([s.plan.count, s.plan.endDate, s.nextDate], [null, null, "2026-11-30"]);
    await assert.rejects(createSchedule(deps, agencyId, input), rejectsWith("token_already_used"));
    const other = (await createAgency(db, { name: "Other Schedule County" })).id;
    await assert.rejects(getSchedule(db, other, s.id), rejectsWith("ach_schedule_not_found"));
    await assert.rejects(cancelSchedule(deps, other, s.id), rejectsWith("ach_schedule_not_found"));
    assert.equal((await getSchedule(db, agencyId, s.id)).status, "active");
    assert.equal((await findEntry(db, other, scheduledDebitId(s.id, 1))) ?? null, null);
  });
});
