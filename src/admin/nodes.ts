/** @module admin/nodes — `GET /v1/nodes`: the nodes alive on this database, by id (admin token only). */
import { t } from "elysia";
import { NODE_ALIVE_MS } from "../scheduler/jobs";
import { ADMIN_SECURITY, adminGroup } from "./access";
import type { AdminDeps } from "./deps";
import { DEFAULT_PAGE, PageLimit } from "./params";
import { iso } from "./render";
import { NodeList } from "./shapes";

const NodeQuery = t.Object(
  {
    limit: t.Optional(PageLimit),
    cursor: t.Optional(t.String({ minLength: 1, description: "The last id of the previous page" })),
  },
  { additionalProperties: false },
);

export function nodeRoutes(deps: AdminDeps) {
  return adminGroup("admin-nodes", deps).app.get(
    "/v1/nodes",
    async ({ query }) => {
      const limit = query.limit === undefined ? DEFAULT_PAGE : Number(query.limit);
      // One row more than asked says whether another page exists.
      const rows = await deps.nodes.alive(deps.clock.now() - NODE_ALIVE_MS, query.cursor ?? null, limit + 1);
      const page = rows.slice(0, limit);
      const items = page.map((n) => ({
        id: n.id,
        hostname: n.hostname,
        version: n.version,
        started_at: iso(n.startedAt),
        last_seen_at: iso(n.lastSeenAt),
        in_flight: n.inFlight,
      }));
      return { items, next_cursor: rows.length > limit ? page.at(-1)!.id : null };
    },
    {
      query: NodeQuery,
      response: { 200: NodeList },
      detail: { summary: "The nodes alive on this database, each as its last heartbeat said", operationId: "listNodes", tags: ["nodes"], security: ADMIN_SECURITY },
    },
  );
}
