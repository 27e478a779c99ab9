import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { RemitError } from "../../platform/index.ts";
import type { NachaEvent } from "./assemble.ts";
import { checkNachaFile } from "./check.ts";
import { parseNacha, readNacha } from "./reader.ts";
import { addenda05, batchHeader, entry, routing, sampleFile } from "./test-fixtures.ts";
import type { NachaFile } from "./types.ts";
import { validateNacha } from "./validate.ts";
import { writeNacha } from "./writer.ts";

const sample = () => writeNacha(sampleFile());
/** The records of a file as written: one per line, the final line end dropped. */
const records = (text: string) => text.slice(0, -1).split("\n");
const isNachaError = (code: string) => (error: unknown) => error instanceof RemitError && error.code === code;

async function valid(input: Parameters<typeof checkNachaFile>[0]) {
  const checked = await checkNachaFile(input);
  assert.deepEqual(checked.errors, []);
  return checked;
}

/** The parsed structure without line numbers, to compare files read from different layouts of the same records. */
async function structureOf(input: Parameters<typeof parseNacha>[0]) {
  return JSON.parse(JSON.stringify(await parseNacha(input), (key, value) => (key === "line" ? undefined : value)));
}

describe("the reader tolerates what real files do", () => {
  test("CRLF line ends read the same as LF", async () => {
    await valid(sample().replaceAll("\n", "\r\n"));
    assert.deepEqual(await structureOf(sample().replaceAll("\n", "\r\n")), await structureOf(sample()));
  });

  test("records right-trimmed of their trailing spaces are padded back to 94", async () => {
    const trimmed = records(sample())
      .map((line) => line.trimEnd())
      .join("\n");
    assert.ok(trimmed.split("\n").some((line) => line.length < 94));
    await valid(trimmed);
    assert.deepEqual(await structureOf(trimmed), await structureOf(sample()));
  });

  test("records longer than 94 characters that end in spaces are read as one record", async () => {
    const long = records(sample())
      .map((line, i) => line + " ".repeat(1 + i * 13))
      .join("\n");
    await valid(long);
    assert.deepEqual(await structureOf(long), await structureOf(sample()));
  });

  test("a file with no line breaks, N × 94 characters on one line, reads as N records numbered 1 to N", async () => {
    const oneLine = records(sample()).join("");
    const checked = await valid(oneLine);
    assert.equal(checked.entries, 3);
    const parsed = await parseNacha(oneLine);
    assert.deepEqual(
      parsed.batches.map((b) => b.control?.line),
      [5, 9],
    );
  });

  test("a very long line without breaks is cut into records as it arrives, in small pieces", async () => {
    const many: NachaFile = {
      ...sampleFile(),
      batches: [
        {
          header: batchHeader({ service_class_code: "225" }),
          entries: Array.from({ length: 3000 }, (_, i) => entry(i + 1)),
          control: null,
        },
      ],
    };
    const oneLine = records(writeNacha(many)).join("");
    const pieces = function* () {
      for (let at = 0; at < oneLine.length; at += 1000) yield oneLine.slice(at, at + 1000);
    };
    const checked = await valid(pieces());
    assert.equal(checked.entries, 3000);
  });

  test("leftover characters after a line's whole records are reported as nacha_record_length, and the rest still read", async () => {
    const lines = records(sample());
    lines[2] += "7";
    const checked = await checkNachaFile(lines.join("\n"));
    assert.deepEqual(
      checked.errors.map((p) => `${p.line}:${p.code}`),
      ["3:nacha_record_length"],
    );
    assert.equal(checked.entries, 3);
  });

  test("Windows-1252 bytes read as Windows-1252, UTF-8 bytes as UTF-8, each 94 characters", async () => {
    const file = sampleFile();
    const named = (file.batches[0]?.entries[0] ?? entry(1)) as ReturnType<typeof entry>;
    named.individual_name = "JOSÉ NÚÑEZ €";
    const text = writeNacha(file);
    const windows1252 = Uint8Array.from(text, (c) => (c === "€" ? 0x80 : c.charCodeAt(0)));
    const utf8 = new TextEncoder().encode(text);
    for (const bytes of [windows1252, utf8]) {
      const parsed = await parseNacha(bytes);
      const read = parsed.batches[0]?.entries[0];
      assert.ok(read && "individual_name" in read);
      assert.equal(read.individual_name, "JOSÉ NÚÑEZ €");
      assert.deepEqual(validateNacha(parsed), []);
    }
  });

  test("the input may arrive in pieces cut anywhere: inside a record, a CRLF, a UTF-8 character", async () => {
    const file = sampleFile();
    ((file.batches[0]?.entries[0] ?? entry(1)) as ReturnType<typeof entry>).individual_name = "ÅSA ÖBERG";
    const bytes = new TextEncoder().encode(writeNacha(file, { lineEnding: "\r\n" }));
    const whole = await structureOf(bytes);
    for (const size of [1, 2, 3, 7, 93, 94, 95, 96, 1000]) {
      const pieces = async function* () {
        for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
      };
      assert.deepEqual(await structureOf(pieces()), whole, `pieces of ${size} bytes`);
    }
  });

  test("an entry hash beyond 10 digits keeps its low-order 10 digits", async () => {
    const rdfi = routing("99999999");
    const entries = Array.from({ length: 150 }, (_, i) =>
      entry(i + 1, { rdfi_identification: rdfi.slice(0, 8), check_digit: rdfi.slice(8) }),
    );
    const text = writeNacha({ ...sampleFile(), batches: [{ header: batchHeader({ service_class_code: "225" }), entries, control: null }] });
    // 150 × 99,999,999 = 14,999,999,850: the control keeps 4,999,999,850.
    assert.equal(records(text)[152]?.slice(10, 20), "4999999850");
    await valid(text);
  });
});

