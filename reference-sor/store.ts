import { type Database, isUniqueViolation, type MigrationReport, migrate, newId, type Sql } from "../src/platform/index.ts";
import type { RuleSetId } from "../src/rules/index.ts";
import {
  type AccountKind,
  type Accrual,
  allocatePayment,
  amountDueOf,
  balanceOf,
  type ChargeLine,
  type CourtAssessment,
  type CourtState,
  type ParcelBill,
  type ParcelState,
  type PermitState,
  type PostedLine,
  parcelBalance,
  permitBalance,
  reconnectCovered,
  stateAfter,
  type UtilityBill,
  type UtilityState,
  utilityBalance,
} from "./allocation.ts";
import { countyDate, type IsoDate } from "./dates.ts";
import { sorError } from "./errors.ts";
import type { AssessmentCategory } from "./waterfalls.ts";

/**
 * The one store of the reference system of record: every SQL statement it runs. Tables live in
 * the schema `reference_sor` and every statement names it, so the SOR can share a PostgreSQL
 * database with Remit (or anything else) without a search_path of its own.
 */
export const sorSchema = "reference_sor";
export const sorMigrationsDir = new URL("./migrations/", import.meta.url).pathname;

/**
 * Applies reference-sor/migrations with the platform's migrate(). migrate() keeps its versions in
 * an unqualified `schema_migrations`; run through `inSorSchema`, every one of its statements has
 * `SET LOCAL search_path TO reference_sor`, so the SOR's versions land in
 * `reference_sor.schema_migrations`, apart from Remit's own, even on a database both share —
 * and no connection is left with a changed search_path.
 */
export async function migrateReferenceSor(db: Database): Promise<MigrationReport> {
  await db.query(`CREATE SCHEMA IF NOT EXISTS ${sorSchema}`);
  return migrate(inSorSchema(db), sorMigrationsDir);
}

function inSorSchema(db: Database): Database {
  const setPath = `SET LOCAL search_path TO ${sorSchema}`;
  return {
    ...db,
    query: <Row>(text: string, params?: readonly unknown[]) =>
      db.transaction(async (tx) => {
        await tx.query(setPath);
        return tx.query<Row>(text, params);
      }),
    transaction: (work, options) =>
      db.transaction(async (tx) => {
        await tx.query(setPath);
        return work(tx);
      }, options),
  };
}

// ─── county ──────────────────────────────────────────────────────────────────────────────────

export interface County {
  readonly name: string;
  readonly ruleSet: RuleSetId;
  readonly timeZone: string;
}

export const defaultCounty: County = { name: "Demo County", ruleSet: "TX", timeZone: "America/Chicago" };

/** The county the seed wrote, or the default before any seed. */
export async function loadCounty(sql: Sql): Promise<County> {
  const [row] = await sql.query<{ name: string; rule_set: RuleSetId; time_zone: string }>(
    `SELECT name, rule_set, time_zone FROM ${sorSchema}.county WHERE id = 1`,
  );
  return row ? { name: row.name, ruleSet: row.rule_set, timeZone: row.time_zone } : defaultCounty;
}

export async function isSeeded(sql: Sql): Promise<boolean> {
  return (await sql.query(`SELECT 1 FROM ${sorSchema}.county WHERE id = 1`)).length > 0;
}

// ─── accounts ────────────────────────────────────────────────────────────────────────────────

/**
 * Every list query has a LIMIT; reaching it would silently drop rows a balance depends on, so
 * reaching it is an error, not a shorter answer.
 */
function bounded<T>(rows: T[], limit: number, what: string): T[] {
  if (rows.length >= limit) throw new Error(`More than ${limit - 1} ${what}: the reference SOR was not built for that many`);
  return rows;
}

const linesPerAccountMax = 10_000;

export interface Levy {
  readonly taxYear: number;
  readonly unitCode: string;
  readonly unitName: string;
  readonly taxableValueCents: number;
  readonly taxCents: number;
}

export type LoadedAccount =
  | {
      kind: "parcel";
      ref: string;
      name: string;
      state: ParcelState;
      situsAddress: string;
      levies: Levy[];
    }
  | { kind: "court_case"; ref: string; name: string; state: CourtState; court: string; offense: string; filedOn: IsoDate }
  | {
      kind: "utility";
      ref: string;
      name: string;
      state: UtilityState;
      serviceAddress: string;
      disconnectedOn: IsoDate | null;
      disconnectAmountCents: number;
    }
  | {
      kind: "permit";
      ref: string;
      name: string;
      state: PermitState;
      siteAddress: string;
      appliedOn: IsoDate;
      issuedAt: Date | null;
    };

interface LineRow {
  charge_id: string | null;
  label: string;
  tax_year: number | null;
  installment: number | null;
  component: ChargeLine["component"];
  amount_cents: number;
  paid_at: Date;
}

function postedLine(row: LineRow, timeZone: string): PostedLine {
  return {
    chargeId: row.charge_id,
    label: row.label,
    taxYear: row.tax_year,
    installment: row.installment,
    component: row.component,
    amountCents: row.amount_cents,
    paidOn: countyDate(row.paid_at, timeZone),
  };
}

/**
 * One statement per account kind that reads the account with everything its balance is derived
 * from — its own row, the county, the lines of the payments that stand (reversed ones are left
 * out), and the kind's bills, levies, accruals or assessments — as JSON columns: one round trip
 * instead of seven. `$1` is the ref; `$2` a payment_id whose presence to report (`payment_exists`),
 * or null. Each list keeps the order and the bound it had as a query of its own.
 */
const stateColumns = `a.name, a.xmin::text AS version,
  (SELECT json_build_object('name', name, 'rule_set', rule_set, 'time_zone', time_zone)
     FROM ${sorSchema}.county WHERE id = 1) AS county,
  EXISTS (SELECT 1 FROM ${sorSchema}.payments WHERE payment_id = $2) AS payment_exists,
  (SELECT coalesce(json_agg(x ORDER BY x.paid_at, x.payment_id, x.line_no), '[]') FROM (
     SELECT l.payment_id, l.line_no, l.charge_id, l.label, l.tax_year, l.installment, l.component, l.amount_cents, p.paid_at
       FROM ${sorSchema}.payment_lines l JOIN ${sorSchema}.payments p USING (payment_id)
      WHERE p.ref = $1 AND p.status = 'applied'
      ORDER BY p.paid_at, l.payment_id, l.line_no
      LIMIT ${linesPerAccountMax}) x) AS lines`;

