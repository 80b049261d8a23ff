/** @module ui/lib/types — the API's JSON shapes as the dashboard reads them (contract §8, §10). */

export type DeliveryStatus = "pending" | "in_flight" | "delivered" | "failed" | "held" | "cancelled";
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ["pending", "in_flight", "delivered", "failed", "held", "cancelled"];

export interface Delivery {
  id: string;
  seq: number;
  event_id: string;
  event_type: string;
  endpoint_id: string;
  tenant: string | null;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
}

export interface Attempt {
  n: number;
  started_at: string;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  request_headers: Record<string, string>;
  response_excerpt: string | null;
}

export interface DeliveryDetail extends Delivery {
  attempt_log: Attempt[];
  upcoming: string[];
  request_body: string | null;
}

export interface EventDetail {
  id: string;
  type: string;
  tenant: string | null;
  data: Record<string, unknown>;
  ordering_key: string | null;
  occurred_at: string | null;
  created_at: string;
  deliveries: Delivery[];
}

export type EndpointState = "active" | "disabled" | "auto_disabled" | "removed";
export const ENDPOINT_STATES: readonly EndpointState[] = ["active", "disabled", "auto_disabled", "removed"];

export interface Endpoint {
  id: string;
  url: string | null;
  events: string[];
  state: EndpointState;
  consecutive_failures: number;
  failing_since: string | null;
  last_success_at: string | null;
  disabled_reason: string | null;
  backlog: { pending: number; held: number; failed: number; in_flight: number };
  signature: { scheme: string; header: string | null } | null;
  timeout_ms: number | null;
  retry: { delays_ms: number[]; max_age_ms: number | null } | null;
  ordering: "fifo" | "none" | null;
  source: EndpointSource;
  tenant: string | null;
  description: string | null;
  metadata: Record<string, string> | null;
  created_at: string | null;
  updated_at: string | null;
}

export type EndpointSource = "config" | "api";
export const ENDPOINT_SOURCES: readonly EndpointSource[] = ["config", "api"];

/** The answer that creates an endpoint: the only one that shows its secret. */
export interface CreatedEndpoint extends Endpoint {
  secret: string;
}

export interface RotatedSecret {
  secret: string;
  previous_expires_at: string;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export type StatsWindow = "1h" | "24h" | "7d";

export interface Stats {
  window: StatsWindow;
  step_seconds: number;
  from: string;
  to: string;
  attempts: number;
  delivered: number;
  failed: number;
  success_rate: number | null;
  latency_ms: { p50: number | null; p95: number | null; p99: number | null };
  by_result: { success: number; http_error: number; timeout: number; network: number; blocked: number };
  series: { at: string; attempts: number; failures: number; p50_ms: number | null; p95_ms: number | null }[];
  backlog: { pending: number; in_flight: number; held: number; failed: number };
  oldest_pending_at: string | null;
}
