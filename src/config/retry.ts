/** @module config/retry — both YAML forms of `retry` → one RetryPolicy (the wait before each attempt). */
import { DEFAULT_MULTIPLIER } from "./defaults";
import { parseDuration } from "./duration";
import type { RawRetry } from "./schema";
import type { RetryPolicy } from "./types";

/** The timetable of a schema-valid `retry` value. */
export function normaliseRetry(retry: RawRetry): RetryPolicy {
  if (Array.isArray(retry)) return { delaysMs: retry.map(ms), maxAgeMs: null };
  const maxAgeMs = retry.max_age === undefined ? null : ms(retry.max_age);
  if ("delays" in retry) return { delaysMs: retry.delays.map(ms), maxAgeMs };
  const initial = ms(retry.initial);
  const multiplier = retry.multiplier ?? DEFAULT_MULTIPLIER;
  const cap = retry.max === undefined ? Number.POSITIVE_INFINITY : ms(retry.max);
  // `attempts` counts the first, immediate attempt; the rest wait initial × multiplier^k.
  const delaysMs = [0];
  for (let k = 0; k < retry.attempts - 1; k++) delaysMs.push(Math.round(Math.min(initial * multiplier ** k, cap)));
  return { delaysMs, maxAgeMs };
}

// The schema has already matched DURATION_PATTERN, so parsing cannot fail here.
function ms(duration: string): number {
  return parseDuration(duration) ?? 0;
}
