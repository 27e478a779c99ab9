import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { RemitError } from "../../platform/index.ts";
import { checkNachaFile } from "./check.ts";
import { routingCheckDigit, secRules } from "./codes.ts";
import { parseNacha } from "./reader.ts";
import { corpusAvailable, corpusBytes, readManifest, sampleFile } from "./test-fixtures.ts";
import type { Addenda05, Batch, NachaFile, StandardBatchHeader, StandardEntry } from "./types.ts";
import { validateNacha } from "./validate.ts";
import { writeNacha } from "./writer.ts";

// ── Random valid files ──────────────────────────────────────────────────────────────────────

const printable = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));
const text = (maxLength: number) => fc.string({ unit: fc.constantFrom(...printable), maxLength });
/** Text with at least one letter, for fields that must not be blank. */
const name = (maxLength: number) => fc.tuple(fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ"), text(maxLength - 1)).map(([a, b]) => a + b);
const digits = (length: number) => fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: length, maxLength: length });
const routing = digits(8).map((first8) => first8 + routingCheckDigit(first8));
const yymmdd = fc
  .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true })
  .map((date) => date.toISOString().slice(2, 10).replaceAll("-", ""));

type Sec = "PPD" | "CCD" | "WEB" | "TEL" | "CTX";

const entryShape = fc.record({
  debit: fc.boolean(),
  prenote: fc.boolean(),
  savings: fc.boolean(),
  amountCents: fc.integer({ min: 1, max: 9_999_999_999 }),
  rdfi: routing,
  account: name(17),
  identification: text(15),
  individualName: name(22),
  recurring: fc.boolean(),
  addenda: fc.array(text(80), { maxLength: 3 }),
  traceGap: fc.integer({ min: 1, max: 50 }),
});

const batchShape = fc.record({
  sec: fc.constantFrom<Sec>("PPD", "CCD", "WEB", "TEL", "CTX"),
  mixedClass: fc.boolean(),
  odfi: digits(8),
  companyName: text(16),
  discretionary: text(20),
  companyId: text(10),
  description: text(10).filter((d) => d.trim() !== "REVERSAL"),
  descriptiveDate: text(6),
  effectiveDate: yymmdd,
  entries: fc.array(entryShape, { minLength: 1, maxLength: 12 }),
});

type BatchShape = typeof batchShape extends fc.Arbitrary<infer T> ? T : never;

function buildBatch(shape: BatchShape, batchNumber: number): Batch {
  const rule = secRules[shape.sec];
  let trace = 0;
  const entries = shape.entries.map((e): StandardEntry => {
    const debit = shape.sec === "TEL" ? true : e.debit;
    const digit = debit ? (e.prenote ? "8" : "7") : e.prenote ? "3" : "2";
    trace += e.traceGap;
    const addendaTexts = e.addenda.slice(0, rule?.addendaMax ?? 0);
    const addenda = addendaTexts.map(
      (info, i): Addenda05 => ({
        type_code: "05",
        payment_related_information: info,
        addenda_sequence_number: i + 1,
        entry_detail_sequence_number: trace,
      }),
    );
    return {
      transaction_code: (e.savings ? "3" : "2") + digit,
      rdfi_identification: e.rdfi.slice(0, 8),
      check_digit: e.rdfi.slice(8),
      dfi_account_number: e.account,
      amount_cents: e.prenote ? 0 : e.amountCents,
      identification_number: e.identification,
      individual_name: e.individualName,
      discretionary_data: shape.sec === "WEB" ? (e.recurring ? "R" : "S") : "",
      addenda_record_indicator: addenda.length > 0 ? "1" : "0",
      trace_number: shape.odfi + String(trace).padStart(7, "0"),
      addenda,
    };
  });
  const debits = entries.some((e) => e.transaction_code.endsWith("7") || e.transaction_code.endsWith("8"));
  const credits = entries.some((e) => e.transaction_code.endsWith("2") || e.transaction_code.endsWith("3"));
  const header: StandardBatchHeader = {
    service_class_code: shape.mixedClass || (debits && credits) ? "200" : debits ? "225" : "220",
    company_name: shape.companyName,
    company_discretionary_data: shape.discretionary,
    company_identification: shape.companyId,
    standard_entry_class_code: shape.sec,
    company_entry_description: shape.description,
    company_descriptive_date: shape.descriptiveDate,
    effective_entry_date: shape.effectiveDate,
    settlement_date: "",
    originator_status_code: "1",
    odfi_identification: shape.odfi,
    batch_number: batchNumber,
  };
  return { header, entries, control: null };
}

