import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import { createAgency } from "../agencies/index.ts";
import { type Database, openTestDatabase, RemitError } from "../platform/index.ts";
import {
  type AccountBalances,
  amountCentsMax,
  expirePendingTransfers,
  expiryVoidId,
  getBalances,
  openAccount,
  type Side,
  type Transfer,
  type TransferKind,
  type TransferRequest,
  transfer,
  verifyLedger,
} from "./index.ts";

/**
 * Model-based test of the ledger: random short sequences of commands run against the real ledger
 * and against a plain model of what each should do. After every command the outcome (recorded,
 * replayed, or the exact error code) must match the model; after every sequence every balance
 * must. LEDGER_PROPERTY_RUNS overrides the number of sequences (CI requires 1,000).
 */
const numRuns = Number(process.env.LEDGER_PROPERTY_RUNS ?? 1000);

let db: Database;
before(async () => {
  db = await openTestDatabase();
});
after(() => db.close());

const minuteMs = 60_000;
const dayMs = 24 * 60 * minuteMs;
const firstRunStart = Date.parse("2026-11-22T12:00:00Z");
/**
 * The expiry job sweeps every agency. Each run's clock starts a day before the previous run's,
 * so a run's job never reaches the pending transfers earlier runs left open, and the number of
 * transfers it voids is exactly what the model expects.
 */
let runsStarted = 0;

// ---------------------------------------------------------------------------------------------
// Commands: plain data, so fast-check can print and shrink them. Indices pick among what the run
// has recorded so far; the model turns them into requests.

/**
 * Which pending transfer a post or void names: an open one the run recorded (or, failing that,
 * any), any one it recorded, an id it never recorded, or a transfer that is not pending.
 */
type Target = { readonly pick: number; readonly among: "open" | "any" } | "unknown" | "not_pending";
type AmountMode = "default" | "full" | "partial" | "over";
type Change = "amount" | "description" | "kind" | "accounts" | "expires_at" | "pending_id" | "spelling";

type Command =
  | {
      readonly type: "posted";
      readonly debit: number;
      readonly creditOffset: number;
      readonly amountCents: number;
      readonly description: string | undefined;
    }
  | {
      readonly type: "pending";
      readonly debit: number;
      readonly creditOffset: number;
      readonly amountCents: number;
      readonly expiresInMinutes: number | undefined;
      readonly description: string | undefined;
    }
  | {
      readonly type: "post_pending";
      readonly target: Target;
      readonly amount: AmountMode;
      readonly percent: number;
      readonly advanceMinutes: number;
    }
  | { readonly type: "void_pending"; readonly target: Target; readonly advanceMinutes: number }
  | { readonly type: "replay"; readonly pick: number }
  | { readonly type: "reuse"; readonly pick: number; readonly change: Change }
  | { readonly type: "expire"; readonly advanceMinutes: number };

const amountArb = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 100_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: amountCentsMax }) },
  { weight: 1, arbitrary: fc.constantFrom(1, 2, amountCentsMax) },
);
const descriptionArb = fc.option(fc.constantFrom("", "rent"), { nil: undefined });
const targetArb: fc.Arbitrary<Target> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ pick: fc.nat(), among: fc.constantFrom("open" as const, "open" as const, "any" as const) }) },
  { weight: 1, arbitrary: fc.constantFrom<Target>("unknown", "not_pending") },
);
const advanceArb = fc.constantFrom(0, 0, 1, 2);

const pendingArb: fc.Arbitrary<Command> = fc.record({
  type: fc.constant("pending" as const),
  debit: fc.nat(3),
  creditOffset: fc.nat(2),
  amountCents: amountArb,
  expiresInMinutes: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  description: descriptionArb,
});

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant("posted" as const),
      debit: fc.nat(3),
      creditOffset: fc.nat(2),
      amountCents: amountArb,
      description: descriptionArb,
    }),
  },
  { weight: 4, arbitrary: pendingArb },
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant("post_pending" as const),
      target: targetArb,
      amount: fc.constantFrom<AmountMode>("default", "full", "partial", "over"),
      percent: fc.integer({ min: 1, max: 99 }),
      advanceMinutes: advanceArb,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ type: fc.constant("void_pending" as const), target: targetArb, advanceMinutes: advanceArb }),
  },
  { weight: 2, arbitrary: fc.record({ type: fc.constant("replay" as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant("reuse" as const),
      pick: fc.nat(),
      change: fc.constantFrom<Change>("amount", "description", "kind", "accounts", "expires_at", "pending_id", "spelling"),
    }),
  },
  { weight: 2, arbitrary: fc.record({ type: fc.constant("expire" as const), advanceMinutes: fc.nat(4) }) },
);

