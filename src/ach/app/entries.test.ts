import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { configureTestSystem } from "../../accounts/index.ts";
import { createAgency } from "../../agencies/index.ts";
import { type Database, newId, openTestDatabase, type RemitError } from "../../platform/index.ts";
import { newMasterKeyText, parseMasterKeys, tokenizeBankAccount } from "../../vault/index.ts";
import { type EntryRecord, findEntry, moveEntry } from "../adapters/entry-store.ts";
import type { AchOriginator } from "../domain/ach-entry.ts";
import {
  type AchDeps,
  cancelEntry,
  createDebit,
  createPrenote,
  getAchDebit,
  getAchPrenote,
  individualNameOf,
  listAchDebits,
  type NewDebit,
  releaseDueEntries,
} from "./entries.ts";
import { configureOriginator, getDefaultOriginator, type OriginatorInput } from "./originators.ts";

let db: Database;
let deps: AchDeps;
let agencyId: string;
let originator: AchOriginator;
let clock: Date;
const keys = parseMasterKeys(newMasterKeyText("ach"));
const account = { system: "property_tax", ref: "R000123" };
const accountNumber = "000123456789";

const at = (iso: string) => {
  clock = new Date(iso);
};
const later = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};

const originatorInput: OriginatorInput = {
  bankName: "First Test Bank",
  odfiRouting: "011000015",
  companyName: "TEST COUNTY",
  companyId: "1234567890",
  nextDayCutoff: "17:00",
  sameDayCutoffs: ["10:00", "14:00", "16:00"],
};

async function token(number = accountNumber, accountHolderName?: string): Promise<string> {
  const issued = await tokenizeBankAccount(
    db,
    keys,
    agencyId,
    { routingNumber: "011000015", accountNumber: number, accountType: "checking", accountHolderName },
    clock,
  );
  return issued.id;
}

async function debit(input: Partial<NewDebit> & { number?: string } = {}): Promise<EntryRecord> {
  const { number, ...rest } = input;
  return createDebit(deps, agencyId, {
    bankAccountToken: await token(number),
    amountCents: 12_500,
    secCode: "WEB",
    authorizationText: "Approved online by the payer at 10:00 ET on the county's payment page",
    account,
    allowDuplicate: true,
    ...rest,
  });
}

let traceSequence = 0;
/** What the file cut does to an entry: into a file, with its trace number, submitted at `clock`. */
async function submit(entry: EntryRecord): Promise<EntryRecord> {
  const fileId = newId("achf");
  await db.query(
    `INSERT INTO ach_files (agency_id, id, originator_id, submission_window, effective_date, file_name, file_id_modifier,
       entry_count, debit_total_cents, created_at)
     VALUES ($1, $2, $3, 'next_day', $4, $5, 'A', 1, $6, $7)`,
    [agencyId, fileId, entry.originatorId, entry.effectiveDate, `${fileId}.ach`, entry.amountCents, clock],
  );
  const traceNumber = `01100001${String(++traceSequence).padStart(7, "0")}`;
  const moved = await moveEntry(db, agencyId, entry.id, "pending_submission", "submitted", clock, {
    fileId,
    traceNumber,
    submittedAt: clock,
  });
  assert.ok(moved, `${entry.id} was pending_submission`);
  return moved;
}

async function reload(entry: EntryRecord): Promise<EntryRecord> {
  const found = await findEntry(db, agencyId, entry.id);
  assert.ok(found);
  return found;
}

const rejectsWith = (code: string, message?: RegExp) => (error: RemitError) => {
  assert.equal(error.code, code, error.message);
  if (message) assert.match(error.message, message);
  return true;
};

before(async () => {
  db = await openTestDatabase();
});
after(() => db.close());
beforeEach(async () => {
  // Tuesday, November 17, 2026, 10:30 in New York: before the bank's 14:00 same-day and 17:00 next-day cutoffs.
  at("2026-11-17T15:30:00Z");
  deps = { db, clock: () => clock };
  agencyId = (await createAgency(db, { name: "ACH County" })).id;
  await configureTestSystem(db, agencyId);
  originator = await configureOriginator(db, agencyId, originatorInput);
});

