/**
 * Benchmark dispatcher: `node bench/run.ts [name…]` (or `npm run bench -- name…`) runs the named
 * benchmarks, all of them when none is named, prints a summary and writes each one's figures to
 * `bench/results/<name>.json`.
 *
 * To add a benchmark, write `bench/<name>.ts` exporting `description` and `run` (see `BenchModule`
 * in `lib.ts`) and add one line to `benchmarks` below.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { type BenchModule, type BenchOptions, envNumber } from "./lib.ts";

const benchmarks: Record<string, () => Promise<BenchModule>> = {
  ledger: () => import("./ledger.ts"),
  posting: () => import("./posting.ts"),
  balance: () => import("./balance.ts"),
  nacha: () => import("./nacha.ts"),
  "card-sale": () => import("./card-sale.ts"),
};

const resultsDir = new URL("./results/", import.meta.url);

const benchSeconds = (bench: BenchModule) => envNumber("BENCH_SECONDS", bench.defaultSeconds ?? 10);

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(
      `usage: node bench/run.ts [${Object.keys(benchmarks).join("|")}]…   (env BENCH_SECONDS, BENCH_WARMUP_SECONDS, BENCH_POSTING_RATE)`,
    );
    return 0;
  }
  const names = argv.length > 0 ? [...new Set(argv)] : Object.keys(benchmarks);
  const unknown = names.filter((n) => !(n in benchmarks));
  if (unknown.length > 0) {
    console.error(`unknown benchmark ${unknown.join(", ")}; known: ${Object.keys(benchmarks).join(", ")}`);
    return 2;
  }
  await mkdir(resultsDir, { recursive: true });

  let failed = 0;
  const summaries: string[] = [];
  for (const name of names) {
    const load = benchmarks[name];
    if (!load) continue;
    const bench = await load();
    console.log(`\n▶ ${name}: ${bench.description}`);
    try {
      const seconds = benchSeconds(bench);
      if (seconds === 0) throw new Error("BENCH_SECONDS must be above 0");
      const options: BenchOptions = {
        seconds,
        warmupSeconds: envNumber("BENCH_WARMUP_SECONDS", Math.min(2, seconds)),
        log: (line) => console.log(`  ${line}`),
      };
      const outcome = await bench.run(options);
      const file = new URL(`${name}.json`, resultsDir);
      await writeFile(file, `${JSON.stringify(outcome.result, null, 2)}\n`);
      summaries.push(`\n${name}  →  bench/results/${name}.json`, ...outcome.summary.map((l) => `  ${l}`));
    } catch (error) {
      failed++;
      console.error(`✗ ${name} failed:`, error);
      summaries.push(`\n${name}  ✗ failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  console.log(`\n── summary ──${summaries.join("\n")}`);
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
