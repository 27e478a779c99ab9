import { nextFedachBusinessDay } from "../calendar/fedach.ts";
import type { Addenda98, Addenda99, NachaFile, StandardBatchHeader, StandardEntry } from "../nacha/index.ts";

/**
 * What the simulated bank does with each entry it receives, by the account number's last digits
 * (the test accounts, like the processor simulator's test cards): `…0001` comes back R01
 * (insufficient funds), `…0003` R03 (no account), `…0101` draws a NOC C01 whose corrected number
 * has `0102` in place of that `0101`; every other entry settles and draws no answer. Pure.
 */
export type TestAccountOutcome =
  | { readonly kind: "return"; readonly code: "R01" | "R03" }
  | { readonly kind: "notice"; readonly code: "C01"; readonly correctedAccountNumber: string }
  | { readonly kind: "settle" };

export function outcomeOf(accountNumber: string): TestAccountOutcome {
  if (accountNumber.endsWith("0001")) return { kind: "return", code: "R01" };
  if (accountNumber.endsWith("0003")) return { kind: "return", code: "R03" };
  if (accountNumber.endsWith("0101")) return { kind: "notice", code: "C01", correctedAccountNumber: `${accountNumber.slice(0, -4)}0102` };
  return { kind: "settle" };
}

const standardEntries = (file: NachaFile) =>
  file.batches.flatMap((batch) =>
    batch.header && "company_identification" in batch.header
      ? batch.entries.map((entry) => ({ header: batch.header as StandardBatchHeader, entry: entry as StandardEntry }))
      : [],
  );

/** How many entries of the file come back, and how many draw a NOC. */
export function countAnswers(file: NachaFile): { entries: number; returns: number; notices: number } {
  let returns = 0;
  let notices = 0;
  const entries = standardEntries(file);
  for (const { entry } of entries) {
    const outcome = outcomeOf(entry.dfi_account_number);
    if (outcome.kind === "return") returns++;
    if (outcome.kind === "notice") notices++;
  }
  return { entries: entries.length, returns, notices };
}

const isoOf = (yymmdd: string) => `20${yymmdd.slice(0, 2)}-${yymmdd.slice(2, 4)}-${yymmdd.slice(4, 6)}`;
const yymmddOf = (date: string) => date.replaceAll("-", "").slice(2);

/**
 * The banking day the bank answers the file: the latest date its entries settle on (an
 * effective date the Fed is closed settles on the next business day).
 */
export function answerDateOf(file: NachaFile): string {
  const dates = file.batches.flatMap((b) =>
    b.header && /^\d{6}$/.test(b.header.effective_entry_date) ? [b.header.effective_entry_date] : [],
  );
  return nextFedachBusinessDay(isoOf(dates.sort().at(-1) ?? "000101"));
}

const routingWeights = [3, 7, 1, 3, 7, 1, 3, 7] as const;

function withCheckDigit(first8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (first8.charCodeAt(i) - 48) * (routingWeights[i] as number);
  return first8 + ((10 - (sum % 10)) % 10);
}

/** The return or NOC transaction code of an entry: same account kind, 1 for a credit, 6 for a debit. */
function answerTransactionCode(original: string): string {
  const debit = Number(original[1]) >= 6;
  return `${original[0]}${debit ? "6" : "1"}`;
}

/**
 * The return/NOC file the bank sends back to the originator for `outbound`, dated `answerDate`
 * (YYYY-MM-DD): the ODFI is its destination; a batch per answering bank (RDFI), kind and original
 * batch, each entry traced by that bank and naming the original trace in its addenda 99 (return)
 * or 98 (NOC). Undefined when every entry settles. Deterministic: the same file and date make the
 * same bytes, so an answer written twice imports once.
 */
export function answerFile(outbound: NachaFile, answerDate: string): NachaFile | undefined {
  const entries = standardEntries(outbound);
  if (!outbound.header || entries.length === 0) return undefined;
  const odfi = (entries[0] as { header: StandardBatchHeader }).header.odfi_identification;
  const batches = new Map<string, { header: StandardBatchHeader; entries: StandardEntry[] }>();
  let sequence = 0;
  for (const { header, entry } of entries) {
    const outcome = outcomeOf(entry.dfi_account_number);
    if (outcome.kind === "settle") continue;
    const rdfi = entry.rdfi_identification;
    const key = `${outcome.kind}|${rdfi}|${header.batch_number}`;
    let batch = batches.get(key);
    if (!batch) {
      batch = {
        header: {
          service_class_code: header.service_class_code,
          company_name: header.company_name,
          company_discretionary_data: header.company_discretionary_data,
          company_identification: header.company_identification,
          standard_entry_class_code: outcome.kind === "notice" ? "COR" : header.standard_entry_class_code,
          company_entry_description: header.company_entry_description,
          company_descriptive_date: "",
          effective_entry_date: yymmddOf(answerDate),
          settlement_date: "",
          originator_status_code: "1",
          // The answering bank originates the return, so it stands where the ODFI stood.
          odfi_identification: rdfi,
          batch_number: batches.size + 1,
        },
        entries: [],
      };
      batches.set(key, batch);
    }
    const traceNumber = rdfi + String(++sequence).padStart(7, "0");
    const addenda: Addenda99 | Addenda98 =
      outcome.kind === "return"
        ? {
            type_code: "99",
            return_reason_code: outcome.code,
            original_trace_number: entry.trace_number,
            date_of_death: "",
            original_rdfi_identification: rdfi,
            addenda_information: "",
            trace_number: traceNumber,
          }
        : {
            type_code: "98",
            change_code: outcome.code,
            original_trace_number: entry.trace_number,
            original_rdfi_identification: rdfi,
            corrected_data: outcome.correctedAccountNumber,
            trace_number: traceNumber,
          };
    batch.entries.push({
      transaction_code: answerTransactionCode(entry.transaction_code),
      rdfi_identification: rdfi,
      check_digit: entry.check_digit,
      dfi_account_number: entry.dfi_account_number,
      amount_cents: outcome.kind === "return" ? entry.amount_cents : 0,
      identification_number: entry.identification_number,
      individual_name: entry.individual_name,
      discretionary_data: entry.discretionary_data,
      addenda_record_indicator: "1",
      trace_number: traceNumber,
      addenda: [addenda],
    });
  }
  if (batches.size === 0) return undefined;
  return {
    header: {
      immediate_destination: withCheckDigit(odfi),
      immediate_origin: outbound.header.immediate_destination,
      file_creation_date: yymmddOf(answerDate),
      file_creation_time: "0500",
      file_id_modifier: "A",
      immediate_destination_name: outbound.header.immediate_origin_name,
      immediate_origin_name: outbound.header.immediate_destination_name,
      reference_code: "",
    },
    batches: [...batches.values()].map((b) => ({ header: b.header, entries: b.entries, control: null })),
    control: null,
  };
}