describe("a debit's status and date", () => {
  test("without a date it goes in today's file, effective the next business day, named as the account holder", async () => {
    const d = await createDebit(deps, agencyId, {
      bankAccountToken: await token(accountNumber, "José Muñoz-Ortiz de la Peña y Soto"),
      amountCents: 12_500,
      secCode: "WEB",
      authorizationText: "consented online",
      account,
      agencyTrackingId: "INV-1",
    });
    assert.match(d.id, /^ach_[0-9A-Za-z]{22}$/);
    assert.equal(d.status, "pending_submission");
    assert.equal(d.effectiveDate, "2026-11-18");
    assert.equal(d.individualName, "JOSE MUNOZ-ORTIZ DE LA");
    assert.deepEqual([d.accountLast4, d.routingNumber, d.accountType], ["6789", "011000015", "checking"]);
    assert.deepEqual(d.account, account);
    assert.equal(d.originatorId, originator.id);
    const [row] = await db.query("SELECT * FROM ach_entries WHERE id = $1", [d.id]);
    assert.ok(!JSON.stringify(row).includes(accountNumber), "the account number stays in the vault");
  });

  test("a date later than the next business day is deferred; the next business day is due at once", async () => {
    assert.equal((await debit({ effectiveDate: "2026-11-19" })).status, "scheduled");
    assert.equal((await debit({ effectiveDate: "2026-11-18" })).status, "pending_submission");
    assert.equal((await debit({ effectiveDate: "2026-11-17" })).status, "pending_submission", "today: settles tomorrow");
  });

  test("after the bank's next-day cutoff the default date is a day later, and the debit waits as scheduled", async () => {
    at("2026-11-17T23:00:00Z"); // 18:00 in New York
    const d = await debit();
    assert.equal(d.effectiveDate, "2026-11-19");
    assert.equal(d.status, "scheduled");
  });

  test("a date in the agency's past, a date over a year ahead and a malformed date are refused", async () => {
    await assert.rejects(debit({ effectiveDate: "2026-11-16" }), rejectsWith("invalid_effective_date", /in the past/));
    await assert.rejects(debit({ effectiveDate: "2027-12-01" }), rejectsWith("invalid_effective_date", /365 days/));
    await assert.rejects(debit({ effectiveDate: "2026-11-31" }), rejectsWith("invalid_effective_date"));
  });

  test("every SEC code needs its own kind of authorization, and the error says which", async () => {
    const needs = { WEB: /online consent/, TEL: /oral authorization/, PPD: /signed/, CCD: /signed agreement/ } as const;
    for (const [secCode, message] of Object.entries(needs)) {
      await assert.rejects(
        debit({ secCode: secCode as NewDebit["secCode"], authorizationText: "  " }),
        rejectsWith("authorization_text_required", message),
      );
      assert.equal((await debit({ secCode: secCode as NewDebit["secCode"] })).secCode, secCode);
    }
  });

  test("an account in a system the agency does not have is refused, and the token stays usable", async () => {
    const bankAccountToken = await token();
    const input = { bankAccountToken, amountCents: 100, secCode: "WEB" as const, authorizationText: "ok" };
    await assert.rejects(createDebit(deps, agencyId, { ...input, account: { system: "water", ref: "1" } }), rejectsWith("unknown_system"));
    assert.equal((await createDebit(deps, agencyId, input)).status, "pending_submission");
    await assert.rejects(createDebit(deps, agencyId, input), rejectsWith("token_already_used"));
  });

  test("an agency without an originating bank cannot debit", async () => {
    agencyId = (await createAgency(db, { name: "No Bank County" })).id;
    await assert.rejects(debit({ account: undefined }), rejectsWith("ach_originator_not_configured"));
  });

  test("individual names are uppercase ASCII of at most 22 characters, PAYER when there is none", () => {
    assert.equal(individualNameOf("Zoë O'Brien"), "ZOE O'BRIEN");
    assert.equal(individualNameOf(null), "PAYER");
    assert.equal(individualNameOf("李小龍"), "PAYER");
    assert.equal(individualNameOf("Ann   Lee\n"), "ANN LEE");
  });
});

