/**
 * @module admin/delivery-actions
 * Retry and cancel, for one delivery or every delivery a filter matches.
 * A retried delivery to an endpoint that cannot receive now (disabled,
 * auto-disabled or removed) is held: it goes out when the endpoint is enabled
 * or comes back, like the rest of that endpoint's backlog.
 */
import { HttpError } from "../http/errors";
import type { ControlResult } from "../outbox/controls";
import { parseDeliveryId } from "../outbox/types";
import { ADMIN_SECURITY, adminGroup } from "./access";
import { walkPages } from "./bulk";
import { unknownDelivery } from "./deliveries";
import type { AdminDeps } from "./deps";
import { toFilter } from "./filters";
import { BulkCancelBody, BulkRetryBody, IdParams } from "./params";
import { renderDelivery } from "./render";
import { Cancelled, Delivery, Retried } from "./shapes";

export function deliveryActionRoutes(deps: AdminDeps) {
  const { app, parseJson } = adminGroup("admin-delivery-actions", deps);
  const holdFor = (endpointId: string) => deps.endpoints.get(endpointId)?.state.state !== "active";
  const doc = (summary: string) => ({ summary, tags: ["deliveries"], security: ADMIN_SECURITY });

  /** Applies a single-row action and answers the delivery as it is now. */
  const single = (id: string, action: "retry" | "cancel", run: (seq: number) => ControlResult) => {
    const seq = parseDeliveryId(id);
    const result = seq === null ? "missing" : run(seq);
    if (result === "missing") throw unknownDelivery(id);
    const row = deps.queries.delivery(seq!)!;
    if (result === "wrong_state") {
      const allowed = action === "retry" ? "pending, failed or delivered" : "pending or held";
      throw new HttpError(409, "wrong_state", `delivery ${id} is ${row.status}; only ${allowed} deliveries can be ${action === "retry" ? "retried" : "cancelled"}`);
    }
    return renderDelivery(row);
  };

  return app
    .post(
      "/v1/deliveries/:id/retry",
      ({ params }) => {
        const answer = single(params.id, "retry", (seq) => deps.controls.retry(seq, deps.clock.now(), holdFor));
        deps.wake();
        return answer;
      },
      { parse: "none", params: IdParams, response: { 200: Delivery }, detail: doc("Queue a pending, failed or delivered delivery now") },
    )
    .post(
      "/v1/deliveries/:id/cancel",
      ({ params }) => single(params.id, "cancel", (seq) => deps.controls.cancel(seq, deps.clock.now())),
      { parse: "none", params: IdParams, response: { 200: Delivery }, detail: doc("Cancel a pending or held delivery") },
    )
    .post(
      "/v1/deliveries/retry",
      async ({ body }) => {
        const now = deps.clock.now();
        const filter = toFilter(body, { cursor: body.cursor, direction: "asc", source: "body", now }, deps.queries);
        const done = await walkPages(filter, body.limit, (f, size) => deps.controls.retryPage(f, size, now, holdFor), deps.wake);
        return { retried: done.changed, next_cursor: done.nextCursor };
      },
      { parse: parseJson, body: BulkRetryBody, response: { 200: Retried }, detail: doc("Queue every delivery matching the filter now") },
    )
    .post(
      "/v1/deliveries/cancel",
      async ({ body }) => {
        const now = deps.clock.now();
        const filter = toFilter(body, { cursor: body.cursor, direction: "asc", source: "body", now }, deps.queries);
        const done = await walkPages(filter, body.limit, (f, size) => deps.controls.cancelPage(f, size, now), () => {});
        return { cancelled: done.changed, next_cursor: done.nextCursor };
      },
      { parse: parseJson, body: BulkCancelBody, response: { 200: Cancelled }, detail: doc("Cancel every pending or held delivery matching the filter") },
    );
}
