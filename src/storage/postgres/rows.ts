/**
 * @module storage/postgres/rows
 * PostgreSQL hands bigint columns over as strings (they may exceed a JS
 * number); hookrelay's are ms times, seqs and counts, all far below 2^53.
 */

export function num(v: unknown): number {
  return Number(v);
}

export function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

/** A copy of `row` with the named columns as numbers (null kept). */
export function numbers<T>(row: Record<string, unknown>, columns: readonly string[]): T {
  const out: Record<string, unknown> = { ...row };
  for (const c of columns) out[c] = numOrNull(row[c]);
  return out as T;
}