describe("same-day debits", () => {
  test("today, up to $1,000,000, while a same-day cutoff is ahead", async () => {
    const d = await debit({ sameDay: true, amountCents: 100_000_000 });
    assert.deepEqual([d.status, d.effectiveDate, d.sameDay], ["pending_submission", "2026-11-17", true]);
    await assert.rejects(debit({ sameDay: true, amountCents: 100_000_001 }), rejectsWith("same_day_limit_exceeded"));
    await assert.rejects(debit({ sameDay: true, effectiveDate: "2026-11-18" }), rejectsWith("invalid_effective_date", /today/));
  });

  test("not after the bank's last same-day cutoff, not on a day FedACH is closed, not with a bank that offers none", async () => {
    at("2026-11-17T21:00:00Z"); // 16:00 in New York, the bank's last same-day cutoff
    await assert.rejects(debit({ sameDay: true }), rejectsWith("invalid_effective_date", /cutoff/));
    at("2026-11-17T20:50:00Z"); // 15:50: the window's file is already cut
    await assert.rejects(debit({ sameDay: true }), rejectsWith("invalid_effective_date", /cutoff/));
    at("2026-11-26T15:00:00Z"); // Thanksgiving
    await assert.rejects(debit({ sameDay: true }), rejectsWith("invalid_effective_date", /closed/));
    at("2026-11-17T15:30:00Z");
    await configureOriginator(db, agencyId, { ...originatorInput, sameDayCutoffs: [] });
    await assert.rejects(debit({ sameDay: true }), rejectsWith("invalid_effective_date", /no Same Day ACH/));
  });
});

describe("duplicates", () => {
  test("the same bank account, account and amount within the window is refused naming the first, unless allowed", async () => {
    const first = await debit({ allowDuplicate: false });
    later(60_000);
    await assert.rejects(debit({ allowDuplicate: false }), (error: RemitError) => {
      assert.equal(error.code, "duplicate_transaction");
      assert.equal(error.transactionId, first.id);
      assert.ok(!error.message.includes(accountNumber));
      return true;
    });
    assert.equal((await debit({ allowDuplicate: true })).kind, "debit");
    assert.equal((await debit({ allowDuplicate: false, amountCents: 12_501 })).kind, "debit", "another amount is no duplicate");
    assert.equal((await debit({ allowDuplicate: false, number: "000999888777" })).kind, "debit", "another bank account is none");
    later(10 * 60_000 + 1);
    assert.equal((await debit({ allowDuplicate: false })).kind, "debit", "after the window it is no duplicate");
  });

  test("a canceled debit is no twin", async () => {
    const first = await debit({ allowDuplicate: false });
    await cancelEntry(deps, agencyId, first.id);
    assert.equal((await debit({ allowDuplicate: false })).status, "pending_submission");
  });

  test("ten identical debits at once make exactly one", {
    skip: !process.env.DATABASE_URL && "needs PostgreSQL for real concurrency",
  }, async () => {
    const tokens = await Promise.all(Array.from({ length: 10 }, () => token()));
    const results = await Promise.allSettled(
      tokens.map((bankAccountToken) =>
        createDebit(deps, agencyId, { bankAccountToken, amountCents: 4_200, secCode: "WEB", authorizationText: "ok", account }),
      ),
    );
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
    const refused = results.filter((r) => r.status === "rejected").map((r) => (r.reason as RemitError).code);
    assert.deepEqual(new Set(refused), new Set(["duplicate_transaction"]));
  });
});

