/**
 * The NACHA file codec: a streaming, tolerant reader; a validator that reports every problem with
 * a stable code and line; a writer that computes the controls. Pure: callers open the files.
 */
export type { NachaEvent } from "./assemble.ts";
export { checkNachaFile, type NachaCheck } from "./check.ts";
export { changeCodes, returnCodes, secRules, transactionCodes } from "./codes.ts";
export { type NachaErrorCode, type NachaProblem, type NachaProblemCode, nachaErrors } from "./errors.ts";
export { type NachaInput, parseNacha, readNacha } from "./reader.ts";
export type {
  Addenda,
  Addenda02,
  Addenda05,
  Addenda10,
  Addenda11,
  Addenda12,
  Addenda13,
  Addenda14,
  Addenda15,
  Addenda16,
  Addenda17,
  Addenda18,
  Addenda98,
  Addenda99,
  AdvBatchControl,
  AdvEntry,
  Batch,
  BatchControl,
  BatchHeader,
  Entry,
  FileControl,
  FileHeader,
  IatBatchHeader,
  IatEntry,
  NachaFile,
  StandardBatchControl,
  StandardBatchHeader,
  StandardEntry,
} from "./types.ts";
export { validateNacha } from "./validate.ts";
export { type WriteOptions, writeNacha } from "./writer.ts";