/** 1 to 12 commands; most sequences open with a pending transfer, so that posts and voids have something to resolve. */
const commandsArb: fc.Arbitrary<Command[]> = fc.oneof(
  { weight: 1, arbitrary: fc.array(commandArb, { minLength: 1, maxLength: 12 }) },
  {
    weight: 2,
    arbitrary: fc.tuple(pendingArb, fc.array(commandArb, { minLength: 0, maxLength: 11 })).map(([first, rest]) => [first, ...rest]),
  },
);

/** Three or four accounts, at least one on each normal side. */
const sidesArb: fc.Arbitrary<Side[]> = fc
  .array(fc.constantFrom<Side>("debit", "credit"), { minLength: 1, maxLength: 2 })
  .map((rest) => ["debit", "credit", ...rest]);

// ---------------------------------------------------------------------------------------------
// The model.

interface ModelTransfer {
  readonly id: string;
  readonly kind: TransferKind;
  readonly debitAccountId: string;
  readonly creditAccountId: string;
  readonly amountCents: number;
  readonly pendingId: string | null;
  readonly expiresAt: number | null;
  readonly description: string;
}

interface ModelBalances {
  debitsPendingCents: number;
  creditsPendingCents: number;
  debitsPostedCents: number;
  creditsPostedCents: number;
}

interface Model {
  now: number;
  nextId: number;
  readonly accounts: ReadonlyArray<{ readonly id: string; readonly normalSide: Side }>;
  readonly balances: Map<string, ModelBalances>;
  /** Every recorded transfer, by id, in the order recorded. */
  readonly transfers: Map<string, ModelTransfer>;
  /** The request that recorded each transfer. */
  readonly requests: Map<string, TransferRequest>;
  /** How each resolved pending transfer was resolved; an open one has no entry. */
  readonly resolutions: Map<string, "posted" | "voided" | "expired">;
  /** Every request sent so far, recorded or refused, for replays. */
  readonly sent: TransferRequest[];
}

type Outcome =
  | { readonly ok: true; readonly replayed: boolean; readonly transfer: ModelTransfer }
  | { readonly ok: false; readonly code: string };

const refused = (code: string): Outcome => ({ ok: false, code });

function validAmount(amountCents: number): boolean {
  return Number.isSafeInteger(amountCents) && amountCents >= 1 && amountCents <= amountCentsMax;
}

function isValid(request: TransferRequest): boolean {
  if ((request.description ?? "").length > 500) return false;
  if (request.kind === "posted" || request.kind === "pending") {
    return validAmount(request.amountCents) && request.debitAccountId !== request.creditAccountId;
  }
  return request.kind !== "post_pending" || request.amountCents === undefined || validAmount(request.amountCents);
}

/** Whether a request names the transfer already recorded under its id; omitted fields take their defaults. */
function sameTransfer(stored: ModelTransfer, request: TransferRequest): boolean {
  if (stored.kind !== request.kind || stored.description !== (request.description ?? "")) return false;
  switch (request.kind) {
    case "posted":
    case "pending":
      return (
        stored.debitAccountId === request.debitAccountId &&
        stored.creditAccountId === request.creditAccountId &&
        stored.amountCents === request.amountCents &&
        stored.expiresAt === (request.kind === "pending" ? (request.expiresAt?.getTime() ?? null) : null)
      );
    case "post_pending":
      return stored.pendingId === request.pendingId && (request.amountCents ?? stored.amountCents) === stored.amountCents;
    case "void_pending":
      return stored.pendingId === request.pendingId;
  }
}

