/**
 * The NACHA code tables the validator checks against: transaction codes, service class codes,
 * standard entry class (SEC) codes and their rules, return reason codes and change codes.
 */
import type { AddendaTypeCode } from "./layouts.ts";

export type Direction = "credit" | "debit";
/** What an entry is for: a live payment, a prenotification, a zero-dollar remittance, a return or NOC, an advice. */
export type Purpose = "live" | "prenote" | "zero_dollar" | "return_or_noc" | "advice";

export interface TransactionCode {
  readonly direction: Direction;
  readonly purpose: Purpose;
}

const purposeByDigit: Readonly<Record<string, [Direction, Purpose]>> = {
  "1": ["credit", "return_or_noc"],
  "2": ["credit", "live"],
  "3": ["credit", "prenote"],
  "4": ["credit", "zero_dollar"],
  "6": ["debit", "return_or_noc"],
  "7": ["debit", "live"],
  "8": ["debit", "prenote"],
  "9": ["debit", "zero_dollar"],
};

function buildTransactionCodes(): ReadonlyMap<string, TransactionCode> {
  const codes = new Map<string, TransactionCode>();
  // Checking (2x), savings (3x), general ledger (4x): every second digit but 0 and 5.
  for (const account of ["2", "3", "4"]) {
    for (const [digit, [direction, purpose]] of Object.entries(purposeByDigit)) codes.set(account + digit, { direction, purpose });
  }
  // Loans: credits, prenotes and zero-dollar credits, a debit (reversals only) and its return.
  for (const digit of ["1", "2", "3", "4"]) {
    const [direction, purpose] = purposeByDigit[digit] as [Direction, Purpose];
    codes.set(`5${digit}`, { direction, purpose });
  }
  codes.set("55", { direction: "debit", purpose: "live" });
  codes.set("56", { direction: "debit", purpose: "return_or_noc" });
  // Automated accounting advices (ADV): odd codes credit, even codes debit.
  for (let code = 81; code <= 88; code++) codes.set(String(code), { direction: code % 2 === 1 ? "credit" : "debit", purpose: "advice" });
  return codes;
}

export const transactionCodes = buildTransactionCodes();

/** Service class codes: which directions a batch may carry. */
export const serviceClassCodes: Readonly<Record<string, { readonly credit: boolean; readonly debit: boolean; readonly advice: boolean }>> =
  {
    "200": { credit: true, debit: true, advice: false },
    "220": { credit: true, debit: false, advice: false },
    "225": { credit: false, debit: true, advice: false },
    "280": { credit: true, debit: true, advice: true },
  };

export interface SecRule {
  readonly name: string;
  /** The directions a forward entry may take; returns and NOCs are not limited. */
  readonly directions: "both" | "debit" | "credit";
  /** The transaction codes forward entries must use, when the SEC code narrows them. */
  readonly transactionCodes?: readonly string[];
  /** Addenda types a forward entry may carry, and at most how many in all. */
  readonly addendaTypes: readonly AddendaTypeCode[];
  readonly addendaMax: number;
  /** Addenda types every forward entry must carry. */
  readonly addendaRequired?: readonly AddendaTypeCode[];
}

const iatAddenda: readonly AddendaTypeCode[] = ["10", "11", "12", "13", "14", "15", "16", "17", "18"];

export const secRules: Readonly<Record<string, SecRule>> = {
  ACK: { name: "ACH payment acknowledgment", directions: "credit", transactionCodes: ["24", "34"], addendaTypes: ["05"], addendaMax: 1 },
  ADV: { name: "automated accounting advice", directions: "both", addendaTypes: [], addendaMax: 0 },
  ARC: { name: "accounts receivable check", directions: "debit", addendaTypes: [], addendaMax: 0 },
  ATX: {
    name: "financial EDI acknowledgment",
    directions: "credit",
    transactionCodes: ["24", "34"],
    addendaTypes: ["05"],
    addendaMax: 9999,
  },
  BOC: { name: "back office conversion", directions: "debit", addendaTypes: [], addendaMax: 0 },
  CCD: { name: "corporate credit or debit", directions: "both", addendaTypes: ["05"], addendaMax: 1 },
  CIE: { name: "customer initiated entry", directions: "credit", addendaTypes: ["05"], addendaMax: 1 },
  COR: { name: "notification of change", directions: "both", addendaTypes: ["98"], addendaMax: 1, addendaRequired: ["98"] },
  CTX: { name: "corporate trade exchange", directions: "both", addendaTypes: ["05"], addendaMax: 9999 },
  DNE: { name: "death notification", directions: "credit", addendaTypes: ["05"], addendaMax: 1 },
  ENR: { name: "automated enrollment", directions: "credit", addendaTypes: ["05"], addendaMax: 9999 },
  IAT: {
    name: "international ACH transaction",
    directions: "both",
    addendaTypes: iatAddenda,
    addendaMax: 7 + 2 + 5,
    addendaRequired: ["10", "11", "12", "13", "14", "15", "16"],
  },
  MTE: { name: "machine transfer entry", directions: "both", addendaTypes: ["02"], addendaMax: 1, addendaRequired: ["02"] },
  POP: { name: "point of purchase", directions: "debit", addendaTypes: [], addendaMax: 0 },
  POS: { name: "point of sale", directions: "both", addendaTypes: ["02"], addendaMax: 1 },
  PPD: { name: "prearranged payment and deposit", directions: "both", addendaTypes: ["05"], addendaMax: 1 },
  RCK: { name: "re-presented check", directions: "debit", addendaTypes: [], addendaMax: 0 },
  SHR: { name: "shared network transaction", directions: "both", addendaTypes: ["02"], addendaMax: 1, addendaRequired: ["02"] },
  TEL: { name: "telephone-initiated entry", directions: "debit", addendaTypes: [], addendaMax: 0 },
  TRC: { name: "truncated check", directions: "debit", addendaTypes: [], addendaMax: 0 },
  TRX: { name: "truncated entries exchange", directions: "debit", addendaTypes: ["05"], addendaMax: 9999 },
  WEB: { name: "internet-initiated entry", directions: "both", addendaTypes: ["05"], addendaMax: 1 },
  XCK: { name: "destroyed check", directions: "debit", addendaTypes: [], addendaMax: 0 },
};

