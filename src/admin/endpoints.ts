/**
 * @module admin/endpoints
 * The endpoint routes: `GET /v1/endpoints` (a listing by id),
 * `GET /v1/endpoints/:id`, and `POST …/enable`, `…/disable`, `…/test`, which
 * work on endpoints of both sources. Enable and disable are idempotent: they
 * answer the endpoint in whatever state it ends up. A portal session reaches
 * only its tenant's endpoints (another tenant's is 404) and may enable or
 * disable only the ones created over the API.
 */
import { t } from "elysia";
import type { RegisteredEndpoint } from "../endpoints/registry";
import { REASON_OPERATOR } from "../endpoints/registry";
import { forbidden } from "../http/auth";
import { HttpError } from "../http/errors";
import { deliveryId } from "../outbox/types";
import { inScope, type Scope } from "../scope";
import { adminGroup, scopeOf, TENANT_SECURITY } from "./access";
import type { AdminDeps } from "./deps";
import { listEndpoints, renderRegistered, viewEndpoint } from "./endpoint-view";
import { oneOf } from "./literals";
import { DEFAULT_PAGE, IdParams, PageLimit } from "./params";
import { Endpoint, EndpointList, TestSent } from "./shapes";

/** The event type an operator's probe is sent as. */
export const TEST_EVENT_TYPE = "webhook.test";

const EndpointQuery = t.Object(
  {
    tenant: t.Optional(t.String({ minLength: 1 })),
    source: t.Optional(oneOf(["config", "api"])),
    state: t.Optional(oneOf(["active", "disabled", "auto_disabled", "removed"])),
    limit: t.Optional(PageLimit),
    cursor: t.Optional(t.String({ minLength: 1, description: "The last id of the previous page" })),
  },
  { additionalProperties: false },
);

export function endpointRoutes(deps: AdminDeps) {
  const { app } = adminGroup("admin-endpoints", deps);
  const doc = (summary: string, operationId: string) => ({ summary, operationId, tags: ["endpoints"], security: TENANT_SECURITY });
  return app
    .get(
      "/v1/endpoints",
      ({ query, request }) => {
        const filter = { tenant: query.tenant ?? null, source: query.source ?? null, state: query.state ?? null };
        const limit = query.limit === undefined ? DEFAULT_PAGE : Number(query.limit);
        return listEndpoints(deps, scopeOf(request), filter, query.cursor ?? null, limit);
      },
      {
        query: EndpointQuery,
        response: { 200: EndpointList },
        detail: doc("Endpoints by id: registered ones, and removed ones that still have a backlog", "listEndpoints"),
      },
    )
    .get(
      "/v1/endpoints/:id",
      async ({ params, request }) => {
        const found = await viewEndpoint(deps, params.id, scopeOf(request));
        if (!found) throw unknownEndpoint(params.id);
        return found;
      },
      { params: IdParams, response: { 200: Endpoint }, detail: doc("One endpoint: settings, state, counters and backlog", "getEndpoint") },
    )
    .post(
      "/v1/endpoints/:id/enable",
      async ({ params, request }) => {
        const live = switchable(deps, params.id, scopeOf(request));
        if (await deps.endpoints.enable(params.id, deps.clock.now())) deps.noteDue(params.id);
        return renderRegistered(deps, live);
      },
      { parse: "none", params: IdParams, response: { 200: Endpoint }, detail: doc("Enable: reset failure counters, release held deliveries", "enableEndpoint") },
    )
    .post(
      "/v1/endpoints/:id/disable",
      async ({ params, request }) => {
        const live = switchable(deps, params.id, scopeOf(request));
        await deps.endpoints.disable(params.id, "disabled", REASON_OPERATOR, deps.clock.now());
        return renderRegistered(deps, live);
      },
      { parse: "none", params: IdParams, response: { 200: Endpoint }, detail: doc("Disable: hold new and pending deliveries", "disableEndpoint") },
    )
    .post(
      "/v1/endpoints/:id/test",
      async ({ params, request }) => {
        const live = registered(deps, params.id, scopeOf(request));
        const tenant = live.config.tenant;
        const event = await deps.ingest.emit(TEST_EVENT_TYPE, { test: true, endpoint_id: params.id }, [params.id], true, tenant);
        const row = await deps.queries.deliveryOf(event.id, params.id);
        // emit() with an explicit endpoint list always creates its delivery; the boundary logs it if not.
        if (!row) throw new Error(`test event ${event.id} was stored without a delivery to ${params.id}`);
        return { event_id: event.id, delivery_id: deliveryId(row.seq) };
      },
      {
        parse: "none",
        params: IdParams,
        response: { 200: TestSent },
        detail: doc("Send a webhook.test event to this endpoint alone, even while it is disabled", "testEndpoint"),
      },
    );
}

/** The registered endpoint `id` in the caller's scope; 404 otherwise (another tenant's ids reveal nothing). */
export function registered(deps: AdminDeps, id: string, scope: Scope): RegisteredEndpoint {
  const live = deps.endpoints.get(id);
  if (!live || !inScope(scope, live.config.tenant)) throw unknownEndpoint(id);
  return live;
}

/** A tenant switches only the endpoints it created over the API; the config's own are read and test only. */
function switchable(deps: AdminDeps, id: string, scope: Scope): RegisteredEndpoint {
  const live = registered(deps, id, scope);
  if (scope.kind === "tenant" && live.source === "config") throw forbidden(`endpoint "${id}" comes from the config file; only an admin token may enable or disable it`);
  return live;
}

export function unknownEndpoint(id: string): HttpError {
  return new HttpError(404, "not_found", `no endpoint with id "${id}"`);
}
