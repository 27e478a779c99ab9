import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createAgency } from "../agencies/index.ts";
import { type Database, openTestDatabase, RemitError, type Sql } from "../platform/index.ts";
import {
  type Balances,
  getBalances,
  openAccount,
  recordTransfer,
  type Side,
  type TransferRequest,
  transfer,
  verifyLedger,
} from "./index.ts";

/**
 * Many connections writing to one ledger at once. PGlite runs one transaction at a time, so
 * these tests only mean something on PostgreSQL.
 */
const skip = process.env.DATABASE_URL ? false : "needs PostgreSQL: set DATABASE_URL";
const workers = 50;

let db: Database;
before(async () => {
  if (skip) return;
  db = await openTestDatabase({ poolSize: workers });
  // Open every pooled connection up front, so that the workers start together.
  await Promise.all(Array.from({ length: workers }, () => db.transaction((tx) => tx.query("SELECT pg_sleep(0.05)"))));
});
after(async () => {
  if (db) await db.close();
});

const now = new Date("2026-11-22T12:00:00Z");

/** A small seeded generator (mulberry32), so that a failing mix of transfers can be run again. */
function random(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * n);
  };
}

async function agencyWithAccounts() {
  const agency = await createAgency(db, { name: "Concurrency County" });
  const open = async (code: string, normalSide: Side) =>
    (await openAccount(db, agency.id, { fund: "general", code, name: code, normalSide })).id;
  return {
    agencyId: agency.id,
    clearing: await open("clearing", "debit"),
    others: [await open("cash", "debit"), await open("revenue", "credit"), await open("fees", "credit"), await open("refunds", "debit")],
  };
}

/**
 * Runs `work` for every worker in its own transaction, and lets none of them go further than its
 * first statement until all of them have opened theirs: they race as hard as a pool allows.
 */
function race<T>(work: (tx: Sql, worker: number) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  let arrived = 0;
  let release: () => void = () => {};
  const allArrived = new Promise<void>((resolve) => {
    release = resolve;
  });
  return Promise.allSettled(
    Array.from({ length: workers }, (_, worker) =>
      db.transaction(async (tx) => {
        await tx.query("SELECT 1");
        if (++arrived === workers) release();
        await allArrived;
        return work(tx, worker);
      }),
    ),
  );
}

function codeOf(result: PromiseSettledResult<unknown>): string {
  if (result.status === "fulfilled") return "ok";
  if (result.reason instanceof RemitError) return result.reason.code;
  throw result.reason;
}

function fourSums(b: Balances): Balances {
  const { debitsPendingCents, creditsPendingCents, debitsPostedCents, creditsPostedCents } = b;
  return { debitsPendingCents, creditsPendingCents, debitsPostedCents, creditsPostedCents };
}

async function assertLedgerSound() {
  const report = await verifyLedger(db);
  assert.deepEqual(report.violations, []);
  assert.equal(report.ok, true);
}

