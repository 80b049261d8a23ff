/**
 * @module bench/event
 * The benchmark's event: 1 KB of JSON whose data carries the wall-clock time
 * it was sent, so the receiver can measure ingest-to-delivery latency.
 */

/** Total request body size the issue asks for. */
export const EVENT_BYTES = 1024;

/** The type of every event, unless a phase spreads its events over many types. */
export const EVENT_TYPE = "bench.event";

const SENT_AT_DIGITS = 17;
/** Padding by type length, so every body is EVENT_BYTES whatever its type. */
const pads = new Map<number, string>();

function head(type: string): string {
  return `{"type":${JSON.stringify(type)},"data":{"sent_at":`;
}

/** A 1 KB ingest body of `type`, stamped with `sentAt` (ms since the epoch, fractional). */
export function eventBody(sentAt: number, type = EVENT_TYPE): string {
  const start = head(type);
  let pad = pads.get(start.length);
  if (pad === undefined) pads.set(start.length, (pad = "x".repeat(EVENT_BYTES - start.length - SENT_AT_DIGITS - ',"payload":""}}'.length)));
  return `${start}${sentAt.toFixed(3).padStart(SENT_AT_DIGITS, " ")},"payload":"${pad}"}}`;
}

/** The type of the `n`th of `count` types the endpoint-count figures spread events over (endpoint `n` takes it). */
export function spreadType(n: number): string {
  return `bench.t${n}`;
}

const SENT_AT = /"sent_at":\s*(\d+\.\d+)/;

/** The send time stamped into a body (or into an envelope around it), or null. */
export function sentAtOf(body: string): number | null {
  const m = SENT_AT.exec(body);
  return m ? Number(m[1]) : null;
}
