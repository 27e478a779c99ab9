import type { Sql } from "./db/database.ts";

/**
 * A card number: 13 to 19 digits, starting as the card brands' numbers do (2–6), passing the
 * Luhn check. Used to prove that none is stored or logged outside the vault. Epoch
 * milliseconds (13 digits starting with 1) and the fraction digits of a decimal do not match.
 */
const candidate = /(?<![\d.])[2-6]\d{12,18}(?!\d)/g;

export function passesLuhnCheck(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** A hex digest (a keyed fingerprint, a hash): its digit runs are chance, not numbers anyone typed. */
const hexDigest = /(?<![0-9A-Za-z])[0-9a-f]{32,}(?![0-9A-Za-z])/gi;

/** Card numbers in `text`, each shown only by its first 6 and last 4 digits. */
export function findCardNumbers(text: string): string[] {
  return [...text.replace(hexDigest, "").matchAll(candidate)]
    .map((m) => m[0])
    .filter(passesLuhnCheck)
    .map((n) => `${n.slice(0, 6)}…${n.slice(-4)}`);
}

/**
 * Every text and JSON column of every table in the database's own schemas, searched for card
 * numbers. Card numbers only ever travel as strings, so numeric columns (amounts, which a property
 * test may draw 16 digits long) are not searched, nor binary ones (the vault's ciphertext,
 * digests: their hex is not data anyone could read a number from). Returns "table: 424242…4242"
 * for each hit.
 */
export async function findCardNumbersInDatabase(sql: Sql): Promise<string[]> {
  const columns = await sql.query<{ table_schema: string; table_name: string; columns: string[] }>(
    `SELECT table_schema, table_name, array_agg(column_name::text ORDER BY ordinal_position) AS columns
       FROM information_schema.columns
      WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
        AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY')
      GROUP BY table_schema, table_name`,
  );
  const hits: string[] = [];
  for (const t of columns) {
    const table = `"${t.table_schema}"."${t.table_name}"`;
    const row = t.columns.map((c) => `coalesce("${c.replaceAll('"', '""')}"::text, '')`).join(" || ' ' || ");
    const rows = await sql.query<{ text: string }>(`SELECT ${row} AS text FROM ${table}`);
    for (const r of rows) for (const hit of findCardNumbers(r.text)) hits.push(`${table}: ${hit}`);
  }
  return hits;
}
