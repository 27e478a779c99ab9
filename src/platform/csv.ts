/** A CSV record and the line of the file it starts on (1-based), for error reports. */
export interface CsvRecord {
  readonly line: number;
  readonly fields: string[];
}

/**
 * RFC 4180: fields split by commas, quoted fields may hold commas, doubled quotes and line breaks;
 * records end with CRLF or LF. A byte-order mark is ignored. Never throws: an unclosed quote runs
 * to the end of the file, and the caller's row checks catch what that produces.
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let atFieldStart = true;
  let line = 1;
  let recordLine = 1;
  const body = text.replace(/^\uFEFF/, "");
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (quoted) {
      if (ch === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        if (ch === "\n") line++;
        field += ch;
      }
    } else if (ch === '"' && atFieldStart) {
      quoted = true;
      atFieldStart = false;
    } else if (ch === ",") {
      fields.push(field);
      field = "";
      atFieldStart = true;
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && body[i + 1] === "\n") i++;
      fields.push(field);
      records.push({ line: recordLine, fields });
      fields = [];
      field = "";
      atFieldStart = true;
      line++;
      recordLine = line;
    } else {
      field += ch;
      atFieldStart = false;
    }
  }
  if (field !== "" || fields.length > 0) {
    fields.push(field);
    records.push({ line: recordLine, fields });
  }
  return records;
}

/** One CSV record: fields quoted only when they must be; CRLF as RFC 4180 asks. */
export function csvRecord(fields: readonly (string | number)[]): string {
  return `${fields.map((f) => (/[",\r\n]/.test(String(f)) ? `"${String(f).replaceAll('"', '""')}"` : String(f))).join(",")}\r\n`;
}
