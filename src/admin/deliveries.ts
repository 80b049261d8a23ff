/**
 * @module admin/deliveries
 * `GET /v1/deliveries` (filtered, newest first, cursor paginated),
 * `GET /v1/deliveries/count` (how many a filter selects, before a bulk
 * action) and `GET /v1/deliveries/:id` (with every attempt and the remaining
 * timetable), each within the caller's scope.
 */
import { HttpError } from "../http/errors";
import type { DeliveryRow } from "../outbox/queries";
import { parseDeliveryId } from "../outbox/types";
import { upcomingAttempts } from "../scheduler/backoff";
import { inScope, type Scope } from "../scope";
import { adminGroup, scopeOf, TENANT_SECURITY } from "./access";
import type { AdminDeps } from "./deps";
import { toFilter } from "./filters";
import { DEFAULT_PAGE, DeliveryCountQuery, DeliveryQuery, IdParams } from "./params";
import { iso, renderAttempt, renderDelivery } from "./render";
import { DeliveryCount, DeliveryDetail, DeliveryPage } from "./shapes";

/** Matches a count walks at most: a bounded answer, about a second of index walking in the worst case. */
export const COUNT_CAP = 1_000_000;

export function deliveryRoutes(deps: AdminDeps) {
  const doc = (summary: string, operationId: string) => ({ summary, operationId, tags: ["deliveries"], security: TENANT_SECURITY });
  return adminGroup("admin-deliveries", deps)
    .app.get(
      "/v1/deliveries",
      async ({ query, request }) => {
        const limit = query.limit === undefined ? DEFAULT_PAGE : Number(query.limit);
        const filter = await toFilter(query, filterOptions(deps, request, query.cursor, "desc", "query"), deps.queries);
        // One row more than asked says whether another page exists without a COUNT.
        const rows = await deps.queries.deliveries(filter, limit + 1);
        const more = rows.length > limit;
        const items = (more ? rows.slice(0, limit) : rows).map(renderDelivery);
        return { items, next_cursor: more ? String(items.at(-1)!.seq) : null };
      },
      { query: DeliveryQuery, response: { 200: DeliveryPage }, detail: doc("Deliveries, newest first, filtered and cursor paginated", "listDeliveries") },
    )
    .get(
      "/v1/deliveries/count",
      async ({ query, request }) => {
        const filter = await toFilter(query, filterOptions(deps, request, undefined, "asc", "query"), deps.queries);
        const count = await deps.queries.countDeliveries(filter, COUNT_CAP + 1);
        return { count: Math.min(count, COUNT_CAP), capped: count > COUNT_CAP };
      },
      {
        query: DeliveryCountQuery,
        response: { 200: DeliveryCount },
        detail: doc(`How many deliveries a filter selects (counted up to ${COUNT_CAP.toLocaleString("en")}), e.g. before a bulk retry or cancel`, "countDeliveries"),
      },
    )
    .get(
      "/v1/deliveries/:id",
      async ({ params, request }) => {
        const row = await findDelivery(deps, params.id, scopeOf(request));
        const policy = deps.endpoints.get(row.endpoint_id)?.config.retry;
        const upcoming =
          row.status === "pending" && policy ? upcomingAttempts(policy, row.attempts, row.next_attempt_at, row.created_at).map(iso) : [];
        const prepared = deps.endpoints.prepared(row.endpoint_id, deps.clock.now());
        const event = prepared ? await deps.queries.event(row.event_id) : null;
        const request_body =
          prepared && event
            ? prepared.body({ eventId: event.id, eventType: event.type, eventTime: event.occurred_at ?? event.created_at, eventData: event.data })
            : null;
        return { ...renderDelivery(row), attempt_log: (await deps.queries.attempts(row.seq)).map(renderAttempt), upcoming, request_body };
      },
      { params: IdParams, response: { 200: DeliveryDetail }, detail: doc("One delivery with every attempt and when the remaining ones fire", "getDelivery") },
    );
}

/** The delivery `id` if the caller may see it; 404 otherwise, for another tenant's too. */
export async function findDelivery(deps: AdminDeps, id: string, scope: Scope): Promise<DeliveryRow> {
  const seq = parseDeliveryId(id);
  const row = seq === null ? null : await deps.queries.delivery(seq);
  if (!row || !inScope(scope, row.tenant)) throw unknownDelivery(id);
  return row;
}

/** How a listing or bulk request's filter is bounded: cursor, direction, and the caller's tenant. */
export function filterOptions(deps: AdminDeps, request: Request, cursor: string | undefined, direction: "asc" | "desc", source: "query" | "body") {
  return { cursor, direction, source, now: deps.clock.now(), scope: scopeOf(request), idsOfTenant: (t: string) => deps.endpoints.idsOfTenant(t) };
}

export function unknownDelivery(id: string): HttpError {
  return new HttpError(404, "not_found", `no delivery with id "${id}"`);
}