/** What the ledger must answer to this request at the model's current time. */
function expectedOutcome(model: Model, request: TransferRequest): Outcome {
  if (!isValid(request)) return refused("invalid_transfer");
  const stored = model.transfers.get(request.id);
  if (stored) {
    return sameTransfer(stored, request)
      ? { ok: true, replayed: true, transfer: stored }
      : refused("transfer_exists_with_different_fields");
  }
  const description = request.description ?? "";
  if (request.kind === "posted" || request.kind === "pending") {
    const { id, kind, debitAccountId, creditAccountId, amountCents } = request;
    const expiresAt = request.kind === "pending" ? (request.expiresAt?.getTime() ?? null) : null;
    return {
      ok: true,
      replayed: false,
      transfer: { id, kind, debitAccountId, creditAccountId, amountCents, pendingId: null, expiresAt, description },
    };
  }
  const pending = model.transfers.get(request.pendingId);
  if (pending?.kind !== "pending") return refused("pending_transfer_not_found");
  const resolution = model.resolutions.get(pending.id);
  if (resolution === "posted") return refused("pending_transfer_already_posted");
  if (resolution !== undefined) return refused("pending_transfer_already_voided");
  let amountCents = pending.amountCents;
  if (request.kind === "post_pending") {
    if (pending.expiresAt !== null && pending.expiresAt <= model.now) return refused("pending_transfer_expired");
    amountCents = request.amountCents ?? pending.amountCents;
    if (amountCents > pending.amountCents) return refused("exceeds_pending_transfer_amount");
  }
  return {
    ok: true,
    replayed: false,
    transfer: {
      id: request.id,
      kind: request.kind,
      debitAccountId: pending.debitAccountId,
      creditAccountId: pending.creditAccountId,
      amountCents,
      pendingId: pending.id,
      expiresAt: null,
      description,
    },
  };
}

/** Applies a newly recorded transfer to the model's balances and pending states. */
function record(model: Model, request: TransferRequest, t: ModelTransfer, expired = false): void {
  model.transfers.set(t.id, t);
  model.requests.set(t.id, request);
  const add = (accountId: string, field: keyof ModelBalances, cents: number) => {
    const balances = model.balances.get(accountId);
    assert.ok(balances, `model has no account ${accountId}`);
    balances[field] += cents;
  };
  if (t.kind === "posted" || t.kind === "post_pending") {
    add(t.debitAccountId, "debitsPostedCents", t.amountCents);
    add(t.creditAccountId, "creditsPostedCents", t.amountCents);
  }
  if (t.kind === "pending") {
    add(t.debitAccountId, "debitsPendingCents", t.amountCents);
    add(t.creditAccountId, "creditsPendingCents", t.amountCents);
  }
  if (t.pendingId !== null) {
    const pending = model.transfers.get(t.pendingId);
    assert.ok(pending, `model has no pending transfer ${t.pendingId}`);
    add(pending.debitAccountId, "debitsPendingCents", -pending.amountCents);
    add(pending.creditAccountId, "creditsPendingCents", -pending.amountCents);
    model.resolutions.set(pending.id, t.kind === "post_pending" ? "posted" : expired ? "expired" : "voided");
  }
}

function expectedBalances(normalSide: Side, b: ModelBalances): AccountBalances {
  const postedCents = normalSide === "debit" ? b.debitsPostedCents - b.creditsPostedCents : b.creditsPostedCents - b.debitsPostedCents;
  const outflowsPending = normalSide === "debit" ? b.creditsPendingCents : b.debitsPendingCents;
  return { ...b, postedCents, availableCents: postedCents - outflowsPending };
}

function view(t: Transfer | ModelTransfer): ModelTransfer {
  const expiresAt = t.expiresAt instanceof Date ? t.expiresAt.getTime() : t.expiresAt;
  const { id, kind, debitAccountId, creditAccountId, amountCents, pendingId, description } = t;
  return { id, kind, debitAccountId, creditAccountId, amountCents, pendingId, expiresAt, description };
}

// ---------------------------------------------------------------------------------------------
// Turning commands into requests.

const newTransferId = (model: Model) => `t${++model.nextId}`;

function accountPair(model: Model, debit: number, creditOffset: number): [string, string] {
  const n = model.accounts.length;
  const d = debit % n;
  const c = (d + 1 + (creditOffset % (n - 1))) % n;
  return [model.accounts[d]?.id ?? "", model.accounts[c]?.id ?? ""];
}

function pendingIdOf(model: Model, target: Target): string {
  const recorded = [...model.transfers.values()];
  if (typeof target === "object") {
    const pendings = recorded.filter((t) => t.kind === "pending");
    const open = pendings.filter((t) => !model.resolutions.has(t.id));
    const among = target.among === "open" && open.length > 0 ? open : pendings;
    const picked = among[target.pick % Math.max(among.length, 1)];
    if (picked) return picked.id;
  } else if (target === "not_pending") {
    const others = recorded.filter((t) => t.kind !== "pending");
    if (others.length > 0) return others[others.length - 1]?.id ?? "";
  }
  return `unknown${model.nextId}`;
}