const validFile = fc
  .record({
    destination: routing,
    origin: fc.oneof(routing, digits(10)),
    created: yymmdd,
    time: digits(4),
    modifier: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
    destinationName: text(23),
    originName: text(23),
    reference: text(8),
    batches: fc.array(batchShape, { minLength: 0, maxLength: 4 }),
    batchNumberGap: fc.integer({ min: 1, max: 9 }),
  })
  .map(
    (shape): NachaFile => ({
      header: {
        immediate_destination: shape.destination,
        immediate_origin: shape.origin,
        file_creation_date: shape.created,
        file_creation_time: shape.time,
        file_id_modifier: shape.modifier,
        immediate_destination_name: shape.destinationName,
        immediate_origin_name: shape.originName,
        reference_code: shape.reference,
      },
      batches: shape.batches.map((batch, i) => buildBatch(batch, 1 + i * shape.batchNumberGap)),
      control: null,
    }),
  );

describe("random valid files", () => {
  test("write → parse → write gives the same file, and it validates clean", async () => {
    await fc.assert(
      fc.asyncProperty(validFile, fc.constantFrom<"\n" | "\r\n">("\n", "\r\n"), async (file, lineEnding) => {
        const written = writeNacha(file, { lineEnding });
        const parsed = await parseNacha(written);
        assert.equal(writeNacha(parsed, { lineEnding }), written);
        assert.deepEqual(validateNacha(parsed), []);
        const checked = await checkNachaFile(written);
        assert.deepEqual(checked.errors, []);
        assert.equal(
          checked.entries,
          file.batches.reduce((sum, b) => sum + b.entries.length, 0),
        );
      }),
      { numRuns: 200 },
    );
  });

  test("the parsed structure survives JSON: written from JSON it is the same file", async () => {
    await fc.assert(
      fc.asyncProperty(validFile, async (file) => {
        const written = writeNacha(file);
        assert.equal(writeNacha(JSON.parse(JSON.stringify(await parseNacha(written)))), written);
      }),
      { numRuns: 50 },
    );
  });
});

// ── Mutated files ───────────────────────────────────────────────────────────────────────────

type Mutation =
  | { op: "flip"; at: number; byte: number }
  | { op: "insert"; at: number; byte: number }
  | { op: "delete"; at: number }
  | { op: "truncate"; at: number }
  | { op: "duplicate_line"; line: number }
  | { op: "drop_line"; line: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("flip" as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant("insert" as const), at: fc.nat(), byte: fc.constantFrom(10, 13, 32, 48, 57, 0, 0x80, 0xc3, 0xff) }),
  fc.record({ op: fc.constant("delete" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("duplicate_line" as const), line: fc.nat() }),
  fc.record({ op: fc.constant("drop_line" as const), line: fc.nat() }),
);

function mutate(bytes: Uint8Array, change: Mutation): Uint8Array {
  const list = [...bytes];
  switch (change.op) {
    case "flip":
      if (list.length > 0) list[change.at % list.length] = change.byte;
      break;
    case "insert":
      list.splice(change.at % (list.length + 1), 0, change.byte);
      break;
    case "delete":
      list.splice(change.at % Math.max(list.length, 1), 1);
      break;
    case "truncate":
      list.length = change.at % (list.length + 1);
      break;
    case "duplicate_line":
    case "drop_line": {
      const lines = Buffer.from(list).toString("latin1").split("\n");
      const at = change.line % lines.length;
      if (change.op === "duplicate_line") lines.splice(at, 0, lines[at] ?? "");
      else lines.splice(at, 1);
      return Buffer.from(lines.join("\n"), "latin1");
    }
  }
  return Uint8Array.from(list);
}

const seeds: readonly Uint8Array[] = corpusAvailable
  ? readManifest()
      .map((row) => corpusBytes(row.file))
      .filter((bytes) => bytes.length < 20_000)
  : [new TextEncoder().encode(writeNacha(sampleFile()))];

describe("mutated files", () => {
  test(`flipped, inserted, deleted bytes, truncations and duplicated lines never make the reader throw (${corpusAvailable ? "corpus" : "sample file only: corpus absent"})`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: seeds.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 300 }),
        async (seed, changes, pieceSize) => {
          const bytes = changes.reduce(mutate, seeds[seed] as Uint8Array);
          const pieces = async function* () {
            for (let at = 0; at < bytes.length; at += pieceSize) yield bytes.subarray(at, at + pieceSize);
          };
          const checked = await checkNachaFile(pieces());
          for (const found of checked.errors) assert.ok(Number.isInteger(found.line) && found.line >= 0 && found.message.length > 0);
          const parsed = await parseNacha(bytes);
          assert.deepEqual(validateNacha(parsed), checked.errors);
          try {
            writeNacha(parsed);
          } catch (error) {
            assert.ok(error instanceof RemitError && error.code === "nacha_structure_invalid", String(error));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
