import { csvRecord, parseCsv } from "../src/platform/index.ts";
import { compactDate, type IsoDate } from "./dates.ts";
import type { PostingRowCode } from "./errors.ts";
import type { BillRow } from "./store.ts";

/**
 * The county's file formats, pure: bill files out (CSV and fixed width) and posting files in.
 * The layouts are data, so the README and the tests read the same definition the code writes.
 */

// ─── bills, CSV ──────────────────────────────────────────────────────────────────────────────

export const billCsvColumns = ["ref", "name", "address", "amount_due_cents", "past_due_cents", "due_date", "bill_date", "status"] as const;

/** RFC 4180: a header row, then one row per open account; CRLF line ends; fields quoted when needed. */
export function billsCsv(rows: readonly BillRow[]): string {
  return (
    csvRecord(billCsvColumns) +
    rows.map((r) => csvRecord([r.ref, r.name, r.address, r.amountDueCents, r.pastDueCents, r.dueDate, r.billDate, r.status])).join("")
  );
}

// ─── bills, fixed width ──────────────────────────────────────────────────────────────────────

export const fixedWidthRecordLength = 120;

/**
 * A field of a fixed-width record. `alpha`: ASCII, left-justified, space-filled, cut at the width.
 * `number`: digits, right-justified, zero-filled (amounts are whole cents: implied two decimals).
 * `date`: YYYYMMDD. `filler`: spaces.
 */
export interface FixedField {
  readonly name: string;
  /** 1-based position of the first byte. */
  readonly start: number;
  readonly length: number;
  readonly type: "alpha" | "number" | "date" | "filler";
}

function layout(fields: readonly Omit<FixedField, "start">[]): FixedField[] {
  let start = 1;
  return fields.map((field) => {
    const placed = { ...field, start };
    start += field.length;
    return placed;
  });
}

export const fixedWidthLayout = {
  header: layout([
    { name: "record_type", length: 1, type: "alpha" },
    { name: "county_name", length: 30, type: "alpha" },
    { name: "account_kind", length: 10, type: "alpha" },
    { name: "as_of_date", length: 8, type: "date" },
    { name: "filler", length: 71, type: "filler" },
  ]),
  detail: layout([
    { name: "record_type", length: 1, type: "alpha" },
    { name: "ref", length: 20, type: "alpha" },
    { name: "name", length: 40, type: "alpha" },
    { name: "amount_due_cents", length: 12, type: "number" },
    { name: "past_due_cents", length: 12, type: "number" },
    { name: "due_date", length: 8, type: "date" },
    { name: "bill_date", length: 8, type: "date" },
    { name: "status", length: 18, type: "alpha" },
    { name: "filler", length: 1, type: "filler" },
  ]),
  trailer: layout([
    { name: "record_type", length: 1, type: "alpha" },
    { name: "record_count", length: 9, type: "number" },
    { name: "total_amount_due_cents", length: 14, type: "number" },
    { name: "filler", length: 96, type: "filler" },
  ]),
} as const;

function encodeField(field: FixedField, value: string | number | undefined): string {
  switch (field.type) {
    case "filler":
      return " ".repeat(field.length);
    case "number": {
      const digits = String(value ?? 0);
      if (!/^\d+$/.test(digits) || digits.length > field.length)
        throw new RangeError(`${field.name} ${digits} does not fit ${field.length} digits`);
      return digits.padStart(field.length, "0");
    }
    case "date":
      return compactDate(String(value ?? ""))
        .padEnd(field.length, " ")
        .slice(0, field.length);
    case "alpha":
      return asciiOnly(String(value ?? ""))
        .padEnd(field.length, " ")
        .slice(0, field.length);
  }
}

function encode(fields: readonly FixedField[], values: Readonly<Record<string, string | number>>): string {
  const record = fields.map((field) => encodeField(field, values[field.name])).join("");
  if (record.length !== fixedWidthRecordLength) throw new Error(`A fixed-width record came out ${record.length} bytes long`);
  return record;
}

/** Printable ASCII only: anything else (an accent, a control character) becomes "?". */
function asciiOnly(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, "?");
}

/** One header record, one detail record per open account, one trailer with the count and the total; LF after each. */
export function billsFixedWidth(rows: readonly BillRow[], file: { countyName: string; kind: string; asOf: IsoDate }): string {
  const records = [
    encode(fixedWidthLayout.header, {
      record_type: "H",
      county_name: file.countyName,
      account_kind: file.kind.toUpperCase(),
      as_of_date: file.asOf,
    }),
    ...rows.map((r) =>
      encode(fixedWidthLayout.detail, {
        record_type: "D",
        ref: r.ref,
        name: r.name,
        amount_due_cents: r.amountDueCents,
        past_due_cents: r.pastDueCents,
        due_date: r.dueDate,
        bill_date: r.billDate,
        status: r.status.toUpperCase(),
      }),
    ),
    encode(fixedWidthLayout.trailer, {
      record_type: "T",
      record_count: rows.length,
      total_amount_due_cents: rows.reduce((sum, r) => sum + r.amountDueCents, 0),
    }),
  ];
  return `${records.join("\n")}\n`;
}

