import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { checkNachaFile } from "./check.ts";
import { type NachaProblemCode, nachaErrors } from "./errors.ts";
import { parseNacha } from "./reader.ts";
import { addenda05, addenda98, addenda99, batchHeader, entry, routing, sampleFile } from "./test-fixtures.ts";
import type { Addenda02, NachaFile } from "./types.ts";
import { validateNacha } from "./validate.ts";
import { writeNacha } from "./writer.ts";

/**
 * The sample file, written (lines 1–10):
 *  1 file header · 2 PPD batch header · 3 debit · 4 credit · 5 batch control ·
 *  6 WEB batch header · 7 WEB debit · 8 its addenda 05 · 9 batch control · 10 file control.
 */
const sampleLines = () => writeNacha(sampleFile()).trimEnd().split("\n");

/** Replaces positions start–end (1-based, inclusive) of a line (1-based). */
function setField(lines: string[], line: number, start: number, end: number, value: string): void {
  const record = lines[line - 1] as string;
  assert.equal(value.length, end - start + 1, `"${value}" does not fit ${start}-${end}`);
  lines[line - 1] = record.slice(0, start - 1) + value + record.slice(end);
}

interface Case {
  readonly title: string;
  readonly code: NachaProblemCode;
  readonly line: number;
  /** A change to the written sample's lines… */
  readonly text?: (lines: string[]) => void;
  /** …or to the sample structure, which is then written (so its controls agree with it). */
  readonly file?: (file: NachaFile) => void;
}

const shrAddenda = (trace: string): Addenda02 => ({
  type_code: "02",
  reference_information_one: "",
  reference_information_two: "",
  terminal_identification_code: "200509",
  transaction_serial_number: "123456",
  transaction_date: "1224",
  authorization_code_or_card_expiration_date: "",
  terminal_location: "321 EAST MARKET STREET",
  terminal_city: "ANYTOWN",
  terminal_state: "VA",
  trace_number: trace,
});

const firstBatch = (file: NachaFile) => file.batches[0] as NachaFile["batches"][number];
const secondBatch = (file: NachaFile) => file.batches[1] as NachaFile["batches"][number];
const firstEntry = (file: NachaFile) => firstBatch(file).entries[0] as ReturnType<typeof entry>;
const webEntry = (file: NachaFile) => secondBatch(file).entries[0] as ReturnType<typeof entry>;

