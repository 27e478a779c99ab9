/**
 * NACHA record layouts as data: each record type is a list of fields with 1-based inclusive
 * positions, exactly as the NACHA Operating Rules (Appendix Three) number them. One codec
 * (`records.ts`) reads and writes every record from these tables, and the record types of the
 * parsed structure are derived from them, so a layout, its reader, its writer and its type cannot
 * drift apart.
 *
 * Field kinds:
 * - `text`     left-justified, space-padded; read with trailing spaces removed.
 * - `right`    right-justified, space-padded (the header's ` 076401251`); read with spaces removed.
 * - `number`   right-justified, zero-padded whole number (cents, counts, hashes); read as a number.
 * - `tag`      a fixed value that tells records apart (an addenda type code); kept in the structure.
 * - `constant` a fixed value (record type, record size); written as is, not kept.
 * - `blank`    reserved, written as spaces, not kept.
 */

export type FieldKind = "text" | "right" | "number" | "tag" | "constant" | "blank";

export interface FieldSpec {
  readonly name: string;
  /** First position, 1-based. */
  readonly start: number;
  /** Last position, 1-based, inclusive. */
  readonly end: number;
  readonly kind: FieldKind;
  /** The value of a `tag` or `constant` field. */
  readonly value?: string;
}

export type Layout = readonly FieldSpec[];

const text = <N extends string>(name: N, start: number, end: number) => ({ name, start, end, kind: "text" }) as const;
const right = <N extends string>(name: N, start: number, end: number) => ({ name, start, end, kind: "right" }) as const;
const number = <N extends string>(name: N, start: number, end: number) => ({ name, start, end, kind: "number" }) as const;
const tag = <N extends string, V extends string>(name: N, start: number, end: number, value: V) =>
  ({ name, start, end, kind: "tag", value }) as const;
const constant = <V extends string>(start: number, end: number, value: V) => ({ name: "", start, end, kind: "constant", value }) as const;
const blank = (start: number, end: number) => ({ name: "", start, end, kind: "blank" }) as const;

/** The fields a layout keeps, as a record type: numbers for `number`, the literal for `tag`, strings otherwise. */
export type FieldsOf<L extends Layout> = {
  -readonly [F in L[number] as F["kind"] extends "constant" | "blank" ? never : F["name"]]: F["kind"] extends "number"
    ? number
    : F extends { kind: "tag"; value: infer V }
      ? V
      : string;
};

// ── File header and control ─────────────────────────────────────────────────────────────────

export const fileHeaderLayout = [
  constant(1, 1, "1"),
  constant(2, 3, "01"), // priority code
  right("immediate_destination", 4, 13),
  right("immediate_origin", 14, 23),
  text("file_creation_date", 24, 29),
  text("file_creation_time", 30, 33),
  text("file_id_modifier", 34, 34),
  constant(35, 37, "094"), // record size
  constant(38, 39, "10"), // blocking factor
  constant(40, 40, "1"), // format code
  text("immediate_destination_name", 41, 63),
  text("immediate_origin_name", 64, 86),
  text("reference_code", 87, 94),
] as const;

export const fileControlLayout = [
  constant(1, 1, "9"),
  number("batch_count", 2, 7),
  number("block_count", 8, 13),
  number("entry_addenda_count", 14, 21),
  number("entry_hash", 22, 31),
  number("total_debit_cents", 32, 43),
  number("total_credit_cents", 44, 55),
  blank(56, 94),
] as const;

/** A file of ADV batches ends with this control: the same fields, with 20-digit totals. */
export const advFileControlLayout = [
  constant(1, 1, "9"),
  number("batch_count", 2, 7),
  number("block_count", 8, 13),
  number("entry_addenda_count", 14, 21),
  number("entry_hash", 22, 31),
  number("total_debit_cents", 32, 51),
  number("total_credit_cents", 52, 71),
  blank(72, 94),
] as const;

// ── Batch header and control ────────────────────────────────────────────────────────────────

export const batchHeaderLayout = [
  constant(1, 1, "5"),
  text("service_class_code", 2, 4),
  text("company_name", 5, 20),
  text("company_discretionary_data", 21, 40),
  text("company_identification", 41, 50),
  text("standard_entry_class_code", 51, 53),
  text("company_entry_description", 54, 63),
  text("company_descriptive_date", 64, 69),
  text("effective_entry_date", 70, 75),
  text("settlement_date", 76, 78),
  text("originator_status_code", 79, 79),
  text("odfi_identification", 80, 87),
  number("batch_number", 88, 94),
] as const;

/** IAT batches (and IAT notifications of change, SEC `COR` with `IATCOR` in 5-20) use this header. */
export const iatBatchHeaderLayout = [
  constant(1, 1, "5"),
  text("service_class_code", 2, 4),
  text("iat_indicator", 5, 20),
  text("foreign_exchange_indicator", 21, 22),
  text("foreign_exchange_reference_indicator", 23, 23),
  text("foreign_exchange_reference", 24, 38),
  text("iso_destination_country_code", 39, 40),
  text("originator_identification", 41, 50),
  text("standard_entry_class_code", 51, 53),
  text("company_entry_description", 54, 63),
  text("iso_originating_currency_code", 64, 66),
  text("iso_destination_currency_code", 67, 69),
  text("effective_entry_date", 70, 75),
  text("settlement_date", 76, 78),
  text("originator_status_code", 79, 79),
  text("odfi_identification", 80, 87),
  number("batch_number", 88, 94),
] as const;

