/**
 * @module admin/params
 * What the admin routes accept: path ids, the listing query and the bulk
 * bodies. Query values arrive as text, so numbers are patterns here and
 * become numbers in admin/filters.ts.
 */
import { t } from "elysia";
import { CANCELLABLE, RETRYABLE } from "../outbox/controls";
import { STATS_WINDOWS } from "../stats/window";
import { oneOf } from "./literals";

const STATUSES = ["pending", "in_flight", "delivered", "failed", "held", "cancelled"] as const;

const Cursor = t.String({ pattern: "^[0-9]{1,16}$", error: "expected a cursor from an earlier answer" });
const TimeBound = (edge: string) =>
  t.String({ minLength: 1, description: `${edge}: an ISO-8601 time, or a duration meaning that long ago (\`1h\`, \`7d\`)` });

export const IdParams = t.Object({ id: t.String({ minLength: 1 }) });

/** Rows one listing page holds when `limit` is not given, and at most. */
export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 1000;

/** A listing's `limit` as the query carries it: text holding 1 to MAX_PAGE. */
export const PageLimit = t.String({ pattern: "^([1-9][0-9]{0,2}|1000)$", error: `expected a whole number from 1 to ${MAX_PAGE}`, description: `1 to ${MAX_PAGE}; default ${DEFAULT_PAGE}` });

/** The filter of listings and counts. */
const deliveryFilterFields = {
  status: t.Optional(oneOf(STATUSES)),
  endpoint: t.Optional(t.String({ minLength: 1 })),
  tenant: t.Optional(t.String({ minLength: 1, description: "Only deliveries to this tenant's endpoints" })),
  event_type: t.Optional(t.String({ minLength: 1 })),
  since: t.Optional(TimeBound("Created at or after")),
  until: t.Optional(TimeBound("Created at or before")),
};

export const DeliveryQuery = t.Object(
  {
    ...deliveryFilterFields,
    limit: t.Optional(PageLimit),
    cursor: t.Optional(Cursor),
  },
  { additionalProperties: false },
);

export const DeliveryCountQuery = t.Object(deliveryFilterFields, { additionalProperties: false });

/** Rows one bulk request walks at most when it gives a `limit`. */
export const MAX_BULK_LIMIT = 1_000_000;

function bulkBody<const T extends readonly string[]>(statuses: T) {
  return t.Object(
    {
      status: oneOf(statuses),
      endpoint: t.Optional(t.String({ minLength: 1 })),
      tenant: t.Optional(t.String({ minLength: 1, description: "Only deliveries to this tenant's endpoints" })),
      event_type: t.Optional(t.String({ minLength: 1 })),
      since: t.Optional(TimeBound("Created at or after")),
      until: t.Optional(TimeBound("Created at or before")),
      limit: t.Optional(
        t.Integer({ minimum: 1, maximum: MAX_BULK_LIMIT, description: "Examine at most this many matching rows, then answer with next_cursor (for progress)" }),
      ),
      cursor: t.Optional(Cursor),
    },
    { additionalProperties: false },
  );
}

export const BulkRetryBody = bulkBody(RETRYABLE);
export const BulkCancelBody = bulkBody(CANCELLABLE);

export const StatsQuery = t.Object(
  { window: t.Optional(oneOf(STATS_WINDOWS, `expected one of: ${STATS_WINDOWS.join(", ")}`)) },
  { additionalProperties: false },
);

export const RelayStatsQuery = t.Object(
  {
    window: t.Optional(oneOf(STATS_WINDOWS, `expected one of: ${STATS_WINDOWS.join(", ")}`)),
    tenant: t.Optional(t.String({ minLength: 1, description: "Only this tenant's endpoints" })),
  },
  { additionalProperties: false },
);

export type DeliveryQueryInput = typeof DeliveryQuery.static;
export type BulkInput = typeof BulkRetryBody.static;
