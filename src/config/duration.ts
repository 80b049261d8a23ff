/** @module config/duration — parses the duration strings of the config and the API (`250ms`, `30s`, `5m`, `1h`, `7d`). */

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The accepted spelling, shared with the JSON schema so editors flag the same strings the loader refuses. */
export const DURATION_PATTERN = "^[0-9]+(\\.[0-9]+)?(ms|s|m|h|d)$";

const DURATION = new RegExp(DURATION_PATTERN);

/** Milliseconds for a duration like `250ms`, `1.5h` or `7d`; null when the text is not one. */
export function parseDuration(text: string): number | null {
  const match = DURATION.exec(text.trim());
  if (!match) return null;
  const unit = match[2] as keyof typeof UNIT_MS;
  const amount = Number.parseFloat(text.trim().slice(0, -unit.length));
  // Whole milliseconds: fractional ones would only reappear as timer rounding later.
  return Math.round(amount * UNIT_MS[unit]);
}
