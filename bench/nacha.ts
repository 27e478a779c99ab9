/**
 * NACHA benchmark: entries per second through the codec, beside nach2 — the most-downloaded
 * NACHA library on npm that works in-process (ach-node-sdk has more downloads but is only a
 * client for moov-io/ach's HTTP server) — on the work it can do.
 *
 * Workloads:
 *   read    `checkNachaFile` over the corpus's 500,000-entry file (502,499 entries, 2,500
 *           batches), gunzipped as a stream with node:zlib: read + validate, streaming.
 *           nach2 0.5.1 has no reader, so there is no reference run; moov-io/ach's own figure
 *           (681 ms on an Apple M4 Max) is recorded beside ours for scale.
 *   write   1,000,000 entries in 10,000 batches of 100, from plain entry data to the file text:
 *           ours builds the structure and calls `writeNacha`; nach2 builds its File/Batch/Entry
 *           objects and calls `generateFile`. Batches of 100 because nach2's `addEntry`
 *           re-totals its whole batch on every call (quadratic in batch size).
 * Each of ours runs whole passes for BENCH_SECONDS after BENCH_WARMUP_SECONDS (at least one
 * pass each) and reports the median; nach2, far slower, runs one pass after a small warm-up.
 */
import { createReadStream, existsSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { createGunzip } from "node:zlib";
import { checkNachaFile, type NachaFile, writeNacha } from "../src/ach/index.ts";
import { type BenchOptions, type BenchOutcome, round, waitForQuiet } from "./lib.ts";

export const description = "NACHA codec: read + validate 500k entries (streamed gunzip), write 1M entries, entries/s beside nach2";
export const defaultSeconds = 10;

const largeFile = new URL("../../shared/corpus/nacha/large/PPD-2500-batches-500000-entries.ach.gz", import.meta.url);
const largeFileEntries = 502_499;
const writeEntries = 1_000_000;
const entriesPerBatch = 100;

interface Passes {
  readonly passes: number;
  readonly medianMs: number;
  readonly bestMs: number;
}

/** Runs `work` in whole passes: unmeasured for `warmupSeconds`, then measured for `seconds`; at least one of each. */
async function passes(seconds: number, warmupSeconds: number, work: () => Promise<void> | void): Promise<Passes> {
  const warmupUntil = performance.now() + warmupSeconds * 1000;
  do await work();
  while (performance.now() < warmupUntil);
  const times: number[] = [];
  const until = performance.now() + seconds * 1000;
  do {
    const t0 = performance.now();
    await work();
    times.push(performance.now() - t0);
  } while (performance.now() < until);
  times.sort((a, b) => a - b);
  return {
    passes: times.length,
    medianMs: round(times[Math.floor((times.length - 1) / 2)] as number, 1),
    bestMs: round(times[0] as number, 1),
  };
}

const perSecond = (entries: number, ms: number) => Math.round((entries / ms) * 1000);
const gunzipped = () => createReadStream(largeFile).pipe(createGunzip());

// ── Entry data, the same for both writers ───────────────────────────────────────────────────

interface EntryData {
  readonly account: string;
  readonly amountCents: number;
  readonly id: string;
  readonly name: string;
}

function entryData(count: number): EntryData[] {
  return Array.from({ length: count }, (_, i) => ({
    account: String(100_000_000 + ((i * 7_919) % 900_000_000)),
    amountCents: 100 + ((i * 104_729) % 99_900),
    id: `INV${String(i).padStart(9, "0")}`,
    name: `TAXPAYER ${i % 100_000}`,
  }));
}

function oursWrite(data: readonly EntryData[]): string {
  const odfi = "08100003";
  const file: NachaFile = {
    header: {
      immediate_destination: "081000032",
      immediate_origin: "1234567890",
      file_creation_date: "260514",
      file_creation_time: "0930",
      file_id_modifier: "A",
      immediate_destination_name: "SOME BANK",
      immediate_origin_name: "COUNTY OF REMIT",
      reference_code: "",
    },
    batches: [],
    control: null,
  };
  for (let start = 0; start < data.length; start += entriesPerBatch) {
    file.batches.push({
      header: {
        service_class_code: "225",
        company_name: "COUNTY OF REMIT",
        company_discretionary_data: "",
        company_identification: "1234567890",
        standard_entry_class_code: "PPD",
        company_entry_description: "PROP TAX",
        company_descriptive_date: "",
        effective_entry_date: "260515",
        settlement_date: "",
        originator_status_code: "1",
        odfi_identification: odfi,
        batch_number: start / entriesPerBatch + 1,
      },
      entries: data.slice(start, start + entriesPerBatch).map((entry, i) => ({
        transaction_code: "27",
        rdfi_identification: "08100021",
        check_digit: "0",
        dfi_account_number: entry.account,
        amount_cents: entry.amountCents,
        identification_number: entry.id,
        individual_name: entry.name,
        discretionary_data: "",
        addenda_record_indicator: "0",
        trace_number: odfi + String(start + i + 1).padStart(7, "0"),
        addenda: [],
      })),
      control: null,
    });
  }
  return writeNacha(file);
}

interface Nach2 {
  File: new (options: Record<string, unknown>) => { addBatch(batch: unknown): void; generateFile(done: (text: string) => void): void };
  Batch: new (options: Record<string, unknown>) => { addEntry(entry: unknown): void };
  Entry: new (options: Record<string, unknown>) => unknown;
}

function nach2Write(nach: Nach2, data: readonly EntryData[]): string {
  const file = new nach.File({
    immediateDestination: "081000032",
    immediateOrigin: "123456789",
    immediateDestinationName: "SOME BANK",
    immediateOriginName: "COUNTY OF REMIT",
    referenceCode: "REMIT",
  });
  for (let start = 0; start < data.length; start += entriesPerBatch) {
    const batch = new nach.Batch({
      serviceClassCode: "225",
      companyName: "COUNTY OF REMIT",
      standardEntryClassCode: "PPD",
      companyIdentification: "1234567890",
      companyEntryDescription: "PROP TAX",
      companyDescriptiveDate: "MAY 15",
      effectiveEntryDate: new Date("2026-05-15T12:00:00Z"),
      originatingDFI: "081000032",
    });
    for (const entry of data.slice(start, start + entriesPerBatch)) {
      batch.addEntry(
        new nach.Entry({
          receivingDFI: "081000210",
          DFIAccount: entry.account,
          amount: (entry.amountCents / 100).toFixed(2), // nach2 takes dollars
          idNumber: entry.id,
          individualName: entry.name,
          discretionaryData: "  ",
          transactionCode: "27",
        }),
      );
    }
    file.addBatch(batch);
  }
  let text = "";
  file.generateFile((generated) => {
    text = generated;
  });
  return text;
}

export async function run(options: BenchOptions): Promise<BenchOutcome> {
  const { seconds, warmupSeconds, log } = options;
  const require = createRequire(import.meta.url);
  const nach = require("nach2") as Nach2;
  const nach2Version = (require("nach2/package.json") as { version: string }).version;
  const machine = {
    cpu: os.cpus()[0]?.model ?? "unknown",
    cpus: os.cpus().length,
    node: process.version,
    loadAverage: os.loadavg().map((x) => round(x, 2)),
  };
  log(`${machine.cpu} × ${machine.cpus}, Node ${machine.node}, load ${machine.loadAverage.join(" ")}`);

  // Read + validate.
  let read: Record<string, unknown>;
  if (existsSync(largeFile)) {
    const backgroundBusyPct = await waitForQuiet();
    let gunzipOnlyMs = 0;
    {
      const t0 = performance.now();
      for await (const _ of gunzipped());
      gunzipOnlyMs = round(performance.now() - t0, 1);
    }
    let last: Awaited<ReturnType<typeof checkNachaFile>> | undefined;
    const measured = await passes(seconds, warmupSeconds, async () => {
      last = await checkNachaFile(gunzipped());
    });
    if (!last?.valid || last.entries !== largeFileEntries)
      throw new Error(`the large file read as ${last?.entries} entries, valid ${last?.valid}`);
    const entriesPerSecond = perSecond(largeFileEntries, measured.medianMs);
    read = {
      file: "corpus/nacha/large/PPD-2500-batches-500000-entries.ach.gz",
      entries: largeFileEntries,
      ...measured,
      entriesPerSecond,
      gunzipOnlyMs,
      backgroundBusyPct,
      nach2: `none: nach2 ${nach2Version} only generates files`,
      moovReference: {
        machine: "Apple M4 Max",
        ms: 681,
        entriesPerSecond: perSecond(500_000, 681),
        note: "moov-io/ach Benchmark_ReadLargeFile, read + validate",
      },
    };
    log(
      `read + validate: ${largeFileEntries} entries, median ${measured.medianMs} ms of ${measured.passes} → ${entriesPerSecond} entries/s (gunzip alone ${gunzipOnlyMs} ms)`,
    );
  } else {
    read = { skipped: `the corpus is absent: ${largeFile.pathname}` };
    log(`read + validate skipped: ${largeFile.pathname} is absent`);
  }

  // Write.
  const data = entryData(writeEntries);
  const writeBackgroundBusyPct = await waitForQuiet();
  let oursText = "";
  const ours = await passes(seconds, warmupSeconds, () => {
    oursText = oursWrite(data);
  });
  const oursPerSecond = perSecond(writeEntries, ours.medianMs);
  log(`write (ours): ${writeEntries} entries, median ${ours.medianMs} ms of ${ours.passes} → ${oursPerSecond} entries/s`);
  const oursCheck = await checkNachaFile(oursText);
  if (!oursCheck.valid || oursCheck.entries !== writeEntries)
    throw new Error(`our written file checks as ${oursCheck.entries} entries, valid ${oursCheck.valid}`);
  const oursBytes = oursText.length;
  oursText = "";

  nach2Write(nach, data.slice(0, 10_000));
  const t0 = performance.now();
  const nach2Text = nach2Write(nach, data);
  const nach2Ms = round(performance.now() - t0, 1);
  const nach2PerSecond = perSecond(writeEntries, nach2Ms);
  const nach2Check = await checkNachaFile(nach2Text);
  const nach2Codes = [...new Set(nach2Check.errors.map((e) => e.code))];
  log(
    `write (nach2 ${nach2Version}): ${nach2Ms} ms → ${nach2PerSecond} entries/s; read back ${nach2Check.entries} entries, problems ${nach2Codes.join(", ") || "none"}`,
  );
  const ratio = round(oursPerSecond / nach2PerSecond, 1);

  const result = {
    machine,
    read,
    write: {
      entries: writeEntries,
      batches: writeEntries / entriesPerBatch,
      entriesPerBatch,
      ours: { ...ours, entriesPerSecond: oursPerSecond, bytes: oursBytes, valid: oursCheck.valid },
      nach2: {
        version: nach2Version,
        passes: 1,
        ms: nach2Ms,
        entriesPerSecond: nach2PerSecond,
        entriesReadBack: nach2Check.entries,
        problemsFound: nach2Codes,
      },
      ratioOursToNach2: ratio,
      backgroundBusyPct: writeBackgroundBusyPct,
    },
  };
  const summary = [
    typeof read.entriesPerSecond === "number"
      ? `read + validate ${largeFileEntries} entries: ${read.entriesPerSecond} entries/s (median ${read.medianMs} ms; moov on an M4 Max: ${perSecond(500_000, 681)}/s); nach2 cannot read`
      : `read + validate skipped (corpus absent)`,
    `write ${writeEntries} entries: ${oursPerSecond} entries/s vs nach2 ${nach2PerSecond} entries/s → ×${ratio}`,
  ];
  return { result, summary };
}