describe("prenotes and the hold on live debits", () => {
  test("a prenote is $0, due in the next file, effective the next business day", async () => {
    const p = await createPrenote(deps, agencyId, { bankAccountToken: await token(), secCode: "PPD", individualName: "Ann Lee" });
    assert.match(p.id, /^pre_/);
    assert.deepEqual(
      [p.kind, p.amountCents, p.status, p.effectiveDate, p.individualName],
      ["prenote", 0, "pending_submission", "2026-11-18", "ANN LEE"],
    );
    assert.equal((await getAchPrenote(db, agencyId, p.id)).id, p.id);
    await assert.rejects(getAchDebit(db, agencyId, p.id), rejectsWith("ach_debit_not_found"));
  });

  test("when the bank wants prenotes, a first debit is held and the account's prenote is sent for it", async () => {
    await configureOriginator(db, agencyId, { ...originatorInput, requiresPrenote: true, prenoteDays: 3 });
    const held = await debit();
    assert.equal(held.status, "created");
    const [prenote] = await db.query<{ id: string; status: string }>(
      "SELECT id, status FROM ach_entries WHERE agency_id = $1 AND kind = 'prenote'",
      [agencyId],
    );
    assert.equal(prenote?.status, "pending_submission");
    const second = await debit({ amountCents: 300 });
    assert.equal(second.status, "created");
    const prenotes = await db.query("SELECT id FROM ach_entries WHERE agency_id = $1 AND kind = 'prenote'", [agencyId]);
    assert.equal(prenotes.length, 1, "one prenote per account");
    await assert.rejects(debit({ sameDay: true }), rejectsWith("invalid_effective_date", /prenote/));
  });

  test("held debits are released once the prenote was sent three business days ago, not before", async () => {
    await configureOriginator(db, agencyId, { ...originatorInput, requiresPrenote: true, prenoteDays: 3 });
    const held = await debit();
    const deferredHeld = await debit({ effectiveDate: "2026-12-15", amountCents: 1 });
    await releaseDueEntries(deps, clock);
    assert.equal((await reload(held)).status, "created", "the prenote is not even sent");
    const prenote = await getAchPrenote(db, agencyId, (await latestPrenoteId()) as string);
    later(6 * 3600_000); // 16:30 in New York: the prenote goes in Tuesday's file
    await submit(prenote);
    at("2026-11-19T15:00:00Z"); // Thursday: two business days
    await releaseDueEntries(deps, clock);
    assert.equal((await reload(held)).status, "created");
    at("2026-11-20T05:01:00Z"); // Friday, just after midnight in New York: three
    // The job serves every agency: other tests' entries may move too.
    assert.ok((await releaseDueEntries(deps, clock)) >= 2);
    const released = await reload(held);
    assert.equal(released.status, "pending_submission", "its date passed while held: due at once");
    assert.equal((await reload(deferredHeld)).status, "scheduled", "a later date still waits for its day");
    later(1000);
    await releaseDueEntries(deps, clock);
    assert.equal((await reload(held)).updatedAt.getTime(), released.updatedAt.getTime(), "nothing twice");
    const cleared = await debit({ amountCents: 999 });
    assert.equal(cleared.status, "pending_submission", "the account is cleared: no hold");
  });

  test("a held debit is canceled with the reason when the prenote comes back returned, and the account is refused after", async () => {
    await configureOriginator(db, agencyId, { ...originatorInput, requiresPrenote: true });
    const held = await debit();
    const prenote = await submit(await getAchPrenote(db, agencyId, (await latestPrenoteId()) as string));
    await moveEntry(db, agencyId, prenote.id, "submitted", "returned", clock, {
      returnCode: "R03",
      returnReason: "No account/unable to locate account",
      returnedAt: clock,
    });
    assert.ok((await releaseDueEntries(deps, clock)) >= 1);
    const canceled = await reload(held);
    assert.equal(canceled.status, "canceled");
    assert.match(canceled.cancelReason ?? "", new RegExp(`${prenote.id}.*R03 \\(No account`));
    assert.ok(canceled.canceledAt);
    await assert.rejects(debit(), rejectsWith("invalid_request", /returned R03/));
  });

  test("a held debit is canceled when its account's prenote is canceled", async () => {
    await configureOriginator(db, agencyId, { ...originatorInput, requiresPrenote: true });
    const held = await debit();
    await cancelEntry(deps, agencyId, (await latestPrenoteId()) as string);
    await releaseDueEntries(deps, clock);
    const canceled = await reload(held);
    assert.deepEqual([canceled.status, canceled.cancelReason], ["canceled", "The prenote to this bank account was canceled"]);
  });

  test("held debits are released when the bank stops asking for prenotes", async () => {
    await configureOriginator(db, agencyId, { ...originatorInput, requiresPrenote: true });
    const held = await debit();
    await configureOriginator(db, agencyId, { ...originatorInput, requiresPrenote: false });
    assert.ok((await releaseDueEntries(deps, clock)) >= 1);
    assert.equal((await reload(held)).status, "pending_submission");
  });
});

