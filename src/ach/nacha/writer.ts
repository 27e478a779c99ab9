/**
 * The writer: the structure → a NACHA file. It writes the header, batch headers, entries and
 * addenda as given, and computes every control itself (counts, entry hashes, totals, the block
 * count), so the controls a structure carries are never trusted; it pads with 9s to a multiple
 * of 10 records. It writes what it is given, valid or not (a return file, a test fixture):
 * validate first when that matters. It refuses, with `nacha_structure_invalid`, a structure it
 * cannot write at all (a batch without header, a value too long for its field, …).
 */
import { nachaError } from "./errors.ts";
import {
  addendaLayouts,
  advBatchControlLayout,
  advEntryLayout,
  advFileControlLayout,
  batchControlLayout,
  batchHeaderLayout,
  entryLayout,
  fileControlLayout,
  fileHeaderLayout,
  iatBatchHeaderLayout,
  iatEntryLayout,
  isAddendaTypeCode,
} from "./layouts.ts";
import { encodeRecord } from "./records.ts";
import { type BatchTotals, batchTotals, entryHashModulus } from "./totals.ts";
import { type Batch, batchKind, isAdvFile, isIatHeader, type NachaFile } from "./types.ts";

export interface WriteOptions {
  /** "\n" (the default) or "\r\n". Every record, the last too, ends with it. */
  readonly lineEnding?: "\n" | "\r\n";
}

const padding = "9".repeat(94);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function requireObject(value: unknown, path: string): Record<string, unknown> {
  if (!isObject(value)) throw nachaError("nacha_structure_invalid", `${path} must be an object`, path);
  return value;
}

function requireArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw nachaError("nacha_structure_invalid", `${path} must be an array`, path);
  return value;
}

/** Checks the shape the writer walks (objects and arrays where expected); fields are checked as they are written. */
function requireFileShape(file: unknown): NachaFile & { header: NonNullable<NachaFile["header"]> } {
  const root = requireObject(file, "file");
  if (root.header === null || root.header === undefined)
    throw nachaError("nacha_structure_invalid", "file.header is missing", "file.header");
  requireObject(root.header, "file.header");
  requireArray(root.batches, "file.batches").forEach((batch, b) => {
    const path = `file.batches[${b}]`;
    const fields = requireObject(batch, path);
    if (fields.header === null || fields.header === undefined) {
      throw nachaError("nacha_structure_invalid", `${path}.header is missing: entries must belong to a batch`, `${path}.header`);
    }
    requireObject(fields.header, `${path}.header`);
    if (fields.control !== null && fields.control !== undefined) requireObject(fields.control, `${path}.control`);
    requireArray(fields.entries, `${path}.entries`).forEach((entry, e) => {
      const entryFields = requireObject(entry, `${path}.entries[${e}]`);
      requireArray(entryFields.addenda, `${path}.entries[${e}].addenda`).forEach((addenda, a) => {
        requireObject(addenda, `${path}.entries[${e}].addenda[${a}]`);
      });
    });
  });
  return file as NachaFile & { header: NonNullable<NachaFile["header"]> };
}

/** Writes one batch's records onto `records`; returns its totals. */
function writeBatch(batch: Batch, path: string, records: string[]): BatchTotals {
  const header = batch.header;
  if (header === null) throw nachaError("nacha_structure_invalid", `${path}.header is missing`, `${path}.header`);
  const kind = batchKind(header);
  records.push(encodeRecord(header, kind === "iat" ? iatBatchHeaderLayout : batchHeaderLayout, `${path}.header`));
  const entryLayoutOfBatch = kind === "iat" ? iatEntryLayout : kind === "adv" ? advEntryLayout : entryLayout;
  batch.entries.forEach((entry, e) => {
    records.push(encodeRecord(entry, entryLayoutOfBatch, () => `${path}.entries[${e}]`));
    entry.addenda.forEach((addenda, a) => {
      const addendaPath = `${path}.entries[${e}].addenda[${a}]`;
      const typeCode: unknown = addenda.type_code;
      if (typeof typeCode !== "string" || !isAddendaTypeCode(typeCode)) {
        throw nachaError(
          "nacha_structure_invalid",
          `${addendaPath}.type_code "${String(typeCode)}" is not a known addenda type`,
          `${addendaPath}.type_code`,
        );
      }
      records.push(encodeRecord(addenda, addendaLayouts[typeCode], addendaPath));
    });
  });
  const totals = batchTotals(batch);
  const computed = {
    service_class_code: header.service_class_code,
    entry_addenda_count: totals.entries + totals.addenda,
    entry_hash: totals.entryHash,
    total_debit_cents: totals.debitCents,
    total_credit_cents: totals.creditCents,
    odfi_identification: header.odfi_identification,
    batch_number: header.batch_number,
  };
  const given = (batch.control ?? {}) as Record<string, unknown>;
  const control =
    kind === "adv"
      ? { ...computed, ach_operator_data: given.ach_operator_data ?? "" }
      : {
          ...computed,
          // An IAT batch control carries whatever company identification it was given (usually blank).
          company_identification: isIatHeader(header) ? (given.company_identification ?? "") : header.company_identification,
          message_authentication_code: given.message_authentication_code ?? "",
        };
  records.push(encodeRecord(control, kind === "adv" ? advBatchControlLayout : batchControlLayout, `${path}.control`));
  return totals;
}

/** Writes a NACHA file from its structure (see `types.ts`); the controls are computed, not copied. */
export function writeNacha(file: NachaFile, options: WriteOptions = {}): string {
  const lineEnding = options.lineEnding ?? "\n";
  if (lineEnding !== "\n" && lineEnding !== "\r\n")
    throw nachaError("nacha_structure_invalid", 'lineEnding must be "\\n" or "\\r\\n"', "lineEnding");
  const { header, batches } = requireFileShape(file);
  const records: string[] = [encodeRecord(header, fileHeaderLayout, "file.header")];
  let entryAddendaCount = 0;
  let entryHash = 0;
  let debitCents = 0;
  let creditCents = 0;
  batches.forEach((batch, b) => {
    const totals = writeBatch(batch, `file.batches[${b}]`, records);
    entryAddendaCount += totals.entries + totals.addenda;
    entryHash = (entryHash + totals.entryHash) % entryHashModulus;
    debitCents += totals.debitCents;
    creditCents += totals.creditCents;
  });
  const control = {
    batch_count: batches.length,
    block_count: Math.ceil((records.length + 1) / 10),
    entry_addenda_count: entryAddendaCount,
    entry_hash: entryHash,
    total_debit_cents: debitCents,
    total_credit_cents: creditCents,
  };
  records.push(encodeRecord(control, isAdvFile(batches) ? advFileControlLayout : fileControlLayout, "file.control"));
  while (records.length % 10 !== 0) records.push(padding);
  return records.join(lineEnding) + lineEnding;
}
