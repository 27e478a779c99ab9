import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { csvRecord } from "../../platform/index.ts";
import { parseBillCsv, parseBillFile, parseBillFixedWidth } from "./bill-file.ts";

const header = csvRecord(["ref", "name", "address", "amount_due_cents", "past_due_cents", "due_date", "bill_date", "status"]);

test("a bad row is reported with its line and does not block the good rows", () => {
  const file = `${header}${csvRecord(["U0000001", "Ada Lovelace", "1 Main St", 4_500, 0, "2026-11-30", "2026-11-01", "current"])}${csvRecord(
    ["U0000002", "Bad Amount", "", "12.50", 0, "2026-11-30", "", "current"],
  )}${csvRecord(["U0000003", "Grace Hopper", "2 Main St", 9_000, 9_000, "2026-10-31", "", "past_due"])}`;
  const parsed = parseBillCsv(file);
  assert.ok(parsed.ok);
  assert.deepEqual(
    parsed.rows.map((r) => r.ref),
    ["U0000001", "U0000003"],
  );
  assert.deepEqual(
    parsed.problems.map((p) => [p.line, p.code]),
    [[3, "invalid_row"]],
  );
  assert.match(parsed.problems[0]?.message ?? "", /amount_due_cents "12.50"/);
});

test("a file without the required columns is refused whole", () => {
  const parsed = parseBillCsv("account,owner\r\nU1,Someone\r\n");
  assert.deepEqual(parsed, { ok: false, reason: "The header row lacks ref, name, amount_due_cents, due_date" });
});

test("a repeated account keeps its first row and reports the second", () => {
  const row = csvRecord(["U0000001", "A", "", 100, 0, "2026-11-30", "", "current"]);
  const parsed = parseBillCsv(header + row + row);
  assert.ok(parsed.ok);
  assert.equal(parsed.rows.length, 1);
  assert.equal(parsed.problems[0]?.code, "duplicate_ref");
});

function fixedWidth(details: Array<{ ref: string; amount: number; pastDue?: number }>, trailer?: { count: number; total: number }): string {
  const pad = (s: string, n: number) => s.padEnd(n, " ").slice(0, n);
  const num = (v: number, n: number) => String(v).padStart(n, "0");
  const h = pad(`H${pad("DEMO COUNTY", 30)}${pad("UTILITY", 10)}20261115`, 120);
  const ds = details.map((d) =>
    pad(`D${pad(d.ref, 20)}${pad("Name", 40)}${num(d.amount, 12)}${num(d.pastDue ?? 0, 12)}2026113020261101${pad("CURRENT", 18)}`, 120),
  );
  const total = trailer?.total ?? details.reduce((s, d) => s + d.amount, 0);
  const t = pad(`T${num(trailer?.count ?? details.length, 9)}${num(total, 14)}`, 120);
  return `${[h, ...ds, t].join("\n")}\n`;
}

test("a fixed-width file is read by its layout and recognised without being told", () => {
  const parsed = parseBillFile(fixedWidth([{ ref: "U0000001", amount: 4_500, pastDue: 1_000 }]));
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.rows[0], {
    line: 2,
    ref: "U0000001",
    name: "Name",
    status: "current",
    amountDueCents: 4_500,
    pastDueCents: 1_000,
    dueDate: "2026-11-30",
    billDate: "2026-11-01",
  });
});

test("a fixed-width file whose trailer disagrees with its records is refused whole", () => {
  assert.deepEqual(parseBillFixedWidth(fixedWidth([{ ref: "U1", amount: 100 }], { count: 2, total: 100 })), {
    ok: false,
    reason: "The trailer counts 2 records but the file has 1",
  });
  assert.deepEqual(parseBillFixedWidth(fixedWidth([{ ref: "U1", amount: 100 }], { count: 1, total: 99 })), {
    ok: false,
    reason: "The trailer total 99 differs from the sum of the records, 100",
  });
});

test("valid rows survive writing as CSV and reading back, and garbage never throws", () => {
  const row = fc.record({
    ref: fc.stringMatching(/^[A-Z0-9]{1,12}$/),
    name: fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim() === s && s !== ""),
    amount: fc.nat({ max: 10_000_000 }),
  });
  fc.assert(
    fc.property(fc.uniqueArray(row, { selector: (r) => r.ref, maxLength: 30 }), (rows) => {
      const text = header + rows.map((r) => csvRecord([r.ref, r.name, "", r.amount, 0, "2026-12-01", "", "current"])).join("");
      const parsed = parseBillFile(text);
      assert.ok(parsed.ok);
      assert.deepEqual(
        parsed.rows.map((r) => [r.ref, r.name, r.amountDueCents]),
        rows.map((r) => [r.ref, r.name, r.amount]),
      );
    }),
  );
  fc.assert(
    fc.property(fc.string({ maxLength: 400 }), (text) => {
      parseBillFile(text);
      parseBillFile(`H${text}`);
    }),
  );
});
