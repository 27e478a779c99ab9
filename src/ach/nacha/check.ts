/**
 * One call from a file to a verdict, streaming: each entry is validated as soon as it is read and
 * then let go, so a file of any size is checked in the memory of one entry. The result is exactly
 * the JSON `remit ach validate <file> --json` prints.
 */
import type { NachaProblem } from "./errors.ts";
import { type NachaInput, readNachaWith } from "./reader.ts";
import type { FileControl, FileHeader } from "./types.ts";
import { FileValidator } from "./validate.ts";

export interface NachaCheck {
  valid: boolean;
  /** Every problem, in line order; empty when `valid`. */
  errors: NachaProblem[];
  batches: number;
  entries: number;
  addenda: number;
  /** Sums of the entries' amounts by direction, as read (not as the controls claim). */
  total_debit_cents: number;
  total_credit_cents: number;
}

/** Reads and validates a NACHA file; never throws for a malformed file (only `nacha_input_unreadable`). */
export async function checkNachaFile(input: NachaInput): Promise<NachaCheck> {
  const validator = new FileValidator();
  const readProblems: NachaProblem[] = [];
  let header: FileHeader | null = null;
  let control: FileControl | null = null;
  let lastLine = 0;
  await readNachaWith(input, (event) => {
    switch (event.kind) {
      case "file_header":
        header = event.header;
        lastLine = Math.max(lastLine, event.header.line ?? 0);
        break;
      case "batch_start":
        validator.startBatch(event.header);
        lastLine = Math.max(lastLine, event.header?.line ?? 0);
        break;
      case "entry":
        validator.entry(event.entry);
        lastLine = Math.max(lastLine, event.entry.addenda.at(-1)?.line ?? event.entry.line ?? 0);
        break;
      case "batch_end":
        validator.endBatch(event.control);
        lastLine = Math.max(lastLine, event.control?.line ?? 0);
        break;
      case "file_control":
        control = event.control;
        lastLine = Math.max(lastLine, event.control.line ?? 0);
        break;
      case "problem":
        readProblems.push(event.problem);
        lastLine = Math.max(lastLine, event.problem.line);
        break;
    }
  });
  validator.header(header);
  validator.problems.push(...readProblems);
  const errors = validator.finish(control, lastLine);
  return {
    valid: errors.length === 0,
    errors,
    batches: validator.batches,
    entries: validator.entries,
    addenda: validator.addenda,
    total_debit_cents: validator.debitCents,
    total_credit_cents: validator.creditCents,
  };
}
