/**
 * Conformance over the NACHA corpus in ../shared/corpus/nacha (moov-io/ach's test files): every
 * row of MANIFEST.tsv, every golden-writer file, and a parse → write round trip of every valid
 * file. The corpus is read in place, never copied; without it these tests are skipped, saying so.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { after, describe, test } from "node:test";
import { isDeepStrictEqual } from "node:util";
import { RemitError } from "../../platform/index.ts";
import { checkNachaFile } from "./check.ts";
import type { NachaProblemCode } from "./errors.ts";
import { parseNacha } from "./reader.ts";
import { corpusAvailable, corpusBytes, corpusDir, corpusSkip, expectedCounts, type ManifestRow, readManifest } from "./test-fixtures.ts";
import type { Addenda, Addenda02, Addenda05, NachaFile } from "./types.ts";
import { validateNacha } from "./validate.ts";
import { writeNacha } from "./writer.ts";

/**
 * Valid files (by moov's tests) in which our validator finds real problems, each with the
 * evidence. Nothing else may be reported for a valid file.
 */
const validButFlagged: Record<string, { codes: NachaProblemCode[]; why: string }> = {
  "20180713-IAT.ach": {
    codes: ["nacha_service_class_mismatch"],
    why: "batch 2 is service class 220 (credits only) and carries a debit 27; moov does not hold IAT batches to their service class",
  },
  "20180716-IAT-A17-A18.ach": {
    codes: ["nacha_service_class_mismatch"],
    why: "batch 2 is service class 220 (credits only) and carries a debit 27, as in 20180713-IAT.ach",
  },
  "flattenADVBatchesMultipleBatchHeaders.ach": {
    codes: ["nacha_file_credit_total_mismatch"],
    why: "the ADV file control says $6,000.00 of credits; its batches (and the manifest's computed total) say $6,000.78",
  },
  "issue1620.ach": {
    codes: ["nacha_file_batch_count_mismatch"],
    why: "the file control counts 2 batches; the file has 1 (selfcheck: fc.batches)",
  },
  "moov-ids.ach": {
    codes: ["nacha_trace_number_odfi_mismatch", "nacha_file_entry_hash_mismatch"],
    why: "moov reads it only with CustomTraceNumbers (traces do not start with the ODFI); its file control hash is 9999999999 (selfcheck: fc.hash)",
  },
};

/** What each invalid file must fail with (any one of the codes), from the manifest's description of moov's error. */
const invalidExpected: Record<string, { codes: NachaProblemCode[]; moov: string }> = {
  "20110729A-invalid.ach": {
    codes: ["nacha_file_batch_count_mismatch"],
    moov: "ErrFileTooLong; misaligned header (selfcheck: fc.batches)",
  },
  "20110805A.ach": { codes: ["nacha_file_batch_count_mismatch"], moov: "BatchCount calculated 2 vs control 5" },
  "NACHA_SAMPLE_TEL_REVERSAL.ach": {
    codes: ["nacha_transaction_code_not_allowed"],
    moov: "TEL batch does not allow debit transaction codes: 27",
  },
  "adv-invalidBatchEntries.ach": { codes: ["nacha_addenda_outside_entry"], moov: "ErrFileAddendaOutsideEntry" },
  "adv-noFileControl.ach": { codes: ["nacha_missing_file_control"], moov: "ErrFileControl (missing 9 record)" },
  "iat-batchHeaderErr.ach": {
    codes: ["nacha_addenda_outside_entry", "nacha_batch_control_outside_batch"],
    moov: "ErrFileAddendaOutsideEntry + ErrFileBatchControlOutsideBatch",
  },
  "iat-invalidAddenda11.ach": { codes: ["nacha_invalid_character"], moov: "ErrNonAlphanumeric (Addenda11)" },
  "iat-invalidAddenda12.ach": { codes: ["nacha_invalid_character"], moov: "ErrNonAlphanumeric (Addenda12)" },
  "iat-invalidAddenda15.ach": { codes: ["nacha_invalid_character"], moov: "ErrNonAlphanumeric (Addenda15)" },
  "iat-invalidAddenda16.ach": { codes: ["nacha_invalid_character"], moov: "ErrNonAlphanumeric (Addenda16)" },
  "iat-invalidAddenda18.ach": { codes: ["nacha_invalid_character"], moov: "ErrNonAlphanumeric (Addenda18)" },
  "iat-invalidAddenda98.ach": { codes: ["nacha_unknown_change_code"], moov: "ErrAddenda98ChangeCode" },
  "iat-invalidAddendaRecordIndicator.ach": { codes: ["nacha_invalid_addenda_indicator"], moov: "ErrIATBatchAddendaIndicator" },
  "iat-invalidBatchControl.ach": { codes: ["nacha_batch_control_mismatch"], moov: "BatchHeaderControlEquality (ODFI mismatch)" },
  "iat-invalidEntryDetail.ach": { codes: ["nacha_unknown_transaction_code"], moov: "ErrTransactionCode (tc 90)" },
  "invalid-two-micro-deposits.ach": { codes: ["nacha_invalid_number"], moov: "an entry amount is non-numeric" },
  "pos-invalidReturnFile.ach": { codes: ["nacha_unknown_return_code"], moov: "ErrAddenda99ReturnCode (R96)" },
  "ppd-debit-fixedLengthInvalid.ach": { codes: ["nacha_record_length"], moov: "RecordWrongLengthErr" },
  "ppd-mixedDebitCredit-invalid.ach": {
    codes: ["nacha_invalid_immediate_origin"],
    moov: 'ImmediateOrigin "000TESTER1" not a routing number',
  },
  "shr-credit.ach": { codes: ["nacha_invalid_card_expiration_date"], moov: "CardExpirationDate 00 is an invalid month" },
};