const accountStateSql: Record<AccountKind, string> = {
  parcel: `SELECT ${stateColumns},
    (SELECT json_build_object('situs_address', situs_address, 'property_class', property_class)
       FROM ${sorSchema}.parcels WHERE ref = $1) AS detail,
    (SELECT coalesce(json_agg(b ORDER BY b.tax_year, b.installment), '[]') FROM (
       SELECT bill_id, tax_year, installment, tax_cents, billed_on
         FROM ${sorSchema}.parcel_bills WHERE ref = $1 ORDER BY tax_year, installment LIMIT 200) b) AS bills,
    (SELECT coalesce(json_agg(v ORDER BY v.tax_year, v.unit_code), '[]') FROM (
       SELECT l.tax_year, l.unit_code, u.name AS unit_name, l.taxable_value_cents, l.tax_cents
         FROM ${sorSchema}.parcel_levies l JOIN ${sorSchema}.taxing_units u ON u.code = l.unit_code
        WHERE l.ref = $1 ORDER BY l.tax_year, l.unit_code LIMIT 1000) v) AS levies,
    (SELECT coalesce(json_agg(r), '[]') FROM (
       SELECT c.charge_id, c.component, c.amount_cents
         FROM ${sorSchema}.payment_accruals c JOIN ${sorSchema}.payments p USING (payment_id)
        WHERE p.ref = $1 AND p.status = 'applied'
        LIMIT ${linesPerAccountMax}) r) AS accruals
    FROM ${sorSchema}.accounts a WHERE a.ref = $1 AND a.kind = 'parcel'`,
  court_case: `SELECT ${stateColumns},
    (SELECT json_build_object('court', court, 'offense', offense, 'filed_on', filed_on)
       FROM ${sorSchema}.court_cases WHERE ref = $1) AS detail,
    (SELECT coalesce(json_agg(s ORDER BY s.assessed_on, s.assessment_id), '[]') FROM (
       SELECT assessment_id, category, description, assessed_on, amount_cents
         FROM ${sorSchema}.court_assessments WHERE ref = $1 ORDER BY assessed_on, assessment_id LIMIT 500) s) AS assessments
    FROM ${sorSchema}.accounts a WHERE a.ref = $1 AND a.kind = 'court_case'`,
  utility: `SELECT ${stateColumns},
    (SELECT json_build_object('ref', ref, 'service_address', service_address, 'service_status', service_status,
                              'disconnected_on', disconnected_on, 'disconnect_amount_cents', disconnect_amount_cents,
                              'reconnect_eligible', reconnect_eligible)
       FROM ${sorSchema}.utility_accounts WHERE ref = $1) AS detail,
    (SELECT coalesce(json_agg(b ORDER BY b.due_date, b.bill_id), '[]') FROM (
       SELECT bill_id, ref, description, bill_date, due_date, amount_cents, late_fee_applies
         FROM ${sorSchema}.utility_bills WHERE ref = $1 ORDER BY due_date, bill_id LIMIT 500) b) AS bills
    FROM ${sorSchema}.accounts a WHERE a.ref = $1 AND a.kind = 'utility'`,
  permit: `SELECT ${stateColumns},
    (SELECT json_build_object('permit_type', permit_type, 'site_address', site_address, 'applied_on', applied_on,
                              'fee_cents', fee_cents, 'status', status, 'issued_at', issued_at)
       FROM ${sorSchema}.permits WHERE ref = $1) AS detail
    FROM ${sorSchema}.accounts a WHERE a.ref = $1 AND a.kind = 'permit'`,
};

/** A row of `accountStateSql`; timestamps arrive as JSON text, dates as `YYYY-MM-DD`. */
interface AccountStateRow {
  name: string;
  version: string;
  county: { name: string; rule_set: RuleSetId; time_zone: string } | null;
  payment_exists: boolean;
  lines: Array<Omit<LineRow, "paid_at"> & { paid_at: string }>;
  detail: Record<string, unknown> | null;
  bills?: unknown[];
  levies?: Array<{ tax_year: number; unit_code: string; unit_name: string; taxable_value_cents: number; tax_cents: number }>;
  accruals?: Array<{ charge_id: string; component: Accrual["component"]; amount_cents: number }>;
  assessments?: Parameters<typeof assessmentOf>[0][];
}

export interface LoadedState {
  readonly county: County;
  readonly account: LoadedAccount;
  /**
   * The account row's version (its `xmin`): every payment and reversal on the account writes the
   * row again, so a different value means the state read is no longer current (`insertPaymentSql`).
   */
  readonly version: string;
  /** Whether the payment_id asked about (`paymentId`) is recorded, as of this read. */
  readonly paymentExists: boolean;
}

/**
 * An account with everything its balance is derived from, and the county, in one statement.
 * With `lock`, the account row is locked first (`FOR UPDATE`, a statement of its own, so that the
 * read that follows sees every payment committed before the lock was granted): payments and
 * reversals on one account run one at a time.
 */
export async function loadAccount(
  sql: Sql,
  kind: AccountKind,
  ref: string,
  options: { lock?: boolean; paymentId?: string } = {},
): Promise<LoadedState | undefined> {
  if (options.lock) {
    const locked = await sql.query(`SELECT 1 FROM ${sorSchema}.accounts WHERE ref = $1 AND kind = $2 FOR UPDATE`, [ref, kind]);
    if (locked.length === 0) return undefined;
  }
  const [row] = await sql.query<AccountStateRow>(accountStateSql[kind], [ref, options.paymentId ?? null]);
  if (!row) return undefined;
  const county: County = row.county
    ? { name: row.county.name, ruleSet: row.county.rule_set, timeZone: row.county.time_zone }
    : defaultCounty;
  const lines = bounded(row.lines, linesPerAccountMax, `payment lines on ${ref}`).map((line) =>
    postedLine({ ...line, paid_at: new Date(line.paid_at) }, county.timeZone),
  );
  return { county, account: accountOf(kind, ref, row, county, lines), version: row.version, paymentExists: row.payment_exists };
}

