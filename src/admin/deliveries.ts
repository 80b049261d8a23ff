/**
 * @module admin/deliveries
 * `GET /v1/deliveries` (filtered, newest first, cursor paginated),
 * `GET /v1/deliveries/count` (how many a filter selects, before a bulk
 * action) and `GET /v1/deliveries/:id` (with every attempt and the remaining
 * timetable).
 */
import { HttpError } from "../http/errors";
import { parseDeliveryId } from "../outbox/types";
import { upcomingAttempts } from "../scheduler/backoff";
import { ADMIN_SECURITY, adminGroup } from "./access";
import type { AdminDeps } from "./deps";
import { toFilter } from "./filters";
import { DEFAULT_PAGE, DeliveryCountQuery, DeliveryQuery, IdParams } from "./params";
import { iso, renderAttempt, renderDelivery } from "./render";
import { DeliveryCount, DeliveryDetail, DeliveryPage } from "./shapes";

/** Matches a count walks at most: a bounded answer, about a second of index walking in the worst case. */
export const COUNT_CAP = 1_000_000;

export function deliveryRoutes(deps: AdminDeps) {
  const doc = (summary: string) => ({ summary, tags: ["deliveries"], security: ADMIN_SECURITY });
  return adminGroup("admin-deliveries", deps)
    .app.get(
      "/v1/deliveries",
      ({ query }) => {
        const limit = query.limit === undefined ? DEFAULT_PAGE : Number(query.limit);
        const filter = toFilter(query, { cursor: query.cursor, direction: "desc", source: "query", now: deps.clock.now() }, deps.queries);
        // One row more than asked says whether another page exists without a COUNT.
        const rows = deps.queries.deliveries(filter, limit + 1);
        const more = rows.length > limit;
        const items = (more ? rows.slice(0, limit) : rows).map(renderDelivery);
        return { items, next_cursor: more ? String(items.at(-1)!.seq) : null };
      },
      { query: DeliveryQuery, response: { 200: DeliveryPage }, detail: doc("Deliveries, newest first, filtered and cursor paginated") },
    )
    .get(
      "/v1/deliveries/count",
      ({ query }) => {
        const filter = toFilter(query, { cursor: undefined, direction: "asc", source: "query", now: deps.clock.now() }, deps.queries);
        const count = deps.queries.countDeliveries(filter, COUNT_CAP + 1);
        return { count: Math.min(count, COUNT_CAP), capped: count > COUNT_CAP };
      },
      {
        query: DeliveryCountQuery,
        response: { 200: DeliveryCount },
        detail: doc(`How many deliveries a filter selects (counted up to ${COUNT_CAP.toLocaleString("en")}), e.g. before a bulk retry or cancel`),
      },
    )
    .get(
      "/v1/deliveries/:id",
      ({ params }) => {
        const seq = parseDeliveryId(params.id);
        const row = seq === null ? null : deps.queries.delivery(seq);
        if (!row) throw unknownDelivery(params.id);
        const policy = deps.endpoints.get(row.endpoint_id)?.prepared.config.retry;
        const upcoming =
          row.status === "pending" && policy ? upcomingAttempts(policy, row.attempts, row.next_attempt_at, row.created_at).map(iso) : [];
        const prepared = deps.endpoints.get(row.endpoint_id)?.prepared;
        const event = prepared ? deps.queries.event(row.event_id) : null;
        const request_body =
          prepared && event
            ? prepared.body({ eventId: event.id, eventType: event.type, eventTime: event.occurred_at ?? event.created_at, eventData: event.data })
            : null;
        return { ...renderDelivery(row), attempt_log: deps.queries.attempts(row.seq).map(renderAttempt), upcoming, request_body };
      },
      { params: IdParams, response: { 200: DeliveryDetail }, detail: doc("One delivery with every attempt and when the remaining ones fire") },
    );
}

export function unknownDelivery(id: string): HttpError {
  return new HttpError(404, "not_found", `no delivery with id "${id}"`);
}
