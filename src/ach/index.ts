/**
 * ACH: NACHA files. This file is the capability's only public surface.
 *
 * - `checkNachaFile(input)` → the verdict `remit ach validate <file> --json` prints;
 * - `parseNacha(input)` → the whole structure (`remit ach parse`), `writeNacha(structure)` → the
 *   file (`remit ach write --from <file.json>`), `validateNacha(structure)` → every problem;
 * - `readNacha(input)` → the same, streamed: header, each batch, control, problems.
 * `input` is text, bytes, or an (async) iterable of either, such as a file's read stream.
 */

export { fedachCalendar, fedachClosedDays, isFedachBusinessDay, nextFedachBusinessDay } from "./calendar/fedach.ts";
export {
  type Addenda,
  type Addenda02,
  type Addenda05,
  type Addenda98,
  type Addenda99,
  type Batch,
  type BatchControl,
  type BatchHeader,
  changeCodes,
  checkNachaFile,
  type Entry,
  type FileControl,
  type FileHeader,
  type NachaCheck,
  type NachaErrorCode,
  type NachaEvent,
  type NachaFile,
  type NachaInput,
  type NachaProblem,
  type NachaProblemCode,
  nachaErrors,
  parseNacha,
  readNacha,
  returnCodes,
  validateNacha,
  type WriteOptions,
  writeNacha,
} from "./nacha/index.ts";
export {
  type AchEntry,
  type AchEntryKind,
  type AchEvent,
  type AchOriginator,
  type AchStatus,
  achErrors,
  achTransitions,
  nextAchStatus,
  type PostingPolicy,
  type SecCode,
  type SubmissionWindow,
  sameDayEntryLimitCents,
  secCodes,
} from "./domain/ach-entry.ts";
