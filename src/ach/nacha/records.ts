/**
 * The one record codec: reads a 94-character record into an object and writes an object back,
 * driven by a layout from `layouts.ts`.
 */
import { type NachaProblem, nachaError, problem } from "./errors.ts";
import type { FieldsOf, Layout } from "./layouts.ts";

export const recordLength = 94;

const space = 32;

function trimSpacesEnd(value: string): string {
  let end = value.length;
  while (end > 0 && value.charCodeAt(end - 1) === space) end--;
  return end === value.length ? value : value.slice(0, end);
}

function trimSpaces(value: string): string {
  let start = 0;
  while (start < value.length && value.charCodeAt(start) === space) start++;
  return trimSpacesEnd(value.slice(start));
}

/**
 * A right-justified whole number; surrounding spaces are tolerated (a blank field reads as 0).
 * Undefined when the field holds anything else or exceeds 2^53.
 */
export function readNumber(raw: string): number | undefined {
  return readDigits(raw, 0, raw.length);
}

/** The digits of record[start, end) as a number; spaces around them are tolerated. Undefined for anything else or past 2^53. */
function readDigits(record: string, start: number, end: number): number | undefined {
  while (start < end && record.charCodeAt(start) === space) start++;
  while (end > start && record.charCodeAt(end - 1) === space) end--;
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = record.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * Reads one 94-character record. A numeric field that holds something else is reported and
 * read as 0, so the rest of the file can still be checked.
 */
export function decodeRecord<L extends Layout>(
  record: string,
  layout: L,
  line: number,
  problems: NachaProblem[],
): FieldsOf<L> & { line: number } {
  const values: Record<string, string | number> = { line };
  for (const field of layout) {
    const start = field.start - 1;
    let end = field.end;
    switch (field.kind) {
      case "constant":
      case "blank":
        break;
      case "tag":
        values[field.name] = field.value as string;
        break;
      case "text":
        while (end > start && record.charCodeAt(end - 1) === space) end--;
        values[field.name] = record.slice(start, end);
        break;
      case "right":
        values[field.name] = trimSpaces(record.slice(start, end));
        break;
      case "number": {
        const value = readDigits(record, start, end);
        if (value === undefined) {
          const raw = record.slice(start, end);
          problems.push(
            problem("nacha_invalid_number", line, `${field.name} (positions ${field.start}-${field.end}) is "${raw}", not a number`),
          );
        }
        values[field.name] = value ?? 0;
        break;
      }
    }
  }
  return values as FieldsOf<L> & { line: number };
}

/** A loop, not a regular expression: it runs on every text field written. */
function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Runs of spaces and zeros by length, for padding without a call per field. */
const spaces = Array.from({ length: recordLength + 1 }, (_, n) => " ".repeat(n));
const zeros = Array.from({ length: recordLength + 1 }, (_, n) => "0".repeat(n));

/** Where a record sits in the structure (`file.batches[0].entries[3]`), built only when a refusal names it. */
export type RecordPath = string | (() => string);

function refuse(path: RecordPath, field: string, problem: string): never {
  const param = `${typeof path === "string" ? path : path()}.${field}`;
  throw nachaError("nacha_structure_invalid", `${param} ${problem}`, param);
}

/**
 * Writes one record. Refuses (`nacha_structure_invalid`, naming the field in `param`) a value of
 * the wrong type, one too long for its field, a negative or fractional number, a control character.
 */
export function encodeRecord(values: object, layout: Layout, path: RecordPath): string {
  const source = values as Record<string, unknown>;
  let record = "";
  for (const field of layout) {
    const width = field.end - field.start + 1;
    switch (field.kind) {
      case "constant":
      case "tag":
        record += field.value as string;
        break;
      case "blank":
        record += spaces[width];
        break;
      case "text":
      case "right": {
        const value = source[field.name] ?? "";
        if (typeof value !== "string") refuse(path, field.name, "must be a string");
        if (value.length > width) refuse(path, field.name, `is ${value.length} characters; the field holds ${width}`);
        if (hasControlCharacter(value)) refuse(path, field.name, "holds a control character");
        record += field.kind === "text" ? value + spaces[width - value.length] : spaces[width - value.length] + value;
        break;
      }
      case "number": {
        const value = source[field.name];
        if (value === undefined) refuse(path, field.name, "is missing");
        if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0)
          refuse(path, field.name, "must be a whole number of at least 0");
        const digits = String(value);
        if (digits.length > width) refuse(path, field.name, `is ${value}; the field holds ${width} digits`);
        record += zeros[width - digits.length] + digits;
        break;
      }
    }
  }
  return record;
}