const cases: readonly Case[] = [
  // Reading
  {
    title: "a record one character too long",
    code: "nacha_record_length",
    line: 3,
    text: (l) => {
      l[2] += "X";
    },
  },
  { title: "a control character in a name", code: "nacha_invalid_character", line: 4, text: (l) => setField(l, 4, 60, 60, "\u0001") },
  { title: "a carriage return inside a record", code: "nacha_invalid_character", line: 4, text: (l) => setField(l, 4, 60, 60, "\r") },
  { title: "a record starting with 4", code: "nacha_unknown_record_type", line: 4, text: (l) => setField(l, 4, 1, 1, "4") },
  { title: "letters in an amount", code: "nacha_invalid_number", line: 3, text: (l) => setField(l, 3, 30, 39, "00001A2500") },
  // Structure
  { title: "no file header", code: "nacha_missing_file_header", line: 1, text: (l) => void l.shift() },
  { title: "a second file header", code: "nacha_unexpected_file_header", line: 6, text: (l) => l.splice(5, 0, l[0] as string) },
  { title: "no file control", code: "nacha_missing_file_control", line: 10, text: (l) => void l.pop() },
  { title: "an entry after the file control", code: "nacha_record_after_file_control", line: 11, text: (l) => void l.push(l[2] as string) },
  { title: "padding before the file control", code: "nacha_unexpected_padding", line: 10, text: (l) => l.splice(9, 0, "9".repeat(94)) },
  { title: "an entry between batches", code: "nacha_entry_outside_batch", line: 6, text: (l) => l.splice(5, 0, l[2] as string) },
  {
    title: "an addenda right after a batch header",
    code: "nacha_addenda_outside_entry",
    line: 3,
    text: (l) => l.splice(2, 0, l[7] as string),
  },
  { title: "a second batch control", code: "nacha_batch_control_outside_batch", line: 6, text: (l) => l.splice(5, 0, l[4] as string) },
  { title: "a batch without its control", code: "nacha_missing_batch_control", line: 2, text: (l) => void l.splice(4, 1) },
  // Fields
  {
    title: "a destination failing its check digit",
    code: "nacha_invalid_immediate_destination",
    line: 1,
    text: (l) => setField(l, 1, 13, 13, "0"),
  },
  { title: "an origin with letters", code: "nacha_invalid_immediate_origin", line: 1, text: (l) => setField(l, 1, 14, 23, "COUNTY0001") },
  {
    title: "an RDFI check digit off by one",
    code: "nacha_invalid_rdfi_check_digit",
    line: 3,
    file: (f) => {
      firstEntry(f).check_digit = "0";
    },
  },
  { title: "a 13th month", code: "nacha_invalid_date", line: 1, text: (l) => setField(l, 1, 24, 29, "261314") },
  {
    title: "an effective date of February 30",
    code: "nacha_invalid_date",
    line: 2,
    file: (f) => {
      batchOf(f).effective_entry_date = "260230";
    },
  },
  { title: "a lowercase file ID modifier", code: "nacha_invalid_file_id_modifier", line: 1, text: (l) => setField(l, 1, 34, 34, "a") },
  // Codes
  {
    title: "service class 201",
    code: "nacha_unknown_service_class_code",
    line: 2,
    file: (f) => {
      batchOf(f).service_class_code = "201";
    },
  },
  {
    title: "SEC code XYZ",
    code: "nacha_unknown_sec_code",
    line: 2,
    file: (f) => {
      batchOf(f).standard_entry_class_code = "XYZ";
    },
  },
  {
    title: "transaction code 90",
    code: "nacha_unknown_transaction_code",
    line: 3,
    file: (f) => {
      firstEntry(f).transaction_code = "90";
    },
  },
  { title: "addenda type 06", code: "nacha_unknown_addenda_type", line: 8, text: (l) => setField(l, 8, 2, 3, "06") },
  {
    title: "return reason R96",
    code: "nacha_unknown_return_code",
    line: 4,
    file: (f) => {
      const returned = firstEntry(f);
      Object.assign(returned, {
        transaction_code: "26",
        addenda_record_indicator: "1",
        addenda: [addenda99(returned.trace_number, "R96")],
      });
    },
  },
  {
    title: "change code C92",
    code: "nacha_unknown_change_code",
    line: 4,
    file: (f) => {
      f.batches = [corBatch("C92")];
    },
  },
  // Batch and entry rules
  {
    title: "a credit in a debits-only batch",
    code: "nacha_service_class_mismatch",
    line: 7,
    file: (f) => {
      webEntry(f).transaction_code = "22";
    },
  },
  {
    title: "a credit in a forward TEL batch",
    code: "nacha_transaction_code_not_allowed",
    line: 4,
    file: (f) => {
      batchOf(f).standard_entry_class_code = "TEL";
    },
  },
  {
    title: "a debit in a TEL REVERSAL batch",
    code: "nacha_transaction_code_not_allowed",
    line: 3,
    file: (f) => void Object.assign(batchOf(f), { standard_entry_class_code: "TEL", company_entry_description: "REVERSAL" }),
  },
  {
    title: "a prenote for $1.00",
    code: "nacha_prenote_amount_not_zero",
    line: 3,
    file: (f) => {
      firstEntry(f).transaction_code = "28";
    },
  },
  {
    title: "a notification of change for $1.00",
    code: "nacha_noc_amount_not_zero",
    line: 3,
    file: (f) => {
      const cor = corBatch("C01");
      (cor.entries[0] as ReturnType<typeof entry>).amount_cents = 100;
      f.batches = [cor];
    },
  },
  {
    title: "a debit for $0.00",
    code: "nacha_zero_amount",
    line: 3,
    file: (f) => {
      firstEntry(f).amount_cents = 0;
    },
  },
  {
    title: "an addenda behind indicator 0",
    code: "nacha_invalid_addenda_indicator",
    line: 7,
    file: (f) => {
      webEntry(f).addenda_record_indicator = "0";
    },
  },
  {
    title: "two addenda on a WEB entry",
    code: "nacha_too_many_addenda",
    line: 9,
    file: (f) => void webEntry(f).addenda.push(addenda05(3, 2)),
  },
  {
    title: "an SHR entry without its addenda 02",
    code: "nacha_missing_addenda",
    line: 3,
    file: (f) => {
      f.batches = [shrBatch()];
      const shr = firstEntry(f);
      shr.addenda = [];
      shr.addenda_record_indicator = "0";
    },
  },
  {
    title: "an addenda 02 on a WEB entry",
    code: "nacha_addenda_type_not_allowed",
    line: 8,
    file: (f) => {
      webEntry(f).addenda = [shrAddenda(webEntry(f).trace_number)];
    },
  },
  {
    title: "an addenda naming another entry",
    code: "nacha_addenda_sequence_mismatch",
    line: 8,
    file: (f) => {
      webEntry(f).addenda = [addenda05(9)];
    },
  },
  {
    title: "a WEB debit without payment type",
    code: "nacha_invalid_payment_type_code",
    line: 7,
    file: (f) => {
      webEntry(f).discretionary_data = "";
    },
  },
  {
    title: "a WEB debit without a name",
    code: "nacha_missing_individual_name",
    line: 7,
    file: (f) => {
      webEntry(f).individual_name = "";
    },
  },
  {
    title: "an SHR card expiring in month 00",
    code: "nacha_invalid_card_expiration_date",
    line: 3,
    file: (f) => {
      f.batches = [shrBatch()];
      firstEntry(f).identification_number = "0027REF";
    },
  },
  {
    title: "trace numbers in the wrong order",
    code: "nacha_trace_number_out_of_order",
    line: 4,
    file: (f) => {
      const [first, second] = firstBatch(f).entries as [ReturnType<typeof entry>, ReturnType<typeof entry>];
      [first.trace_number, second.trace_number] = [second.trace_number, first.trace_number];
    },
  },
  {
    title: "a trace number from another ODFI",
    code: "nacha_trace_number_odfi_mismatch",
    line: 3,
    file: (f) => {
      firstEntry(f).trace_number = "999999990000001";
    },
  },
  {
    title: "batch 2 numbered 1",
    code: "nacha_batch_number_out_of_order",
    line: 6,
    file: (f) => {
      (secondBatch(f).header as ReturnType<typeof batchHeader>).batch_number = 1;
    },
  },
  // Controls
  {
    title: "a batch control naming another company",
    code: "nacha_batch_control_mismatch",
    line: 5,
    text: (l) => setField(l, 5, 45, 54, "9999999999"),
  },
  {
    title: "a batch control counting 3 records",
    code: "nacha_batch_entry_addenda_count_mismatch",
    line: 5,
    text: (l) => setField(l, 5, 5, 10, "000003"),
  },
  {
    title: "a batch control with another hash",
    code: "nacha_batch_entry_hash_mismatch",
    line: 5,
    text: (l) => setField(l, 5, 11, 20, "0000000001"),
  },
  {
    title: "a batch control with other debits",
    code: "nacha_batch_debit_total_mismatch",
    line: 5,
    text: (l) => setField(l, 5, 21, 32, "000000000001"),
  },
  {
    title: "a batch control with other credits",
    code: "nacha_batch_credit_total_mismatch",
    line: 5,
    text: (l) => setField(l, 5, 33, 44, "000000000001"),
  },
  {
    title: "a file control counting 5 batches",
    code: "nacha_file_batch_count_mismatch",
    line: 10,
    text: (l) => setField(l, 10, 2, 7, "000005"),
  },
  {
    title: "a file control counting 2 blocks",
    code: "nacha_file_block_count_mismatch",
    line: 10,
    text: (l) => setField(l, 10, 8, 13, "000002"),
  },
  {
    title: "a file control counting 9 records",
    code: "nacha_file_entry_addenda_count_mismatch",
    line: 10,
    text: (l) => setField(l, 10, 14, 21, "00000009"),
  },
  {
    title: "a file control with another hash",
    code: "nacha_file_entry_hash_mismatch",
    line: 10,
    text: (l) => setField(l, 10, 22, 31, "0000000001"),
  },
  {
    title: "a file control with other debits",
    code: "nacha_file_debit_total_mismatch",
    line: 10,
    text: (l) => setField(l, 10, 32, 43, "000000000001"),
  },
  {
    title: "a file control with other credits",
    code: "nacha_file_credit_total_mismatch",
    line: 10,
    text: (l) => setField(l, 10, 44, 55, "000000000001"),
  },
];

