/**
 * @module admin/shapes
 * The JSON answers of the admin API (contract §8). Routes declare these as
 * their responses and the OpenAPI document is generated from them, so the
 * two cannot drift.
 */
import { t } from "elysia";
import { ResponseInteger } from "../http/response-integer";
import { oneOf } from "./literals";

/** ISO-8601 UTC with milliseconds, e.g. 2026-03-08T12:34:56.789Z. */
const Time = t.String({ format: "date-time" });
const MaybeTime = t.Nullable(Time);

export const DeliveryStatusName = oneOf(["pending", "in_flight", "delivered", "failed", "held", "cancelled"]);

export const Delivery = t.Object({
  id: t.String({ description: "dlv_<seq>" }),
  seq: ResponseInteger(),
  event_id: t.String(),
  event_type: t.String(),
  endpoint_id: t.String(),
  tenant: t.Nullable(t.String()),
  status: DeliveryStatusName,
  attempts: ResponseInteger(),
  next_attempt_at: MaybeTime,
  last_status_code: t.Nullable(ResponseInteger()),
  last_error: t.Nullable(t.String()),
  created_at: Time,
  updated_at: Time,
  delivered_at: MaybeTime,
});

export const Attempt = t.Object({
  n: ResponseInteger({ description: "Counts from 1" }),
  started_at: Time,
  duration_ms: ResponseInteger(),
  status_code: t.Nullable(ResponseInteger()),
  error: t.Nullable(t.String()),
  request_headers: t.Record(t.String(), t.String()),
  response_excerpt: t.Nullable(t.String({ description: "The start of the response body as UTF-8 text, at most 4 KiB (4096 bytes) of it, cut between characters; bytes that are not UTF-8 show as U+FFFD" })),
});

export const DeliveryDetail = t.Composite([
  Delivery,
  t.Object({
    attempt_log: t.Array(Attempt),
    upcoming: t.Array(Time, { description: "When each remaining attempt fires if every one fails (without jitter)" }),
    request_body: t.Nullable(
      t.String({ description: "The body every attempt sends (the envelope, by the endpoint's current config); null once the endpoint is removed" }),
    ),
  }),
]);

export const DeliveryCount = t.Object({
  count: ResponseInteger({ minimum: 0 }),
  capped: t.Boolean({ description: "True when counting stopped at the cap: at least `count` match" }),
});

export const Node = t.Object({
  id: t.String(),
  hostname: t.String(),
  version: t.String(),
  started_at: Time,
  last_seen_at: Time,
  in_flight: ResponseInteger({ minimum: 0, description: "Attempts it had running at its last heartbeat" }),
});

export const NodeList = t.Object({
  items: t.Array(Node),
  next_cursor: t.Nullable(t.String({ description: "Pass back as `cursor` for the next page" })),
});

export const DeliveryPage = t.Object({
  items: t.Array(Delivery),
  next_cursor: t.Nullable(t.String({ description: "Pass back as `cursor` for the next page" })),
});

export const Event = t.Object({
  id: t.String(),
  type: t.String(),
  tenant: t.Nullable(t.String()),
  data: t.Object({}, { additionalProperties: true, description: "The payload as posted: every token and key order kept, whitespace between tokens removed" }),
  ordering_key: t.Nullable(t.String()),
  occurred_at: MaybeTime,
  created_at: Time,
  deliveries: t.Array(Delivery),
});