describe("releasing deferred debits", () => {
  test("a deferred debit becomes due one business day before its date", async () => {
    const d = await debit({ effectiveDate: "2026-11-23" }); // Monday
    at("2026-11-19T15:00:00Z"); // Thursday: the next business day is Friday
    await releaseDueEntries(deps, clock);
    assert.equal((await reload(d)).status, "scheduled");
    at("2026-11-20T15:00:00Z"); // Friday: the next business day is Monday
    assert.ok((await releaseDueEntries(deps, clock)) >= 1);
    assert.equal((await reload(d)).status, "pending_submission");
  });
});

describe("cancel", () => {
  test("held, deferred and due debits can be canceled; a second cancel changes nothing", async () => {
    const due = await debit();
    const deferred = await debit({ effectiveDate: "2026-12-01", amountCents: 2 });
    for (const d of [due, deferred]) {
      const canceled = await cancelEntry(deps, agencyId, d.id);
      assert.deepEqual([canceled.status, canceled.cancelReason], ["canceled", "Canceled by the agency"]);
    }
    later(1000);
    const again = await cancelEntry(deps, agencyId, due.id);
    assert.equal(again.updatedAt.getTime(), (await reload(due)).updatedAt.getTime());
    await configureOriginator(db, agencyId, { ...originatorInput, requiresPrenote: true });
    const held = await debit({ number: "000555444333" });
    assert.equal((await cancelEntry(deps, agencyId, held.id)).status, "canceled");
  });

  test("once in a file an entry cannot be canceled", async () => {
    const sent = await submit(await debit());
    await assert.rejects(cancelEntry(deps, agencyId, sent.id), rejectsWith("ach_not_cancelable", /submitted/));
    assert.equal((await reload(sent)).status, "submitted");
  });

  test("another agency's entry is not found", async () => {
    const d = await debit();
    const other = (await createAgency(db, { name: "Other ACH County" })).id;
    await assert.rejects(cancelEntry(deps, other, d.id), rejectsWith("ach_debit_not_found"));
    await assert.rejects(getAchDebit(db, other, d.id), rejectsWith("ach_debit_not_found"));
    assert.equal((await reload(d)).status, "pending_submission");
  });
});

describe("inquiry", () => {
  test("debits list newest first, filter by tracking id and status, and page by cursor without repeats", async () => {
    const made: EntryRecord[] = [];
    for (let i = 0; i < 5; i++) {
      made.push(await debit({ agencyTrackingId: "BATCH-7", amountCents: 100 + i }));
      if (i % 2 === 0) later(1000); // some share a creation instant: the id breaks the tie
    }
    await cancelEntry(deps, agencyId, (made[0] as EntryRecord).id);
    const first = await listAchDebits(db, agencyId, { agencyTrackingId: "BATCH-7", limit: 3 });
    assert.equal(first.hasMore, true);
    const second = await listAchDebits(db, agencyId, { agencyTrackingId: "BATCH-7", limit: 3, startingAfter: first.data.at(-1)?.id });
    assert.equal(second.hasMore, false);
    const ids = [...first.data, ...second.data].map((d) => d.id);
    assert.deepEqual(new Set(ids), new Set(made.map((d) => d.id)));
    assert.equal(ids.length, 5);
    assert.equal(ids[4], made[0]?.id, "oldest last");
    const canceled = await listAchDebits(db, agencyId, { status: "canceled", limit: 10 });
    assert.deepEqual(
      canceled.data.map((d) => d.id),
      [made[0]?.id],
    );
    await assert.rejects(listAchDebits(db, agencyId, { startingAfter: "ach_nope", limit: 1 }), rejectsWith("invalid_request"));
  });

  test("the default originator reads back as configured", async () => {
    const read = await getDefaultOriginator(db, agencyId);
    assert.deepEqual(read.sameDayCutoffs, ["10:00", "14:00", "16:00"]);
    assert.equal(read.nextDayCutoff, "17:00");
  });
});

async function latestPrenoteId(): Promise<string | undefined> {
  const [row] = await db.query<{ id: string }>(
    "SELECT id FROM ach_entries WHERE agency_id = $1 AND kind = 'prenote' ORDER BY created_at DESC LIMIT 1",
    [agencyId],
  );
  return row?.id;
}
