/**
 * @module cli/output
 * How commands print data on stdout: one JSON document with `--json`,
 * otherwise aligned columns or `key: value` lines meant for people.
 */
import type { CliIo } from "./io";

/** One column of a table: its heading and how to read a cell from a row. */
export interface Column<T> {
  readonly heading: string;
  readonly cell: (row: T) => unknown;
}

/** Prints `value` as one JSON document. */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints rows as aligned columns under a heading line. */
export function printTable<T>(io: CliIo, rows: readonly T[], columns: readonly Column<T>[]): void {
  const cells = rows.map((row) => columns.map((c) => text(c.cell(row))));
  const widths = columns.map((c, i) => Math.max(c.heading.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: readonly string[]) => `${values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!))).join("  ")}\n`;
  io.stdout(line(columns.map((c) => c.heading)));
  for (const r of cells) io.stdout(line(r));
}

/** Prints an object's fields one per line; nested objects are shown as compact JSON. */
export function printFields(io: CliIo, fields: Readonly<Record<string, unknown>>): void {
  const width = Math.max(0, ...Object.keys(fields).map((k) => k.length));
  for (const [key, value] of Object.entries(fields)) io.stdout(`${`${key}:`.padEnd(width + 2)}${text(value)}\n`);
}

/** A cell or field as text: `-` for nothing, JSON for structures. */
export function text(value: unknown): string {
  if (value === null || value === undefined || value === "") return "-";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/** "1 delivery", "3 deliveries". */
export function deliveries(n: number): string {
  return `${n} ${n === 1 ? "delivery" : "deliveries"}`;
}

/** `at` (ISO time) with how far it is from `now`, e.g. `2026-03-08T12:00:00.000Z (in 5m)`. */
export function withRelative(at: string, now: number): string {
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) return at;
  const delta = ms - now;
  return `${at} (${delta >= 0 ? `in ${span(delta)}` : `${span(-delta)} ago`})`;
}

function span(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ""}`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60) ? `${Math.floor((s % 3600) / 60)}m` : ""}`;
  return `${Math.floor(s / 86_400)}d${Math.floor((s % 86_400) / 3600) ? `${Math.floor((s % 86_400) / 3600)}h` : ""}`;
}
