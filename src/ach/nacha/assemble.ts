/**
 * From records to the parts of the structure, as they come. Records that have no place in the
 * structure are reported here and dropped; everything the structure itself can show (a missing
 * control, a batch without header) is left to the validator.
 */
import { type NachaProblem, problem } from "./errors.ts";
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
  type Layout,
} from "./layouts.ts";
import { decodeRecord } from "./records.ts";
import type { RecordSink } from "./split.ts";
import {
  type Addenda,
  type BatchControl,
  type BatchHeader,
  type BatchKind,
  batchKind,
  type Entry,
  type FileControl,
  type FileHeader,
} from "./types.ts";

/**
 * What the streaming reader hands out, in file order. A batch is `batch_start`, its entries (each
 * with its addenda, once the next record shows it is complete), then `batch_end`: so memory holds
 * one entry, however big a batch is. `header` is null for entries found outside any batch;
 * `control` is null for a batch that ended without one.
 */
export type NachaEvent =
  | { readonly kind: "file_header"; readonly header: FileHeader }
  | { readonly kind: "batch_start"; readonly header: BatchHeader | null }
  | { readonly kind: "entry"; readonly entry: Entry }
  | { readonly kind: "batch_end"; readonly control: BatchControl | null }
  | { readonly kind: "file_control"; readonly control: FileControl }
  | { readonly kind: "problem"; readonly problem: NachaProblem };

/** 9-padding: all 9s (some writers drop a 9, and the line is padded back with spaces). */
const padding = /^9+ *$/;

export class Assembler implements RecordSink {
  private recordsSeen = 0;
  private fileControlSeen = false;
  /** The open batch's kind, or null between batches. */
  private batch: BatchKind | null = null;
  /** The last entry read, held until the next record shows its addenda are complete. */
  private entry: Entry | null = null;
  private allBatchesAdv = true;
  private batchCount = 0;
  private readonly problems: NachaProblem[] = [];

  private readonly emit: (event: NachaEvent) => void;

  constructor(emit: (event: NachaEvent) => void) {
    this.emit = emit;
  }

  problem(found: NachaProblem): void {
    this.emit({ kind: "problem", problem: found });
  }

  record(line: number, text: string): void {
    this.recordsSeen++;
    if (this.fileControlSeen) {
      if (!padding.test(text))
        this.problem(problem("nacha_record_after_file_control", line, "only 9-padding may follow the file control record"));
      return;
    }
    switch (text.charCodeAt(0)) {
      case 49: // 1
        this.fileHeader(line, text);
        break;
      case 53: // 5
        this.batchHeader(line, text);
        break;
      case 54: // 6
        this.entryDetail(line, text);
        break;
      case 55: // 7
        this.addenda(line, text);
        break;
      case 56: // 8
        this.batchControl(line, text);
        break;
      case 57: // 9
        if (padding.test(text))
          this.problem(problem("nacha_unexpected_padding", line, "9-padding comes only after the file control record"));
        else this.fileControl(line, text);
        break;
      default:
        this.problem(problem("nacha_unknown_record_type", line, `the record type is "${text[0]}"; it must be 1, 5, 6, 7, 8 or 9`));
    }
    this.flushProblems();
  }

  /** Closes the last entry and batch, if open. */
  end(): void {
    this.closeBatch(null);
  }

  private decode<L extends Layout>(text: string, layout: L, line: number) {
    return decodeRecord(text, layout, line, this.problems);
  }

  /** Field problems found while decoding the current record, reported once it is placed. */
  private flushProblems(): void {
    for (const found of this.problems) this.problem(found);
    this.problems.length = 0;
  }

  private fileHeader(line: number, text: string): void {
    if (this.recordsSeen > 1) {
      this.problem(problem("nacha_unexpected_file_header", line, "a file header record may only be the first record"));
      return;
    }
    const header: FileHeader = this.decode(text, fileHeaderLayout, line);
    this.emit({ kind: "file_header", header });
  }

  private batchHeader(line: number, text: string): void {
    this.closeBatch(null);
    // IAT batches, and IAT notifications of change (SEC COR, "IATCOR" in 5-20), have their own header.
    const iat = text.slice(50, 53) === "IAT" || text.slice(4, 10) === "IATCOR";
    const header: BatchHeader = iat ? this.decode(text, iatBatchHeaderLayout, line) : this.decode(text, batchHeaderLayout, line);
    this.openBatch(header);
  }

  private entryDetail(line: number, text: string): void {
    this.closeEntry();
    // Entries outside any batch (a fragment) go in a batch without header, for the validator to report.
    if (this.batch === null) this.openBatch(null);
    const layout = this.batch === "iat" ? iatEntryLayout : this.batch === "adv" ? advEntryLayout : entryLayout;
    this.entry = { ...this.decode(text, layout, line), addenda: [] } as Entry;
  }

  private addenda(line: number, text: string): void {
    if (this.entry === null) {
      this.problem(problem("nacha_addenda_outside_entry", line, "an addenda record must follow an entry detail record or another addenda"));
      return;
    }
    const typeCode = text.slice(1, 3);
    if (!isAddendaTypeCode(typeCode)) {
      this.problem(problem("nacha_unknown_addenda_type", line, `the addenda type code is "${typeCode}"`));
      return;
    }
    this.entry.addenda.push(this.decode(text, addendaLayouts[typeCode], line) as Addenda);
  }

  private batchControl(line: number, text: string): void {
    if (this.batch === null) {
      this.problem(problem("nacha_batch_control_outside_batch", line, "a batch control record must close a batch"));
      return;
    }
    const control: BatchControl =
      this.batch === "adv" ? this.decode(text, advBatchControlLayout, line) : this.decode(text, batchControlLayout, line);
    this.closeBatch(control);
  }

  private fileControl(line: number, text: string): void {
    this.closeBatch(null);
    this.fileControlSeen = true;
    const adv = this.batchCount > 0 && this.allBatchesAdv;
    const control: FileControl = adv ? this.decode(text, advFileControlLayout, line) : this.decode(text, fileControlLayout, line);
    this.emit({ kind: "file_control", control });
  }

  private openBatch(header: BatchHeader | null): void {
    this.batch = batchKind(header);
    this.batchCount++;
    if (header === null || this.batch !== "adv") this.allBatchesAdv = false;
    this.emit({ kind: "batch_start", header });
  }

  private closeEntry(): void {
    if (this.entry === null) return;
    this.emit({ kind: "entry", entry: this.entry });
    this.entry = null;
  }

  private closeBatch(control: BatchControl | null): void {
    this.closeEntry();
    if (this.batch === null) return;
    this.emit({ kind: "batch_end", control });
    this.batch = null;
  }
}
