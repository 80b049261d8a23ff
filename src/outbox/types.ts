/** @module outbox/types — the row shapes the outbox reads and writes. */

export type DeliveryStatus = "pending" | "in_flight" | "delivered" | "failed" | "held" | "cancelled";

export type EndpointStateName = "active" | "disabled" | "auto_disabled";

/** An event as ingest hands it to the outbox, already validated and fanned out. */
export interface NewEvent {
  readonly id: string;
  readonly type: string;
  /** The customer it is for; null when it has none. */
  readonly tenant: string | null;
  /** Compact JSON text of `data`, stored and sent verbatim so every attempt's body is byte-identical. */
  readonly dataJson: string;
  readonly orderingKey: string | null;
  readonly occurredAt: number | null;
  readonly createdAt: number;
  readonly deliveries: readonly NewDelivery[];
}

export interface NewDelivery {
  readonly endpointId: string;
  /** Non-null for endpoints with `ordering: fifo`: the key that orders it (`""` when the event has none). */
  readonly fifoKey: string | null;
  readonly status: "pending" | "held";
  readonly nextAttemptAt: number;
}

/** A delivery claimed for an attempt, with everything needed to build the request. */
export interface ClaimedDelivery {
  readonly seq: number;
  readonly endpointId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly eventData: string;
  /** The envelope timestamp: `occurred_at` if given, else the ingest time. */
  readonly eventTime: number;
  /** Attempts already made before this one. */
  readonly attempts: number;
  readonly createdAt: number;
  readonly fifoKey: string | null;
}

/** The durable per-endpoint counters that drive auto-disable. */
export interface EndpointState {
  state: EndpointStateName;
  disabledReason: string | null;
  consecutiveFailures: number;
  failingSince: number | null;
  lastSuccessAt: number | null;
  configHash: string | null;
}

/** The public id of a delivery, derived from its seq. */
export function deliveryId(seq: number): string {
  return `dlv_${seq}`;
}

/** The seq behind a public delivery id, or null when the id is not one of ours. */
export function parseDeliveryId(id: string): number | null {
  const m = /^dlv_([1-9][0-9]{0,15})$/.exec(id);
  return m ? Number(m[1]) : null;
}
