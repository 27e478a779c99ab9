/**
 * ACH: NACHA files. This file is the capability's only public surface.
 *
 * - `checkNachaFile(input)` → the verdict `remit ach validate <file> --json` prints;
 * - `parseNacha(input)` → the whole structure (`remit ach parse`), `writeNacha(structure)` → the
 *   file (`remit ach write --from <file.json>`), `validateNacha(structure)` → every problem;
 * - `readNacha(input)` → the same, streamed: header, each batch, control, problems.
 * `input` is text, bytes, or an (async) iterable of either, such as a file's read stream.
 */

// ACH operations: originators, prenotes, debits, schedules, cancel and inquiry (up to pending_submission).
export type { EntryRecord } from "./adapters/entry-store.ts";
export {
  type AchDebitQuery,
  type AchDeps,
  achAmountCentsMax,
  cancelEntry,
  createDebit,
  createPrenote,
  getAchDebit,
  getAchPrenote,
  individualNameOf,
  listAchDebits,
  type NewDebit,
  type NewPrenote,
  releaseDueEntries,
} from "./app/entries.ts";
// ACH files: cuts, the outbound writer, settlement, return and NOC imports, events, and the embedded bank.
export {
  achFileHandlers,
  achTopics,
  cutFiles,
  defaultCutLeadMs,
  type FileCutDeps,
  type FileWriterDeps,
  outboundFileName,
  settlementInstant,
  windowSettlementTimes,
  windowsDueAt,
} from "./app/file-cuts.ts";
export { configureOriginator, findDefaultOriginator, getDefaultOriginator, type OriginatorInput } from "./app/originators.ts";
export {
  type AgencyEvent,
  achImportErrors,
  achReturnHandlers,
  correctionOf,
  findAgencyOfReturnFile,
  type InboundDeps,
  importInbound,
  importReturnFile,
  listChangeNotices,
  listEvents,
  type ReturnFileImport,
  type ReturnImportDeps,
  type UnmatchedItem,
} from "./app/returns.ts";
export {
  cancelSchedule,
  createSchedule,
  getSchedule,
  listScheduleDebits,
  materializeBusinessDaysAhead,
  materializeSchedules,
  type NewSchedule,
  scheduledDebitId,
} from "./app/schedules.ts";
export { settleEntries } from "./app/settlement.ts";
export { type BankSimulatorDeps, outcomeOf, runBankSimulator } from "./bank-simulator/index.ts";
export { fedachCalendar, fedachClosedDays, isFedachBusinessDay, nextFedachBusinessDay } from "./calendar/fedach.ts";
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
export {
  type AchSchedule,
  bankingDateOf,
  businessDayAfter,
  fedSameDayDeadlines,
  type NonBusinessDayRule,
  nonBusinessDayRules,
  type ScheduleFrequency,
  type SchedulePlan,
  type ScheduleStatus,
  scheduleDates,
  scheduleDebitsMax,
  scheduleFrequencies,
} from "./domain/schedule.ts";
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
