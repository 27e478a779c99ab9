import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { RemitError } from "../../platform/index.ts";
import { checkNachaFile } from "./check.ts";
import { parseNacha } from "./reader.ts";
import { batchHeader, type entry, sampleFile } from "./test-fixtures.ts";
import type { AdvEntry, NachaFile } from "./types.ts";
import { writeNacha } from "./writer.ts";

const refusal = (param: string) => (error: unknown) =>
  error instanceof RemitError && error.code === "nacha_structure_invalid" && error.param === param;

describe("the writer", () => {
  test("writes 94-character records padded with 9s to a multiple of 10, each ending in LF", () => {
    const file = sampleFile();
    file.batches.pop();
    const text = writeNacha(file);
    const lines = text.split("\n");
    assert.equal(lines.pop(), "");
    assert.equal(lines.length, 10);
    for (const line of lines) assert.equal(line.length, 94);
    assert.deepEqual(lines.slice(6), Array(4).fill("9".repeat(94)));
    assert.equal(lines[5]?.slice(7, 13), "000001", "one block");
  });

  test("writes CRLF line ends when asked", () => {
    const text = writeNacha(sampleFile(), { lineEnding: "\r\n" });
    assert.equal(text.split("\r\n").length, 11);
    assert.ok(!/[^\r]\n/.test(text));
  });

  test("computes every control from the entries and ignores the controls it is given", async () => {
    const parsed = await parseNacha(writeNacha(sampleFile()));
    const expected = writeNacha(parsed);
    for (const batch of parsed.batches) {
      if (batch.control === null) continue;
      Object.assign(batch.control, {
        entry_addenda_count: 99,
        entry_hash: 1,
        total_debit_cents: 5,
        total_credit_cents: 7,
        batch_number: 42,
      });
    }
    Object.assign(parsed.control ?? {}, {
      batch_count: 9,
      block_count: 9,
      entry_addenda_count: 9,
      entry_hash: 9,
      total_debit_cents: 9,
      total_credit_cents: 9,
    });
    assert.equal(writeNacha(parsed), expected);
    const checked = await checkNachaFile(expected);
    assert.deepEqual(checked.errors, []);
    assert.equal(checked.total_debit_cents, 250_00);
    assert.equal(checked.total_credit_cents, 40_00);
  });

  test("keeps what it cannot compute from a control: the message authentication code", async () => {
    const parsed = await parseNacha(writeNacha(sampleFile()));
    Object.assign(parsed.batches[0]?.control ?? {}, { message_authentication_code: "A1B2C3D4" });
    const line = writeNacha(parsed).split("\n")[4] ?? "";
    assert.equal(line.slice(54, 62), "A1B2C3D4");
  });

  test("the structure survives JSON: write(JSON of parse(file)) is the file", async () => {
    const text = writeNacha(sampleFile());
    const json = JSON.stringify(await parseNacha(text));
    assert.equal(writeNacha(JSON.parse(json)), text);
  });

  test("an ADV file ends with the ADV file control, whose totals are 20 digits", () => {
    const adv: AdvEntry = {
      transaction_code: "81",
      rdfi_identification: "23138010",
      check_digit: "4",
      dfi_account_number: "744-5678-99",
      amount_cents: 500_00,
      advice_routing_number: "121042882",
      file_identification: "11131",
      ach_operator_data: "",
      individual_name: "NAME",
      discretionary_data: "",
      addenda_record_indicator: "0",
      ach_operator_routing_number: "01100001",
      julian_day: "050",
      sequence_number: "0001",
      addenda: [],
    };
    const file: NachaFile = {
      ...sampleFile(),
      batches: [{ header: batchHeader({ service_class_code: "280", standard_entry_class_code: "ADV" }), entries: [adv], control: null }],
    };
    const lines = writeNacha(file).split("\n");
    assert.equal(lines[3]?.slice(0, 60), `8280000001002313801000000000000000000000${"0".repeat(15)}50000`);
    assert.equal(lines[4]?.slice(0, 71), `9000001000001000000010023138010${"0".repeat(20)}${"0".repeat(15)}50000`);
  });

  test("refuses what it cannot write, naming the field", () => {
    const cases: [string, (file: NachaFile) => void][] = [
      [
        "file.header",
        (f) => {
          f.header = null;
        },
      ],
      [
        "file.batches[0].header",
        (f) => {
          (f.batches[0] ?? { header: null }).header = null;
        },
      ],
      ["file.batches[0].entries[0].amount_cents", (f) => void Object.assign(f.batches[0]?.entries[0] ?? {}, { amount_cents: -1 })],
      ["file.batches[0].entries[0].amount_cents", (f) => void Object.assign(f.batches[0]?.entries[0] ?? {}, { amount_cents: 1.5 })],
      [
        "file.batches[0].entries[0].amount_cents",
        (f) => void Object.assign(f.batches[0]?.entries[0] ?? {}, { amount_cents: 10_000_000_000 }),
      ],
      [
        "file.batches[0].entries[0].individual_name",
        (f) => void Object.assign(f.batches[0]?.entries[0] ?? {}, { individual_name: "X".repeat(23) }),
      ],
      [
        "file.batches[0].entries[0].individual_name",
        (f) => void Object.assign(f.batches[0]?.entries[0] ?? {}, { individual_name: "A\nB" }),
      ],
      [
        "file.batches[0].entries[0].trace_number",
        (f) => void Object.assign(f.batches[0]?.entries[0] ?? {}, { trace_number: 121042880000001 }),
      ],
      [
        "file.batches[1].entries[0].addenda[0].type_code",
        (f) => void Object.assign(f.batches[1]?.entries[0]?.addenda[0] ?? {}, { type_code: "06" }),
      ],
      ["file.batches[0].entries", (f) => void Object.assign(f.batches[0] ?? {}, { entries: "none" })],
    ];
    for (const [param, change] of cases) {
      const file = sampleFile();
      change(file);
      assert.throws(() => writeNacha(file), refusal(param), param);
    }
    assert.throws(() => writeNacha(sampleFile(), { lineEnding: "\r" as never }), refusal("lineEnding"));
  });

  test("a text field left out is written blank", () => {
    const file = sampleFile();
    const first = file.batches[0]?.entries[0] as Partial<ReturnType<typeof entry>>;
    delete first.identification_number;
    assert.equal(writeNacha(file).split("\n")[2]?.slice(39, 54), " ".repeat(15));
  });
});
