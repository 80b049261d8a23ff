/**
 * @module admin/nodes
 * `GET /v1/nodes` (admin only): the nodes running on this database, by id —
 * the ones whose heartbeat is younger than ALIVE_MS. On SQLite that is this
 * process alone.
 */
import { t } from "elysia";
import { ResponseInteger } from "../http/response-integer";
import { ALIVE_MS } from "../scheduler/node-heartbeat";
import type { NodeRow } from "../storage/stores";
import { ADMIN_SECURITY, adminGroup } from "./access";
import type { AdminDeps } from "./deps";
import { DEFAULT_PAGE, PageLimit } from "./params";
import { iso } from "./render";

const NodeQuery = t.Object(
  {
    limit: t.Optional(PageLimit),
    cursor: t.Optional(t.String({ minLength: 1, description: "The last id of the previous page" })),
  },
  { additionalProperties: false },
);

const Node = t.Object({
  id: t.String({ description: "The node's id, new at every start; its leases name it as their owner" }),
  hostname: t.String(),
  version: t.String({ description: "The hookrelay version the node runs" }),
  started_at: t.String({ description: "When the node started" }),
  last_seen_at: t.String({ description: "The node's last heartbeat" }),
  in_flight: ResponseInteger({ minimum: 0, description: "Attempts the node was running at its last heartbeat" }),
});

const NodePage = t.Object({
  items: t.Array(Node),
  next_cursor: t.Nullable(t.String({ description: "Pass back as `cursor` for the next page" })),
});

function renderNode(n: NodeRow): typeof Node.static {
  return { id: n.id, hostname: n.hostname, version: n.version, started_at: iso(n.startedAt), last_seen_at: iso(n.lastSeenAt), in_flight: n.inFlight };
}

export function nodeRoutes(deps: AdminDeps) {
  return adminGroup("admin-nodes", deps).app.get(
    "/v1/nodes",
    async ({ query }) => {
      const limit = query.limit === undefined ? DEFAULT_PAGE : Number(query.limit);
      const rows = await deps.nodes.alive(deps.clock.now() - ALIVE_MS, query.cursor ?? null, limit + 1);
      const page = rows.slice(0, limit);
      return { items: page.map(renderNode), next_cursor: rows.length > limit ? page.at(-1)!.id : null };
    },
    {
      query: NodeQuery,
      response: { 200: NodePage },
      detail: { summary: "The nodes alive on this database: each one's host, version and attempts in flight", operationId: "listNodes", tags: ["nodes"], security: ADMIN_SECURITY },
    },
  );
}
