/**
 * @module bench/event
 * The benchmark's event: 1 KB of JSON whose data carries the wall-clock time
 * it was sent, so the receiver can measure ingest-to-delivery latency.
 */

/** Total request body size the issue asks for. */
export const EVENT_BYTES = 1024;

const HEAD = '{"type":"bench.event","data":{"sent_at":';
const SENT_AT_DIGITS = 17;
const PAD = "x".repeat(EVENT_BYTES - HEAD.length - SENT_AT_DIGITS - ',"payload":""}}'.length);

/** A 1 KB ingest body stamped with `sentAt` (ms since the epoch, fractional). */
export function eventBody(sentAt: number): string {
  return `${HEAD}${sentAt.toFixed(3).padStart(SENT_AT_DIGITS, " ")},"payload":"${PAD}"}}`;
}

const SENT_AT = /"sent_at":\s*(\d+\.\d+)/;

/** The send time stamped into a body (or into an envelope around it), or null. */
export function sentAtOf(body: string): number | null {
  const m = SENT_AT.exec(body);
  return m ? Number(m[1]) : null;
}
