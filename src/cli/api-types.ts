/**
 * @module cli/api-types
 * The admin API's documents as the CLI reads them (contract §8). Only the
 * fields the CLI prints are listed; `--json` passes whole documents through.
 */

export interface Listing<T> {
  readonly items: readonly T[];
  readonly next_cursor: string | null;
}

export interface EndpointView {
  readonly id: string;
  readonly source: "config" | "api";
  readonly tenant: string | null;
  readonly url: string | null;
  readonly events: readonly string[] | null;
  readonly state: string;
  readonly consecutive_failures: number;
  readonly failing_since: string | null;
  readonly last_success_at: string | null;
  readonly disabled_reason: string | null;
  readonly backlog: { readonly pending: number; readonly held: number; readonly failed: number };
}

/** The answer that creates an endpoint: the one time its secret is shown. */
export interface CreatedEndpoint extends EndpointView {
  readonly secret: string;
}

export interface RotatedSecret {
  readonly secret: string;
  readonly previous_expires_at: string;
}

export interface PortalSessionView {
  readonly id: string;
  readonly token: string;
  readonly url: string;
  readonly expires_at: string;
}

export interface DeliveryView {
  readonly id: string;
  readonly seq: number;
  readonly event_id: string;
  readonly event_type: string;
  readonly endpoint_id: string;
  readonly status: string;
  readonly attempts: number;
  readonly next_attempt_at: string | null;
  readonly last_status_code: number | null;
  readonly last_error: string | null;
  readonly created_at: string;
  readonly updated_at: string;
  readonly delivered_at: string | null;
}

export interface AttemptView {
  readonly n: number;
  readonly started_at: string;
  readonly duration_ms: number;
  readonly status_code: number | null;
  readonly error: string | null;
  readonly request_headers: Readonly<Record<string, string>>;
  readonly response_excerpt: string | null;
}

export interface DeliveryDetail extends DeliveryView {
  readonly attempt_log: readonly AttemptView[];
  readonly upcoming: readonly string[];
}

export interface TestSent {
  readonly event_id: string;
  readonly delivery_id: string;
}

/** The filters `deliveries list` and bulk `retry` share; names are the API's query and body fields. */
export interface DeliveryFilter {
  readonly status?: string;
  readonly endpoint?: string;
  readonly event_type?: string;
  readonly since?: string;
  readonly until?: string;
}