/** Files of kind "other": what each must do. */
const otherExpected: Record<string, { outcome: "fuzz" | "valid" | NachaProblemCode[]; why: string }> = {
  "0.ach": { outcome: "fuzz", why: "fuzz crasher" },
  "1.ach": { outcome: "fuzz", why: "fuzz crasher" },
  "3.ach": { outcome: "fuzz", why: "fuzz crasher" },
  "5.ach": { outcome: "fuzz", why: "fuzz crasher" },
  "FISERV-ZEROFILE-PIMRET825324_032720_110221.ach": {
    outcome: ["nacha_invalid_immediate_destination", "nacha_invalid_file_id_modifier"],
    why: "destination checksum mismatch; the header is trimmed to 34 characters, so the file ID modifier is blank",
  },
  "202001172118.ach": { outcome: ["nacha_zero_amount"], why: "5000 credits of $0.00 (ErrBatchAmountZero)" },
  "issue702-1.ach": {
    outcome: ["nacha_invalid_immediate_destination"],
    why: "zero-batch receipt; destination 10006XXXX (selfcheck: fh.dest-checkdigit)",
  },
  "long-line.ach": { outcome: "valid", why: "lines longer than 94 ending in spaces" },
  "nonascii.ach": {
    outcome: ["nacha_file_block_count_mismatch", "nacha_file_entry_addenda_count_mismatch"],
    why: "Windows-1252 text; its file control miscounts (selfcheck: fc.blocks fc.entryAddenda)",
  },
  "ppd-debit-customTraceNumber.ach": {
    outcome: ["nacha_trace_number_odfi_mismatch"],
    why: "custom trace numbers (moov needs bypass options)",
  },
  "short-line.ach": { outcome: "valid", why: "a short line padded back to 94" },
  "skip-validation.ach": {
    outcome: ["nacha_invalid_immediate_destination", "nacha_batch_number_out_of_order", "nacha_trace_number_out_of_order"],
    why: "invalid header fields (moov reads it only with SkipAll): a blank destination, every batch number and trace number 0",
  },
  "txp-debit.ach": {
    outcome: ["nacha_file_block_count_mismatch", "nacha_addenda_sequence_mismatch"],
    why: "file control block count 2 for 6 records (selfcheck: fc.blocks); its addenda 05 has its sequence numbers two positions left (82-92)",
  },
};

/** Return fragments whose counts we state ourselves: [batches, entries, addenda, debit cents, credit cents], and why. */
const countsDiffer: Record<string, { counts: [number, number, number, number, number]; why: string }> = {
  "bh-ed-ad-bh-ed-ad-ed-ad.ach": {
    counts: [2, 3, 3, 146, 27],
    why: "the manifest computes $0.00 for this fragment, but its entries carry a $1.46 debit (tc 26) and $0.08 + $0.19 credits (tc 21)",
  },
  "return-no-batch-controls.ach": {
    counts: [2, 2, 2, 12354, 0],
    why: "the manifest computes $0.00, but the R01 return (tc 26) is for $123.54",
  },
  "return-no-batch-header.ach": {
    counts: [1, 2, 2, 12354, 0],
    why: "entries outside any batch are kept in a batch without header; moov's count leaves them out (and the R01 return is for $123.54)",
  },
};

