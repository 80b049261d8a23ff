/**
 * @module test/storage/conformance/fixtures
 * Events and attempts as the daemon's ingest and scheduler hand them to
 * storage, built with only what a case cares about.
 */
import type { AttemptRecord } from "../../../src/outbox/outcomes";
import type { NewEvent } from "../../../src/outbox/types";
import type { ClaimRequest, LeasedAttempt, LeasedDelivery, Storage } from "../../../src/storage/stores";

export const NOW = 1_700_000_000_000;

export interface EventSpec {
  readonly id: string;
  readonly endpoints: readonly string[];
  readonly type?: string;
  readonly tenant?: string | null;
  readonly data?: string;
  readonly orderingKey?: string | null;
  /** FIFO key on every delivery (default: none). */
  readonly fifo?: boolean;
  readonly at?: number;
  readonly dueAt?: number;
  readonly held?: boolean;
}

export function newEvent(e: EventSpec): NewEvent {
  const at = e.at ?? NOW;
  return {
    id: e.id,
    type: e.type ?? "order.created",
    tenant: e.tenant ?? null,
    dataJson: e.data ?? `{"id":"${e.id}"}`,
    orderingKey: e.orderingKey ?? null,
    occurredAt: null,
    createdAt: at,
    deliveries: e.endpoints.map((endpointId) => ({
      endpointId,
      fifoKey: e.fifo ? (e.orderingKey ?? "") : null,
      status: e.held ? "held" : "pending",
      nextAttemptAt: e.dueAt ?? at,
    })),
  };
}

/** Stores each event as a request of its own. */
export async function ingest(s: Storage, ...events: EventSpec[]): Promise<void> {
  await s.events.writeGroups(events.map((e) => [newEvent(e)]));
}

export function request(endpointId: string, limit: number, more: Partial<ClaimRequest> = {}): ClaimRequest {
  return { endpointId, fifo: false, limit, maxInFlight: null, rateLimit: null, ...more };
}

type Ending = Pick<AttemptRecord, "status" | "nextAttemptAt"> & Partial<Pick<LeasedAttempt, "verdict" | "statusCode" | "error">>;

/** The attempt a claimed delivery made, ending as `end`, finished at `now`. */
export function attempt(d: LeasedDelivery, now: number, end: Ending): LeasedAttempt {
  const verdict = end.verdict !== undefined ? end.verdict : end.status === "delivered" ? "success" : "failure";
  return {
    seq: d.seq,
    endpointId: d.endpointId,
    token: d.lease.token,
    n: d.attempts + 1,
    startedAt: now - 10,
    durationMs: 10,
    statusCode: end.statusCode ?? (verdict === "success" ? 200 : 500),
    error: end.error ?? (verdict === "success" ? null : "HTTP 500"),
    requestHeaders: '{"content-type":"application/json"}',
    responseExcerpt: null,
    status: end.status,
    nextAttemptAt: end.nextAttemptAt,
    finishedAt: now,
    verdict,
  };
}

export const delivered = { status: "delivered", nextAttemptAt: null } as const;
export const retryAt = (at: number) => ({ status: "pending", nextAttemptAt: at }) as const;

export function ids(rows: readonly { eventId: string }[]): string[] {
  return rows.map((r) => r.eventId);
}