describe("the reader reads as the file comes", () => {
  test("entries are handed out before the input ends, one at a time, not batch by batch", async () => {
    const big: NachaFile = {
      ...sampleFile(),
      batches: [
        {
          header: batchHeader({ service_class_code: "225" }),
          entries: Array.from({ length: 2000 }, (_, i) => entry(i + 1)),
          control: null,
        },
      ],
    };
    const text = writeNacha(big);
    let piecesPulled = 0;
    const pieces = async function* () {
      for (let at = 0; at < text.length; at += 4096) {
        piecesPulled++;
        yield text.slice(at, at + 4096);
      }
    };
    const totalPieces = Math.ceil(text.length / 4096);
    let firstEntryAfter = 0;
    const kinds: NachaEvent["kind"][] = [];
    for await (const event of readNacha(pieces())) {
      if (event.kind === "entry" && firstEntryAfter === 0) firstEntryAfter = piecesPulled;
      if (kinds.at(-1) !== event.kind) kinds.push(event.kind);
    }
    assert.ok(firstEntryAfter <= 2, `the first entry came after ${firstEntryAfter} of ${totalPieces} pieces`);
    assert.deepEqual(kinds, ["file_header", "batch_start", "entry", "batch_end", "file_control"]);
  });
});

describe("the reader reports; it does not throw", () => {
  test("records out of place are reported and the rest of the file is read", async () => {
    const lines = records(sample());
    const text = [lines[7], ...lines.slice(0, 4), lines[4], lines[4], "3".repeat(94), ...lines.slice(5), lines[0], "9".repeat(94)].join(
      "\n",
    );
    const checked = await checkNachaFile(text);
    const codes = new Set(checked.errors.map((p) => p.code));
    for (const code of [
      "nacha_missing_file_header",
      "nacha_batch_control_outside_batch",
      "nacha_unknown_record_type",
      "nacha_record_after_file_control",
    ]) {
      assert.ok(codes.has(code as never), `${code} in ${[...codes]}`);
    }
    assert.equal(checked.entries, 3);
  });

  test("empty input is a file with no header and no control", async () => {
    const checked = await checkNachaFile("");
    assert.deepEqual(
      checked.errors.map((p) => `${p.line}:${p.code}`),
      ["1:nacha_missing_file_header", "1:nacha_missing_file_control"],
    );
  });

  test("an input that is not text or bytes fails with nacha_input_unreadable", async () => {
    await assert.rejects(parseNacha(42 as never), isNachaError("nacha_input_unreadable"));
    await assert.rejects(parseNacha([{}] as never), isNachaError("nacha_input_unreadable"));
  });

  test("an input stream that fails is reported as nacha_input_unreadable", async () => {
    const failing = async function* () {
      yield sample().slice(0, 200);
      throw new Error("disk on fire");
    };
    await assert.rejects(
      checkNachaFile(failing()),
      (error: unknown) => isNachaError("nacha_input_unreadable")(error) && /disk on fire/.test(String(error)),
    );
  });

  test("addenda 05 with its sequence numbers is read into its entry", async () => {
    const parsed = await parseNacha(sample());
    assert.deepEqual(parsed.batches[1]?.entries[0]?.addenda, [{ ...addenda05(3), line: 8 }]);
  });
});
