import type { Database } from "../src/platform/index.ts";
import { applyRatio, percentOf, quote, type RuleSetId } from "../src/rules/index.ts";
import {
  type AccountKind,
  type AccountState,
  type Allocation,
  allocateParcelPayment,
  allocatePayment,
  amountDueOf,
  balanceOf,
  type CourtAssessment,
  type CourtState,
  installmentsByRuleSet,
  type ParcelBill,
  type ParcelState,
  type PermitState,
  stateAfter,
  type UtilityBill,
  type UtilityState,
  utilityBalance,
} from "./allocation.ts";
import { addDays, daysBetween, earlierOf, type IsoDate, yearOf } from "./dates.ts";
import { defaultCounty, isSeeded, type SeedData, writeSeedData } from "./store.ts";
import type { AssessmentCategory } from "./waterfalls.ts";

/**
 * Demo County's data, generated from a seeded PRNG: the same seed and the same county date give
 * the same rows, byte for byte. Tax years, bills and filing years follow the date the seed is
 * built for ("today" in the county), so the current tax year is always open.
 */
export const defaultSeed = 20_250_101;

export interface SeedCounts {
  readonly parcels: number;
  readonly courtCases: number;
  readonly utilityAccounts: number;
  readonly permits: number;
}

export const defaultSeedCounts: SeedCounts = { parcels: 10_000, courtCases: 500, utilityAccounts: 2_000, permits: 300 };

export interface SeedOptions {
  /** The county date the data is built for: tax years, bills and payments are placed around it. */
  readonly today: IsoDate;
  readonly ruleSet?: RuleSetId;
  readonly seed?: number;
  readonly counts?: SeedCounts;
}

/** mulberry32: a small, fast PRNG with a 32-bit state; good enough for demo data, not for secrets. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    chance: (p: number) => next() < p,
    /** An integer in [min, max]. */
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error("pick from an empty list");
      return item;
    },
    /** A date in [from, to]. */
    date: (from: IsoDate, to: IsoDate) => {
      if (from > to) throw new RangeError(`No date between ${from} and ${to}`);
      return addDays(from, Math.floor(next() * (daysBetween(from, to) + 1)));
    },
  };
}
type Prng = ReturnType<typeof prng>;

/** Words of a list written as text, split at `separator` (whitespace by default). */
function listOf(text: string, separator: string | RegExp = /\s+/): string[] {
  return text
    .trim()
    .split(separator)
    .map((w) => w.trim());
}

const firstNames = listOf(`
  James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph
  Jessica Thomas Sarah Carlos Karen Daniel Lisa Matthew Nancy Anthony Betty Mark Sandra Jose Ashley Luis Maria
  Juan Guadalupe Kevin Emily Brian Michelle Tran Nguyen Aisha Omar Priya Wei Hannah Ethan Olivia Noah Sofia Liam
`);
const lastNames = listOf(`
  Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson
  Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis
  Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera
  Campbell Mitchell Carter Roberts Patel Kim Okafor Schmidt Novak Haddad Cohen Silva Ortiz
`);
const businessWords = ["Holdings LLC", "Properties LP", "Investments Inc", "Family Trust", "Partners LLC", "Realty Co"] as const;
const streets = listOf(
  `
  Oak, Pecan, Elm, Cedar, Mesquite, Magnolia, Live Oak, Bluebonnet, Main, Church, Mill, River, Lakeview,
  Hillcrest, Sunset, Meadow, Prairie, Ranch, Willow, Cypress, Bowie, Travis, Austin, Houston, Crockett, Lamar,
  Brazos, Colorado, Guadalupe, Frio
`,
  ",",
);
const streetTypes = ["St", "Ave", "Dr", "Ln", "Rd", "Blvd", "Ct", "Trl", "Way"] as const;

interface District {
  readonly city: string;
  readonly zip: string;
  readonly share: number;
  readonly units: readonly string[];
  readonly school: string;
}

