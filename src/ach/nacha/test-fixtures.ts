/**
 * Fixtures for the NACHA tests: small valid structures to build on, the corpus location, and a
 * reader of its MANIFEST.tsv. Not part of the codec.
 */
import { existsSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { routingCheckDigit } from "./codes.ts";
import type { Addenda05, Addenda98, Addenda99, NachaFile, StandardBatchHeader, StandardEntry } from "./types.ts";

/** `../shared/corpus/nacha` beside the project (this file is in src/ach/nacha/), or the folder NACHA_CORPUS_DIR names. */
export const corpusDir = process.env.NACHA_CORPUS_DIR
  ? pathToFileURL(`${process.env.NACHA_CORPUS_DIR.replace(/\/$/, "")}/`)
  : new URL("../../../../shared/corpus/nacha/", import.meta.url);
export const corpusAvailable = existsSync(new URL("MANIFEST.tsv", corpusDir));
export const corpusSkip = corpusAvailable ? false : `the NACHA corpus is absent (looked in ${corpusDir.pathname}); corpus tests skipped`;

export function corpusBytes(name: string): Buffer {
  return readFileSync(new URL(name, corpusDir));
}

export interface ManifestRow {
  readonly file: string;
  readonly secCodes: string;
  readonly kind: "valid" | "return" | "noc" | "invalid" | "other";
  readonly expected: string;
  readonly selfcheck: string;
}

/** The rows of MANIFEST.tsv (tab-separated, one header line; quoted fields as a spreadsheet writes them). */
export function readManifest(): ManifestRow[] {
  const [head, ...lines] = readFileSync(new URL("MANIFEST.tsv", corpusDir), "utf8").trimEnd().split("\n");
  const columns = (head ?? "").split("\t");
  const unquote = (value: string) => (value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1).replaceAll('""', '"') : value);
  return lines.map((line) => {
    const cells = line.split("\t").map(unquote);
    const cell = (name: string) => cells[columns.indexOf(name)] ?? "";
    return {
      file: cell("file"),
      secCodes: cell("sec_codes"),
      kind: cell("kind") as ManifestRow["kind"],
      expected: cell("expected"),
      selfcheck: cell("selfcheck"),
    };
  });
}

export interface ExpectedCounts {
  readonly batches: number;
  readonly entries: number;
  readonly addenda: number;
  readonly debitCents: number;
  readonly creditCents: number;
}

/** Parses "… | 1 batch(es); 2 entries; 0 addenda; file-control debit $2,000.00 / credit $2,000.00 | …". */
export function expectedCounts(expected: string): ExpectedCounts {
  const match =
    /(\d+) batch\(es\); (\d+) entries; (\d+) addenda; (?:file-control|computed) debit \$([\d,]+\.\d\d) \/ credit \$([\d,]+\.\d\d)/.exec(
      expected,
    );
  if (!match) throw new Error(`no counts in manifest text: ${expected}`);
  const cents = (dollars: string) => Math.round(Number(dollars.replaceAll(",", "")) * 100);
  return {
    batches: Number(match[1]),
    entries: Number(match[2]),
    addenda: Number(match[3]),
    debitCents: cents(match[4] as string),
    creditCents: cents(match[5] as string),
  };
}

/** A routing number with its check digit, from 8 digits. */
export function routing(first8: string): string {
  return first8 + routingCheckDigit(first8);
}

export const odfi = "12104288";

export function batchHeader(fields: Partial<StandardBatchHeader> = {}): StandardBatchHeader {
  return {
    service_class_code: "200",
    company_name: "COUNTY OF REMIT",
    company_discretionary_data: "",
    company_identification: "1234567890",
    standard_entry_class_code: "PPD",
    company_entry_description: "PROP TAX",
    company_descriptive_date: "",
    effective_entry_date: "260515",
    settlement_date: "",
    originator_status_code: "1",
    odfi_identification: odfi,
    batch_number: 1,
    ...fields,
  };
}

export function entry(sequence: number, fields: Partial<StandardEntry> = {}): StandardEntry {
  const rdfi = routing("23138010");
  return {
    transaction_code: "27",
    rdfi_identification: rdfi.slice(0, 8),
    check_digit: rdfi.slice(8),
    dfi_account_number: "123456789",
    amount_cents: 125_00,
    identification_number: `PARCEL${sequence}`,
    individual_name: "JANE TAXPAYER",
    discretionary_data: "",
    addenda_record_indicator: "0",
    trace_number: odfi + String(sequence).padStart(7, "0"),
    addenda: [],
    ...fields,
  };
}

export function addenda05(entrySequence: number, addendaSequence = 1, text = "PARCEL 12-34-567"): Addenda05 {
  return {
    type_code: "05",
    payment_related_information: text,
    addenda_sequence_number: addendaSequence,
    entry_detail_sequence_number: entrySequence,
  };
}

export function addenda99(trace: string, code = "R01"): Addenda99 {
  return {
    type_code: "99",
    return_reason_code: code,
    original_trace_number: "091000010000001",
    date_of_death: "",
    original_rdfi_identification: "09100001",
    addenda_information: "",
    trace_number: trace,
  };
}

export function addenda98(trace: string, code = "C01"): Addenda98 {
  return {
    type_code: "98",
    change_code: code,
    original_trace_number: "091000010000001",
    original_rdfi_identification: "09100001",
    corrected_data: "987654321",
    trace_number: trace,
  };
}

/** A valid file: a PPD batch with a debit and a credit, and a WEB debit batch whose entry has an addenda. */
export function sampleFile(): NachaFile {
  return {
    header: {
      immediate_destination: routing("09100001"),
      immediate_origin: "1234567890",
      file_creation_date: "260514",
      file_creation_time: "0930",
      file_id_modifier: "A",
      immediate_destination_name: "FEDERAL RESERVE BANK",
      immediate_origin_name: "COUNTY OF REMIT",
      reference_code: "",
    },
    batches: [
      {
        header: batchHeader(),
        entries: [entry(1), entry(2, { transaction_code: "22", amount_cents: 40_00, individual_name: "REFUND" })],
        control: null,
      },
      {
        header: batchHeader({ service_class_code: "225", standard_entry_class_code: "WEB", batch_number: 2 }),
        entries: [entry(3, { discretionary_data: "S", addenda_record_indicator: "1", addenda: [addenda05(3)] })],
        control: null,
      },
    ],
    control: null,
  };
}