export const Endpoint = t.Object({
  id: t.String(),
  source: t.Union([t.Literal("config"), t.Literal("api")], { description: "config: from the YAML file; api: created over the endpoint API" }),
  tenant: t.Nullable(t.String()),
  description: t.Nullable(t.String()),
  metadata: t.Nullable(t.Record(t.String(), t.String())),
  url: t.Nullable(t.String({ description: "null once the endpoint is removed from the config" })),
  events: t.Array(t.String()),
  state: t.Union([t.Literal("active"), t.Literal("disabled"), t.Literal("auto_disabled"), t.Literal("removed")]),
  consecutive_failures: ResponseInteger(),
  failing_since: MaybeTime,
  last_success_at: MaybeTime,
  disabled_reason: t.Nullable(t.String()),
  backlog: t.Object({ pending: ResponseInteger(), held: ResponseInteger(), failed: ResponseInteger(), in_flight: ResponseInteger() }),
  signature: t.Nullable(t.Object({ scheme: t.String(), header: t.Nullable(t.String()) })),
  timeout_ms: t.Nullable(ResponseInteger()),
  retry: t.Nullable(
    t.Object({
      delays_ms: t.Array(ResponseInteger(), { description: "Wait before each attempt, counted from the previous failure" }),
      max_age_ms: t.Nullable(ResponseInteger()),
    }),
  ),
  ordering: t.Nullable(t.Union([t.Literal("fifo"), t.Literal("none")])),
  created_at: t.Nullable(Time, { description: "When it was created over the API; null for endpoints from the config file" }),
  updated_at: t.Nullable(Time, { description: "When it was last changed over the API; null for endpoints from the config file" }),
});

export const EndpointList = t.Object({
  items: t.Array(Endpoint),
  next_cursor: t.Nullable(t.String({ description: "Pass back as `cursor` for the next page" })),
});

/** The answer that creates an endpoint: the one time its secret is shown. */
export const CreatedEndpoint = t.Composite([Endpoint, t.Object({ secret: t.String({ description: "The signing secret, shown only in this answer" }) })]);

export const RotatedSecret = t.Object({
  secret: t.String({ description: "The new signing secret, shown only in this answer" }),
  previous_expires_at: Time,
});

export const PortalSession = t.Object({
  id: t.String(),
  token: t.String({ description: "The tenant token, shown only in this answer" }),
  url: t.String({ description: "Opens the dashboard signed in as the tenant; the token is after #" }),
  expires_at: Time,
});

/** The portal session a tenant token belongs to, so a client can say who it is signed in as. */
export const CurrentPortalSession = t.Object({
  id: t.String(),
  tenant: t.String(),
  read_only: t.Boolean({ description: "The session may only read" }),
  expires_at: Time,
});

export const TestSent = t.Object({ event_id: t.String(), delivery_id: t.String() });

export const Retried = t.Object({
  retried: ResponseInteger(),
  next_cursor: t.Nullable(t.String({ description: "Set when `limit` stopped the walk early: pass back as `cursor`" })),
});

export const Cancelled = t.Object({
  cancelled: ResponseInteger(),
  next_cursor: t.Nullable(t.String({ description: "Set when `limit` stopped the walk early: pass back as `cursor`" })),
});

const Count = () => ResponseInteger({ minimum: 0 });
const Ms = t.Nullable(ResponseInteger({ minimum: 0 }));

export const Stats = t.Object({
  window: oneOf(["1h", "24h", "7d"]),
  step_seconds: ResponseInteger({ description: "Length of each series bucket: 60 for 1h, 300 for 24h, 3600 for 7d" }),
  from: t.String({ format: "date-time", description: "Start of the oldest bucket" }),
  to: t.String({ format: "date-time", description: "End of the current bucket" }),
  attempts: Count(),
  delivered: Count(),
  failed: Count(),
  success_rate: t.Nullable(t.Number({ minimum: 0, maximum: 1, description: "Share of attempts that succeeded (2xx); null without attempts" })),
  latency_ms: t.Object({ p50: Ms, p95: Ms, p99: Ms }, { description: "Attempt durations, from a histogram with fixed buckets" }),
  by_result: t.Object({ success: Count(), http_error: Count(), timeout: Count(), network: Count(), blocked: Count() }),
  series: t.Array(
    t.Object({ at: t.String({ format: "date-time" }), attempts: Count(), failures: Count(), p50_ms: Ms, p95_ms: Ms }),
    { description: "One point per bucket, oldest first, empty buckets included" },
  ),
  backlog: t.Object({ pending: Count(), in_flight: Count(), held: Count(), failed: Count() }, { description: "Now, not over the window" }),
  oldest_pending_at: t.Nullable(t.String({ format: "date-time", description: "Creation time of the oldest delivery pending or in flight" })),
});

export type DeliveryJson = typeof Delivery.static;
export type EventJson = typeof Event.static;
export type EndpointJson = typeof Endpoint.static;
