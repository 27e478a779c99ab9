import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Database } from "../../platform/index.ts";
import { subfolders, writeFileAtomically } from "../adapters/file-store.ts";
import { bankingDateOf } from "../domain/schedule.ts";
import { parseNacha, validateNacha, writeNacha } from "../nacha/index.ts";
import { answerDateOf, answerFile, countAnswers } from "./answers.ts";
import * as store from "./simulator-store.ts";

export interface BankSimulatorDeps {
  readonly db: Database;
  /** Where Remit writes the files it sends: `<outbound>/<agency_id>/<file>.ach`. */
  readonly outboundDir: string;
  /** Where the bank's answers go: `<inbound>/<agency_id>/<file>`, which Remit imports. */
  readonly inboundDir: string;
}

/** Files read, and answers written, per run at most; the job runs again at once while it finds work. */
const filesPerRunMax = 50;

/**
 * The embedded bank, as a worker job. It reads each new file in the outbound folders and
 * notes when it will answer it; on that banking day (the entries' settlement date, by the clock
 * `now`) it writes the file's returns and NOCs (see `answers.ts`) into the agency's inbound
 * folder, aside and then renamed. Every other entry settles silently, as at a real bank. An
 * invalid file is noted as rejected and answered with nothing. Returns how many files it read or answered.
 */
export async function runBankSimulator(deps: BankSimulatorDeps, now: Date): Promise<number> {
  let handled = 0;
  for (const folder of await subfolders(deps.outboundDir)) {
    const names = (await readdir(join(deps.outboundDir, folder), { withFileTypes: true }))
      .filter((f) => f.isFile() && f.name.endsWith(".ach"))
      .map((f) => f.name);
    if (names.length === 0) continue;
    const known = await store.listKnownFiles(deps.db, folder, names);
    const unread = names
      .filter((name) => !known.has(name))
      .sort()
      .slice(0, Math.max(0, filesPerRunMax - handled));
    for (const fileName of unread) {
      await store.insertReceivedFile(deps.db, await receive(join(deps.outboundDir, folder, fileName), folder, fileName, now));
      handled++;
    }
  }
  for (const due of await store.listDueAnswers(deps.db, bankingDateOf(now), filesPerRunMax)) {
    let outbound: Buffer;
    try {
      outbound = await readFile(join(deps.outboundDir, due.folder, due.fileName));
    } catch (error) {
      if ((error as { code?: string }).code !== "ENOENT") throw error;
      await store.markAnswered(
        deps.db,
        due.folder,
        due.fileName,
        { fileName: null, rejectedReason: "the file was gone when its answer was due" },
        now,
      );
      continue;
    }
    const answer = answerFile(await parseNacha(outbound), due.answerOn);
    const answerName = answer ? `${due.fileName.replace(/\.ach$/, "")}-answer.ach` : null;
    if (answer && answerName) await writeFileAtomically(join(deps.inboundDir, due.folder, answerName), writeNacha(answer));
    await store.markAnswered(deps.db, due.folder, due.fileName, { fileName: answerName }, now);
    handled++;
  }
  return handled;
}

async function receive(path: string, folder: string, fileName: string, now: Date): Promise<store.ReceivedFile> {
  const file = await parseNacha(await readFile(path));
  const problems = validateNacha(file);
  const base = { folder, fileName, readAt: now };
  if (problems.length > 0) {
    const listed = problems.slice(0, 5).map((p) => `line ${p.line}: ${p.code}`);
    return { ...base, answerOn: null, entries: 0, returns: 0, notices: 0, rejectedReason: `invalid file: ${listed.join("; ")}` };
  }
  const counts = countAnswers(file);
  const answers = counts.returns + counts.notices > 0;
  return { ...base, ...counts, answerOn: answers ? answerDateOf(file) : null, rejectedReason: null };
}