function accountOf(kind: AccountKind, ref: string, row: AccountStateRow, county: County, lines: PostedLine[]): LoadedAccount {
  const detail = row.detail;
  switch (kind) {
    case "parcel": {
      const parcel = detail as { situs_address: string; property_class: "residential" | "nonresidential" } | null;
      if (!parcel) throw new Error(`Account ${ref} has no parcel row`);
      const accruals = bounded(row.accruals ?? [], linesPerAccountMax, `accruals on ${ref}`);
      return {
        kind: "parcel",
        ref,
        name: row.name,
        situsAddress: parcel.situs_address,
        state: {
          kind: "parcel",
          ruleSet: county.ruleSet,
          propertyClass: parcel.property_class,
          bills: (row.bills as Parameters<typeof parcelBillOf>[0][]).map(parcelBillOf),
          lines,
          accruals: accruals.map((r) => ({ chargeId: r.charge_id, component: r.component, amountCents: r.amount_cents })),
        },
        levies: (row.levies ?? []).map((l) => ({
          taxYear: l.tax_year,
          unitCode: l.unit_code,
          unitName: l.unit_name,
          taxableValueCents: l.taxable_value_cents,
          taxCents: l.tax_cents,
        })),
      };
    }
    case "court_case": {
      const courtCase = detail as { court: string; offense: string; filed_on: string } | null;
      if (!courtCase) throw new Error(`Account ${ref} has no court case row`);
      return {
        kind: "court_case",
        ref,
        name: row.name,
        court: courtCase.court,
        offense: courtCase.offense,
        filedOn: courtCase.filed_on,
        state: { kind: "court_case", assessments: (row.assessments ?? []).map(assessmentOf), lines },
      };
    }
    case "utility": {
      const utility = detail as UtilityAccountRow | null;
      if (!utility) throw new Error(`Account ${ref} has no utility row`);
      return {
        kind: "utility",
        ref,
        name: row.name,
        serviceAddress: utility.service_address,
        disconnectedOn: utility.disconnected_on,
        disconnectAmountCents: utility.disconnect_amount_cents,
        state: utilityStateOf(utility, (row.bills as UtilityBillRow[]).map(utilityBillOf), lines),
      };
    }
    case "permit": {
      const permit = detail as {
        permit_type: string;
        site_address: string;
        applied_on: string;
        fee_cents: number;
        status: PermitState["status"];
        issued_at: string | null;
      } | null;
      if (!permit) throw new Error(`Account ${ref} has no permit row`);
      return {
        kind: "permit",
        ref,
        name: row.name,
        siteAddress: permit.site_address,
        appliedOn: permit.applied_on,
        issuedAt: permit.issued_at === null ? null : new Date(permit.issued_at),
        state: { kind: "permit", ref, permitType: permit.permit_type, feeCents: permit.fee_cents, status: permit.status, lines },
      };
    }
  }
}

function parcelBillOf(b: { bill_id: string; tax_year: number; installment: number; tax_cents: number; billed_on: string }): ParcelBill {
  return { billId: b.bill_id, taxYear: b.tax_year, installment: b.installment, taxCents: b.tax_cents, billedOn: b.billed_on };
}

function assessmentOf(a: {
  assessment_id: string;
  category: AssessmentCategory;
  description: string;
  assessed_on: string;
  amount_cents: number;
}): CourtAssessment {
  return {
    assessmentId: a.assessment_id,
    category: a.category,
    description: a.description,
    assessedOn: a.assessed_on,
    amountCents: a.amount_cents,
  };
}

interface UtilityAccountRow {
  ref: string;
  service_address: string;
  service_status: UtilityState["serviceStatus"];
  disconnected_on: string | null;
  disconnect_amount_cents: number;
  reconnect_eligible: boolean;
}

interface UtilityBillRow {
  bill_id: string;
  ref: string;
  description: string;
  bill_date: string;
  due_date: string;
  amount_cents: number;
  late_fee_applies: boolean;
}

function utilityBillOf(b: UtilityBillRow): UtilityBill {
  return {
    billId: b.bill_id,
    description: b.description,
    billDate: b.bill_date,
    dueDate: b.due_date,
    amountCents: b.amount_cents,
    lateFeeApplies: b.late_fee_applies,
  };
}

function utilityStateOf(row: UtilityAccountRow, bills: UtilityBill[], lines: PostedLine[]): UtilityState {
  return { kind: "utility", bills, lines, serviceStatus: row.service_status, reconnectEligible: row.reconnect_eligible };
}

export type AccountView = LoadedAccount & { asOf: IsoDate };

/** An account and what it owes on `asOf`, or undefined when there is no such account. */
export async function readAccount(db: Database, kind: AccountKind, ref: string, asOf: IsoDate): Promise<AccountView | undefined> {
  const loaded = await loadAccount(db, kind, ref);
  return loaded ? { ...loaded.account, asOf } : undefined;
}

// ─── payments ────────────────────────────────────────────────────────────────────────────────

export interface PaymentInput {
  readonly paymentId: string;
  readonly kind: AccountKind;
  readonly ref: string;
  readonly amountCents: number;
  readonly paidAt: Date;
  readonly method: string;
}

export type PaymentSource = "api" | "posting_file" | "seed";

export interface PaymentRecord {
  readonly paymentId: string;
  readonly kind: AccountKind;
  readonly ref: string;
  readonly amountCents: number;
  readonly paidAt: Date;
  readonly method: string;
  readonly receiptNumber: string;
  readonly amountDueAfterCents: number;
  readonly source: PaymentSource;
  readonly status: "applied" | "reversed";
  readonly recordedAt: Date;
  readonly reversedAt: Date | null;
  readonly reversalReason: string | null;
  readonly applied: ChargeLine[];
}

export interface PostOutcome {
  /** `replayed`: this payment_id had landed before with the same fields; nothing new happened. */
  readonly outcome: "created" | "replayed";
  readonly payment: PaymentRecord;
}

interface PaymentRow {
  payment_id: string;
  kind: AccountKind;
  ref: string;
  amount_cents: number;
  paid_at: Date;
  method: string;
  receipt_number: string;
  amount_due_after_cents: number;
  source: PaymentSource;
  status: "applied" | "reversed";
  recorded_at: Date;
  reversed_at: Date | null;
  reversal_reason: string | null;
}

export async function findPayment(sql: Sql, paymentId: string): Promise<PaymentRecord | undefined> {
  const [row] = await sql.query<PaymentRow>(`SELECT * FROM ${sorSchema}.payments WHERE payment_id = $1`, [paymentId]);
  if (!row) return undefined;
  const lines = await sql.query<Omit<LineRow, "paid_at">>(
    `SELECT charge_id, label, tax_year, installment, component, amount_cents
       FROM ${sorSchema}.payment_lines WHERE payment_id = $1 ORDER BY line_no LIMIT 1000`,
    [paymentId],
  );
  return {
    paymentId: row.payment_id,
    kind: row.kind,
    ref: row.ref,
    amountCents: row.amount_cents,
    paidAt: row.paid_at,
    method: row.method,
    receiptNumber: row.receipt_number,
    amountDueAfterCents: row.amount_due_after_cents,
    source: row.source,
    status: row.status,
    recordedAt: row.recorded_at,
    reversedAt: row.reversed_at,
    reversalReason: row.reversal_reason,
    applied: lines.map((l) => ({
      chargeId: l.charge_id,
      label: l.label,
      taxYear: l.tax_year,
      installment: l.installment,
      component: l.component,
      amountCents: l.amount_cents,
    })),
  };
}

