/**
 * From bytes or text to 94-character records, tolerant of what real files do:
 * - CRLF or LF line ends; a line right-trimmed of its trailing spaces (padded back to 94);
 * - a line longer than 94 characters whose surplus is spaces (the spaces are dropped);
 * - no line breaks at all, N × 94 characters on one line (cut into records, as they arrive);
 * - Windows-1252 bytes (a line that is not valid UTF-8 is read as Windows-1252).
 * Anything else left over on a line after its whole records is reported as `nacha_record_length`.
 *
 * Line numbers: each physical line takes the next number; a line that holds several records gives
 * each the next number. So for a file with one record per line, a record's number is its line.
 */
import { type NachaProblem, problem } from "./errors.ts";
import { recordLength } from "./records.ts";

export interface RecordSink {
  record(line: number, text: string): void;
  problem(found: NachaProblem): void;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find control characters
const controlCharacter = /[\u0000-\u001f\u007f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find control characters
const controlOtherThanCrLf = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * Whether text may hold a control character other than a line end (LF, or CR before LF): tested
 * once per chunk, so that clean chunks skip the per-record check.
 */
function mayHoldControl(text: string): boolean {
  if (controlOtherThanCrLf.test(text)) return true;
  for (let cr = text.indexOf("\r"); cr >= 0; cr = text.indexOf("\r", cr + 1)) if (text.charCodeAt(cr + 1) !== 10) return true;
  return false;
}

/** Past this many characters without a line break, whole records are cut off the front as they come. */
const pendingCharsMax = recordLength * 1024;

function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (text.charCodeAt(i) !== 32) return false;
  return true;
}

/** Cuts text into records. Push text in any pieces; call `end()` once at the end. */
export class RecordSplitter {
  private pending = "";
  private lastLine = 0;
  /** Records already taken from the physical line now being read. */
  private recordsOnLine = 0;
  /** Whether the text being cut may hold a control character (other than line ends). */
  private mayHoldControl = false;

  private readonly sink: RecordSink;

  constructor(sink: RecordSink) {
    this.sink = sink;
  }

  push(text: string): void {
    const buffer = this.pending.length > 0 ? this.pending + text : text;
    this.mayHoldControl = mayHoldControl(buffer);
    let start = 0;
    for (let newline = buffer.indexOf("\n"); newline >= 0; newline = buffer.indexOf("\n", start)) {
      const end = newline > start && buffer.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
      this.endLine(buffer, this.takeRecords(buffer, start, end), end);
      start = newline + 1;
    }
    this.pending = buffer.slice(start);
    if (this.pending.length > pendingCharsMax) {
      // A line without breaks: take its whole records so far. The last character stays behind,
      // in case it is the CR of a CRLF whose LF has not arrived yet.
      const whole = Math.floor((this.pending.length - 1) / recordLength) * recordLength;
      this.takeRecords(this.pending, 0, whole);
      this.pending = this.pending.slice(whole);
    }
  }

  end(): void {
    if (this.pending.length === 0) return;
    const text = this.pending;
    this.pending = "";
    this.mayHoldControl = mayHoldControl(text);
    const end = text.charCodeAt(text.length - 1) === 13 ? text.length - 1 : text.length;
    this.endLine(text, this.takeRecords(text, 0, end), end);
  }

  /**
   * Takes every whole 94-character record in text[start, end), skipping any that are all spaces;
   * returns where the rest of the line begins.
   */
  private takeRecords(text: string, start: number, end: number): number {
    let at = start;
    for (; at + recordLength <= end; at += recordLength) {
      if (isBlank(text, at, at + recordLength)) continue;
      this.recordsOnLine++;
      this.lastLine++;
      this.emit(text.slice(at, at + recordLength));
    }
    return at;
  }

  private emit(record: string): void {
    const bad = this.mayHoldControl ? controlCharacter.exec(record) : null;
    if (bad) {
      const code = bad[0].charCodeAt(0).toString(16).padStart(2, "0").toUpperCase();
      this.sink.problem(
        problem("nacha_invalid_character", this.lastLine, `position ${bad.index + 1} holds the control character 0x${code}`),
      );
    }
    this.sink.record(this.lastLine, record);
  }

  /** The end of a physical line: what is left after its whole records, text[start, end), is shorter than 94. */
  private endLine(text: string, start: number, end: number): void {
    const restIsBlank = isBlank(text, start, end);
    if (this.recordsOnLine === 0) {
      // A line with no whole record: a short (right-trimmed) record, or a blank line.
      this.lastLine++;
      if (!restIsBlank) this.emit(text.slice(start, end).padEnd(recordLength, " "));
    } else if (!restIsBlank) {
      this.sink.problem(
        problem(
          "nacha_record_length",
          this.lastLine,
          `the line ends with ${end - start} characters after its last whole 94-character record; a record must be 94 characters`,
        ),
      );
    }
    this.recordsOnLine = 0;
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const windows1252 = new TextDecoder("windows-1252");
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for bytes above 0x7F read as Latin-1
const nonAscii = /[^\u0000-\u007f]/;

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}

/** One line's bytes as text: ASCII as is, else UTF-8 when it is valid UTF-8, else Windows-1252. */
function decodeLine(bytes: Uint8Array): string {
  const text = latin1(bytes);
  if (!nonAscii.test(text)) return text;
  try {
    return utf8.decode(bytes);
  } catch {
    return windows1252.decode(bytes);
  }
}

/** Decodes byte chunks into text line by line, choosing each line's encoding on its own. */
export class ByteDecoder {
  private pending: Uint8Array = new Uint8Array(0);
  /** The current line grew too long to hold: the rest of it is read as single-byte Windows-1252. */
  private singleByteLine = false;

  decode(chunk: Uint8Array): string {
    const bytes = this.pending.length > 0 ? concat(this.pending, chunk) : chunk;
    const lastNewline = bytes.lastIndexOf(10);
    if (lastNewline < 0) {
      if (bytes.length <= pendingCharsMax) {
        this.pending = bytes === chunk ? bytes.slice() : bytes;
        return "";
      }
      this.pending = new Uint8Array(0);
      this.singleByteLine = true;
      return windows1252.decode(bytes);
    }
    const head = bytes.subarray(0, lastNewline + 1);
    this.pending = bytes.slice(lastNewline + 1);
    const text = this.decodeLines(head);
    this.singleByteLine = false;
    return text;
  }

  end(): string {
    const rest = this.pending;
    this.pending = new Uint8Array(0);
    return rest.length === 0 ? "" : this.singleByteLine ? windows1252.decode(rest) : decodeLine(rest);
  }

  private decodeLines(bytes: Uint8Array): string {
    const text = latin1(bytes);
    if (!this.singleByteLine && !nonAscii.test(text)) return text;
    let out = "";
    let start = 0;
    while (start < bytes.length) {
      const newline = bytes.indexOf(10, start);
      const end = newline < 0 ? bytes.length : newline + 1;
      const line = bytes.subarray(start, end);
      out += start === 0 && this.singleByteLine ? windows1252.decode(line) : decodeLine(line);
      start = end;
    }
    return out;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}