/** Return reason codes (addenda 99, positions 4–6). */
export const returnCodes: Readonly<Record<string, string>> = {
  R01: "Insufficient funds",
  R02: "Account closed",
  R03: "No account / unable to locate account",
  R04: "Invalid account number",
  R05: "Unauthorized debit to consumer account using corporate SEC code",
  R06: "Returned per ODFI's request",
  R07: "Authorization revoked by customer",
  R08: "Payment stopped",
  R09: "Uncollected funds",
  R10: "Customer advises originator is not known or not authorized",
  R11: "Customer advises entry not in accordance with the terms of the authorization",
  R12: "Account sold to another DFI",
  R13: "Invalid ACH routing number",
  R14: "Representative payee deceased or unable to continue",
  R15: "Beneficiary or account holder deceased",
  R16: "Account frozen / entry returned per OFAC instruction",
  R17: "File record edit criteria / entry initiated under questionable circumstances",
  R18: "Improper effective entry date",
  R19: "Amount field error",
  R20: "Non-transaction account",
  R21: "Invalid company identification",
  R22: "Invalid individual ID number",
  R23: "Credit entry refused by receiver",
  R24: "Duplicate entry",
  R25: "Addenda error",
  R26: "Mandatory field error",
  R27: "Trace number error",
  R28: "Routing number check digit error",
  R29: "Corporate customer advises not authorized",
  R30: "RDFI not participant in check truncation program",
  R31: "Permissible return entry (CCD and CTX only)",
  R32: "RDFI non-settlement",
  R33: "Return of XCK entry",
  R34: "Limited participation DFI",
  R35: "Return of improper debit entry",
  R36: "Return of improper credit entry",
  R37: "Source document presented for payment",
  R38: "Stop payment on source document",
  R39: "Improper source document / source document presented for payment",
  R40: "Return of ENR entry by federal government agency",
  R41: "Invalid transaction code (ENR)",
  R42: "Routing number or check digit error (ENR)",
  R43: "Invalid DFI account number (ENR)",
  R44: "Invalid individual ID number (ENR)",
  R45: "Invalid individual or company name (ENR)",
  R46: "Invalid representative payee indicator (ENR)",
  R47: "Duplicate enrollment (ENR)",
  R50: "State law affecting RCK acceptance",
  R51: "Item related to RCK entry is ineligible or RCK entry is improper",
  R52: "Stop payment on item related to RCK entry",
  R53: "Item and RCK entry presented for payment",
  R61: "Misrouted return",
  R62: "Return of erroneous or reversing debit",
  R67: "Duplicate return",
  R68: "Untimely return",
  R69: "Field error(s)",
  R70: "Permissible return entry not accepted / return not requested by ODFI",
  R71: "Misrouted dishonored return",
  R72: "Untimely dishonored return",
  R73: "Timely original return",
  R74: "Corrected return",
  R75: "Return not a duplicate",
  R76: "No errors found",
  R77: "Non-acceptance of R62 dishonored return",
  R80: "IAT entry coding error",
  R81: "Non-participant in IAT program",
  R82: "Invalid foreign receiving DFI identification",
  R83: "Foreign receiving DFI unable to settle",
  R84: "Entry not processed by gateway",
  R85: "Incorrectly coded outbound international payment",
};

/** Change codes (addenda 98, positions 4–6); C61–C69 refuse a notification of change. */
export const changeCodes: Readonly<Record<string, string>> = {
  C01: "Incorrect DFI account number",
  C02: "Incorrect routing number",
  C03: "Incorrect routing number and DFI account number",
  C04: "Incorrect individual name / receiving company name",
  C05: "Incorrect transaction code",
  C06: "Incorrect DFI account number and transaction code",
  C07: "Incorrect routing number, DFI account number and transaction code",
  C08: "Incorrect receiving DFI identification (IAT only)",
  C09: "Incorrect individual identification number",
  C10: "Incorrect company name",
  C11: "Incorrect company identification",
  C12: "Incorrect company name and company identification",
  C13: "Addenda format error",
  C14: "Incorrect SEC code for outbound international payment",
  C61: "Misrouted notification of change",
  C62: "Incorrect trace number",
  C63: "Incorrect company identification number",
  C64: "Incorrect individual identification number",
  C65: "Incorrectly formatted corrected data",
  C66: "Incorrect discretionary data",
  C67: "Routing number not from original entry detail record",
  C68: "DFI account number not from original entry detail record",
  C69: "Incorrect transaction code",
};

const routingWeights = [3, 7, 1, 3, 7, 1, 3, 7] as const;

/** The check digit of an 8-digit routing prefix: weights 3, 7, 1 repeated; (10 − sum mod 10) mod 10. */
export function routingCheckDigit(first8: string): number {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (first8.charCodeAt(i) - 48) * (routingWeights[i] as number);
  return (10 - (sum % 10)) % 10;
}

const nineDigits = /^\d{9}$/;

/** A 9-digit ABA routing number whose last digit checks. */
export function isRoutingNumber(value: string): boolean {
  return nineDigits.test(value) && routingCheckDigit(value) === value.charCodeAt(8) - 48;
}