/** The first landing of this payment_id answers again, or a different payment under it is refused. */
function replayOrRefuse(existing: PaymentRecord, input: PaymentInput): PostOutcome {
  const same =
    existing.kind === input.kind &&
    existing.ref === input.ref &&
    existing.amountCents === input.amountCents &&
    existing.paidAt.getTime() === input.paidAt.getTime() &&
    existing.method === input.method;
  if (!same) {
    throw sorError(
      "payment_id_reused",
      `payment_id ${input.paymentId} already recorded a different payment (${existing.kind} ${existing.ref}, ${existing.amountCents} cents, paid at ${existing.paidAt.toISOString()}, ${existing.method}); use a new payment_id`,
      "payment_id",
    );
  }
  return { outcome: "replayed", payment: existing };
}

/**
 * Records a payment and applies it, once per payment_id. Payments to one account apply one after
 * the other: the common case reads the account (no lock, no transaction), computes the
 * allocation and records it in one statement that writes the account row again, and only if the
 * row is still the version it read; when another payment or reversal got there first, or the
 * account has workflow effects
 * (a disconnected utility account, a permit) to apply with it, the account row is locked and the
 * payment applied in a transaction. The primary key on payment_id makes a second landing
 * impossible even when two arrive at once for different accounts.
 */
export async function postPayment(db: Database, input: PaymentInput, source: Exclude<PaymentSource, "seed">): Promise<PostOutcome> {
  try {
    const loaded = await loadAccount(db, input.kind, input.ref, { paymentId: input.paymentId });
    if (loaded?.paymentExists) {
      const earlier = await findPayment(db, input.paymentId);
      if (earlier) return replayOrRefuse(earlier, input);
    }
    if (loaded && !loaded.paymentExists && !hasWorkflowEffects(loaded.account)) {
      const payment = await applyPayment(db, loaded, input, source, loaded.version);
      if (payment) return { outcome: "created", payment };
    }
    return await db.transaction(async (tx) => {
      const locked = await loadAccount(tx, input.kind, input.ref, { lock: true, paymentId: input.paymentId });
      if (!locked) {
        // The same payment_id may have landed on another account: that is a reuse, not a missing account.
        const earlier = await findPayment(tx, input.paymentId);
        if (earlier) return replayOrRefuse(earlier, input);
        throw accountNotFound(input.kind, input.ref);
      }
      // A retry of a post that landed, or a twin that committed while we waited for the lock.
      if (locked.paymentExists) {
        const landed = await findPayment(tx, input.paymentId);
        if (!landed) throw new Error(`Payment ${input.paymentId} was seen but cannot be read`);
        return replayOrRefuse(landed, input);
      }
      const payment = await applyPayment(tx, locked, input, source, null);
      if (!payment) throw new Error(`Payment ${input.paymentId} was not recorded under the account's lock`);
      await afterPaymentChanged(tx, locked.account, locked.county, input.paymentId);
      return { outcome: "created" as const, payment };
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const twin = await findPayment(db, input.paymentId);
    if (!twin) throw error;
    return replayOrRefuse(twin, input);
  }
}

/**
 * Allocates the payment over the account as loaded and records it (`insertPaymentSql`). With
 * `expectedVersion`, only if the account is still at that version: undefined when it moved on.
 */
async function applyPayment(
  sql: Sql,
  loaded: LoadedState,
  input: PaymentInput,
  source: Exclude<PaymentSource, "seed">,
  expectedVersion: string | null,
): Promise<PaymentRecord | undefined> {
  const { county, account } = loaded;
  const paidOn = countyDate(input.paidAt, county.timeZone);
  const allocation = allocatePayment(account.state, input.amountCents, paidOn);
  const amountDueAfterCents = amountDueOf(stateAfter(account.state, allocation, paidOn), paidOn);
  const applied = allocation.lines.map((l) => ({
    chargeId: l.chargeId,
    label: l.label,
    taxYear: l.taxYear,
    installment: l.installment,
    component: l.component,
    amountCents: l.amountCents,
  }));
  const [recorded] = await sql.query<{ receipt_number: string; recorded_at: Date }>(insertPaymentSql, [
    input.paymentId,
    input.kind,
    input.ref,
    input.amountCents,
    input.paidAt,
    input.method,
    amountDueAfterCents,
    source,
    applied.map((_, i) => i + 1),
    applied.map((l) => l.chargeId),
    applied.map((l) => l.label),
    applied.map((l) => l.taxYear),
    applied.map((l) => l.installment),
    applied.map((l) => l.component),
    applied.map((l) => l.amountCents),
    allocation.accruals.map((a) => a.chargeId),
    allocation.accruals.map((a) => a.component),
    allocation.accruals.map((a) => a.amountCents),
    expectedVersion,
  ]);
  if (!recorded) return undefined;
  return {
    paymentId: input.paymentId,
    kind: input.kind,
    ref: input.ref,
    amountCents: input.amountCents,
    paidAt: input.paidAt,
    method: input.method,
    receiptNumber: recorded.receipt_number,
    amountDueAfterCents,
    source,
    status: "applied",
    recordedAt: recorded.recorded_at,
    reversedAt: null,
    reversalReason: null,
    applied,
  };
}

/**
 * A payment, its lines and its accruals in one statement, its receipt number drawn on the way,
 * and the account row written again (a new row version, so a new `xmin`: what tells a post
 * computed on the old state that it is stale): `$1`–`$8` the payment, `$9`–`$15` its lines as
 * arrays, `$16`–`$18` its accruals, `$19` the `xmin` the allocation was computed on (null under
 * the account's lock). Nothing is written, and no row returned, when the row has changed since.
 */
const insertPaymentSql = `WITH account AS (
    UPDATE ${sorSchema}.accounts SET kind = kind
     WHERE ref = $3 AND kind = $2 AND ($19::text IS NULL OR xmin = $19::text::xid)
     RETURNING ref),
  payment AS (
    INSERT INTO ${sorSchema}.payments (payment_id, kind, ref, amount_cents, paid_at, method, receipt_number, amount_due_after_cents, source)
    SELECT $1::text, $2::text, account.ref, $4::bigint, $5::timestamptz, $6::text,
           'DC-' || lpad(nextval('${sorSchema}.receipt_numbers')::text, 8, '0'), $7::bigint, $8::text
      FROM account
    RETURNING payment_id, receipt_number, recorded_at),
  lines AS (
    INSERT INTO ${sorSchema}.payment_lines (payment_id, line_no, charge_id, label, tax_year, installment, component, amount_cents)
    SELECT payment.payment_id, l.* FROM payment,
           unnest($9::smallint[], $10::text[], $11::text[], $12::integer[], $13::smallint[], $14::text[], $15::bigint[]) AS l),
  accruals AS (
    INSERT INTO ${sorSchema}.payment_accruals (payment_id, charge_id, component, amount_cents)
    SELECT payment.payment_id, a.* FROM payment, unnest($16::text[], $17::text[], $18::bigint[]) AS a)
  SELECT receipt_number, recorded_at FROM payment`;

function accountNotFound(kind: AccountKind, ref: string) {
  return sorError("account_not_found", `No ${kind.replace("_", " ")} account ${ref} in Demo County`, "ref");
}

/** Whether a payment or reversal on this account may have workflow effects (`afterPaymentChanged`). */
function hasWorkflowEffects(account: LoadedAccount): boolean {
  return (
    (account.kind === "utility" && account.state.serviceStatus === "disconnected" && account.disconnectedOn !== null) ||
    account.kind === "permit"
  );
}

/**
 * Workflow effects of the account's standing payments changing (a payment landed or was
 * reversed): a disconnected utility account becomes reconnect-eligible once the disconnect amount
 * is covered, and stops being so if a reversal uncovers it; a permit is issued when its fee is
 * paid in full and goes back to pending if a reversal unpays it. Each change writes an event.
 */
async function afterPaymentChanged(tx: Sql, before: LoadedAccount, county: County, paymentId: string): Promise<void> {
  if (!hasWorkflowEffects(before)) return;
  if (before.kind === "utility" && before.disconnectedOn) {
    const payments = await tx.query<{ amount_cents: number; paid_at: Date }>(
      `SELECT amount_cents, paid_at FROM ${sorSchema}.payments WHERE ref = $1 AND status = 'applied' LIMIT 10000`,
      [before.ref],
    );
    const covered = reconnectCovered(
      { disconnectedOn: before.disconnectedOn, disconnectAmountCents: before.disconnectAmountCents },
      payments.map((p) => ({ amountCents: p.amount_cents, paidOn: countyDate(p.paid_at, county.timeZone) })),
    );
    if (covered !== before.state.reconnectEligible) {
      await tx.query(`UPDATE ${sorSchema}.utility_accounts SET reconnect_eligible = $2 WHERE ref = $1`, [before.ref, covered]);
      await writeEvent(tx, before.ref, covered ? "reconnect_eligible" : "reconnect_eligibility_revoked", paymentId);
    }
  }
  if (before.kind === "permit") {
    const now = (await loadAccount(tx, "permit", before.ref))?.account;
    if (now?.kind !== "permit") throw new Error(`Permit ${before.ref} vanished`);
    const paidInFull = permitBalance(now.state).paidCents >= now.state.feeCents;
    if (paidInFull && now.state.status === "pending_payment") {
      await tx.query(`UPDATE ${sorSchema}.permits SET status = 'issued', issued_at = now() WHERE ref = $1`, [before.ref]);
      await writeEvent(tx, before.ref, "permit_issued", paymentId);
    } else if (!paidInFull && now.state.status === "issued") {
      await tx.query(`UPDATE ${sorSchema}.permits SET status = 'pending_payment', issued_at = NULL WHERE ref = $1`, [before.ref]);
      await writeEvent(tx, before.ref, "permit_issue_revoked", paymentId);
    }
  }
}

export type EventType = "reconnect_eligible" | "reconnect_eligibility_revoked" | "permit_issued" | "permit_issue_revoked";

async function writeEvent(tx: Sql, ref: string, type: EventType, paymentId: string): Promise<void> {
  await tx.query(`INSERT INTO ${sorSchema}.events (event_id, ref, type, payment_id) VALUES ($1, $2, $3, $4)`, [
    newId("evt"),
    ref,
    type,
    paymentId,
  ]);
}

export interface AccountEvent {
  readonly eventId: string;
  readonly ref: string;
  readonly type: EventType;
  readonly paymentId: string;
  readonly createdAt: Date;
}

/** The account's events, newest first. */
export async function listEvents(sql: Sql, ref: string, limit = 50): Promise<AccountEvent[]> {
  const rows = await sql.query<{ event_id: string; ref: string; type: EventType; payment_id: string; created_at: Date }>(
    `SELECT event_id, ref, type, payment_id, created_at FROM ${sorSchema}.events WHERE ref = $1
      ORDER BY created_at DESC, event_id DESC LIMIT $2`,
    [ref, limit],
  );
  return rows.map((r) => ({ eventId: r.event_id, ref: r.ref, type: r.type, paymentId: r.payment_id, createdAt: r.created_at }));
}

export async function findAccountKind(sql: Sql, ref: string): Promise<AccountKind | undefined> {
  const [row] = await sql.query<{ kind: AccountKind }>(`SELECT kind FROM ${sorSchema}.accounts WHERE ref = $1`, [ref]);
  return row?.kind;
}

/**
 * Reverses a payment: its lines stop counting, so the balance is as if it never landed, and its
 * workflow effects are undone. A second reversal answers the first one's result.
 */
export async function reversePayment(db: Database, paymentId: string, reason: string): Promise<PaymentRecord> {
  return db.transaction(async (tx) => {
    const found = await findPayment(tx, paymentId);
    if (!found) throw sorError("payment_not_found", `No payment ${paymentId}`, "payment_id");
    // The account first, as postPayment locks it, so the two never wait on each other in a circle.
    const loaded = await loadAccount(tx, found.kind, found.ref, { lock: true });
    if (!loaded) throw new Error(`Payment ${paymentId} points at missing account ${found.ref}`);
    const { county, account } = loaded;
    const [row] = await tx.query<{ status: string }>(`SELECT status FROM ${sorSchema}.payments WHERE payment_id = $1 FOR UPDATE`, [
      paymentId,
    ]);
    if (row?.status === "applied") {
      await tx.query(
        `UPDATE ${sorSchema}.payments SET status = 'reversed', reversed_at = now(), reversal_reason = $2 WHERE payment_id = $1`,
        [paymentId, reason],
      );
      // A new row version: a post computed on the account as it was before this reversal is not recorded.
      await tx.query(`UPDATE ${sorSchema}.accounts SET kind = kind WHERE ref = $1`, [found.ref]);
      await afterPaymentChanged(tx, account, county, paymentId);
    }
    const payment = await findPayment(tx, paymentId);
    if (!payment) throw new Error(`Payment ${paymentId} vanished inside its own transaction`);
    return payment;
  });
}

// ─── bill files ──────────────────────────────────────────────────────────────────────────────

export type ExportKind = "utility" | "parcel";

/** One open account in a bill file. */
export interface BillRow {
  readonly ref: string;
  readonly name: string;
  readonly address: string;
  readonly amountDueCents: number;
  /** The part of amount_due that is already past its due date. */
  readonly pastDueCents: number;
  /** Due date of the newest open bill. */
  readonly dueDate: IsoDate;
  /** Date of the newest bill. */
  readonly billDate: IsoDate;
  readonly status: string;
}

/** The most accounts a bill file holds: a bound, far above the demo county's size. */
export const billFileRowsMax = 100_000;

/** Every account of `kind` that owes money on `asOf`, by ref. */
export async function exportBills(db: Database, kind: ExportKind, asOf: IsoDate): Promise<BillRow[]> {
  const county = await loadCounty(db);
  const linesByRef = groupBy(
    await db
      .query<LineRow & { ref: string }>(
        `SELECT p.ref, l.charge_id, l.label, l.tax_year, l.installment, l.component, l.amount_cents, p.paid_at
         FROM ${sorSchema}.payment_lines l JOIN ${sorSchema}.payments p USING (payment_id)
        WHERE p.kind = $1 AND p.status = 'applied'
        ORDER BY p.ref, p.paid_at, l.payment_id, l.line_no
        LIMIT ${billFileRowsMax * 20}`,
        [kind],
      )
      .then((rows) => bounded(rows, billFileRowsMax * 20, "payment lines in a bill file")),
    (r) => r.ref,
  );
  const rows: BillRow[] = [];
  if (kind === "utility") {
    const accounts = bounded(
      await db.query<UtilityAccountRow & { name: string }>(
        `SELECT u.ref, a.name, u.service_address, u.service_status, u.disconnected_on::text AS disconnected_on,
                u.disconnect_amount_cents, u.reconnect_eligible
           FROM ${sorSchema}.utility_accounts u JOIN ${sorSchema}.accounts a USING (ref) ORDER BY u.ref LIMIT ${billFileRowsMax}`,
      ),
      billFileRowsMax,
      "utility accounts",
    );
    const billsByRef = groupBy(
      await db
        .query<UtilityBillRow>(
          `SELECT bill_id, ref, description, bill_date::text AS bill_date, due_date::text AS due_date, amount_cents, late_fee_applies
           FROM ${sorSchema}.utility_bills ORDER BY ref, due_date, bill_id LIMIT ${billFileRowsMax * 50}`,
        )
        .then((rows) => bounded(rows, billFileRowsMax * 50, "utility bills")),
      (r) => r.ref,
    );
    for (const account of accounts) {
      const bills = (billsByRef.get(account.ref) ?? []).map(utilityBillOf);
      const lines = (linesByRef.get(account.ref) ?? []).map((l) => postedLine(l, county.timeZone));
      const balance = utilityBalance(utilityStateOf(account, bills, lines), asOf);
      if (balance.amountDueCents <= 0) continue;
      const open = balance.bills.filter((b) => b.principalDueCents + b.feesDueCents > 0);
      rows.push({
        ref: account.ref,
        name: account.name,
        address: account.service_address,
        amountDueCents: balance.amountDueCents,
        pastDueCents: open.filter((b) => b.bill.dueDate < asOf).reduce((a, b) => a + b.principalDueCents + b.feesDueCents, 0),
        dueDate: open.map((b) => b.bill.dueDate).reduce(latest),
        billDate: bills.map((b) => b.billDate).reduce(latest),
        status: balance.status,
      });
    }
    return rows;
  }
  const parcels = bounded(
    await db.query<{ ref: string; name: string; situs_address: string; property_class: "residential" | "nonresidential" }>(
      `SELECT p.ref, a.name, p.situs_address, p.property_class
         FROM ${sorSchema}.parcels p JOIN ${sorSchema}.accounts a USING (ref) ORDER BY p.ref LIMIT ${billFileRowsMax}`,
    ),
    billFileRowsMax,
    "parcels",
  );
  const billsByRef = groupBy(
    await db
      .query<{ ref: string; bill_id: string; tax_year: number; installment: number; tax_cents: number; billed_on: string }>(
        `SELECT ref, bill_id, tax_year, installment, tax_cents, billed_on::text AS billed_on
         FROM ${sorSchema}.parcel_bills ORDER BY ref, tax_year, installment LIMIT ${billFileRowsMax * 50}`,
      )
      .then((rows) => bounded(rows, billFileRowsMax * 50, "parcel bills")),
    (r) => r.ref,
  );
  const accrualsByRef = groupBy(
    await db
      .query<{ ref: string; charge_id: string; component: Accrual["component"]; amount_cents: number }>(
        `SELECT p.ref, a.charge_id, a.component, a.amount_cents
         FROM ${sorSchema}.payment_accruals a JOIN ${sorSchema}.payments p USING (payment_id)
        WHERE p.kind = 'parcel' AND p.status = 'applied' LIMIT ${billFileRowsMax * 20}`,
      )
      .then((rows) => bounded(rows, billFileRowsMax * 20, "accruals")),
    (r) => r.ref,
  );
  for (const parcel of parcels) {
    const bills = (billsByRef.get(parcel.ref) ?? []).map(parcelBillOf);
    const balance = parcelBalance(
      {
        kind: "parcel",
        ruleSet: county.ruleSet,
        propertyClass: parcel.property_class,
        bills,
        lines: (linesByRef.get(parcel.ref) ?? []).map((l) => postedLine(l, county.timeZone)),
        accruals: (accrualsByRef.get(parcel.ref) ?? []).map((a) => ({
          chargeId: a.charge_id,
          component: a.component,
          amountCents: a.amount_cents,
        })),
      },
      asOf,
    );
    if (balance.amountDueCents <= 0) continue;
    const open = balance.bills.filter((b) => b.totalCents > 0);
    rows.push({
      ref: parcel.ref,
      name: parcel.name,
      address: parcel.situs_address,
      amountDueCents: balance.amountDueCents,
      pastDueCents: open.filter((b) => b.delinquent).reduce((a, b) => a + b.totalCents, 0),
      dueDate: open.map((b) => b.dueDate).reduce(latest),
      billDate: bills.map((b) => b.billedOn).reduce(latest),
      status: balance.status,
    });
  }
  return rows;
}

function latest(a: IsoDate, b: IsoDate): IsoDate {
  return a > b ? a : b;
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

// ─── demo refs ───────────────────────────────────────────────────────────────────────────────

export interface DemoRef {
  readonly kind: AccountKind;
  readonly ref: string;
  readonly name: string;
  /** The account's status on the day asked: current, delinquent, past_due, disconnected, open, pending_payment, … */
  readonly status: string;
  readonly amountDueCents: number;
}

/**
 * A few accounts of each kind worth trying in a demo: parcels current and delinquent, court cases
 * unpaid and part-paid, utility accounts current, past due and disconnected, permits awaiting
 * payment. Chosen by query from the data as it stands, so they follow payments made since the seed.
 */
export async function queryDemoRefs(db: Database, options: { asOf: IsoDate; perGroup?: number }): Promise<DemoRef[]> {
  const perGroup = options.perGroup ?? 2;
  const candidates = await db.query<{ kind: AccountKind; ref: string; grp: string }>(
    `WITH paid_tax AS (
       SELECT l.charge_id, sum(l.amount_cents) AS cents
         FROM ${sorSchema}.payment_lines l JOIN ${sorSchema}.payments p USING (payment_id)
        WHERE p.kind = 'parcel' AND p.status = 'applied' AND l.component = 'tax' GROUP BY l.charge_id),
     open_years AS (
       SELECT b.ref, min(b.tax_year) AS oldest
         FROM ${sorSchema}.parcel_bills b LEFT JOIN paid_tax t ON t.charge_id = b.bill_id
        WHERE b.tax_cents > coalesce(t.cents, 0) GROUP BY b.ref),
     newest AS (SELECT max(tax_year) AS year FROM ${sorSchema}.parcel_bills),
     case_payments AS (SELECT ref, count(*) AS n FROM ${sorSchema}.payments WHERE kind = 'court_case' AND status = 'applied' GROUP BY ref),
     groups AS (
       SELECT 'parcel' AS kind, o.ref, CASE WHEN o.oldest = n.year THEN 'a' ELSE 'b' END AS grp FROM open_years o, newest n
       UNION ALL
       SELECT 'court_case', c.ref, CASE WHEN cp.n IS NULL THEN 'a' ELSE 'b' END FROM ${sorSchema}.court_cases c LEFT JOIN case_payments cp USING (ref)
       UNION ALL
       SELECT 'utility', ref, CASE WHEN service_status = 'disconnected' THEN 'c' ELSE 'a' END FROM ${sorSchema}.utility_accounts
       UNION ALL
       SELECT 'permit', ref, 'a' FROM ${sorSchema}.permits WHERE status = 'pending_payment'),
     ranked AS (SELECT kind, ref, grp, row_number() OVER (PARTITION BY kind, grp ORDER BY ref) AS n FROM groups)
     SELECT kind, ref, grp FROM ranked WHERE n <= $1 ORDER BY kind, grp, ref`,
    [perGroup * 6],
  );
  const picked: DemoRef[] = [];
  const taken = new Map<string, number>();
  for (const candidate of candidates) {
    const view = await readAccount(db, candidate.kind, candidate.ref, options.asOf);
    if (!view) continue;
    const balance = balanceOf(view.state, options.asOf);
    if (balance.amountDueCents <= 0) continue;
    const key = `${candidate.kind}/${balance.status}`;
    if ((taken.get(key) ?? 0) >= perGroup) continue;
    taken.set(key, (taken.get(key) ?? 0) + 1);
    picked.push({
      kind: candidate.kind,
      ref: candidate.ref,
      name: view.name,
      status: balance.status,
      amountDueCents: balance.amountDueCents,
    });
  }
  return picked;
}

// ─── seed data ───────────────────────────────────────────────────────────────────────────────

/** Rows the seed writes, table by table, in the tables' column order. */
export interface SeedData {
  readonly county: County & { readonly seed: number; readonly seededFor: IsoDate };
  readonly taxingUnits: readonly { code: string; name: string }[];
  readonly taxRates: readonly { unitCode: string; taxYear: number; rateMillionths: number }[];
  readonly accounts: readonly { ref: string; kind: AccountKind; name: string }[];
  readonly parcels: readonly { ref: string; situsAddress: string; propertyClass: "residential" | "nonresidential" }[];
  readonly levies: readonly { ref: string; taxYear: number; unitCode: string; taxableValueCents: number; taxCents: number }[];
  readonly parcelBills: readonly (ParcelBill & { ref: string })[];
  readonly courtCases: readonly { ref: string; court: string; offense: string; filedOn: IsoDate }[];
  readonly assessments: readonly (CourtAssessment & { ref: string })[];
  readonly utilityAccounts: readonly {
    ref: string;
    serviceAddress: string;
    serviceStatus: "active" | "disconnected";
    disconnectedOn: IsoDate | null;
    disconnectAmountCents: number;
  }[];
  readonly utilityBills: readonly (UtilityBill & { ref: string })[];
  readonly permits: readonly {
    ref: string;
    permitType: string;
    siteAddress: string;
    appliedOn: IsoDate;
    feeCents: number;
    status: "pending_payment" | "issued";
    issuedAt: string | null;
  }[];
  readonly payments: readonly {
    paymentId: string;
    kind: AccountKind;
    ref: string;
    amountCents: number;
    paidAt: string;
    method: string;
    receiptNumber: string;
    amountDueAfterCents: number;
    lines: readonly ChargeLine[];
    accruals: readonly Accrual[];
  }[];
}

type Column = readonly [name: string, type: string];

const lineColumns: readonly Column[] = [
  ["payment_id", "text"],
  ["line_no", "smallint"],
  ["charge_id", "text"],
  ["label", "text"],
  ["tax_year", "integer"],
  ["installment", "smallint"],
  ["component", "text"],
  ["amount_cents", "bigint"],
];

const accrualColumns: readonly Column[] = [
  ["payment_id", "text"],
  ["charge_id", "text"],
  ["component", "text"],
  ["amount_cents", "bigint"],
];

/** Rows per INSERT: one statement of unnest() arrays per chunk. */
const insertChunkRows = 20_000;

/** Bulk insert: one `INSERT … SELECT FROM unnest($1::type[], …)` per chunk of rows. */
async function insertRows(sql: Sql, table: string, columns: readonly Column[], rows: readonly (readonly unknown[])[]): Promise<void> {
  const names = columns.map(([name]) => name).join(", ");
  const arrays = columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(", ");
  for (let start = 0; start < rows.length; start += insertChunkRows) {
    const chunk = rows.slice(start, start + insertChunkRows);
    const params = columns.map((_, c) => chunk.map((row) => row[c] ?? null));
    await sql.query(`INSERT INTO ${sorSchema}.${table} (${names}) SELECT * FROM unnest(${arrays})`, params);
  }
}

/** Writes seed rows in one go (the caller holds the transaction), and moves the receipt sequence past them. */
export async function writeSeedData(sql: Sql, data: SeedData, options: { markSeeded: boolean }): Promise<void> {
  if (options.markSeeded) {
    const c = data.county;
    await sql.query(`INSERT INTO ${sorSchema}.county (id, name, rule_set, time_zone, seed, seeded_for) VALUES (1, $1, $2, $3, $4, $5)`, [
      c.name,
      c.ruleSet,
      c.timeZone,
      c.seed,
      c.seededFor,
    ]);
  }
  await insertRows(
    sql,
    "taxing_units",
    [
      ["code", "text"],
      ["name", "text"],
    ],
    data.taxingUnits.map((u) => [u.code, u.name]),
  );
  await insertRows(
    sql,
    "tax_rates",
    [
      ["unit_code", "text"],
      ["tax_year", "integer"],
      ["rate_millionths", "integer"],
    ],
    data.taxRates.map((r) => [r.unitCode, r.taxYear, r.rateMillionths]),
  );
  await insertRows(
    sql,
    "accounts",
    [
      ["ref", "text"],
      ["kind", "text"],
      ["name", "text"],
    ],
    data.accounts.map((a) => [a.ref, a.kind, a.name]),
  );
  await insertRows(
    sql,
    "parcels",
    [
      ["ref", "text"],
      ["situs_address", "text"],
      ["property_class", "text"],
    ],
    data.parcels.map((p) => [p.ref, p.situsAddress, p.propertyClass]),
  );
  await insertRows(
    sql,
    "parcel_levies",
    [
      ["ref", "text"],
      ["tax_year", "integer"],
      ["unit_code", "text"],
      ["taxable_value_cents", "bigint"],
      ["tax_cents", "bigint"],
    ],
    data.levies.map((l) => [l.ref, l.taxYear, l.unitCode, l.taxableValueCents, l.taxCents]),
  );
  await insertRows(
    sql,
    "parcel_bills",
    [
      ["bill_id", "text"],
      ["ref", "text"],
      ["tax_year", "integer"],
      ["installment", "smallint"],
      ["tax_cents", "bigint"],
      ["billed_on", "date"],
    ],
    data.parcelBills.map((b) => [b.billId, b.ref, b.taxYear, b.installment, b.taxCents, b.billedOn]),
  );
  await insertRows(
    sql,
    "court_cases",
    [
      ["ref", "text"],
      ["court", "text"],
      ["offense", "text"],
      ["filed_on", "date"],
    ],
    data.courtCases.map((c) => [c.ref, c.court, c.offense, c.filedOn]),
  );
  await insertRows(
    sql,
    "court_assessments",
    [
      ["assessment_id", "text"],
      ["ref", "text"],
      ["category", "text"],
      ["description", "text"],
      ["assessed_on", "date"],
      ["amount_cents", "bigint"],
    ],
    data.assessments.map((a) => [a.assessmentId, a.ref, a.category, a.description, a.assessedOn, a.amountCents]),
  );
  await insertRows(
    sql,
    "utility_accounts",
    [
      ["ref", "text"],
      ["service_address", "text"],
      ["service_status", "text"],
      ["disconnected_on", "date"],
      ["disconnect_amount_cents", "bigint"],
    ],
    data.utilityAccounts.map((u) => [u.ref, u.serviceAddress, u.serviceStatus, u.disconnectedOn, u.disconnectAmountCents]),
  );
  await insertRows(
    sql,
    "utility_bills",
    [
      ["bill_id", "text"],
      ["ref", "text"],
      ["description", "text"],
      ["bill_date", "date"],
      ["due_date", "date"],
      ["amount_cents", "bigint"],
      ["late_fee_applies", "boolean"],
    ],
    data.utilityBills.map((b) => [b.billId, b.ref, b.description, b.billDate, b.dueDate, b.amountCents, b.lateFeeApplies]),
  );
  await insertRows(
    sql,
    "permits",
    [
      ["ref", "text"],
      ["permit_type", "text"],
      ["site_address", "text"],
      ["applied_on", "date"],
      ["fee_cents", "bigint"],
      ["status", "text"],
      ["issued_at", "timestamptz"],
    ],
    data.permits.map((p) => [p.ref, p.permitType, p.siteAddress, p.appliedOn, p.feeCents, p.status, p.issuedAt]),
  );
  await insertRows(
    sql,
    "payments",
    [
      ["payment_id", "text"],
      ["kind", "text"],
      ["ref", "text"],
      ["amount_cents", "bigint"],
      ["paid_at", "timestamptz"],
      ["method", "text"],
      ["receipt_number", "text"],
      ["amount_due_after_cents", "bigint"],
      ["source", "text"],
      ["recorded_at", "timestamptz"],
    ],
    data.payments.map((p) => [
      p.paymentId,
      p.kind,
      p.ref,
      p.amountCents,
      p.paidAt,
      p.method,
      p.receiptNumber,
      p.amountDueAfterCents,
      "seed",
      p.paidAt,
    ]),
  );
  await insertRows(
    sql,
    "payment_lines",
    lineColumns,
    data.payments.flatMap((p) =>
      p.lines.map((l, i) => [p.paymentId, i + 1, l.chargeId, l.label, l.taxYear, l.installment, l.component, l.amountCents]),
    ),
  );
  await insertRows(
    sql,
    "payment_accruals",
    accrualColumns,
    data.payments.flatMap((p) => p.accruals.map((a) => [p.paymentId, a.chargeId, a.component, a.amountCents])),
  );
  if (data.payments.length > 0) {
    await sql.query(`SELECT setval('${sorSchema}.receipt_numbers', $1)`, [data.payments.length]);
  }
}

/** The tables the seed fills, and a digest of each: equal digests mean identical rows. */
export const seededTables = [
  "county",
  "taxing_units",
  "tax_rates",
  "accounts",
  "parcels",
  "parcel_levies",
  "parcel_bills",
  "court_cases",
  "court_assessments",
  "utility_accounts",
  "utility_bills",
  "permits",
  "payments",
  "payment_lines",
  "payment_accruals",
] as const;

export async function tableDigests(sql: Sql): Promise<Record<(typeof seededTables)[number], { rows: number; md5: string }>> {
  const result = {} as Record<(typeof seededTables)[number], { rows: number; md5: string }>;
  for (const table of seededTables) {
    // seeded_at says when, not what: leave it out of the county's digest.
    const row = table === "county" ? "(t.id, t.name, t.rule_set, t.time_zone, t.seed, t.seeded_for)::text" : "t::text";
    const [digest] = await sql.query<{ rows: number; md5: string }>(
      `SELECT count(*)::int AS rows, md5(coalesce(string_agg(${row}, E'\\n' ORDER BY ${row} COLLATE "C"), '')) AS md5
         FROM ${sorSchema}.${table} t`,
    );
    if (!digest) throw new Error(`No digest for ${table}`);
    result[table] = digest;
  }
  return result;
}