function batchOf(file: NachaFile) {
  return firstBatch(file).header as ReturnType<typeof batchHeader>;
}

function corBatch(changeCode: string) {
  const trace = "121042880000001";
  return {
    header: batchHeader({ standard_entry_class_code: "COR", company_entry_description: "NOC", effective_entry_date: "000000" }),
    entries: [
      entry(1, { transaction_code: "21", amount_cents: 0, addenda_record_indicator: "1", addenda: [addenda98(trace, changeCode)] }),
    ],
    control: null,
  };
}

function shrBatch() {
  const trace = "121042880000001";
  return {
    header: batchHeader({ service_class_code: "225", standard_entry_class_code: "SHR" }),
    entries: [entry(1, { identification_number: "1227REF", addenda_record_indicator: "1", addenda: [shrAddenda(trace)] })],
    control: null,
  };
}

async function problemsOf(found: Case) {
  if (found.text) {
    const lines = sampleLines();
    found.text(lines);
    return (await checkNachaFile(`${lines.join("\n")}\n`)).errors;
  }
  const file = sampleFile();
  found.file?.(file);
  return (await checkNachaFile(writeNacha(file))).errors;
}

describe("validation", () => {
  test("the sample file is valid, checked as text and as its parsed structure", async () => {
    const text = writeNacha(sampleFile());
    assert.deepEqual((await checkNachaFile(text)).errors, []);
    assert.deepEqual(validateNacha(await parseNacha(text)), []);
  });

  test("a structure without controls lacks them: validateNacha says so, and the writer computes them", () => {
    const codes = validateNacha(sampleFile()).map((p) => `${p.line}:${p.code}`);
    assert.deepEqual(codes, ["2:nacha_missing_batch_control", "5:nacha_missing_batch_control", "8:nacha_missing_file_control"]);
  });

  for (const found of cases) {
    test(`${found.title} is reported as ${found.code} on line ${found.line}`, async () => {
      const problems = await problemsOf(found);
      const hit = problems.find((p) => p.code === found.code);
      assert.ok(hit, `expected ${found.code}; got ${JSON.stringify(problems)}`);
      assert.equal(hit.line, found.line, hit.message);
      assert.ok(hit.message.length > 0);
    });
  }

  test("every problem code in the catalog is exercised above", () => {
    const thrown = new Set(["nacha_input_unreadable", "nacha_structure_invalid"]);
    const exercised = new Set(cases.map((found) => found.code));
    const missing = Object.keys(nachaErrors).filter((code) => !thrown.has(code) && !exercised.has(code as NachaProblemCode));
    assert.deepEqual(missing, []);
  });

  test("records without line numbers are reported on the lines the writer gives them", async () => {
    for (const found of cases.filter((c) => c.file)) {
      const file = sampleFile();
      found.file?.(file);
      const text = writeNacha(file);
      const withoutLines = JSON.parse(JSON.stringify(await parseNacha(text), (key, value) => (key === "line" ? undefined : value)));
      assert.deepEqual(validateNacha(withoutLines), (await checkNachaFile(text)).errors, found.title);
    }
  });

  test("validateNacha of a parsed file finds what checkNachaFile finds, read problems included", async () => {
    for (const found of cases.filter((c) => c.text)) {
      const lines = sampleLines();
      found.text?.(lines);
      const text = `${lines.join("\n")}\n`;
      assert.deepEqual(validateNacha(await parseNacha(text)), (await checkNachaFile(text)).errors, found.title);
    }
  });

  test("every problem is reported, not only the first", async () => {
    const lines = sampleLines();
    setField(lines, 1, 13, 13, "0");
    setField(lines, 5, 21, 32, "000000000001");
    setField(lines, 10, 2, 7, "000005");
    const codes = (await checkNachaFile(lines.join("\n"))).errors.map((p) => `${p.line}:${p.code}`);
    assert.deepEqual(codes, [
      "1:nacha_invalid_immediate_destination",
      "5:nacha_batch_debit_total_mismatch",
      "10:nacha_file_batch_count_mismatch",
    ]);
  });
});

