/**
 * @module config/headers
 * Which extra headers an endpoint may set: valid HTTP tokens, no line breaks, and
 * none that hookrelay itself must control (framing, content type, signatures).
 */
import type { SchemeName } from "./types";

/** Headers the delivery code sets itself; a config value would break framing or the body's meaning. */
export const RESERVED_HEADERS: readonly string[] = ["host", "content-length", "content-type", "transfer-encoding", "connection"];

/** The signature headers standard-webhooks sends. */
export const STANDARD_WEBHOOKS_HEADERS: readonly string[] = ["webhook-id", "webhook-timestamp", "webhook-signature"];

/** True for a valid header name: an RFC 9110 token. */
export function isHeaderName(name: string): boolean {
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name);
}

/** Why `name: value` may not be sent with scheme `scheme` and signature header `signatureHeader`; null when it may. */
export function headerProblem(name: string, value: string, scheme: SchemeName, signatureHeader: string | null): string | null {
  if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) return `header "${name.replace(/[\r\n]/g, " ")}" must not contain line breaks`;
  if (!isHeaderName(name)) return `"${name}" is not a valid header name`;
  const lower = name.toLowerCase();
  if (RESERVED_HEADERS.includes(lower)) return `header "${name}" is set by hookrelay and cannot be configured`;
  const signing = scheme === "standard-webhooks" ? STANDARD_WEBHOOKS_HEADERS : signatureHeader ? [signatureHeader.toLowerCase()] : [];
  if (signing.includes(lower)) return `header "${name}" carries the ${scheme} signature and cannot be configured`;
  return null;
}

/** One extra header after `defaults.headers` and the endpoint's own are merged. */
export interface MergedHeader {
  readonly name: string;
  readonly value: string;
  /** Whether it came from the endpoint (true) or from defaults. */
  readonly own: boolean;
}

/** Defaults first, then the endpoint's own; a name set in both (in any letter case) keeps the endpoint's. */
export function mergeHeaders(base: Readonly<Record<string, string>> | undefined, own: Readonly<Record<string, string>> | undefined): MergedHeader[] {
  const merged = new Map<string, MergedHeader>();
  for (const [name, value] of Object.entries(base ?? {})) merged.set(name.toLowerCase(), { name, value, own: false });
  for (const [name, value] of Object.entries(own ?? {})) {
    merged.delete(name.toLowerCase());
    merged.set(name.toLowerCase(), { name, value, own: true });
  }
  return [...merged.values()];
}
