/**
 * The validator: small named checks over the structure, each reporting every problem it finds
 * with a stable code, the record's line and a plain message. Checks run per record, per entry,
 * per batch and per file. `FileValidator` takes the parts in file order and keeps only running
 * totals, so `checkNachaFile` validates a file of any size in the memory of one entry;
 * `validateNacha` drives the same checks over a whole structure.
 */
import {
  changeCodes,
  returnCodes,
  routingCheckDigit,
  secRules,
  serviceClassCodes,
  type TransactionCode,
  transactionCodes,
} from "./codes.ts";
import { byLine, type NachaProblem, type NachaProblemCode, problem } from "./errors.ts";
import { readNumber } from "./records.ts";
import { addEntry, type BatchTotals, emptyTotals, entryHashModulus } from "./totals.ts";
import {
  type Addenda,
  type BatchControl,
  type BatchHeader,
  batchKind,
  type Entry,
  type FileControl,
  type FileHeader,
  hasTraceNumber,
  isIatHeader,
  type NachaFile,
} from "./types.ts";

type Report = (code: NachaProblemCode, line: number, message: string) => void;

const dollars = (cents: number) => `$${(cents / 100).toFixed(2)}`;

// ── Fields ──────────────────────────────────────────────────────────────────────────────────

const yymmdd = /^\d{6}$/;