export const batchControlLayout = [
  constant(1, 1, "8"),
  text("service_class_code", 2, 4),
  number("entry_addenda_count", 5, 10),
  number("entry_hash", 11, 20),
  number("total_debit_cents", 21, 32),
  number("total_credit_cents", 33, 44),
  text("company_identification", 45, 54),
  text("message_authentication_code", 55, 73),
  blank(74, 79),
  text("odfi_identification", 80, 87),
  number("batch_number", 88, 94),
] as const;

export const advBatchControlLayout = [
  constant(1, 1, "8"),
  text("service_class_code", 2, 4),
  number("entry_addenda_count", 5, 10),
  number("entry_hash", 11, 20),
  number("total_debit_cents", 21, 40),
  number("total_credit_cents", 41, 60),
  text("ach_operator_data", 61, 79),
  text("odfi_identification", 80, 87),
  number("batch_number", 88, 94),
] as const;

// ── Entry detail ────────────────────────────────────────────────────────────────────────────

/**
 * Every SEC code but IAT and ADV. Some SEC codes name parts of 40-78 differently (CTX: addenda
 * count and receiving company; ARC/BOC: check serial number; POS/SHR: card data); those parts are
 * kept whole here, which reads and writes them unchanged.
 */
export const entryLayout = [
  constant(1, 1, "6"),
  text("transaction_code", 2, 3),
  text("rdfi_identification", 4, 11),
  text("check_digit", 12, 12),
  text("dfi_account_number", 13, 29),
  number("amount_cents", 30, 39),
  text("identification_number", 40, 54),
  text("individual_name", 55, 76),
  text("discretionary_data", 77, 78),
  text("addenda_record_indicator", 79, 79),
  text("trace_number", 80, 94),
] as const;

export const iatEntryLayout = [
  constant(1, 1, "6"),
  text("transaction_code", 2, 3),
  text("rdfi_identification", 4, 11),
  text("check_digit", 12, 12),
  number("addenda_records", 13, 16),
  blank(17, 29),
  number("amount_cents", 30, 39),
  text("dfi_account_number", 40, 74),
  blank(75, 76),
  text("ofac_screening_indicator", 77, 77),
  text("secondary_ofac_screening_indicator", 78, 78),
  text("addenda_record_indicator", 79, 79),
  text("trace_number", 80, 94),
] as const;

/** Automated accounting advices (SEC ADV, service class 280): no trace number, a 12-digit amount. */
export const advEntryLayout = [
  constant(1, 1, "6"),
  text("transaction_code", 2, 3),
  text("rdfi_identification", 4, 11),
  text("check_digit", 12, 12),
  text("dfi_account_number", 13, 27),
  number("amount_cents", 28, 39),
  text("advice_routing_number", 40, 48),
  text("file_identification", 49, 53),
  text("ach_operator_data", 54, 54),
  text("individual_name", 55, 76),
  text("discretionary_data", 77, 78),
  text("addenda_record_indicator", 79, 79),
  text("ach_operator_routing_number", 80, 87),
  text("julian_day", 88, 90),
  text("sequence_number", 91, 94),
] as const;

// ── Addenda ─────────────────────────────────────────────────────────────────────────────────

/** POS, SHR and MTE terminal data. */
export const addenda02Layout = [
  constant(1, 1, "7"),
  tag("type_code", 2, 3, "02"),
  text("reference_information_one", 4, 10),
  text("reference_information_two", 11, 13),
  text("terminal_identification_code", 14, 19),
  text("transaction_serial_number", 20, 25),
  text("transaction_date", 26, 29),
  text("authorization_code_or_card_expiration_date", 30, 35),
  text("terminal_location", 36, 62),
  text("terminal_city", 63, 77),
  text("terminal_state", 78, 79),
  text("trace_number", 80, 94),
] as const;

/** Payment related information (PPD, CCD, CTX, WEB, …). */
export const addenda05Layout = [
  constant(1, 1, "7"),
  tag("type_code", 2, 3, "05"),
  text("payment_related_information", 4, 83),
  number("addenda_sequence_number", 84, 87),
  number("entry_detail_sequence_number", 88, 94),
] as const;

/** Notification of change. Refused NOCs (C61–C69) use 65–79 too; this layout keeps it blank. */
export const addenda98Layout = [
  constant(1, 1, "7"),
  tag("type_code", 2, 3, "98"),
  text("change_code", 4, 6),
  text("original_trace_number", 7, 21),
  blank(22, 27),
  text("original_rdfi_identification", 28, 35),
  text("corrected_data", 36, 64),
  blank(65, 79),
  text("trace_number", 80, 94),
] as const;

