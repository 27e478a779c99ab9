import {
  createLogger,
  createMetrics,
  createScratchDatabase,
  type Database,
  type HttpServer,
  openPglite,
  openPostgres,
} from "../src/platform/index.ts";
import type { IsoDate } from "./dates.ts";
import { type Faults, noFaults } from "./faults.ts";
import { buildReferenceSorServer } from "./server.ts";
import { defaultCounty, migrateReferenceSor, type SeedData, writeSeedData } from "./store.ts";

/**
 * Test helpers: a migrated database (in-memory PGlite, or a scratch PostgreSQL database when
 * DATABASE_URL names a server), a server on a fixed clock, and a small hand-made county whose
 * every amount a test can work out by hand.
 */
export const testToday: IsoDate = "2026-11-22";
export const testNow = () => new Date(`${testToday}T18:00:00Z`);

export async function openSorTestDatabase(): Promise<Database> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const db = await openPglite(undefined);
    await migrateReferenceSor(db);
    return db;
  }
  const scratch = await createScratchDatabase(serverUrl, "sor_test");
  const db = openPostgres({ connectionString: scratch.url, poolSize: 10 });
  try {
    await migrateReferenceSor(db);
  } catch (error) {
    await db.close();
    await scratch.drop();
    throw error;
  }
  return {
    ...db,
    async close() {
      await db.close();
      await scratch.drop();
    },
  };
}

export async function buildTestServer(db: Database, faults: Faults = { ...noFaults }): Promise<HttpServer> {
  return buildReferenceSorServer({ db, logger: createLogger({ level: "silent" }), metrics: createMetrics("sor_"), faults, now: testNow });
}

/**
 * The fixture county:
 * - R100001: 2025 tax $2,500.00 (delinquent since 2026-02-02), 2026 tax $3,000.00 (due 2027-02-01)
 * - R100002: 2025 tax $2,500.00 only, the Texas examples' bill
 * - R100003: 2026 tax $3,000.00 only
 * - CR-2016-000001: assessments of 2016 (older waterfall: costs pro rata with fines) and of 2020
 * - CR-2020-000002: fine $100, penalty assessments $300, costs $40, all of 2020
 * - U0100001: active; $100.00 billed 2026-10-01 due 10-21, $50.00 billed 2026-11-08 due 11-28
 * - U0100002: disconnected on 2026-11-05; disconnect amount $195.00
 * - P2026-90001: building permit, fee $250.00, pending payment
 */
