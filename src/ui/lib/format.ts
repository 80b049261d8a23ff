/** @module ui/lib/format — times, durations, counts and rates as the pages show them. Pure. */

/** "12:34:56" today, else "2026-03-08 12:34"; in the browser's zone. */
export function time(iso: string | null): string {
  if (!iso) return "—";
  const d = new Date(iso);
  const today = new Date().toDateString() === d.toDateString();
  const pad = (n: number) => String(n).padStart(2, "0");
  const hms = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return today ? hms : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hms}`;
}

/** A span of milliseconds as "850 ms", "12 s", "5 min", "3 h", "2 d". */
export function duration(ms: number | null): string {
  if (ms === null) return "—";
  const a = Math.abs(ms);
  if (a < 1_000) return `${Math.round(ms)} ms`;
  if (a < 60_000) return `${Math.round(ms / 1_000)} s`;
  if (a < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (a < 86_400_000) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.round(ms / 86_400_000)} d`;
}

/** How long ago `iso` was, as a duration; "—" for none. */
export function age(iso: string | null, now = Date.now()): string {
  return iso ? duration(now - Date.parse(iso)) : "—";
}

/** "in 5 min" or "5 min ago". */
export function relative(iso: string | null, now = Date.now()): string {
  if (!iso) return "—";
  const ms = Date.parse(iso) - now;
  return ms >= 0 ? `in ${duration(ms)}` : `${duration(-ms)} ago`;
}

export function percent(rate: number | null): string {
  if (rate === null) return "—";
  const p = rate * 100;
  return `${p === 100 || p === 0 ? p.toFixed(0) : p.toFixed(1)}%`;
}

export function count(n: number): string {
  return n.toLocaleString("en");
}

/** "1 delivery", "3 deliveries". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

const UNITS: readonly [string, number][] = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1_000],
];

/** Milliseconds as the config file writes a duration, exactly: "30s", "5m", "250ms". */
export function durationText(ms: number): string {
  for (const [unit, size] of UNITS) if (ms !== 0 && ms % size === 0) return `${ms / size}${unit}`;
  return ms === 0 ? "0s" : `${ms}ms`;
}