const taxingUnits = [
  { code: "DC", name: "Demo County", rateMillionths: 3_900 },
  { code: "RIV", name: "City of Riverton", rateMillionths: 5_200 },
  { code: "OAK", name: "City of Oak Falls", rateMillionths: 4_800 },
  { code: "RISD", name: "Riverton Independent School District", rateMillionths: 10_500 },
  { code: "OISD", name: "Oak Falls Independent School District", rateMillionths: 9_800 },
  { code: "CISD", name: "Cedar Bend Consolidated ISD", rateMillionths: 11_200 },
  { code: "HOSP", name: "Demo County Hospital District", rateMillionths: 1_500 },
  { code: "ESD2", name: "Demo County Emergency Services District No. 2", rateMillionths: 1_000 },
] as const;

const districts: readonly District[] = [
  { city: "Riverton", zip: "75401", share: 0.55, units: ["DC", "RIV", "RISD", "HOSP"], school: "RISD" },
  { city: "Oak Falls", zip: "75407", share: 0.25, units: ["DC", "OAK", "OISD", "HOSP"], school: "OISD" },
  { city: "Cedar Bend", zip: "75422", share: 0.2, units: ["DC", "CISD", "HOSP", "ESD2"], school: "CISD" },
];

/** The residence homestead exemption school districts give (Texas Tax Code §11.13(b), from 2023). */
const schoolHomesteadExemptionCents = 10_000_000;

const pad = (n: number, width: number) => String(n).padStart(width, "0");

function personName(r: Prng): string {
  return `${r.pick(firstNames)} ${r.pick(lastNames)}`;
}

function streetAddress(r: Prng, district: District): string {
  return `${r.int(100, 9899)} ${r.pick(streets)} ${r.pick(streetTypes)}, ${district.city}, TX ${district.zip}`;
}

function pickDistrict(r: Prng): District {
  const x = r.next();
  let sum = 0;
  for (const district of districts) {
    sum += district.share;
    if (x < sum) return district;
  }
  return districts[districts.length - 1] as District;
}

/** A time of day in the county's office hours, as an instant on `date` (18:00Z is noon CST, 1 p.m. CDT). */
function paidAtOn(r: Prng, date: IsoDate): string {
  return `${date}T${pad(r.int(15, 22), 2)}:${pad(r.int(0, 59), 2)}:00.000Z`;
}

const methods = ["check", "check", "ach", "ach", "card", "card", "cash", "wire"] as const;

/** Larger than any bill: the probe amount that pays everything owed. */
const amountCentsMax = 10_000_000_000_00;

