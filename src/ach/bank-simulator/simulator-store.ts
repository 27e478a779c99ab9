import type { Sql } from "../../platform/index.ts";

/** The simulated bank's record of one file it read from an agency's outbound folder. */
export interface ReceivedFile {
  readonly folder: string;
  readonly fileName: string;
  /** YYYY-MM-DD; null when nothing needs an answer. */
  readonly answerOn: string | null;
  readonly entries: number;
  readonly returns: number;
  readonly notices: number;
  readonly rejectedReason: string | null;
  readonly readAt: Date;
}

/** Which of `fileNames` in `folder` the bank has read before. */
export async function listKnownFiles(sql: Sql, folder: string, fileNames: readonly string[]): Promise<Set<string>> {
  const rows = await sql.query<{ file_name: string }>(
    "SELECT file_name FROM bank_sim_files WHERE folder = $1 AND file_name = ANY($2::text[])",
    [folder, fileNames],
  );
  return new Set(rows.map((r) => r.file_name));
}

/** Records a file read; a file another worker recorded first is left as it is. */
export async function insertReceivedFile(sql: Sql, f: ReceivedFile): Promise<void> {
  await sql.query(
    `INSERT INTO bank_sim_files (folder, file_name, answer_on, entries, returns, notices, rejected_reason, read_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (folder, file_name) DO NOTHING`,
    [f.folder, f.fileName, f.answerOn, f.entries, f.returns, f.notices, f.rejectedReason, f.readAt],
  );
}

/** Files whose answer is due by `date` and not yet written, oldest first. */
export async function listDueAnswers(
  sql: Sql,
  date: string,
  limit: number,
): Promise<Array<{ folder: string; fileName: string; answerOn: string }>> {
  const rows = await sql.query<{ folder: string; file_name: string; answer_on_text: string }>(
    `SELECT folder, file_name, answer_on::text AS answer_on_text FROM bank_sim_files
      WHERE answer_on IS NOT NULL AND answered_at IS NULL AND answer_on <= $1
      ORDER BY answer_on, folder, file_name LIMIT $2`,
    [date, limit],
  );
  return rows.map((r) => ({ folder: r.folder, fileName: r.file_name, answerOn: r.answer_on_text }));
}

export async function markAnswered(
  sql: Sql,
  folder: string,
  fileName: string,
  answer: { fileName: string | null; rejectedReason?: string },
  now: Date,
): Promise<void> {
  await sql.query(
    `UPDATE bank_sim_files SET answer_file_name = $3, answered_at = $4, rejected_reason = coalesce($5, rejected_reason)
      WHERE folder = $1 AND file_name = $2`,
    [folder, fileName, answer.fileName, now, answer.rejectedReason ?? null],
  );
}