const controlMismatchCodes = new Set<string>([
  "nacha_batch_entry_addenda_count_mismatch",
  "nacha_batch_entry_hash_mismatch",
  "nacha_batch_debit_total_mismatch",
  "nacha_batch_credit_total_mismatch",
  "nacha_file_batch_count_mismatch",
  "nacha_file_block_count_mismatch",
  "nacha_file_entry_addenda_count_mismatch",
  "nacha_file_entry_hash_mismatch",
  "nacha_file_debit_total_mismatch",
  "nacha_file_credit_total_mismatch",
]);

/** A file's records as text lines: line ends normalized, lines holding several records cut, trailing spaces and 9-padding dropped. */
function normalizedRecords(text: string): string[] {
  return text
    .split(/\r?\n/)
    .flatMap((line) => {
      const trimmed = line.replace(/ +$/, "");
      if (trimmed.length <= 94) return [trimmed];
      return Array.from({ length: Math.ceil(trimmed.length / 94) }, (_, i) => trimmed.slice(i * 94, i * 94 + 94).replace(/ +$/, ""));
    })
    .filter((line) => line !== "" && !/^9+$/.test(line));
}

const codesOf = (problems: { code: string }[]) => [...new Set(problems.map((p) => p.code))].sort();
const allAddenda = (file: NachaFile): Addenda[] => file.batches.flatMap((b) => b.entries.flatMap((e) => e.addenda));

const results: Record<string, { passed: number; total: number }> = {};
function tally(group: string, passed: boolean): void {
  results[group] ??= { passed: 0, total: 0 };
  (results[group] as { passed: number; total: number }).total++;
  if (passed) (results[group] as { passed: number; total: number }).passed++;
}

/** Runs a conformance check, counting it for the summary whether it passes or not. */
async function counted(group: string, check: () => Promise<void> | void): Promise<void> {
  try {
    await check();
    tally(group, true);
  } catch (error) {
    tally(group, false);
    throw error;
  }
}

async function checkRow(row: ManifestRow): Promise<void> {
  const bytes = corpusBytes(row.file);
  const checked = await checkNachaFile(bytes);
  const parsed = await parseNacha(bytes);
  assert.deepEqual(validateNacha(parsed), checked.errors, "validateNacha(parseNacha(file)) agrees with checkNachaFile(file)");
  const codes = codesOf(checked.errors);
  const counts = () => {
    const expected = expectedCounts(row.expected);
    assert.deepEqual(
      [checked.batches, checked.entries, checked.addenda, checked.total_debit_cents, checked.total_credit_cents],
      countsDiffer[row.file]?.counts ?? [expected.batches, expected.entries, expected.addenda, expected.debitCents, expected.creditCents],
      "batches, entries, addenda, debit and credit cents",
    );
  };
  switch (row.kind) {
    case "valid": {
      counts();
      assert.deepEqual(codes, [...(validButFlagged[row.file]?.codes ?? [])].sort(), JSON.stringify(checked.errors.slice(0, 5)));
      break;
    }
    case "invalid": {
      const expected = invalidExpected[row.file];
      assert.ok(expected, `no expectation for invalid file ${row.file}: add it to invalidExpected`);
      assert.equal(checked.valid, false);
      assert.ok(
        expected.codes.some((code) => codes.includes(code)),
        `expected one of ${expected.codes} (moov: ${expected.moov}); got ${codes}`,
      );
      break;
    }
    case "return":
    case "noc": {
      counts();
      const wanted = row.kind === "return" ? "99" : "98";
      const coded = allAddenda(parsed).flatMap((a) =>
        a.type_code === "99" ? [a.return_reason_code] : a.type_code === "98" ? [a.change_code] : [],
      );
      const manifestCount = (type: string) =>
        Number(new RegExp(`\\b${type} x(\\d+)`).exec(row.expected.split("addenda:")[1] ?? "")?.[1] ?? 0);
      assert.equal(coded.length, manifestCount("99") + manifestCount("98"), "addenda 98/99 exposed");
      assert.ok(
        allAddenda(parsed).some((a) => a.type_code === wanted),
        `a ${row.kind} file exposes addenda ${wanted}`,
      );
      for (const code of coded) assert.match(code, /^[RC]\d\d$/);
      for (const named of row.expected.split("|")[0]?.match(/\b[RC]\d\d\b/g) ?? [])
        assert.ok(coded.includes(named), `${named} named by the manifest is exposed`);
      break;
    }
    case "other": {
      const expected = otherExpected[row.file];
      assert.ok(expected, `no expectation for ${row.file}: add it to otherExpected`);
      if (expected.outcome === "fuzz") {
        assert.equal(checked.valid, false, "a fuzz crasher fails with errors");
        assert.ok(checked.errors.length > 0);
      } else if (expected.outcome === "valid") {
        counts();
        assert.deepEqual(checked.errors, []);
      } else {
        assert.deepEqual(codes, [...expected.outcome].sort(), expected.why);
      }
      break;
    }
  }
}