function postAmount(model: Model, pendingId: string, mode: AmountMode, percent: number): number | undefined {
  const reserved = model.transfers.get(pendingId)?.amountCents ?? 100;
  switch (mode) {
    case "default":
      return undefined;
    case "full":
      return reserved;
    case "partial":
      return Math.max(1, Math.floor((reserved * percent) / 100));
    case "over":
      return reserved + 1 + Math.floor((reserved * percent) / 100);
  }
}

/** The request a `reuse` command sends: an earlier request's id with one field changed (or just spelled differently). */
function changed(model: Model, request: TransferRequest, change: Change): TransferRequest {
  const otherDescription = request.description ? undefined : "changed";
  if (change === "description") return { ...request, description: otherDescription };
  const spelledOtherwise = request.description || (request.description === "" ? undefined : "");
  if (request.kind === "posted" || request.kind === "pending") {
    switch (change) {
      case "amount":
        return { ...request, amountCents: request.amountCents === 1 ? 2 : request.amountCents - 1 };
      case "accounts":
        return { ...request, debitAccountId: request.creditAccountId, creditAccountId: request.debitAccountId };
      case "pending_id":
        return { ...request, amountCents: request.amountCents + 1 };
      case "spelling":
        return request.kind === "pending" && request.expiresAt
          ? { ...request, description: spelledOtherwise, expiresAt: new Date(request.expiresAt.getTime()) }
          : { ...request, description: spelledOtherwise };
    }
    const { id, debitAccountId, creditAccountId, amountCents, description } = request;
    const common = { id, debitAccountId, creditAccountId, amountCents, description };
    if (request.kind === "posted") {
      // A posted transfer has no expiry: both changes ask for a pending transfer under its id.
      return change === "kind" ? { ...common, kind: "pending" } : { ...common, kind: "pending", expiresAt: new Date(model.now) };
    }
    if (change === "kind") return { ...common, kind: "posted" };
    return { ...request, expiresAt: request.expiresAt ? undefined : new Date(model.now + minuteMs) };
  }
  const stored = model.transfers.get(request.id);
  const otherPending = () => {
    const pendings = [...model.transfers.values()].filter((t) => t.kind === "pending" && t.id !== request.pendingId);
    return pendings[0]?.id ?? `unknown${model.nextId}`;
  };
  if (request.kind === "post_pending") {
    switch (change) {
      case "amount":
      case "accounts":
      case "expires_at": {
        const amountCents = request.amountCents ?? stored?.amountCents ?? 1;
        return { ...request, amountCents: amountCents === 1 ? 2 : amountCents - 1 };
      }
      case "kind":
        return { id: request.id, kind: "void_pending", pendingId: request.pendingId, description: request.description };
      case "pending_id":
        return { ...request, pendingId: otherPending() };
      case "spelling":
        // An explicit amount equal to the one posted by default names the same transfer, and so does the reverse.
        return request.amountCents === undefined
          ? { ...request, amountCents: stored?.amountCents ?? 1 }
          : { ...request, amountCents: undefined };
    }
  }
  switch (change) {
    case "kind":
      return { id: request.id, kind: "post_pending", pendingId: request.pendingId, description: request.description };
    case "spelling":
      return { ...request, description: spelledOtherwise };
    default:
      return { ...request, pendingId: otherPending() };
  }
}