function isDate(value: string): boolean {
  if (!yymmdd.test(value)) return false;
  const month = Number(value.slice(2, 4));
  const day = Number(value.slice(4, 6));
  if (month < 1 || month > 12 || day < 1) return false;
  const year = 2000 + Number(value.slice(0, 2));
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const nineDigits = /^\d{9}$/;
const nineOrTenDigits = /^\d{9,10}$/;

function checkDigitProblem(routing: string): string | undefined {
  if (!nineDigits.test(routing)) return `"${routing}" is not 9 digits`;
  const expected = routingCheckDigit(routing);
  const actual = routing.charCodeAt(8) - 48;
  return expected === actual ? undefined : `the check digit of ${routing} is ${actual}; it must be ${expected}`;
}

// ── File header checks ──────────────────────────────────────────────────────────────────────

type FileHeaderCheck = (header: FileHeader, line: number, report: Report) => void;

const immediateDestinationIsRoutingNumber: FileHeaderCheck = (header, line, report) => {
  const found = checkDigitProblem(header.immediate_destination);
  if (found) report("nacha_invalid_immediate_destination", line, `immediate destination: ${found}`);
};

/**
 * The origin is the ODFI's routing number or, by agreement, the originator's tax ID (9 digits, or
 * 10 with a leading digit): so it must be digits, but its last digit cannot be held to a check.
 */
const immediateOriginIsNumeric: FileHeaderCheck = (header, line, report) => {
  const origin = header.immediate_origin;
  if (!nineOrTenDigits.test(origin)) report("nacha_invalid_immediate_origin", line, `immediate origin "${origin}" is not 9 or 10 digits`);
};

const fileCreationDateIsDate: FileHeaderCheck = (header, line, report) => {
  if (!isDate(header.file_creation_date))
    report("nacha_invalid_date", line, `file creation date "${header.file_creation_date}" is not YYMMDD`);
};

const fileIdModifierIsAlphanumeric: FileHeaderCheck = (header, line, report) => {
  if (!/^[A-Z0-9]$/.test(header.file_id_modifier)) {
    report("nacha_invalid_file_id_modifier", line, `file ID modifier "${header.file_id_modifier}" is not one of A–Z, 0–9`);
  }
};

const fileHeaderChecks: readonly FileHeaderCheck[] = [
  immediateDestinationIsRoutingNumber,
  immediateOriginIsNumeric,
  fileCreationDateIsDate,
  fileIdModifierIsAlphanumeric,
];

// ── Batch header checks ─────────────────────────────────────────────────────────────────────

type BatchHeaderCheck = (header: BatchHeader, line: number, report: Report) => void;

const serviceClassCodeIsKnown: BatchHeaderCheck = (header, line, report) => {
  if (!Object.hasOwn(serviceClassCodes, header.service_class_code)) {
    report("nacha_unknown_service_class_code", line, `service class code "${header.service_class_code}" is not 200, 220, 225 or 280`);
  }
};

const secCodeIsKnown: BatchHeaderCheck = (header, line, report) => {
  if (!Object.hasOwn(secRules, header.standard_entry_class_code)) {
    report("nacha_unknown_sec_code", line, `standard entry class code "${header.standard_entry_class_code}" is unknown`);
  }
};

/** A real YYMMDD; all zeros is accepted (returns, NOCs and IAT batches carry it), and blank in ENR batches, where it is unused. */
const effectiveEntryDateIsDate: BatchHeaderCheck = (header, line, report) => {
  const date = header.effective_entry_date;
  if (date === "000000" || (date === "" && header.standard_entry_class_code === "ENR")) return;
  if (!isDate(date)) report("nacha_invalid_date", line, `effective entry date "${date}" is not YYMMDD`);
};

const batchHeaderChecks: readonly BatchHeaderCheck[] = [serviceClassCodeIsKnown, secCodeIsKnown, effectiveEntryDateIsDate];

// ── Entry checks ────────────────────────────────────────────────────────────────────────────

interface EntryContext {
  readonly header: BatchHeader | null;
  readonly sec: string;
  readonly reversal: boolean;
  readonly code: TransactionCode | undefined;
  readonly line: number;
  readonly lineOf: (record: { line?: number }) => number;
}

type EntryCheck = (entry: Entry, context: EntryContext, report: Report) => void;

const isForward = (code: TransactionCode | undefined) =>
  code !== undefined && code.purpose !== "return_or_noc" && code.purpose !== "advice";

const transactionCodeIsKnown: EntryCheck = (entry, { code, line }, report) => {
  if (code === undefined) report("nacha_unknown_transaction_code", line, `transaction code "${entry.transaction_code}" is unknown`);
};

const directionFitsServiceClass: EntryCheck = (entry, { header, code, line }, report) => {
  const serviceClass = header ? serviceClassCodes[header.service_class_code] : undefined;
  if (code === undefined || serviceClass === undefined) return;
  const fits = code.purpose === "advice" ? serviceClass.advice : serviceClass[code.direction] && !serviceClass.advice;
  if (!fits) {
    const what = code.purpose === "advice" ? "an advice" : `a ${code.direction}`;
    report(
      "nacha_service_class_mismatch",
      line,
      `transaction code ${entry.transaction_code} is ${what}; service class ${header?.service_class_code} does not allow it`,
    );
  }
};

/** Debit-only SEC codes (TEL, ARC, …) carry only credits in a REVERSAL batch; returns and NOCs are not limited. */
const transactionCodeFitsSec: EntryCheck = (entry, { sec, reversal, code, line }, report) => {
  const rule = secRules[sec];
  if (rule === undefined || code === undefined || !isForward(code)) return;
  if (rule.transactionCodes && !rule.transactionCodes.includes(entry.transaction_code)) {
    report(
      "nacha_transaction_code_not_allowed",
      line,
      `${sec} entries use transaction codes ${rule.transactionCodes.join(", ")}, not ${entry.transaction_code}`,
    );
    return;
  }
  const onlyDirection = reversal && rule.directions === "debit" ? "credit" : rule.directions;
  if (onlyDirection !== "both" && code.direction !== onlyDirection) {
    const batch =
      reversal && rule.directions === "debit"
        ? `${sec} REVERSAL batches carry only credits`
        : `${sec} batches carry only ${onlyDirection}s`;
    report("nacha_transaction_code_not_allowed", line, `transaction code ${entry.transaction_code} is a ${code.direction}; ${batch}`);
  }
};

const amountFitsTransactionCode: EntryCheck = (entry, { sec, code, line }, report) => {
  if (code === undefined) return;
  const amount = entry.amount_cents;
  if ((code.purpose === "prenote" || code.purpose === "zero_dollar") && amount !== 0) {
    const what = code.purpose === "prenote" ? "a prenote" : "a zero-dollar entry";
    report(
      "nacha_prenote_amount_not_zero",
      line,
      `transaction code ${entry.transaction_code} is ${what}, so its amount must be $0.00, not ${dollars(amount)}`,
    );
  } else if (sec === "COR" && amount !== 0) {
    report("nacha_noc_amount_not_zero", line, `a notification of change must be for $0.00, not ${dollars(amount)}`);
  } else if (code.purpose === "live" && amount === 0) {
    report("nacha_zero_amount", line, `transaction code ${entry.transaction_code} moves money, so its amount must not be $0.00`);
  }
};

const rdfiCheckDigitIsRight: EntryCheck = (entry, { line }, report) => {
  const found = checkDigitProblem(entry.rdfi_identification + entry.check_digit);
  if (found) report("nacha_invalid_rdfi_check_digit", line, `receiving DFI: ${found}`);
};

const addendaIndicatorMatches: EntryCheck = (entry, { line }, report) => {
  const indicator = entry.addenda_record_indicator;
  const expected = entry.addenda.length > 0 ? "1" : "0";
  if (indicator !== expected) {
    const has = entry.addenda.length === 0 ? "no addenda follow" : `${entry.addenda.length} addenda follow`;
    report("nacha_invalid_addenda_indicator", line, `the addenda record indicator is "${indicator}" but ${has}; it must be ${expected}`);
  }
};

const returnAndChangeCodesAreKnown: EntryCheck = (entry, { lineOf }, report) => {
  for (const addenda of entry.addenda) {
    if (addenda.type_code === "99" && !Object.hasOwn(returnCodes, addenda.return_reason_code)) {
      report("nacha_unknown_return_code", lineOf(addenda), `return reason code "${addenda.return_reason_code}" is unknown`);
    }
    if (addenda.type_code === "98" && !Object.hasOwn(changeCodes, addenda.change_code)) {
      report("nacha_unknown_change_code", lineOf(addenda), `change code "${addenda.change_code}" is unknown`);
    }
  }
};

/**
 * A return carries one addenda 99 (an IAT return also its 10–16), a NOC one addenda 98; a forward
 * entry carries the addenda types its SEC code allows, as many as it allows, and those it requires.
 */
const addendaFitSec: EntryCheck = (entry, { sec, line, lineOf }, report) => {
  const rule = secRules[sec];
  if (rule === undefined || (entry.addenda.length === 0 && rule.addendaRequired === undefined)) return;
  const returnsAndChanges = entry.addenda.filter((addenda) => addenda.type_code === "98" || addenda.type_code === "99");
  const others = entry.addenda.filter((addenda) => addenda.type_code !== "98" && addenda.type_code !== "99");
  const isReturnOrChange = returnsAndChanges.length > 0;
  if (returnsAndChanges.length > 1) {
    report(
      "nacha_too_many_addenda",
      lineOf(returnsAndChanges[1] as Addenda),
      "a return or notification of change carries one addenda 98 or 99",
    );
  }
  const allowedTypes = isReturnOrChange && sec !== "IAT" && sec !== "COR" ? [] : rule.addendaTypes;
  for (const addenda of others) {
    if (!allowedTypes.includes(addenda.type_code)) {
      const why = isReturnOrChange ? "a return or notification of change" : `a ${sec} entry`;
      report("nacha_addenda_type_not_allowed", lineOf(addenda), `addenda type ${addenda.type_code} is not allowed on ${why}`);
    }
  }
  if (sec === "COR" && entry.addenda.some((addenda) => addenda.type_code === "99")) {
    report("nacha_addenda_type_not_allowed", line, "a COR entry carries an addenda 98, not 99");
  }
  if (!isReturnOrChange && others.length > rule.addendaMax) {
    report(
      "nacha_too_many_addenda",
      lineOf(others[rule.addendaMax] as Addenda),
      `a ${sec} entry carries at most ${rule.addendaMax} addenda, not ${others.length}`,
    );
  }
  const required = rule.addendaRequired ?? [];
  const missing = required.filter((type) => !entry.addenda.some((addenda) => addenda.type_code === type));
  if (missing.length > 0 && (!isReturnOrChange || sec === "IAT" || sec === "COR")) {
    report("nacha_missing_addenda", line, `${sec} entries must carry addenda ${missing.join(", ")}`);
  }
};

/**
 * Addenda 05 (and IAT's 17s and 18s, each type on its own) are numbered 1, 2, 3…, and name their
 * entry by the last 7 digits of its trace number, as IAT 10–16 do.
 */
const addendaSequenceFollowsEntry: EntryCheck = (entry, { lineOf }, report) => {
  if (entry.addenda.length === 0 || !hasTraceNumber(entry)) return;
  const entrySequence = readNumber(entry.trace_number.slice(8));
  const nextByType = new Map<string, number>();
  for (const addenda of entry.addenda) {
    if (!("entry_detail_sequence_number" in addenda)) continue;
    if (entrySequence !== undefined && addenda.entry_detail_sequence_number !== entrySequence) {
      report(
        "nacha_addenda_sequence_mismatch",
        lineOf(addenda),
        `entry detail sequence number ${addenda.entry_detail_sequence_number} is not ${entrySequence}, the end of trace number ${entry.trace_number}`,
      );
    }
    if ("addenda_sequence_number" in addenda) {
      const expected = nextByType.get(addenda.type_code) ?? 1;
      if (addenda.addenda_sequence_number !== expected) {
        report(
          "nacha_addenda_sequence_mismatch",
          lineOf(addenda),
          `addenda sequence number ${addenda.addenda_sequence_number} should be ${expected}`,
        );
      }
      nextByType.set(addenda.type_code, expected + 1);
    }
  }
};

const webDebitHasPaymentType: EntryCheck = (entry, { sec, code, line }, report) => {
  if (sec !== "WEB" || !isForward(code) || code?.direction !== "debit" || !("discretionary_data" in entry)) return;
  const paymentType = entry.discretionary_data.trim();
  if (paymentType !== "R" && paymentType !== "S") {
    report(
      "nacha_invalid_payment_type_code",
      line,
      `a WEB debit's payment type code (positions 77-78) is "${paymentType}"; it must be R (recurring) or S (single)`,
    );
  }
};

const telAndWebDebitsNameTheReceiver: EntryCheck = (entry, { sec, code, line }, report) => {
  if ((sec !== "WEB" && sec !== "TEL") || !isForward(code) || code?.direction !== "debit") return;
  if (!("individual_name" in entry) || entry.individual_name.trim() === "")
    report("nacha_missing_individual_name", line, `a ${sec} debit must name the receiver`);
};

/** An SHR entry starts its identification field with the card's expiration date, MMYY. */
const shrCardExpirationIsDate: EntryCheck = (entry, { sec, code, line }, report) => {
  if (sec !== "SHR" || !isForward(code) || !("identification_number" in entry)) return;
  const expiration = entry.identification_number.slice(0, 4);
  const month = Number(expiration.slice(0, 2));
  if (!/^\d{4}$/.test(expiration) || month < 1 || month > 12) {
    report("nacha_invalid_card_expiration_date", line, `the card expiration date "${expiration}" is not MMYY with a month 01–12`);
  }
};

const entryChecks: readonly EntryCheck[] = [
  transactionCodeIsKnown,
  directionFitsServiceClass,
  transactionCodeFitsSec,
  amountFitsTransactionCode,
  rdfiCheckDigitIsRight,
  addendaIndicatorMatches,
  returnAndChangeCodesAreKnown,
  addendaFitSec,
  addendaSequenceFollowsEntry,
  webDebitHasPaymentType,
  telAndWebDebitsNameTheReceiver,
  shrCardExpirationIsDate,
];

// ── Batch totals and control ────────────────────────────────────────────────────────────────

function checkBatchControl(header: BatchHeader | null, control: BatchControl, totals: BatchTotals, report: Report, line: number): void {
  const count = totals.entries + totals.addenda;
  if (control.entry_addenda_count !== count) {
    report(
      "nacha_batch_entry_addenda_count_mismatch",
      line,
      `the batch control counts ${control.entry_addenda_count} entries and addenda; the batch has ${count}`,
    );
  }
  if (control.entry_hash !== totals.entryHash) {
    report(
      "nacha_batch_entry_hash_mismatch",
      line,
      `the batch control's entry hash is ${control.entry_hash}; the batch's is ${totals.entryHash}`,
    );
  }
  if (control.total_debit_cents !== totals.debitCents) {
    report(
      "nacha_batch_debit_total_mismatch",
      line,
      `the batch control's debits are ${dollars(control.total_debit_cents)}; the batch's are ${dollars(totals.debitCents)}`,
    );
  }
  if (control.total_credit_cents !== totals.creditCents) {
    report(
      "nacha_batch_credit_total_mismatch",
      line,
      `the batch control's credits are ${dollars(control.total_credit_cents)}; the batch's are ${dollars(totals.creditCents)}`,
    );
  }
  if (header === null) return;
  const pairs: [string, string | number, string | number][] = [
    ["service class code", header.service_class_code, control.service_class_code],
    ["ODFI", header.odfi_identification, control.odfi_identification],
    ["batch number", header.batch_number, control.batch_number],
  ];
  // An IAT batch control leaves the company identification blank; an ADV control has none.
  if (!isIatHeader(header) && "company_identification" in control) {
    pairs.push(["company identification", header.company_identification, control.company_identification]);
  }
  for (const [name, inHeader, inControl] of pairs) {
    if (inHeader !== inControl)
      report("nacha_batch_control_mismatch", line, `the batch header's ${name} is "${inHeader}"; its control's is "${inControl}"`);
  }
}

// ── Batches ─────────────────────────────────────────────────────────────────────────────────

type LineOf = (record: { line?: number }) => number;
const lineOrZero: LineOf = (record) => record.line ?? 0;

/** Checks one batch entry by entry, as its entries arrive: it holds totals, never the entries. */
export class BatchValidator {
  private readonly header: BatchHeader | null;
  private readonly report: Report;
  private readonly lineOf: LineOf;
  private readonly sec: string;
  private readonly reversal: boolean;
  private readonly kind: ReturnType<typeof batchKind>;
  private readonly totals: BatchTotals = emptyTotals();
  private firstLine: number | undefined;
  private previousTrace = "";

  constructor(header: BatchHeader | null, report: Report, lineOf: LineOf = lineOrZero) {
    this.header = header;
    this.report = report;
    this.lineOf = lineOf;
    this.sec = header?.standard_entry_class_code ?? "";
    this.reversal = header !== null && "company_entry_description" in header && header.company_entry_description.trim() === "REVERSAL";
    this.kind = batchKind(header);
    if (header !== null) {
      this.firstLine = lineOf(header);
      for (const check of batchHeaderChecks) check(header, this.firstLine, report);
    }
  }

  entry(entry: Entry): void {
    const line = this.lineOf(entry);
    this.firstLine ??= line;
    if (this.header === null) this.report("nacha_entry_outside_batch", line, "an entry detail record must follow a batch header record");
    const context: EntryContext = {
      header: this.header,
      sec: this.sec,
      reversal: this.reversal,
      code: transactionCodes.get(entry.transaction_code),
      line,
      lineOf: this.lineOf,
    };
    for (const check of entryChecks) check(entry, context, this.report);
    if (this.kind !== "adv") this.checkTraceNumber(entry, line);
    addEntry(this.totals, entry);
  }

  /** Checks the batch control against the batch; returns the batch's totals. */
  end(control: BatchControl | null): BatchTotals {
    if (control === null) {
      const line = this.firstLine ?? 0;
      this.report("nacha_missing_batch_control", line, `the batch that starts on line ${line} has no batch control record`);
    } else {
      checkBatchControl(this.header, control, this.totals, this.report, this.lineOf(control));
    }
    return this.totals;
  }

  /** Trace numbers ascend within a batch and start with the batch's ODFI. */
  private checkTraceNumber(entry: Entry, line: number): void {
    if (!hasTraceNumber(entry)) return;
    const trace = entry.trace_number;
    if (this.previousTrace !== "" && trace <= this.previousTrace) {
      this.report("nacha_trace_number_out_of_order", line, `trace number ${trace} does not come after ${this.previousTrace}`);
    }
    this.previousTrace = trace;
    const odfi = this.header?.odfi_identification;
    if (odfi !== undefined && !trace.startsWith(odfi)) {
      this.report("nacha_trace_number_odfi_mismatch", line, `trace number ${trace} does not start with the batch's ODFI ${odfi}`);
    }
  }
}

// ── The file ────────────────────────────────────────────────────────────────────────────────

/**
 * Validates a file part by part, in file order: `header`, then for each batch `startBatch`, each
 * `entry`, `endBatch`; `finish` runs the file-level checks and returns every problem.
 */
export class FileValidator {
  readonly problems: NachaProblem[] = [];
  batches = 0;
  entries = 0;
  addenda = 0;
  debitCents = 0;
  creditCents = 0;
  private entryHash = 0;
  /** Records the file has in its structure (padding excluded), for the block count. */
  private records = 0;
  private batch: BatchValidator | undefined;
  private lastBatchNumber: number | undefined;
  private readonly lineOf: LineOf;
  private readonly report: Report = (code, line, message) => {
    this.problems.push(problem(code, line, message));
  };

  constructor(lineOf: LineOf = lineOrZero) {
    this.lineOf = lineOf;
  }

  header(header: FileHeader | null): void {
    if (header === null) {
      this.report("nacha_missing_file_header", 1, "the file does not start with a file header record");
      return;
    }
    this.records++;
    for (const check of fileHeaderChecks) check(header, this.lineOf(header), this.report);
  }

  startBatch(header: BatchHeader | null): void {
    this.batch = new BatchValidator(header, this.report, this.lineOf);
    this.batches++;
    if (header === null) return;
    this.records++;
    if (this.lastBatchNumber !== undefined && header.batch_number <= this.lastBatchNumber) {
      this.report(
        "nacha_batch_number_out_of_order",
        this.lineOf(header),
        `batch number ${header.batch_number} does not come after ${this.lastBatchNumber}`,
      );
    }
    this.lastBatchNumber = header.batch_number;
  }

  entry(entry: Entry): void {
    if (this.batch === undefined) throw new Error("FileValidator.entry called outside a batch");
    this.batch.entry(entry);
  }

  endBatch(control: BatchControl | null): void {
    if (this.batch === undefined) throw new Error("FileValidator.endBatch called outside a batch");
    const totals = this.batch.end(control);
    this.batch = undefined;
    this.entries += totals.entries;
    this.addenda += totals.addenda;
    this.debitCents += totals.debitCents;
    this.creditCents += totals.creditCents;
    this.entryHash = (this.entryHash + totals.entryHash) % entryHashModulus;
    this.records += totals.entries + totals.addenda + (control ? 1 : 0);
  }

  /** The file-level checks; `lastLine` is the file's last line, for a missing file control. Returns every problem, in line order. */
  finish(control: FileControl | null, lastLine: number): NachaProblem[] {
    if (control === null) {
      this.report("nacha_missing_file_control", lastLine + 1, `the file ends on line ${lastLine} without a file control record`);
      return byLine(this.problems);
    }
    this.records++;
    const line = this.lineOf(control);
    const blocks = Math.ceil(this.records / 10);
    const count = this.entries + this.addenda;
    const mismatches: [NachaProblemCode, string, number, number, (n: number) => string][] = [
      ["nacha_file_batch_count_mismatch", "batch count", control.batch_count, this.batches, String],
      ["nacha_file_block_count_mismatch", "block count", control.block_count, blocks, String],
      ["nacha_file_entry_addenda_count_mismatch", "entry/addenda count", control.entry_addenda_count, count, String],
      ["nacha_file_entry_hash_mismatch", "entry hash", control.entry_hash, this.entryHash, String],
      ["nacha_file_debit_total_mismatch", "total debits", control.total_debit_cents, this.debitCents, dollars],
      ["nacha_file_credit_total_mismatch", "total credits", control.total_credit_cents, this.creditCents, dollars],
    ];
    for (const [code, name, said, actual, show] of mismatches) {
      if (said !== actual) this.report(code, line, `the file control's ${name} is ${show(said)}; the file's is ${show(actual)}`);
    }
    return byLine(this.problems);
  }
}

/** Where the writer would put each record: the fallback line of a record that has none. */
function writtenLines(file: NachaFile): LineOf {
  const lines = new Map<object, number>();
  let line = 0;
  if (file.header) lines.set(file.header, ++line);
  for (const batch of file.batches) {
    if (batch.header) lines.set(batch.header, ++line);
    for (const entry of batch.entries) {
      lines.set(entry, ++line);
      for (const addenda of entry.addenda) lines.set(addenda, ++line);
    }
    if (batch.control) lines.set(batch.control, ++line);
  }
  if (file.control) lines.set(file.control, ++line);
  return (record) => record.line ?? lines.get(record) ?? 0;
}

function lastLineOf(file: NachaFile, lineOf: LineOf): number {
  let last = file.header ? lineOf(file.header) : 0;
  for (const batch of file.batches) {
    for (const record of [batch.header, ...batch.entries.flatMap((entry) => [entry, ...entry.addenda]), batch.control]) {
      if (record) last = Math.max(last, lineOf(record));
    }
  }
  for (const found of file.problems ?? []) last = Math.max(last, found.line);
  return last;
}

/**
 * Every problem with a file, in line order: those the reader found (`file.problems`) and those
 * the checks find in the structure. An empty list means the file is valid.
 */
export function validateNacha(file: NachaFile): NachaProblem[] {
  const lineOf = writtenLines(file);
  const validator = new FileValidator(lineOf);
  validator.header(file.header);
  for (const batch of file.batches) {
    validator.startBatch(batch.header);
    for (const entry of batch.entries) validator.entry(entry);
    validator.endBatch(batch.control);
  }
  validator.problems.push(...(file.problems ?? []));
  return validator.finish(file.control, lastLineOf(file, lineOf));
}