/** Return. Dishonored and contested returns (R61–R77) subdivide 22–79 further; it is kept whole. */
export const addenda99Layout = [
  constant(1, 1, "7"),
  tag("type_code", 2, 3, "99"),
  text("return_reason_code", 4, 6),
  text("original_trace_number", 7, 21),
  text("date_of_death", 22, 27),
  text("original_rdfi_identification", 28, 35),
  text("addenda_information", 36, 79),
  text("trace_number", 80, 94),
] as const;

export const addenda10Layout = [
  constant(1, 1, "7"),
  tag("type_code", 2, 3, "10"),
  text("transaction_type_code", 4, 6),
  text("foreign_payment_amount", 7, 24),
  text("foreign_trace_number", 25, 46),
  text("name", 47, 81),
  blank(82, 87),
  number("entry_detail_sequence_number", 88, 94),
] as const;

export const addenda11Layout = [
  constant(1, 1, "7"),
  tag("type_code", 2, 3, "11"),
  text("originator_name", 4, 38),
  text("originator_street_address", 39, 73),
  blank(74, 87),
  number("entry_detail_sequence_number", 88, 94),
] as const;

export const addenda12Layout = [
  constant(1, 1, "7"),
  tag("type_code", 2, 3, "12"),
  text("originator_city_state_province", 4, 38),
  text("originator_country_postal_code", 39, 73),
  blank(74, 87),
  number("entry_detail_sequence_number", 88, 94),
] as const;

export const addenda13Layout = [
  constant(1, 1, "7"),
  tag("type_code", 2, 3, "13"),
  text("odfi_name", 4, 38),
  text("odfi_id_number_qualifier", 39, 40),
  text("odfi_identification", 41, 74),
  text("odfi_branch_country_code", 75, 77),
  blank(78, 87),
  number("entry_detail_sequence_number", 88, 94),
] as const;

export const addenda14Layout = [
  constant(1, 1, "7"),
  tag("type_code", 2, 3, "14"),
  text("rdfi_name", 4, 38),
  text("rdfi_id_number_qualifier", 39, 40),
  text("rdfi_identification", 41, 74),
  text("rdfi_branch_country_code", 75, 77),
  blank(78, 87),
  number("entry_detail_sequence_number", 88, 94),
] as const;

export const addenda15Layout = [
  constant(1, 1, "7"),
  tag("type_code", 2, 3, "15"),
  text("receiver_identification_number", 4, 18),
  text("receiver_street_address", 19, 53),
  blank(54, 87),
  number("entry_detail_sequence_number", 88, 94),
] as const;

export const addenda16Layout = [
  constant(1, 1, "7"),
  tag("type_code", 2, 3, "16"),
  text("receiver_city_state_province", 4, 38),
  text("receiver_country_postal_code", 39, 73),
  blank(74, 87),
  number("entry_detail_sequence_number", 88, 94),
] as const;

export const addenda17Layout = [
  constant(1, 1, "7"),
  tag("type_code", 2, 3, "17"),
  text("payment_related_information", 4, 83),
  number("addenda_sequence_number", 84, 87),
  number("entry_detail_sequence_number", 88, 94),
] as const;

export const addenda18Layout = [
  constant(1, 1, "7"),
  tag("type_code", 2, 3, "18"),
  text("foreign_correspondent_bank_name", 4, 38),
  text("foreign_correspondent_bank_id_number_qualifier", 39, 40),
  text("foreign_correspondent_bank_id_number", 41, 74),
  text("foreign_correspondent_bank_branch_country_code", 75, 77),
  blank(78, 83),
  number("addenda_sequence_number", 84, 87),
  number("entry_detail_sequence_number", 88, 94),
] as const;

/** Addenda layouts by type code (positions 2–3). */
export const addendaLayouts = {
  "02": addenda02Layout,
  "05": addenda05Layout,
  "10": addenda10Layout,
  "11": addenda11Layout,
  "12": addenda12Layout,
  "13": addenda13Layout,
  "14": addenda14Layout,
  "15": addenda15Layout,
  "16": addenda16Layout,
  "17": addenda17Layout,
  "18": addenda18Layout,
  "98": addenda98Layout,
  "99": addenda99Layout,
} as const;

export type AddendaTypeCode = keyof typeof addendaLayouts;

export function isAddendaTypeCode(code: string): code is AddendaTypeCode {
  return Object.hasOwn(addendaLayouts, code);
}

/** Every layout by name, for the tests that check each covers positions 1–94 exactly once. */
export const allLayouts: Readonly<Record<string, Layout>> = {
  fileHeaderLayout,
  fileControlLayout,
  advFileControlLayout,
  batchHeaderLayout,
  iatBatchHeaderLayout,
  batchControlLayout,
  advBatchControlLayout,
  entryLayout,
  iatEntryLayout,
  advEntryLayout,
  ...Object.fromEntries(Object.entries(addendaLayouts).map(([code, layout]) => [`addenda${code}Layout`, layout])),
};