describe("ledger under concurrency", () => {
  test(`${workers} workers recording 100 transfers each through one hot account lose no cent`, { skip }, async () => {
    const { agencyId, clearing, others } = await agencyWithAccounts();
    const accounts = [clearing, ...others];
    const expected = new Map<string, { -readonly [K in keyof Balances]: number }>(
      accounts.map((id) => [id, { debitsPendingCents: 0, creditsPendingCents: 0, debitsPostedCents: 0, creditsPostedCents: 0 }]),
    );
    const add = (accountId: string, field: keyof Balances, cents: number) => {
      const sums = expected.get(accountId);
      assert.ok(sums);
      sums[field] += cents;
    };
    const transfersPerWorker = 100;
    let recorded = 0;

    await Promise.all(
      Array.from({ length: workers }, async (_, worker) => {
        const next = random(worker + 1);
        const open: { id: string; debit: string; credit: string; amountCents: number }[] = [];
        for (let i = 0; i < transfersPerWorker; i++) {
          const id = `w${worker}-${i}`;
          const roll = next(10);
          let request: TransferRequest;
          const resolving = open.length > 0 && roll >= 6 ? open.splice(next(open.length), 1)[0] : undefined;
          if (resolving && roll >= 8) {
            // Void: the whole reservation is released.
            request = { id, kind: "void_pending", pendingId: resolving.id };
            add(resolving.debit, "debitsPendingCents", -resolving.amountCents);
            add(resolving.credit, "creditsPendingCents", -resolving.amountCents);
          } else if (resolving) {
            // Post part (or all) of it: the reservation is released, the part moves.
            const amountCents = 1 + next(resolving.amountCents);
            request = { id, kind: "post_pending", pendingId: resolving.id, amountCents };
            add(resolving.debit, "debitsPendingCents", -resolving.amountCents);
            add(resolving.credit, "creditsPendingCents", -resolving.amountCents);
            add(resolving.debit, "debitsPostedCents", amountCents);
            add(resolving.credit, "creditsPostedCents", amountCents);
          } else {
            // The hot account is on one side of every transfer between accounts.
            const other = others[next(others.length)] ?? "";
            const [debit, credit] = next(2) === 0 ? [clearing, other] : [other, clearing];
            const amountCents = 1 + next(100_000);
            const pending = roll >= 3;
            request = {
              id,
              kind: pending ? "pending" : "posted",
              debitAccountId: debit,
              creditAccountId: credit,
              amountCents,
            };
            if (pending) open.push({ id, debit, credit, amountCents });
            add(debit, pending ? "debitsPendingCents" : "debitsPostedCents", amountCents);
            add(credit, pending ? "creditsPendingCents" : "creditsPostedCents", amountCents);
          }
          const outcome = await transfer(db, agencyId, request, now);
          assert.equal(outcome.replayed, false, `${id} is new`);
          recorded++;
        }
      }),
    );

    assert.equal(recorded, workers * transfersPerWorker);
    const hot = await getBalances(db, agencyId, clearing);
    const hotExpected = expected.get(clearing);
    assert.ok(hotExpected);
    assert.deepEqual(fourSums(hot), hotExpected);
    assert.equal(hot.postedCents, hotExpected.debitsPostedCents - hotExpected.creditsPostedCents);
    assert.ok(hotExpected.debitsPendingCents > 0 && hotExpected.creditsPendingCents > 0, "some reservations are still open");
    for (const account of others) {
      assert.deepEqual(fourSums(await getBalances(db, agencyId, account)), expected.get(account), `balances of ${account}`);
    }
    const [count] = await db.query<{ n: number }>("SELECT count(*)::bigint AS n FROM ledger_transfers WHERE agency_id = $1", [agencyId]);
    assert.equal(count?.n, workers * transfersPerWorker);
    await assertLedgerSound();
  });

  test(`of ${workers} workers racing to post and void one pending transfer, exactly one resolves it`, { skip }, async () => {
    const { agencyId, clearing, others } = await agencyWithAccounts();
    const revenue = others[1] ?? "";
    const rounds = 10;
    let postedCents = 0;
    for (let round = 0; round < rounds; round++) {
      const pendingId = `auth-${round}`;
      await transfer(
        db,
        agencyId,
        { id: pendingId, kind: "pending", debitAccountId: clearing, creditAccountId: revenue, amountCents: 10_000 },
        now,
      );
      const results = await race((tx, worker) =>
        recordTransfer(
          tx,
          agencyId,
          worker % 2 === 0
            ? { id: `${pendingId}-post-${worker}`, kind: "post_pending", pendingId, amountCents: 5_000 + worker }
            : { id: `${pendingId}-void-${worker}`, kind: "void_pending", pendingId },
          now,
        ),
      );
      const codes = results.map(codeOf);
      const winners = results.flatMap((r) => (r.status === "fulfilled" ? [r.value.transfer] : []));
      assert.equal(winners.length, 1, `one resolution of ${pendingId} succeeds: ${codes.join(", ")}`);
      const winner = winners[0];
      assert.ok(winner);
      assert.equal(winner.pendingId, pendingId);
      const loserCode = winner.kind === "post_pending" ? "pending_transfer_already_posted" : "pending_transfer_already_voided";
      assert.deepEqual(
        codes.filter((c) => c !== "ok"),
        Array(workers - 1).fill(loserCode),
        `every other resolution of ${pendingId} is told it was already resolved`,
      );
      if (winner.kind === "post_pending") postedCents += winner.amountCents;

      const resolutions = await db.query<{ id: string }>("SELECT id FROM ledger_transfers WHERE agency_id = $1 AND pending_id = $2", [
        agencyId,
        pendingId,
      ]);
      assert.deepEqual(resolutions, [{ id: winner.id }]);
      const hot = await getBalances(db, agencyId, clearing);
      assert.deepEqual(fourSums(hot), {
        debitsPendingCents: 0,
        creditsPendingCents: 0,
        debitsPostedCents: postedCents,
        creditsPostedCents: 0,
      });
      assert.deepEqual(fourSums(await getBalances(db, agencyId, revenue)), {
        debitsPendingCents: 0,
        creditsPendingCents: 0,
        debitsPostedCents: 0,
        creditsPostedCents: postedCents,
      });
    }
    await assertLedgerSound();
  });

  test(`${workers} workers recording the same transfer id with the same fields move the money once`, { skip }, async () => {
    const { agencyId, clearing, others } = await agencyWithAccounts();
    const revenue = others[1] ?? "";
    const request = {
      id: "pay-once",
      kind: "posted",
      debitAccountId: clearing,
      creditAccountId: revenue,
      amountCents: 777,
      description: "retried",
    } as const;
    const results = await race((tx) => recordTransfer(tx, agencyId, request, now));
    const outcomes = results.map((r) => {
      if (r.status === "rejected") throw r.reason;
      return r.value;
    });
    assert.equal(outcomes.filter((o) => !o.replayed).length, 1, "exactly one worker records it");
    const first = outcomes.find((o) => !o.replayed)?.transfer;
    for (const outcome of outcomes) assert.deepEqual(outcome.transfer, first);
    assert.deepEqual(fourSums(await getBalances(db, agencyId, clearing)), {
      debitsPendingCents: 0,
      creditsPendingCents: 0,
      debitsPostedCents: 777,
      creditsPostedCents: 0,
    });
    assert.equal((await getBalances(db, agencyId, revenue)).postedCents, 777);
    await assertLedgerSound();
  });

  for (const kind of ["post_pending", "void_pending"] as const) {
    const verb = kind === "post_pending" ? "post" : "void";
    test(`${workers} workers retrying the same ${verb} of a pending transfer at once resolve it once and all get its result`, {
      skip,
    }, async () => {
      const { agencyId, clearing, others } = await agencyWithAccounts();
      const revenue = others[1] ?? "";
      await transfer(
        db,
        agencyId,
        { id: "auth", kind: "pending", debitAccountId: clearing, creditAccountId: revenue, amountCents: 10_000 },
        now,
      );
      const request: TransferRequest =
        kind === "post_pending"
          ? { id: "capture", kind, pendingId: "auth", amountCents: 7_500 }
          : { id: "release", kind, pendingId: "auth" };
      const results = await race((tx) => recordTransfer(tx, agencyId, request, now));
      const postedCents = kind === "post_pending" ? 7_500 : 0;
      assert.deepEqual(fourSums(await getBalances(db, agencyId, clearing)), {
        debitsPendingCents: 0,
        creditsPendingCents: 0,
        debitsPostedCents: postedCents,
        creditsPostedCents: 0,
      });
      await assertLedgerSound();
      const answers: Record<string, number> = {};
      for (const r of results) {
        const answer = r.status === "fulfilled" ? (r.value.replayed ? "replayed" : "recorded") : codeOf(r);
        answers[answer] = (answers[answer] ?? 0) + 1;
      }
      assert.deepEqual(answers, { recorded: 1, replayed: workers - 1 });
    });
  }
});