describe("fixtures the corpus lacks", () => {
  const file = (batches: NachaFile["batches"]): NachaFile => ({ ...sampleFile(), batches });
  const trace = (n: number) => `12104288${String(n).padStart(7, "0")}`;
  const fixtures: Record<string, NachaFile> = {
    "a forward WEB debit, single": file([
      {
        header: batchHeader({ service_class_code: "225", standard_entry_class_code: "WEB" }),
        entries: [entry(1, { discretionary_data: "S" })],
        control: null,
      },
    ]),
    "a recurring WEB debit": file([
      {
        header: batchHeader({ service_class_code: "225", standard_entry_class_code: "WEB" }),
        entries: [entry(1, { discretionary_data: "R" })],
        control: null,
      },
    ]),
    "PPD and WEB prenotes for $0.00": file([
      {
        header: batchHeader(),
        entries: [entry(1, { transaction_code: "28", amount_cents: 0 }), entry(2, { transaction_code: "23", amount_cents: 0 })],
        control: null,
      },
      {
        header: batchHeader({ standard_entry_class_code: "WEB", batch_number: 2 }),
        entries: [entry(3, { transaction_code: "38", amount_cents: 0, discretionary_data: "S" })],
        control: null,
      },
    ]),
    "a deferred debit, effective a month after the file": file([
      { header: batchHeader({ service_class_code: "225", effective_entry_date: "260615" }), entries: [entry(1)], control: null },
    ]),
    "WEB debit returns R01, R03 and R04": file([
      {
        header: batchHeader({ service_class_code: "225", standard_entry_class_code: "WEB" }),
        entries: ["R01", "R03", "R04"].map((code, i) =>
          entry(i + 1, { transaction_code: "26", addenda_record_indicator: "1", addenda: [addenda99(trace(i + 1), code)] }),
        ),
        control: null,
      },
    ]),
    "NOCs C01 to C07": file([
      {
        header: batchHeader({ standard_entry_class_code: "COR", effective_entry_date: "000000" }),
        entries: ["C01", "C02", "C03", "C04", "C05", "C06", "C07"].map((code, i) =>
          entry(i + 1, {
            transaction_code: "21",
            amount_cents: 0,
            addenda_record_indicator: "1",
            addenda: [addenda98(trace(i + 1), code)],
          }),
        ),
        control: null,
      },
    ]),
  };
  for (const [name, fixture] of Object.entries(fixtures)) {
    test(`${name} is valid and reads back as written`, async () => {
      const text = writeNacha(fixture);
      assert.deepEqual((await checkNachaFile(text)).errors, []);
      assert.equal(writeNacha(await parseNacha(text)), text);
    });
  }

  test("a return exposes its reason code and a NOC its change code", async () => {
    const parsed = await parseNacha(writeNacha(fixtures["WEB debit returns R01, R03 and R04"] as NachaFile));
    const codes = parsed.batches.flatMap((b) =>
      b.entries.flatMap((e) => e.addenda.map((a) => (a.type_code === "99" ? a.return_reason_code : ""))),
    );
    assert.deepEqual(codes, ["R01", "R03", "R04"]);
    assert.equal(routing("09100001").length, 9);
  });
});
