/**
 * @module storage/copy/copy-text
 * Rows in the text format of PostgreSQL's COPY: one line per row, values
 * separated by tabs, `\N` for NULL. In a value, backslash, newline, carriage
 * return and tab are escaped with a backslash, which is all the format needs
 * (and makes a value `\.` no end-of-data marker); everything else is literal.
 */

const SPECIAL = /[\\\n\r\t]/g;
const ESCAPED: Readonly<Record<string, string>> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** One row's line, its values in the order of `columns`, with its newline. */
export function copyLine(row: Readonly<Record<string, unknown>>, columns: readonly string[]): string {
  return `${columns.map((c) => copyValue(row[c])).join("\t")}\n`;
}

function copyValue(v: unknown): string {
  if (v === null || v === undefined) return "\\N";
  if (typeof v === "number") return String(v);
  return String(v).replace(SPECIAL, (ch) => ESCAPED[ch]!);
}
