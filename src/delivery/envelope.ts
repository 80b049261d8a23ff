/**
 * @module delivery/envelope
 * Builds the request body. The event's data is spliced in as the stored JSON
 * text, never re-serialised, so the body is byte-identical on every attempt.
 */
import type { Envelope } from "../config/types";

export interface EnvelopeEvent {
  readonly eventId: string;
  readonly eventType: string;
  readonly eventTime: number;
  readonly eventData: string;
}

export type BodyBuilder = (event: EnvelopeEvent) => string;

/** Prepares the body builder for an envelope mapping once, at config load. */
export function createBodyBuilder(envelope: Envelope): BodyBuilder {
  if (envelope.kind === "raw") return (e) => e.eventData;
  const idKey = `{${JSON.stringify(envelope.id)}:`;
  const typeKey = `,${JSON.stringify(envelope.type)}:`;
  const timeKey = `,${JSON.stringify(envelope.timestamp)}:`;
  const dataKey = `,${JSON.stringify(envelope.data)}:`;
  return (e) =>
    `${idKey}${JSON.stringify(e.eventId)}${typeKey}${JSON.stringify(e.eventType)}${timeKey}"${new Date(e.eventTime).toISOString()}"${dataKey}${e.eventData}}`;
}