function requestOf(model: Model, command: Command): TransferRequest | undefined {
  switch (command.type) {
    case "posted": {
      const [debitAccountId, creditAccountId] = accountPair(model, command.debit, command.creditOffset);
      const { amountCents, description } = command;
      return { id: newTransferId(model), kind: "posted", debitAccountId, creditAccountId, amountCents, description };
    }
    case "pending": {
      const [debitAccountId, creditAccountId] = accountPair(model, command.debit, command.creditOffset);
      const { amountCents, description, expiresInMinutes } = command;
      const expiresAt = expiresInMinutes === undefined ? undefined : new Date(model.now + expiresInMinutes * minuteMs);
      return { id: newTransferId(model), kind: "pending", debitAccountId, creditAccountId, amountCents, expiresAt, description };
    }
    case "post_pending": {
      model.now += command.advanceMinutes * minuteMs;
      const pendingId = pendingIdOf(model, command.target);
      const amountCents = postAmount(model, pendingId, command.amount, command.percent);
      return { id: newTransferId(model), kind: "post_pending", pendingId, amountCents };
    }
    case "void_pending":
      model.now += command.advanceMinutes * minuteMs;
      return { id: newTransferId(model), kind: "void_pending", pendingId: pendingIdOf(model, command.target) };
    case "replay":
      return model.sent[command.pick % Math.max(model.sent.length, 1)];
    case "reuse": {
      const earlier = [...model.requests.values()];
      const request = earlier[command.pick % Math.max(earlier.length, 1)];
      return request && changed(model, request, command.change);
    }
    case "expire":
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Running commands against the ledger and the model side by side.

async function runCommand(agencyId: string, model: Model, command: Command): Promise<void> {
  if (command.type === "expire") {
    model.now += command.advanceMinutes * minuteMs;
    const lapsed = [...model.transfers.values()].filter(
      (t) => t.kind === "pending" && !model.resolutions.has(t.id) && t.expiresAt !== null && t.expiresAt <= model.now,
    );
    const voided = await expirePendingTransfers(db, new Date(model.now));
    assert.equal(voided, lapsed.length, `the expiry job at ${new Date(model.now).toISOString()} voids the lapsed transfers`);
    for (const pending of lapsed) {
      const request: TransferRequest = {
        id: expiryVoidId(pending.id),
        kind: "void_pending",
        pendingId: pending.id,
        description: "expired",
      };
      model.sent.push(request);
      const expected = expectedOutcome(model, request);
      assert.ok(expected.ok && !expected.replayed);
      record(model, request, expected.transfer, true);
    }
    return;
  }

  const request = requestOf(model, command);
  if (!request) return;
  model.sent.push(request);
  const expected = expectedOutcome(model, request);
  let actual: Outcome;
  try {
    const outcome = await transfer(db, agencyId, request, new Date(model.now));
    actual = { ok: true, replayed: outcome.replayed, transfer: view(outcome.transfer) };
  } catch (error) {
    if (!(error instanceof RemitError)) throw error;
    actual = refused(error.code);
  }
  assert.deepEqual(actual, expected, `outcome of ${JSON.stringify(request)} at ${new Date(model.now).toISOString()}`);
  if (expected.ok && !expected.replayed) record(model, request, expected.transfer);
}

async function runSequence(sides: readonly Side[], commands: readonly Command[]): Promise<void> {
  const runIndex = runsStarted++;
  const agency = await createAgency(db, { name: `Property County ${runIndex}` });
  const accounts = [];
  for (const [i, normalSide] of sides.entries()) {
    const account = await openAccount(db, agency.id, { fund: "general", code: `a${i}`, name: `Account ${i}`, normalSide });
    accounts.push({ id: account.id, normalSide });
  }
  const model: Model = {
    now: firstRunStart - runIndex * dayMs,
    nextId: 0,
    accounts,
    balances: new Map(
      accounts.map((a) => [a.id, { debitsPendingCents: 0, creditsPendingCents: 0, debitsPostedCents: 0, creditsPostedCents: 0 }]),
    ),
    transfers: new Map(),
    requests: new Map(),
    resolutions: new Map(),
    sent: [],
  };

  for (const command of commands) await runCommand(agency.id, model, command);

  for (const account of accounts) {
    const balances = model.balances.get(account.id);
    assert.ok(balances);
    assert.deepEqual(
      await getBalances(db, agency.id, account.id),
      expectedBalances(account.normalSide, balances),
      `balances of ${account.normalSide}-normal account ${account.id}`,
    );
  }
  const rows = await db.query<{
    id: string;
    kind: TransferKind;
    debit_account_id: string;
    credit_account_id: string;
    amount_cents: number;
    pending_id: string | null;
    expires_at: Date | null;
    description: string;
  }>("SELECT * FROM ledger_transfers WHERE agency_id = $1 ORDER BY id", [agency.id]);
  assert.deepEqual(
    rows.map((r) =>
      view({
        id: r.id,
        kind: r.kind,
        debitAccountId: r.debit_account_id,
        creditAccountId: r.credit_account_id,
        amountCents: r.amount_cents,
        pendingId: r.pending_id,
        expiresAt: r.expires_at?.getTime() ?? null,
        description: r.description,
      }),
    ),
    [...model.transfers.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    "the transfers recorded are the model's",
  );
}

describe("ledger properties", () => {
  test(`any sequence of transfers, resolutions, retries and expiries ends where a plain model says (${numRuns} runs)`, async () => {
    assert.ok(numRuns >= 1, "LEDGER_PROPERTY_RUNS is a positive number");
    await fc.assert(fc.asyncProperty(sidesArb, commandsArb, runSequence), { numRuns });
    const report = await verifyLedger(db);
    assert.deepEqual(report.violations, []);
    assert.equal(report.ok, true);
  });
});
