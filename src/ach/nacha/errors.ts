import { catalogError, type ErrorCatalog } from "../../platform/index.ts";

const fileProblem = (title: string) => ({ status: 422, title, retryable: false }) as const;

/**
 * Every code the NACHA codec reports. File problems are values (`NachaProblem`), reported all at
 * once with the record's line; the last two are thrown as `RemitError`s: the input could not be
 * read at all, or the structure given to the writer cannot be written.
 */
export const nachaErrors = {
  // Reading: records and characters
  nacha_record_length: fileProblem("A record is not 94 characters long"),
  nacha_invalid_character: fileProblem("A record holds a control character"),
  nacha_unknown_record_type: fileProblem("A record's type (its first character) is not 1, 5, 6, 7, 8 or 9"),
  nacha_invalid_number: fileProblem("A numeric field holds something other than digits"),
  // Structure: records in their places
  nacha_missing_file_header: fileProblem("The file does not start with a file header record"),
  nacha_unexpected_file_header: fileProblem("A file header record appears after the first record"),
  nacha_missing_file_control: fileProblem("The file has no file control record"),
  nacha_record_after_file_control: fileProblem("A record follows the file control record"),
  nacha_unexpected_padding: fileProblem("A padding record (all 9s) comes before the file control record"),
  nacha_entry_outside_batch: fileProblem("An entry detail record is outside any batch"),
  nacha_addenda_outside_entry: fileProblem("An addenda record does not follow an entry detail record"),
  nacha_batch_control_outside_batch: fileProblem("A batch control record is outside any batch"),
  nacha_missing_batch_control: fileProblem("A batch has no batch control record"),
  // Fields
  nacha_invalid_immediate_destination: fileProblem("The file header's immediate destination is not a routing number"),
  nacha_invalid_immediate_origin: fileProblem("The file header's immediate origin is neither a routing number nor a 10-digit identifier"),
  nacha_invalid_rdfi_check_digit: fileProblem("An entry's receiving DFI routing number fails its check digit"),
  nacha_invalid_date: fileProblem("A date is not a real date in YYMMDD form"),
  nacha_invalid_file_id_modifier: fileProblem("The file ID modifier is not A–Z or 0–9"),
  // Codes
  nacha_unknown_service_class_code: fileProblem("The batch's service class code is not 200, 220, 225 or 280"),
  nacha_unknown_sec_code: fileProblem("The batch's standard entry class code is unknown"),
  nacha_unknown_transaction_code: fileProblem("An entry's transaction code is unknown"),
  nacha_unknown_addenda_type: fileProblem("An addenda record's type code is unknown"),
  nacha_unknown_return_code: fileProblem("A return addenda's return reason code is unknown"),
  nacha_unknown_change_code: fileProblem("A notification of change's change code is unknown"),
  // Batch and entry rules
  nacha_service_class_mismatch: fileProblem("An entry's direction does not fit its batch's service class code"),
  nacha_transaction_code_not_allowed: fileProblem("The batch's standard entry class code does not allow this transaction code"),
  nacha_prenote_amount_not_zero: fileProblem("A prenote or zero-dollar entry carries an amount"),
  nacha_noc_amount_not_zero: fileProblem("A notification of change entry carries an amount"),
  nacha_zero_amount: fileProblem("A live entry is for $0.00"),
  nacha_invalid_addenda_indicator: fileProblem("An entry's addenda record indicator does not match its addenda"),
  nacha_too_many_addenda: fileProblem("An entry has more addenda records than its SEC code allows"),
  nacha_missing_addenda: fileProblem("An entry lacks an addenda record its SEC code requires"),
  nacha_addenda_type_not_allowed: fileProblem("An entry has an addenda type its SEC code does not allow"),
  nacha_addenda_sequence_mismatch: fileProblem("An addenda record's sequence numbers do not follow its entry"),
  nacha_invalid_payment_type_code: fileProblem("A WEB debit's payment type code is not R or S"),
  nacha_missing_individual_name: fileProblem("A TEL or WEB debit has no individual name"),
  nacha_invalid_card_expiration_date: fileProblem("An SHR entry's card expiration date is not a real MMYY"),
  nacha_trace_number_out_of_order: fileProblem("Trace numbers do not ascend within the batch"),
  nacha_trace_number_odfi_mismatch: fileProblem("A trace number does not start with the batch's ODFI"),
  nacha_batch_number_out_of_order: fileProblem("Batch numbers do not ascend within the file"),
  // Controls
  nacha_batch_control_mismatch: fileProblem("The batch control disagrees with its batch header"),
  nacha_batch_entry_addenda_count_mismatch: fileProblem("The batch control's entry/addenda count is not the batch's"),
  nacha_batch_entry_hash_mismatch: fileProblem("The batch control's entry hash is not the batch's"),
  nacha_batch_debit_total_mismatch: fileProblem("The batch control's total debits are not the batch's"),
  nacha_batch_credit_total_mismatch: fileProblem("The batch control's total credits are not the batch's"),
  nacha_file_batch_count_mismatch: fileProblem("The file control's batch count is not the file's"),
  nacha_file_block_count_mismatch: fileProblem("The file control's block count is not the file's"),
  nacha_file_entry_addenda_count_mismatch: fileProblem("The file control's entry/addenda count is not the file's"),
  nacha_file_entry_hash_mismatch: fileProblem("The file control's entry hash is not the file's"),
  nacha_file_debit_total_mismatch: fileProblem("The file control's total debits are not the file's"),
  nacha_file_credit_total_mismatch: fileProblem("The file control's total credits are not the file's"),
  // Thrown, not reported
  nacha_input_unreadable: fileProblem("The NACHA input could not be read"),
  nacha_structure_invalid: fileProblem("The structure cannot be written as a NACHA file"),
} as const satisfies ErrorCatalog;

export type NachaErrorCode = keyof typeof nachaErrors;
/** The codes thrown as `RemitError`s rather than reported as problems. */
export type NachaThrownCode = "nacha_input_unreadable" | "nacha_structure_invalid";
export type NachaProblemCode = Exclude<NachaErrorCode, NachaThrownCode>;

/** One thing wrong with a file: a stable code, the record's 1-based line, and a plain message. */
export interface NachaProblem {
  code: NachaProblemCode;
  line: number;
  message: string;
}

export const nachaError = catalogError(nachaErrors);

export function problem(code: NachaProblemCode, line: number, message: string): NachaProblem {
  return { code, line, message };
}

const catalogOrder = new Map(Object.keys(nachaErrors).map((code, i) => [code, i]));

/** Problems in file order, and within a line in catalog order (reading, structure, fields, codes, rules, controls). */
export function byLine(problems: readonly NachaProblem[]): NachaProblem[] {
  return [...problems].sort((a, b) => a.line - b.line || (catalogOrder.get(a.code) ?? 0) - (catalogOrder.get(b.code) ?? 0));
}
