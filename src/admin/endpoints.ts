/**
 * @module admin/endpoints
 * `GET /v1/endpoints`, `GET /v1/endpoints/:id`, and `POST …/enable`,
 * `…/disable`, `…/test`. Enable and disable are idempotent: they answer the
 * endpoint in whatever state it ends up.
 */
import { HttpError } from "../http/errors";
import { deliveryId } from "../outbox/types";
import { REASON_OPERATOR } from "../scheduler/endpoints";
import { ADMIN_SECURITY, adminGroup } from "./access";
import type { AdminDeps } from "./deps";
import { listEndpoints, viewEndpoint } from "./endpoint-view";
import { IdParams } from "./params";
import { Endpoint, EndpointList, TestSent } from "./shapes";

/** The event type an operator's probe is sent as. */
export const TEST_EVENT_TYPE = "webhook.test";

export function endpointRoutes(deps: AdminDeps) {
  const { app } = adminGroup("admin-endpoints", deps);
  const view = (id: string) => {
    const found = viewEndpoint(deps, id);
    if (!found) throw unknownEndpoint(id);
    return found;
  };
  const configured = (id: string) => {
    if (!deps.endpoints.get(id)) throw unknownEndpoint(id);
  };
  const doc = (summary: string) => ({ summary, tags: ["endpoints"], security: ADMIN_SECURITY });
  return app
    .get("/v1/endpoints", () => ({ items: listEndpoints(deps), next_cursor: null }), {
      response: { 200: EndpointList },
      detail: doc("Every configured endpoint, and removed ones that still have a backlog"),
    })
    .get("/v1/endpoints/:id", ({ params }) => view(params.id), {
      params: IdParams,
      response: { 200: Endpoint },
      detail: doc("One endpoint: settings, state, counters and backlog"),
    })
    .post(
      "/v1/endpoints/:id/enable",
      ({ params }) => {
        configured(params.id);
        if (deps.endpoints.enable(params.id, deps.clock.now())) deps.wake();
        return view(params.id);
      },
      { parse: "none", params: IdParams, response: { 200: Endpoint }, detail: doc("Enable: reset failure counters, release held deliveries") },
    )
    .post(
      "/v1/endpoints/:id/disable",
      ({ params }) => {
        configured(params.id);
        deps.endpoints.disable(params.id, "disabled", REASON_OPERATOR, deps.clock.now());
        return view(params.id);
      },
      { parse: "none", params: IdParams, response: { 200: Endpoint }, detail: doc("Disable: hold new and pending deliveries") },
    )
    .post(
      "/v1/endpoints/:id/test",
      async ({ params }) => {
        configured(params.id);
        const event = await deps.ingest.emit(TEST_EVENT_TYPE, { test: true, endpoint_id: params.id }, [params.id], true);
        const row = deps.queries.deliveryOf(event.id, params.id);
        // emit() with an explicit endpoint list always creates its delivery; the boundary logs it if not.
        if (!row) throw new Error(`test event ${event.id} was stored without a delivery to ${params.id}`);
        return { event_id: event.id, delivery_id: deliveryId(row.seq) };
      },
      {
        parse: "none",
        params: IdParams,
        response: { 200: TestSent },
        detail: doc("Send a webhook.test event to this endpoint alone, even while it is disabled"),
      },
    );
}

function unknownEndpoint(id: string): HttpError {
  return new HttpError(404, "not_found", `no endpoint with id "${id}"`);
}
