/**
 * @module admin/delivery-actions
 * Retry and cancel, for one delivery or every delivery a filter matches.
 * A retried delivery to an endpoint that cannot receive now (disabled,
 * auto-disabled or removed) is held: it goes out when the endpoint is enabled
 * or comes back, like the rest of that endpoint's backlog. A delivery whose
 * endpoint has been given another tenant since is never retried: its event
 * is the earlier tenant's (409 one at a time, skipped in bulk).
 */
import { HttpError } from "../http/errors";
import type { ControlResult, PageResult, RetryTo } from "../outbox/controls";
import { ADMIN_SECURITY, adminGroup, scopeOf, TENANT_SECURITY } from "./access";
import { walkPages } from "./bulk";
import { filterOptions, findDelivery } from "./deliveries";
import type { AdminDeps } from "./deps";
import { toFilter } from "./filters";
import { BulkCancelBody, BulkRetryBody, IdParams } from "./params";
import { renderDelivery } from "./render";
import { Cancelled, Delivery, Retried } from "./shapes";

export function deliveryActionRoutes(deps: AdminDeps) {
  const { app, parseJson } = adminGroup("admin-delivery-actions", deps);
  // A removed endpoint's retries wait, held, for it to come back; one given another tenant takes none of the earlier tenant's.
  const retryTo: RetryTo = (endpointId, tenant) => {
    const live = deps.endpoints.get(endpointId);
    if (live && live.config.tenant !== tenant) return null;
    return live?.state.state === "active" ? "pending" : "held";
  };
  const doc = (summary: string, operationId: string, tenants: boolean) => ({
    summary,
    operationId,
    tags: ["deliveries"],
    security: tenants ? TENANT_SECURITY : ADMIN_SECURITY,
  });

  /** Applies a single-row action to a delivery the caller may see, and answers it as it is now. */
  const single = async (id: string, request: Request, action: "retry" | "cancel", run: (seq: number) => Promise<ControlResult>) => {
    const found = await findDelivery(deps, id, scopeOf(request));
    const result = await run(found.seq);
    const row = await deps.queries.delivery(found.seq);
    if (result === "missing" || !row) throw new HttpError(404, "not_found", `no delivery with id "${id}"`);
    if (result === "other_tenant") {
      throw new HttpError(409, "tenant_changed", `delivery ${id} is of an event of another tenant than endpoint "${row.endpoint_id}" has now; it is not sent there again`);
    }
    if (result === "wrong_state") {
      const allowed = action === "retry" ? "pending, failed or delivered" : "pending or held";
      throw new HttpError(409, "wrong_state", `delivery ${id} is ${row.status}; only ${allowed} deliveries can be ${action === "retry" ? "retried" : "cancelled"}`);
    }
    return renderDelivery(row);
  };
  /** Tells the scheduler about the endpoints a page of retries made due. */
  const noteRetried = (page: PageResult) => {
    for (const id of page.endpointIds) deps.noteDue(id);
  };

  return app
    .post(
      "/v1/deliveries/:id/retry",
      async ({ params, request }) => {
        const answer = await single(params.id, request, "retry", (seq) => deps.controls.retry(seq, deps.clock.now(), retryTo));
        deps.noteDue(answer.endpoint_id);
        return answer;
      },
      {
        parse: "none",
        params: IdParams,
        response: { 200: Delivery },
        detail: doc("Queue a pending, failed or delivered delivery now", "retryDelivery", true),
      },
    )
    .post(
      "/v1/deliveries/:id/cancel",
      ({ params, request }) => single(params.id, request, "cancel", (seq) => deps.controls.cancel(seq, deps.clock.now())),
      { parse: "none", params: IdParams, response: { 200: Delivery }, detail: doc("Cancel a pending or held delivery", "cancelDelivery", false) },
    )
    .post(
      "/v1/deliveries/retry",
      async ({ body, request }) => {
        const now = deps.clock.now();
        const filter = await toFilter(body, filterOptions(deps, request, body.cursor, "asc", "body"), deps.queries);
        const done = await walkPages(filter, body.limit, (f, size) => deps.controls.retryPage(f, size, now, retryTo), noteRetried);
        return { retried: done.changed, next_cursor: done.nextCursor };
      },
      {
        parse: parseJson,
        body: BulkRetryBody,
        response: { 200: Retried },
        detail: doc("Queue every delivery matching the filter now", "retryDeliveries", true),
      },
    )
    .post(
      "/v1/deliveries/cancel",
      async ({ body, request }) => {
        const now = deps.clock.now();
        const filter = await toFilter(body, filterOptions(deps, request, body.cursor, "asc", "body"), deps.queries);
        const done = await walkPages(filter, body.limit, (f, size) => deps.controls.cancelPage(f, size, now), () => {});
        return { cancelled: done.changed, next_cursor: done.nextCursor };
      },
      {
        parse: parseJson,
        body: BulkCancelBody,
        response: { 200: Cancelled },
        detail: doc("Cancel every pending or held delivery matching the filter", "cancelDeliveries", false),
      },
    );
}