/** Reads one record back into its fields (trimmed text, numbers as numbers): for tests and for Remit's importer. */
export function decodeFixedWidth(fields: readonly FixedField[], record: string): Record<string, string | number> {
  const values: Record<string, string | number> = {};
  for (const field of fields) {
    if (field.type === "filler") continue;
    const text = record.slice(field.start - 1, field.start - 1 + field.length);
    values[field.name] = field.type === "number" ? Number(text) : text.trimEnd();
  }
  return values;
}

// ─── posting files ───────────────────────────────────────────────────────────────────────────

export const postingColumns = ["payment_id", "ref", "amount_cents", "paid_at", "method"] as const;
export const postingRowsMax = 50_000;

export interface PostingRow {
  readonly line: number;
  readonly paymentId: string;
  readonly ref: string;
  readonly amountCents: number;
  readonly paidAt: Date;
  readonly method: string;
}

export interface PostingRowError {
  readonly line: number;
  readonly code: PostingRowCode;
  readonly detail: string;
}

export type PostingFile = { ok: true; rows: PostingRow[]; errors: PostingRowError[] } | { ok: false; detail: string };

export const paymentIdPattern = /^[A-Za-z0-9_.:-]{1,64}$/;
export const methodPattern = /^[a-z][a-z0-9_]{0,31}$/;
export const refPattern = /^[A-Z0-9-]{4,32}$/;
/** An ISO 8601 date-time with seconds and an offset (Z or ±hh:mm), as POST /v1/payments takes it. */
const dateTimePattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;
export const amountCentsMax = 100_000_000_00;

/**
 * A posting file: CSV with a header row naming at least the five posting columns (any order;
 * other columns are ignored), then one payment per row. Blank lines are skipped. A row that does
 * not parse is reported with its line number (the header is line 1) and never stops the others.
 */
export function parsePostingCsv(text: string): PostingFile {
  const records = parseCsv(text);
  const header = records[0];
  if (!header) return { ok: false, detail: "The file is empty; it needs a header row and one row per payment" };
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const missing = postingColumns.filter((c) => !names.includes(c));
  if (missing.length > 0) {
    return { ok: false, detail: `The header row lacks ${missing.join(", ")}; it must name ${postingColumns.join(", ")}` };
  }
  if (records.length - 1 > postingRowsMax) return { ok: false, detail: `A posting file holds at most ${postingRowsMax} rows` };
  const at = Object.fromEntries(postingColumns.map((c) => [c, names.indexOf(c)])) as Record<(typeof postingColumns)[number], number>;
  const rows: PostingRow[] = [];
  const errors: PostingRowError[] = [];
  for (const record of records.slice(1)) {
    if (record.fields.every((f) => f.trim() === "")) continue;
    const field = (name: (typeof postingColumns)[number]) => (record.fields[at[name]] ?? "").trim();
    const bad = (detail: string) => errors.push({ line: record.line, code: "invalid_row", detail });
    const paymentId = field("payment_id");
    const ref = field("ref").toUpperCase();
    const amount = field("amount_cents");
    const paidAt = field("paid_at");
    const method = field("method").toLowerCase();
    if (!paymentIdPattern.test(paymentId)) bad(`payment_id "${paymentId}" must be 1 to 64 letters, digits or _ . : -`);
    else if (!refPattern.test(ref)) bad(`ref "${ref}" is not an account number`);
    else if (!/^\d{1,12}$/.test(amount) || Number(amount) <= 0 || Number(amount) > amountCentsMax) {
      bad(`amount_cents "${amount}" must be a whole number of cents from 1 to ${amountCentsMax}`);
    } else if (!dateTimePattern.test(paidAt) || Number.isNaN(Date.parse(paidAt))) {
      bad(`paid_at "${paidAt}" must be an ISO 8601 date-time with an offset, such as 2026-11-20T15:04:05-06:00`);
    } else if (!methodPattern.test(method)) bad(`method "${method}" must be a lowercase word such as check, ach, card, cash, wire`);
    else rows.push({ line: record.line, paymentId, ref, amountCents: Number(amount), paidAt: new Date(paidAt), method });
  }
  return { ok: true, rows, errors };
}
