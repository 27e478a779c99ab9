/**
 * The parsed structure of a NACHA file: plain, JSON-serializable objects with snake_case fields
 * (the names of the NACHA record layouts, as on the wire of Remit's API and CLI). `parseNacha`
 * makes one, `writeNacha` writes one, and `remit ach parse` / `remit ach write --from` print and
 * read it as JSON.
 *
 * Every record read from a file carries `line`, its 1-based line (record number) in that file;
 * the writer ignores `line`, and the validator falls back to the line the writer would give the
 * record when it is absent. Control records hold what the file said; the writer recomputes them.
 */
import type { NachaProblem } from "./errors.ts";
import type {
  addenda02Layout,
  addenda05Layout,
  addenda10Layout,
  addenda11Layout,
  addenda12Layout,
  addenda13Layout,
  addenda14Layout,
  addenda15Layout,
  addenda16Layout,
  addenda17Layout,
  addenda18Layout,
  addenda98Layout,
  addenda99Layout,
  advBatchControlLayout,
  advEntryLayout,
  batchControlLayout,
  batchHeaderLayout,
  entryLayout,
  FieldsOf,
  fileControlLayout,
  fileHeaderLayout,
  iatBatchHeaderLayout,
  iatEntryLayout,
} from "./layouts.ts";

interface Located {
  /** The record's 1-based line (record number) in the file it was read from. */
  line?: number;
}

export interface FileHeader extends FieldsOf<typeof fileHeaderLayout>, Located {}
/** The same fields in a file of ADV batches, where the totals are 20 digits wide. */
export interface FileControl extends FieldsOf<typeof fileControlLayout>, Located {}

export interface StandardBatchHeader extends FieldsOf<typeof batchHeaderLayout>, Located {}
export interface IatBatchHeader extends FieldsOf<typeof iatBatchHeaderLayout>, Located {}
export type BatchHeader = StandardBatchHeader | IatBatchHeader;

export interface StandardBatchControl extends FieldsOf<typeof batchControlLayout>, Located {}
export interface AdvBatchControl extends FieldsOf<typeof advBatchControlLayout>, Located {}
export type BatchControl = StandardBatchControl | AdvBatchControl;

export interface Addenda02 extends FieldsOf<typeof addenda02Layout>, Located {}
export interface Addenda05 extends FieldsOf<typeof addenda05Layout>, Located {}
export interface Addenda10 extends FieldsOf<typeof addenda10Layout>, Located {}
export interface Addenda11 extends FieldsOf<typeof addenda11Layout>, Located {}
export interface Addenda12 extends FieldsOf<typeof addenda12Layout>, Located {}
export interface Addenda13 extends FieldsOf<typeof addenda13Layout>, Located {}
export interface Addenda14 extends FieldsOf<typeof addenda14Layout>, Located {}
export interface Addenda15 extends FieldsOf<typeof addenda15Layout>, Located {}
export interface Addenda16 extends FieldsOf<typeof addenda16Layout>, Located {}
export interface Addenda17 extends FieldsOf<typeof addenda17Layout>, Located {}
export interface Addenda18 extends FieldsOf<typeof addenda18Layout>, Located {}
/** A notification of change: `change_code` is C01…. */
export interface Addenda98 extends FieldsOf<typeof addenda98Layout>, Located {}
/** A return: `return_reason_code` is R01…. */
export interface Addenda99 extends FieldsOf<typeof addenda99Layout>, Located {}
/** Told apart by `type_code`. */
export type Addenda =
  | Addenda02
  | Addenda05
  | Addenda10
  | Addenda11
  | Addenda12
  | Addenda13
  | Addenda14
  | Addenda15
  | Addenda16
  | Addenda17
  | Addenda18
  | Addenda98
  | Addenda99;

interface WithAddenda {
  /** The addenda records that follow the entry, in file order. */
  addenda: Addenda[];
}

export interface StandardEntry extends FieldsOf<typeof entryLayout>, Located, WithAddenda {}
export interface IatEntry extends FieldsOf<typeof iatEntryLayout>, Located, WithAddenda {}
export interface AdvEntry extends FieldsOf<typeof advEntryLayout>, Located, WithAddenda {}
/** Which layout an entry has follows from its batch header: IAT, ADV or standard. */
export type Entry = StandardEntry | IatEntry | AdvEntry;

export interface Batch {
  /** Null only for entries read outside any batch (a fragment); the writer refuses such a batch. */
  header: BatchHeader | null;
  entries: Entry[];
  /** What the file's batch control said; null when it had none. The writer recomputes it. */
  control: BatchControl | null;
}

export interface NachaFile {
  /** Null when the file had no file header; the writer refuses a file without one. */
  header: FileHeader | null;
  batches: Batch[];
  /** What the file's control said; null when it had none. The writer recomputes it. */
  control: FileControl | null;
  /** What the reader found wrong while reading (record lengths, records out of place, …). */
  problems?: NachaProblem[];
}

export type BatchKind = "standard" | "iat" | "adv";

export function isIatHeader(header: BatchHeader): header is IatBatchHeader {
  return "iat_indicator" in header;
}

/** IAT batches (and IAT NOCs) have their own layouts; ADV batches (SEC ADV or class 280) theirs. */
export function batchKind(header: BatchHeader | null): BatchKind {
  if (header === null) return "standard";
  if (isIatHeader(header)) return "iat";
  if (header.standard_entry_class_code === "ADV" || header.service_class_code === "280") return "adv";
  return "standard";
}

/** A file whose batches are all ADV ends with the ADV file control. */
export function isAdvFile(batches: readonly Batch[]): boolean {
  return batches.length > 0 && batches.every((batch) => batchKind(batch.header) === "adv");
}

export function hasTraceNumber(entry: Entry): entry is StandardEntry | IatEntry {
  return "trace_number" in entry;
}
