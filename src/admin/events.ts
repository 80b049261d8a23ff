/** @module admin/events — `GET /v1/events/:id`: the event and its deliveries. */
import { HttpError } from "../http/errors";
import { ADMIN_SECURITY, adminGroup } from "./access";
import type { AdminDeps } from "./deps";
import { IdParams } from "./params";
import { renderEvent } from "./render";
import { Event } from "./shapes";

export function eventRoutes(deps: AdminDeps) {
  return adminGroup("admin-events", deps).app.get(
    "/v1/events/:id",
    ({ params }) => {
      const event = deps.queries.event(params.id);
      if (!event) throw new HttpError(404, "not_found", `no event with id "${params.id}"`);
      // A Response of our own text: Elysia would serialise an object, and with it `data`, anew.
      return new Response(renderEvent(event, deps.queries.eventDeliveries(event.id)), { headers: { "content-type": "application/json" } });
    },
    { params: IdParams, response: { 200: Event }, detail: { summary: "One event and its deliveries", tags: ["events"], security: ADMIN_SECURITY } },
  );
}
