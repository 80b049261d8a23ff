/**
 * @module delivery/retry-after
 * Parses a Retry-After header (RFC 9110: delta-seconds or an HTTP-date) into a
 * delay. Pure. Anything else is ignored rather than guessed at.
 */

/** The delay in ms the header asks for, or null when it is absent or malformed. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d{1,10}$/.test(text)) return Number(text) * 1000;
  // HTTP-dates always name a weekday and GMT; requiring both refuses loose formats Date.parse would accept.
  if (!/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