/** Runs golden writer file `name`'s check. */
interface Golden {
  /** Records the example built but did not print (moov's examples print chosen records), from the example's source. */
  readonly unprinted?: (file: NachaFile) => Addenda[];
  /** Lines of the golden file (0-based) that are not what the example wrote to a file, with the line we must write instead. */
  readonly replaced?: Record<number, { why: string; ours: () => string }>;
}

const goldenNotes: Record<string, Golden> = {
  // examples/example_atxWrite_test.go adds two addenda 05 per entry but prints only the first of each.
  "atxWrite.ach.rtrim": {
    unprinted: (file) => {
      const [first, second] = file.batches[0]?.entries ?? [];
      const second05 = (text: string, entrySequence: number): Addenda05 => ({
        type_code: "05",
        payment_related_information: text,
        addenda_sequence_number: 2,
        entry_detail_sequence_number: entrySequence,
      });
      const added = [second05("Credit account 2 for service", 1), second05("Credit account 2 for leadership", 2)];
      first?.addenda.push(added[0] as Addenda05);
      second?.addenda.push(added[1] as Addenda05);
      return added;
    },
  },
  // examples/example_mteWrite_debit_test.go builds its entry with an addenda 02 that it does not print.
  "mteWrite_debit.ach.rtrim": {
    unprinted: (file) => {
      const entry = file.batches[0]?.entries[0];
      const terminal: Addenda02 = {
        type_code: "02",
        reference_information_one: "",
        reference_information_two: "",
        terminal_identification_code: "200509",
        transaction_serial_number: "123456",
        transaction_date: "1224",
        authorization_code_or_card_expiration_date: "",
        terminal_location: "321 East Market Street",
        terminal_city: "ANYTOWN",
        terminal_state: "VA",
        trace_number: entry && "trace_number" in entry ? entry.trace_number : "",
      };
      entry?.addenda.push(terminal);
      return [terminal];
    },
  },
  // examples/example_advWrite_test.go prints file.Control, which an ADV file leaves zero (moov fills
  // file.ADVControl). We write the ADV file control: the one adv-read.ach has for the same batch.
  "advWrite.ach.rtrim": {
    replaced: {
      5: {
        why: "moov's example printed the unused non-ADV file control (all zeros)",
        ours: () => normalizedRecords(corpusBytes("test__ach-adv-read__adv-read.ach").toString("latin1")).at(-1) ?? "",
      },
    },
  },
};

