import { parseCsv } from "../../platform/index.ts";

/**
 * Bill files from systems that only trade files, read into rows. Pure. A row that does not read
 * is reported with its line and never blocks the good rows; a file whose shape is wrong (no
 * header, a trailer whose count or total disagrees) is refused whole, with the reason.
 */
export interface BillRow {
  readonly line: number;
  readonly ref: string;
  readonly name: string;
  readonly status: string;
  readonly amountDueCents: number;
  readonly pastDueCents: number;
  readonly dueDate: string;
  readonly billDate: string | null;
}

export interface RowProblem {
  readonly line: number;
  readonly code: "invalid_row" | "duplicate_ref";
  readonly message: string;
}

export type BillFile =
  | { readonly ok: true; readonly rows: BillRow[]; readonly problems: RowProblem[] }
  | { readonly ok: false; readonly reason: string };

export const billRowsMax = 500_000;
const refPattern = /^[A-Za-z0-9-]{1,32}$/;
const centsPattern = /^\d{1,13}$/;

/** Fixed-width bill files: 120-byte records, H header, D details, T trailer (the reference county's layout). */
export const fixedWidthBillLayout = {
  recordLength: 120,
  detail: { ref: [2, 20], name: [22, 40], amountDue: [62, 12], pastDue: [74, 12], dueDate: [86, 8], billDate: [94, 8], status: [102, 18] },
  trailer: { count: [2, 9], total: [11, 14] },
} as const;

export function parseBillFile(text: string): BillFile {
  return /^H.{119}\r?\n/.test(text) ? parseBillFixedWidth(text) : parseBillCsv(text);
}

/** CSV with a header naming at least ref, name, amount_due_cents and due_date (any order; past_due_cents, bill_date, status optional). */
export function parseBillCsv(text: string): BillFile {
  const records = parseCsv(text);
  const header = records[0]?.fields.map((f) => f.trim().toLowerCase());
  if (!header) return { ok: false, reason: "The file is empty" };
  const missing = ["ref", "name", "amount_due_cents", "due_date"].filter((c) => !header.includes(c));
  if (missing.length) return { ok: false, reason: `The header row lacks ${missing.join(", ")}` };
  if (records.length - 1 > billRowsMax) return { ok: false, reason: `A bill file holds at most ${billRowsMax} rows` };
  const column = (fields: string[], name: string) => {
    const at = header.indexOf(name);
    return at < 0 ? undefined : (fields[at] ?? "").trim();
  };
  return collect(
    records.slice(1).filter((r) => r.fields.some((f) => f.trim() !== "")),
    (r) =>
      readRow(r.line, {
        ref: column(r.fields, "ref"),
        name: column(r.fields, "name"),
        amountDue: column(r.fields, "amount_due_cents"),
        pastDue: column(r.fields, "past_due_cents") ?? "0",
        dueDate: column(r.fields, "due_date"),
        billDate: column(r.fields, "bill_date") || undefined,
        status: column(r.fields, "status") || "open",
      }),
  );
}

export function parseBillFixedWidth(text: string): BillFile {
  const lines = text.split(/\r?\n/).filter((l) => l !== "");
  const { recordLength, detail, trailer } = fixedWidthBillLayout;
  if (lines[0]?.[0] !== "H") return { ok: false, reason: "The first record is not a header (H)" };
  const last = lines.at(-1) ?? "";
  if (last[0] !== "T" || last.length !== recordLength) return { ok: false, reason: "The last record is not a trailer (T)" };
  const details = lines.slice(1, -1);
  const slice = (record: string, [start, length]: readonly [number, number]) => record.slice(start - 1, start - 1 + length).trim();
  const count = Number(slice(last, trailer.count));
  const total = Number(slice(last, trailer.total));
  if (count !== details.length) return { ok: false, reason: `The trailer counts ${count} records but the file has ${details.length}` };
  const sum = details.reduce((s, r) => s + (Number(slice(r, detail.amountDue)) || 0), 0);
  if (total !== sum) return { ok: false, reason: `The trailer total ${total} differs from the sum of the records, ${sum}` };
  return collect(
    details.map((record, i) => ({ record, line: i + 2 })),
    ({ record, line }) => {
      if (record.length !== recordLength || record[0] !== "D") {
        return { line, code: "invalid_row", message: `Record is not a ${recordLength}-byte detail (D) record` } as const;
      }
      const date = (text: string) => (/^\d{8}$/.test(text) ? `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6)}` : text);
      const billDate = slice(record, detail.billDate);
      return readRow(line, {
        ref: slice(record, detail.ref),
        name: slice(record, detail.name),
        amountDue: slice(record, detail.amountDue),
        pastDue: slice(record, detail.pastDue),
        dueDate: date(slice(record, detail.dueDate)),
        billDate: billDate ? date(billDate) : undefined,
        status: slice(record, detail.status).toLowerCase() || "open",
      });
    },
  );
}

function collect<T>(items: readonly T[], read: (item: T) => BillRow | RowProblem): BillFile {
  const rows: BillRow[] = [];
  const problems: RowProblem[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const result = read(item);
    if ("code" in result) problems.push(result);
    else if (seen.has(result.ref))
      problems.push({ line: result.line, code: "duplicate_ref", message: `Account ${result.ref} appears twice; the first row is kept` });
    else {
      seen.add(result.ref);
      rows.push(result);
    }
  }
  return { ok: true, rows, problems };
}

function readRow(
  line: number,
  f: {
    ref?: string | undefined;
    name?: string | undefined;
    amountDue?: string | undefined;
    pastDue: string;
    dueDate?: string | undefined;
    billDate?: string | undefined;
    status: string;
  },
): BillRow | RowProblem {
  const bad = (message: string): RowProblem => ({ line, code: "invalid_row", message });
  if (!f.ref || !refPattern.test(f.ref)) return bad(`ref "${f.ref ?? ""}" is not an account number`);
  if (!f.name) return bad("name is empty");
  if (!f.amountDue || !centsPattern.test(f.amountDue)) return bad(`amount_due_cents "${f.amountDue ?? ""}" is not a whole number of cents`);
  if (!centsPattern.test(f.pastDue) || Number(f.pastDue) > Number(f.amountDue))
    return bad(`past_due_cents "${f.pastDue}" is not between 0 and the amount due`);
  if (!f.dueDate || !isIsoDate(f.dueDate)) return bad(`due_date "${f.dueDate ?? ""}" is not a date (YYYY-MM-DD)`);
  if (f.billDate !== undefined && !isIsoDate(f.billDate)) return bad(`bill_date "${f.billDate}" is not a date (YYYY-MM-DD)`);
  return {
    line,
    ref: f.ref,
    name: f.name,
    status: f.status,
    amountDueCents: Number(f.amountDue),
    pastDueCents: Number(f.pastDue),
    dueDate: f.dueDate,
    billDate: f.billDate ?? null,
  };
}

function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}