export function fixtureData(): SeedData {
  const parcelBill = (ref: string, taxYear: number, taxCents: number) => ({
    billId: `${ref}-${taxYear}-0`,
    ref,
    taxYear,
    installment: 0,
    taxCents,
    billedOn: taxYear === 2025 ? "2025-10-05" : "2026-10-04",
  });
  const levies = (ref: string, taxYear: number, taxCents: number) => [
    { ref, taxYear, unitCode: "DC", taxableValueCents: 25_000_000, taxCents: taxCents * 0.4 },
    { ref, taxYear, unitCode: "ISD", taxableValueCents: 25_000_000, taxCents: taxCents * 0.6 },
  ];
  const assessment = (
    ref: string,
    n: number,
    category: SeedData["assessments"][number]["category"],
    assessedOn: IsoDate,
    amountCents: number,
  ) => ({
    assessmentId: `${ref}-${n}`,
    ref,
    category,
    description: `${category} ${n}`,
    assessedOn,
    amountCents,
  });
  return {
    county: { ...defaultCounty, seed: 0, seededFor: testToday },
    taxingUnits: [
      { code: "DC", name: "Demo County" },
      { code: "ISD", name: "Demo ISD" },
    ],
    taxRates: [2025, 2026].flatMap((taxYear) => [
      { unitCode: "DC", taxYear, rateMillionths: 4_000 },
      { unitCode: "ISD", taxYear, rateMillionths: 6_000 },
    ]),
    accounts: [
      { ref: "R100001", kind: "parcel", name: "Ada Owner" },
      { ref: "R100002", kind: "parcel", name: "Ben Owner" },
      { ref: "R100003", kind: "parcel", name: "Cy Owner" },
      { ref: "CR-2016-000001", kind: "court_case", name: "Dee Defendant" },
      { ref: "CR-2020-000002", kind: "court_case", name: "Eve Defendant" },
      { ref: "U0100001", kind: "utility", name: "Fay Customer" },
      { ref: "U0100002", kind: "utility", name: "Gus Customer" },
      { ref: "P2026-90001", kind: "permit", name: "Hal Builder" },
    ],
    parcels: ["R100001", "R100002", "R100003"].map((ref) => ({
      ref,
      situsAddress: `1 ${ref} Rd, Riverton, TX 75401`,
      propertyClass: "residential",
    })),
    levies: [
      ...levies("R100001", 2025, 250_000),
      ...levies("R100001", 2026, 300_000),
      ...levies("R100002", 2025, 250_000),
      ...levies("R100003", 2026, 300_000),
    ],
    parcelBills: [
      parcelBill("R100001", 2025, 250_000),
      parcelBill("R100001", 2026, 300_000),
      parcelBill("R100002", 2025, 250_000),
      parcelBill("R100003", 2026, 300_000),
    ],
    courtCases: [
      { ref: "CR-2016-000001", court: "Demo County Superior Court", offense: "Vandalism", filedOn: "2016-01-15" },
      { ref: "CR-2020-000002", court: "Demo County Superior Court", offense: "Trespass", filedOn: "2020-05-01" },
    ],
    assessments: [
      assessment("CR-2016-000001", 1, "restitution", "2016-03-01", 10_000),
      assessment("CR-2016-000001", 2, "state_surcharge", "2016-03-01", 2_000),
      assessment("CR-2016-000001", 3, "fine", "2016-03-01", 10_000),
      assessment("CR-2016-000001", 4, "penalty_assessment", "2016-03-01", 30_000),
      assessment("CR-2016-000001", 5, "cost", "2016-03-01", 4_000),
      assessment("CR-2016-000001", 6, "cost", "2020-06-01", 6_000),
      assessment("CR-2016-000001", 7, "fine", "2020-06-01", 6_000),
      assessment("CR-2020-000002", 1, "fine", "2020-06-01", 10_000),
      assessment("CR-2020-000002", 2, "penalty_assessment", "2020-06-01", 30_000),
      assessment("CR-2020-000002", 3, "cost", "2020-06-01", 4_000),
    ],
    utilityAccounts: [
      { ref: "U0100001", serviceAddress: "2 Water St", serviceStatus: "active", disconnectedOn: null, disconnectAmountCents: 0 },
      {
        ref: "U0100002",
        serviceAddress: "3 Water St",
        serviceStatus: "disconnected",
        disconnectedOn: "2026-11-05",
        disconnectAmountCents: 19_500,
      },
    ],
    utilityBills: [
      {
        ref: "U0100001",
        billId: "U0100001-2026-10",
        description: "Water, Oct 2026",
        billDate: "2026-10-01",
        dueDate: "2026-10-21",
        amountCents: 10_000,
        lateFeeApplies: true,
      },
      {
        ref: "U0100001",
        billId: "U0100001-2026-11",
        description: "Water, Nov 2026",
        billDate: "2026-11-08",
        dueDate: "2026-11-28",
        amountCents: 5_000,
        lateFeeApplies: true,
      },
      {
        ref: "U0100002",
        billId: "U0100002-2026-09",
        description: "Water, Sep 2026",
        billDate: "2026-09-01",
        dueDate: "2026-09-21",
        amountCents: 15_000,
        lateFeeApplies: false,
      },
      {
        ref: "U0100002",
        billId: "U0100002-turn-off",
        description: "Turn-off fee",
        billDate: "2026-11-05",
        dueDate: "2026-11-05",
        amountCents: 4_500,
        lateFeeApplies: false,
      },
    ],
    permits: [
      {
        ref: "P2026-90001",
        permitType: "building",
        siteAddress: "4 Permit Ln",
        appliedOn: "2026-11-01",
        feeCents: 25_000,
        status: "pending_payment",
        issuedAt: null,
      },
    ],
    payments: [],
  };
}

/** A migrated test database holding the fixture county. */
export async function openFixtureDatabase(): Promise<Database> {
  const db = await openSorTestDatabase();
  await db.transaction((tx) => writeSeedData(tx, fixtureData(), { markSeeded: false }));
  return db;
}

/** A POST /v1/payments body with defaults. */
export function paymentBody(fields: {
  payment_id: string;
  kind: string;
  ref: string;
  amount_cents: number;
  paid_at?: string;
  method?: string;
}) {
  return { paid_at: "2026-11-20T18:00:00Z", method: "card", ...fields };
}