describe("NACHA corpus conformance", { skip: corpusSkip }, () => {
  if (!corpusAvailable) {
    console.log(`# ${corpusSkip}`);
    return;
  }
  const rows = readManifest();

  after(() => {
    const line = Object.entries(results)
      .map(([group, { passed, total }]) => `${group} ${passed}/${total}`)
      .join(", ");
    const manifest = Object.entries(results).filter(([group]) => !group.startsWith("golden") && !group.startsWith("round"));
    const passed = manifest.reduce((sum, [, r]) => sum + r.passed, 0);
    const total = manifest.reduce((sum, [, r]) => sum + r.total, 0);
    console.log(`# NACHA corpus: ${passed}/${total} manifest files passed (${line})`);
  });

  test("the manifest lists every .ach file of the corpus, and the tables name only manifest files", () => {
    const files = new Set(rows.map((row) => row.file));
    const onDisk = readdirSync(corpusDir).filter((name) => name.endsWith(".ach"));
    assert.deepEqual(
      onDisk.filter((name) => !files.has(name)),
      [],
    );
    for (const table of [validButFlagged, invalidExpected, otherExpected, countsDiffer]) {
      for (const name of Object.keys(table)) assert.ok(files.has(name), `${name} is not in the manifest`);
    }
  });

  describe("every manifest row", () => {
    for (const row of rows) {
      test(`${row.kind}: ${row.file}`, () => counted(row.kind, () => checkRow(row)));
    }
  });

  describe("the writer reproduces every golden-writer file", () => {
    const goldenDir = new URL("golden-writer/", corpusDir);
    for (const name of readdirSync(goldenDir).sort()) {
      test(`${name}: parsed, its controls zeroed, written again`, () =>
        counted("golden writer", async () => {
          const golden = readFileSync(new URL(name, goldenDir), "latin1");
          const goldenLines = golden.split("\n").filter((line) => line !== "");
          const file = await parseNacha(golden);
          // The writer must compute the controls: zero every computed field first.
          for (const batch of file.batches) {
            if (batch.control)
              Object.assign(batch.control, { entry_addenda_count: 0, entry_hash: 0, total_debit_cents: 0, total_credit_cents: 0 });
          }
          file.control = null;
          const note = goldenNotes[name] ?? {};
          const unprinted = new Set(note.unprinted?.(file) ?? []);
          const written = writeNacha(file);
          // Drop the lines of records the example did not print, then compare line by line.
          const parsedBack = await parseNacha(written);
          const unprintedLines = new Set(
            allAddenda(parsedBack)
              .filter(({ line, ...fields }) => [...unprinted].some((u) => isDeepStrictEqual(u, fields)))
              .map((a) => a.line),
          );
          assert.equal(unprintedLines.size, unprinted.size, "each unprinted record is in the output");
          const ours = normalizedRecords(written).filter((_, i) => !unprintedLines.has(i + 1));
          const expected = goldenLines.map((line, i) => note.replaced?.[i]?.ours() ?? line);
          assert.deepEqual(ours, expected);
          assert.deepEqual(validateNacha(parsedBack), [], "what the writer wrote is valid");
        }));
    }
  });

  describe("parse → write round-trips every valid, return and NOC file", () => {
    for (const row of rows.filter(
      (r) => r.kind === "valid" || r.kind === "return" || r.kind === "noc" || r.file === "skip-validation.ach",
    )) {
      test(`${row.kind}: ${row.file}`, async (t) => {
        const bytes = corpusBytes(row.file);
        const parsed = await parseNacha(bytes);
        if (parsed.header === null) {
          t.skip("a fragment without file header cannot be written");
          return;
        }
        await counted("round trip", async () => {
          const written = writeNacha(parsed);
          const before = normalizedRecords(bytes.toString("latin1"));
          const afterWrite = normalizedRecords(written);
          assert.equal(afterWrite.length, before.length, "same number of records");
          // Only a control the file had wrong may change, and the writer's is then right.
          const problemLines = new Set(
            validateNacha(parsed)
              .filter((p) => controlMismatchCodes.has(p.code))
              .map((p) => p.line),
          );
          afterWrite.forEach((record, i) => {
            if (record !== before[i]) assert.ok(problemLines.has(i + 1), `line ${i + 1} changed:\n  ${before[i]}\n  ${record}`);
          });
          const remaining = codesOf(validateNacha(await parseNacha(written)));
          assert.deepEqual(
            remaining,
            codesOf(validateNacha(parsed)).filter((code) => !controlMismatchCodes.has(code)),
          );
        });
      });
    }
  });

  test("Windows-1252 text reads as Windows-1252: nonascii.ach keeps its ¦ separators (byte 0xA6)", async () => {
    const parsed = await parseNacha(corpusBytes("nonascii.ach"));
    const text = allAddenda(parsed)
      .map((a) => (a.type_code === "05" ? a.payment_related_information : ""))
      .join("");
    assert.ok(text.includes("ISA¦00¦"), text.slice(0, 40));
    for (const addenda of allAddenda(parsed)) assert.equal(addenda.type_code, "05");
  });

  test("no file of the corpus makes the reader throw", async () => {
    for (const row of rows) {
      const bytes = corpusBytes(row.file);
      await assert.doesNotReject(checkNachaFile(bytes), row.file);
      const parsed = await parseNacha(bytes);
      try {
        writeNacha(parsed);
      } catch (error) {
        assert.ok(error instanceof RemitError && error.code === "nacha_structure_invalid", `${row.file}: ${error}`);
      }
    }
  });
});
