/** @module admin/events — `GET /v1/events/:id`: the event and its deliveries, within the caller's scope. */
import { HttpError } from "../http/errors";
import { inScope } from "../scope";
import { adminGroup, scopeOf, TENANT_SECURITY } from "./access";
import type { AdminDeps } from "./deps";
import { IdParams } from "./params";
import { renderEvent } from "./render";
import { Event } from "./shapes";

export function eventRoutes(deps: AdminDeps) {
  return adminGroup("admin-events", deps).app.get(
    "/v1/events/:id",
    async ({ params, request }) => {
      const event = await deps.queries.event(params.id);
      if (!event || !inScope(scopeOf(request), event.tenant)) throw new HttpError(404, "not_found", `no event with id "${params.id}"`);
      // A Response of our own text: Elysia would serialise an object, and with it `data`, anew.
      const text = renderEvent(event, await deps.queries.eventDeliveries(event.id));
      return new Response(text, { headers: { "content-type": "application/json" } });
    },
    {
      params: IdParams,
      response: { 200: Event },
      detail: { summary: "One event and its deliveries", operationId: "getEvent", tags: ["events"], security: TENANT_SECURITY },
    },
  );
}