/** Builds every row of the seed in memory; nothing here touches the database. */
export function generateSeedData(options: SeedOptions): SeedData {
  const ruleSet = options.ruleSet ?? defaultCounty.ruleSet;
  const seed = options.seed ?? defaultSeed;
  const counts = options.counts ?? defaultSeedCounts;
  const today = options.today;
  const accounts: { ref: string; kind: AccountKind; name: string }[] = [];
  const payments: SeedData["payments"][number][] = [];

  /** Applies a seeded payment to an in-memory state exactly as the live API would, and records it. */
  const pay = <S extends AccountState>(
    state: S,
    ref: string,
    amountCents: number,
    paidAt: string,
    method: string,
    known?: Allocation,
  ): S => {
    const paidOn = paidAt.slice(0, 10);
    const allocation = known ?? allocatePayment(state, amountCents, paidOn);
    const after = stateAfter(state, allocation, paidOn);
    const n = payments.length + 1;
    payments.push({
      paymentId: `pay_seed_${pad(n, 6)}`,
      kind: state.kind,
      ref,
      amountCents,
      paidAt,
      method,
      receiptNumber: `DC-${pad(n, 8)}`,
      amountDueAfterCents: amountDueOf(after, paidOn),
      lines: allocation.lines,
      accruals: allocation.accruals,
    });
    return after;
  };

  // ── parcels ──
  const installments = installmentsByRuleSet[ruleSet];
  const billNumbers = installments === 0 ? [0] : Array.from({ length: installments }, (_, i) => i + 1);
  const dueDates = new Map<string, IsoDate>();
  const dueDateOf = (taxYear: number, installment: number): IsoDate => {
    const key = `${taxYear}/${installment}`;
    let due = dueDates.get(key);
    if (due === undefined) {
      due = quote({
        rules: ruleSet,
        amountCents: 100_000,
        taxYear,
        ...(installment > 0 ? { installment } : {}),
        propertyClass: "residential",
        asOf: today,
      }).dueDate;
      dueDates.set(key, due);
    }
    return due;
  };
  /** Bills go out about four months before they fall due (early October for a Texas Jan 31 due date). */
  const billedOnOf = (taxYear: number, installment: number): IsoDate => addDays(dueDateOf(taxYear, installment), -120);
  let currentYear = yearOf(today);
  if (billedOnOf(currentYear, billNumbers[0] ?? 0) > today) currentYear--;
  const taxRates = taxingUnits.flatMap((unit) =>
    [currentYear - 2, currentYear - 1, currentYear].map((taxYear) => ({
      unitCode: unit.code,
      taxYear,
      rateMillionths: Math.round(unit.rateMillionths * (1 + 0.02 * (currentYear - taxYear))),
    })),
  );
  const rateOf = new Map(taxRates.map((r) => [`${r.unitCode}/${r.taxYear}`, r.rateMillionths]));

  const parcels: SeedData["parcels"][number][] = [];
  const levies: SeedData["levies"][number][] = [];
  const parcelBills: SeedData["parcelBills"][number][] = [];
  /** Pays everything the parcel owes on `paidOn` (the bills issued by then), in one payment. */
  const payAllOwed = (state: ParcelState, ref: string, paidOn: IsoDate, method: string): ParcelState => {
    const probe = allocateParcelPayment(state, amountCentsMax, paidOn);
    const lines = probe.lines.filter((l) => l.component !== "credit");
    const cents = lines.reduce((sum, l) => sum + l.amountCents, 0);
    if (cents <= 0) return state;
    return pay(state, ref, cents, paidAtOn(r, paidOn), method, { lines, accruals: probe.accruals });
  };
  const r = prng(seed ^ 0x5041);
  for (let i = 1; i <= counts.parcels; i++) {
    const ref = `R${pad(i, 6)}`;
    const district = pickDistrict(r);
    const residential = r.chance(0.85);
    const homestead = residential && r.chance(0.7);
    const baseValueDollars = residential
      ? 85_000 + Math.round(r.next() ** 2 * 5_650) * 100
      : 250_000 + Math.round(r.next() ** 3 * 42_500) * 100;
    const name = residential ? personName(r) : `${r.pick(lastNames)} ${r.pick(businessWords)}`;
    accounts.push({ ref, kind: "parcel", name });
    parcels.push({ ref, situsAddress: streetAddress(r, district), propertyClass: residential ? "residential" : "nonresidential" });
    // About 8% of parcels owe last year's tax, and 40% of those the year before too (the only
    // parcels billed three years back: everyone else's older years are archived).
    const delinquent = r.chance(0.08);
    const owesTwoYears = delinquent && r.chance(0.4);
    const years = owesTwoYears ? [currentYear - 2, currentYear - 1, currentYear] : [currentYear - 1, currentYear];
    const bills: ParcelBill[] = [];
    for (const taxYear of years) {
      const valueCents = Math.round(baseValueDollars * (1 - 0.05 * (currentYear - taxYear))) * 100;
      let yearTaxCents = 0;
      for (const unitCode of district.units) {
        const taxable = homestead && unitCode === district.school ? Math.max(0, valueCents - schoolHomesteadExemptionCents) : valueCents;
        const taxCents = applyRatio(taxable, { numerator: rateOf.get(`${unitCode}/${taxYear}`) ?? 0, denominator: 1_000_000 }, "half_up");
        levies.push({ ref, taxYear, unitCode, taxableValueCents: taxable, taxCents });
        yearTaxCents += taxCents;
      }
      // Installments split the year's tax evenly, the odd cent in the first (Cal. R&T Code §2701).
      const shares =
        billNumbers.length === 1 ? [yearTaxCents] : [yearTaxCents - Math.floor(yearTaxCents / 2), Math.floor(yearTaxCents / 2)];
      billNumbers.forEach((installment, k) => {
        const bill = {
          billId: `${ref}-${taxYear}-${installment}`,
          taxYear,
          installment,
          taxCents: shares[k] ?? 0,
          billedOn: billedOnOf(taxYear, installment),
        };
        bills.push(bill);
        parcelBills.push({ ...bill, ref });
      });
    }
    let state: ParcelState = {
      kind: "parcel",
      ruleSet,
      propertyClass: residential ? "residential" : "nonresidential",
      bills,
      lines: [],
      accruals: [],
    };
    if (!delinquent) {
      // On time, bill by bill; the current year's bill is paid early by a quarter of owners.
      for (const bill of bills) {
        const due = dueDateOf(bill.taxYear, bill.installment);
        const earliest = addDays(bill.billedOn, 10);
        let paidOn: IsoDate | undefined;
        if (due < today) paidOn = r.date(earliest, due);
        else if (earliest <= today && r.chance(0.25)) paidOn = r.date(earliest, earlierOf(today, due));
        if (paidOn !== undefined) state = payAllOwed(state, ref, paidOn, r.pick(methods));
      }
    } else if (r.chance(0.25)) {
      // A quarter of delinquent owners paid part of the oldest year late.
      const oldest = bills[0] as ParcelBill;
      const from = addDays(dueDateOf(oldest.taxYear, oldest.installment), 45);
      if (from <= today) {
        const paidOn = r.date(from, today);
        const owed = amountDueOf(state, paidOn);
        if (owed > 100) state = pay(state, ref, Math.floor(owed * 0.4), paidAtOn(r, paidOn), "check");
      }
    }
  }

  // ── court cases ──
  const courtCases: SeedData["courtCases"][number][] = [];
  const assessments: SeedData["assessments"][number][] = [];
  const c = prng(seed ^ 0x4352);
  const caseCounters = new Map<number, number>();
  const offenses = [
    "Petty theft",
    "Driving under the influence",
    "Reckless driving",
    "Vandalism",
    "Driving with a suspended license",
    "Receiving stolen property",
    "Trespass",
    "Disorderly conduct",
    "Hit and run, property damage",
  ] as const;
  const todayYear = yearOf(today);
  for (let i = 1; i <= counts.courtCases; i++) {
    const year = todayYear - Math.floor(c.next() ** 1.4 * 10);
    const counter = (caseCounters.get(year) ?? 0) + c.int(1, 37);
    caseCounters.set(year, counter);
    const ref = `CR-${year}-${pad(counter, 6)}`;
    const lastFiling = addDays(today, -60);
    const yearEnd = `${year}-12-31` < lastFiling ? `${year}-12-31` : lastFiling;
    const filedOn = c.date(`${year}-01-01` < yearEnd ? `${year}-01-01` : yearEnd, yearEnd);
    const sentencedOn = c.date(addDays(filedOn, 30), addDays(filedOn, 55));
    accounts.push({ ref, kind: "court_case", name: personName(c) });
    courtCases.push({ ref, court: "Demo County Superior Court", offense: c.pick(offenses), filedOn });
    const caseAssessments: CourtAssessment[] = [];
    const add = (category: AssessmentCategory, description: string, assessedOn: IsoDate, amountCents: number) => {
      const assessment = { assessmentId: `${ref}-${caseAssessments.length + 1}`, category, description, assessedOn, amountCents };
      caseAssessments.push(assessment);
      assessments.push({ ...assessment, ref });
    };
    const fineCents = c.int(20, 300) * 500;
    if (c.chance(0.35)) add("restitution", "Victim restitution", sentencedOn, c.int(250, 8_000) * 100);
    add("state_surcharge", "State surcharge (20%)", sentencedOn, percentOf(fineCents, 2_000, "half_up"));
    add("fine", "Base fine", sentencedOn, fineCents);
    add("penalty_assessment", "Penalty assessments", sentencedOn, percentOf(fineCents, 31_000, "half_up"));
    add("cost", "Court operations assessment", sentencedOn, 4_000);
    add("cost", "Criminal conviction assessment", sentencedOn, 3_000);
    const laterOn = addDays(sentencedOn, c.int(200, 700));
    if (c.chance(0.2) && laterOn <= today) add("cost", "Probation supervision costs", laterOn, c.int(30, 120) * 1_000);
    let state: CourtState = { kind: "court_case", assessments: caseAssessments, lines: [] };
    const standing = (on: IsoDate): CourtState => ({ ...state, assessments: caseAssessments.filter((a) => a.assessedOn <= on) });
    const x = c.next();
    if (x < 0.12 && addDays(sentencedOn, 20) <= today) {
      const paidOn = c.date(addDays(sentencedOn, 20), earlierOf(addDays(sentencedOn, 200), today));
      const owed = balanceOf(standing(paidOn), paidOn).amountDueCents;
      state = { ...pay(standing(paidOn), ref, owed, paidAtOn(c, paidOn), c.pick(methods)), assessments: caseAssessments };
    } else if (x < 0.47) {
      let paidOn = sentencedOn;
      for (let k = c.int(1, 4); k > 0; k--) {
        paidOn = addDays(paidOn, c.int(20, 60));
        if (paidOn > today) break;
        const owed = balanceOf(standing(paidOn), paidOn).amountDueCents;
        const cents = Math.max(2_500, Math.round((owed * c.int(5, 25)) / 100 / 100) * 100);
        if (owed <= cents) break;
        state = {
          ...pay(standing(paidOn), ref, cents, paidAtOn(c, paidOn), c.pick(["card", "cash", "check"])),
          assessments: caseAssessments,
        };
      }
    }
  }

  // ── utility accounts ──
  const utilityAccounts: SeedData["utilityAccounts"][number][] = [];
  const utilityBills: SeedData["utilityBills"][number][] = [];
  const u = prng(seed ^ 0x5554);
  /** Accounts are billed in four cycles (the 1st, 8th, 15th or 22nd): the three latest bills of a cycle up to today. */
  const cycleBillDates = (cycleDay: number): IsoDate[] => {
    const [year, month, day] = today.split("-").map(Number) as [number, number, number];
    const latest = day >= cycleDay ? 0 : -1;
    return [latest - 2, latest - 1, latest].map((offset) =>
      new Date(Date.UTC(year, month - 1 + offset, cycleDay)).toISOString().slice(0, 10),
    );
  };
  const monthName = (date: IsoDate) =>
    new Date(`${date}T12:00:00Z`).toLocaleString("en-US", { month: "short", year: "numeric", timeZone: "UTC" });
  for (let i = 1; i <= counts.utilityAccounts; i++) {
    const ref = `U${pad(1_000 + i, 7)}`;
    const district = districts[u.int(0, 1)] as District;
    accounts.push({ ref, kind: "utility", name: personName(u) });
    const bills: UtilityBill[] = cycleBillDates(u.pick([1, 8, 15, 22])).map((billDate) => ({
      billId: `${ref}-${billDate.slice(0, 7)}`,
      description: `Water, sewer and trash, ${monthName(billDate)}`,
      billDate,
      dueDate: addDays(billDate, 20),
      amountCents: u.int(2_800, 6_000) + u.int(2_000, 13_000),
      lateFeeApplies: true,
    }));
    const profile = u.next();
    let serviceStatus: "active" | "disconnected" = "active";
    let disconnectedOn: IsoDate | null = null;
    let disconnectAmountCents = 0;
    let state: UtilityState = { kind: "utility", bills, lines: [], serviceStatus: "active", reconnectEligible: false };
    const payBill = (bill: UtilityBill, paidOn: IsoDate, share = 1) => {
      const owed = utilityBalance(state, paidOn).bills.find((b) => b.bill.billId === bill.billId);
      const cents = owed ? Math.round((owed.principalDueCents + owed.feesDueCents) * share) : 0;
      if (cents > 0) state = pay(state, ref, cents, paidAtOn(u, paidOn), u.pick(["ach", "card", "check", "cash"]));
    };
    if (profile < 0.03) {
      serviceStatus = "disconnected";
      const first = bills[0] as UtilityBill;
      disconnectedOn = addDays(first.dueDate, 25);
      const fee: UtilityBill = {
        billId: `${ref}-turn-off-${disconnectedOn}`,
        description: "Turn-off fee",
        billDate: disconnectedOn,
        dueDate: disconnectedOn,
        amountCents: 4_000,
        lateFeeApplies: false,
      };
      bills.push(fee);
      const at = disconnectedOn;
      disconnectAmountCents = utilityBalance({ ...state, bills: bills.filter((b) => b.billDate <= at) }, at).amountDueCents;
      state = { ...state, bills, serviceStatus };
    } else if (profile < 0.18) {
      const first = bills[0] as UtilityBill;
      payBill(first, u.date(addDays(first.billDate, 3), first.dueDate));
      const second = bills[1] as UtilityBill;
      if (u.chance(0.3) && addDays(second.dueDate, 5) <= today)
        payBill(second, u.date(addDays(second.dueDate, 1), addDays(second.dueDate, 5)), 0.5);
    } else {
      for (const bill of bills) {
        const earliest = addDays(bill.billDate, 3);
        if (bill.dueDate < today) payBill(bill, u.date(earliest, bill.dueDate));
        else if (earliest <= today && u.chance(0.3)) payBill(bill, u.date(earliest, today));
      }
    }
    utilityAccounts.push({ ref, serviceAddress: streetAddress(u, district), serviceStatus, disconnectedOn, disconnectAmountCents });
    for (const bill of bills) utilityBills.push({ ...bill, ref });
  }

  // ── permits ──
  const permits: SeedData["permits"][number][] = [];
  const p = prng(seed ^ 0x5045);
  const permitCounters = new Map<number, number>();
  const permitTypes = [
    { type: "building", min: 250, max: 2_500 },
    { type: "electrical", min: 75, max: 300 },
    { type: "plumbing", min: 75, max: 300 },
    { type: "mechanical", min: 90, max: 350 },
    { type: "demolition", min: 150, max: 150 },
    { type: "sign", min: 60, max: 200 },
    { type: "fence", min: 50, max: 50 },
    { type: "pool", min: 350, max: 350 },
  ] as const;
  const applications = Array.from({ length: counts.permits }, () => p.date(addDays(today, -330), today)).sort();
  for (const appliedOn of applications) {
    const year = yearOf(appliedOn);
    const counter = (permitCounters.get(year) ?? 0) + p.int(1, 7);
    permitCounters.set(year, counter);
    const ref = `P${year}-${pad(counter, 5)}`;
    const kind = p.pick(permitTypes);
    const feeCents = p.int(kind.min, kind.max) * 100;
    accounts.push({ ref, kind: "permit", name: p.chance(0.5) ? personName(p) : `${p.pick(lastNames)} Construction LLC` });
    let state: PermitState = { kind: "permit", ref, permitType: kind.type, feeCents, status: "pending_payment", lines: [] };
    let issuedAt: string | null = null;
    const x = p.next();
    if (x < 0.62 && addDays(appliedOn, 7) <= today) {
      const paidAt = paidAtOn(p, p.date(addDays(appliedOn, 1), addDays(appliedOn, 7)));
      state = pay(state, ref, feeCents, paidAt, p.pick(["card", "check", "ach"]));
      issuedAt = paidAt;
    } else if (x < 0.68 && addDays(appliedOn, 3) <= today) {
      state = pay(state, ref, Math.round(feeCents / 200) * 100, paidAtOn(p, addDays(appliedOn, 3)), "card");
    }
    permits.push({
      ref,
      permitType: kind.type,
      siteAddress: streetAddress(p, pickDistrict(p)),
      appliedOn,
      feeCents,
      status: issuedAt ? "issued" : "pending_payment",
      issuedAt,
    });
  }

  return {
    county: { ...defaultCounty, ruleSet, seed, seededFor: today },
    taxingUnits: taxingUnits.map(({ code, name }) => ({ code, name })),
    taxRates,
    accounts,
    parcels,
    levies,
    parcelBills,
    courtCases,
    assessments,
    utilityAccounts,
    utilityBills,
    permits,
    payments,
  };
}

export interface SeedReport {
  /** False when the database already held the seed: nothing was written. */
  readonly seeded: boolean;
  readonly accounts: number;
  readonly payments: number;
  readonly elapsedMs: number;
}

/**
 * Seeds the database once: the data and the county row that marks it go in one transaction, so a
 * second start (or two starting at once) finds the mark and writes nothing.
 */
export async function seedReferenceSor(db: Database, options: SeedOptions): Promise<SeedReport> {
  const started = performance.now();
  if (await isSeeded(db)) return { seeded: false, accounts: 0, payments: 0, elapsedMs: performance.now() - started };
  const data = generateSeedData(options);
  const seeded = await db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(7346090)");
    if (await isSeeded(tx)) return false;
    await writeSeedData(tx, data, { markSeeded: true });
    return true;
  });
  return {
    seeded,
    accounts: seeded ? data.accounts.length : 0,
    payments: seeded ? data.payments.length : 0,
    elapsedMs: performance.now() - started,
  };
}
