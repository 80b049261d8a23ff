/**
 * @module admin/render
 * Stored rows → the JSON shapes of contract §8: times as ISO-8601 UTC with
 * milliseconds, delivery ids as `dlv_<seq>`, an event's `data` as posted.
 */
import type { AttemptRow, DeliveryRow, EventRow } from "../outbox/queries";
import { deliveryId } from "../outbox/types";
import type { DeliveryJson, EventJson } from "./shapes";

/** ISO-8601 UTC with milliseconds. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : iso(ms);
}

export function renderDelivery(r: DeliveryRow): DeliveryJson {
  return {
    id: deliveryId(r.seq),
    seq: r.seq,
    event_id: r.event_id,
    event_type: r.event_type,
    endpoint_id: r.endpoint_id,
    tenant: r.tenant,
    status: r.status,
    attempts: r.attempts,
    next_attempt_at: isoOrNull(r.next_attempt_at),
    last_status_code: r.last_status_code,
    last_error: r.last_error,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
    delivered_at: isoOrNull(r.delivered_at),
  };
}

// Extra headers from the config may carry a receiver's credentials; signature headers are safe to show.
const CREDENTIAL_HEADER = /^(authorization|proxy-authorization|cookie)$|token|secret|api-?key|password/i;

export function renderAttempt(a: AttemptRow) {
  const sent = JSON.parse(a.request_headers) as Record<string, string>;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(sent)) headers[name] = CREDENTIAL_HEADER.test(name) ? "[redacted]" : value;
  return {
    n: a.n,
    started_at: iso(a.started_at),
    duration_ms: a.duration_ms,
    status_code: a.status_code,
    error: a.error,
    request_headers: headers,
    response_excerpt: a.response_excerpt,
  };
}

/**
 * The Event shape as JSON text, `data` spliced in as stored: the text the
 * producer posted. Parsed and serialised again it would lose digits of
 * integers past 2^53 and of long decimals, and turn `1e400` into null.
 */
export function renderEvent(e: EventRow, deliveries: readonly DeliveryRow[]): string {
  const rest: Omit<EventJson, "id" | "type" | "tenant" | "data"> = {
    ordering_key: e.ordering_key,
    occurred_at: isoOrNull(e.occurred_at),
    created_at: iso(e.created_at),
    deliveries: deliveries.map(renderDelivery),
  };
  return `{"id":${JSON.stringify(e.id)},"type":${JSON.stringify(e.type)},"tenant":${JSON.stringify(e.tenant)},"data":${e.data},${JSON.stringify(rest).slice(1)}`;
}
